#pragma once
// FreshBooks' accounting response envelope: {"response":{"result":{…}}}; lists add page,
// pages, per_page and total next to the items. Paging is by page number: the items end
// where page reaches pages, and a page past the last is empty.

#include <cstdint>
#include <string_view>

#include <rapidjson/document.h>

#include "core/error/result.hpp"

namespace capsync::freshbooks {

// The "result" object of a parsed body; Errc::protocol when the envelope is missing.
Result<const rapidjson::Value*> result_of(const rapidjson::Document& doc);

struct Paging {
  std::int64_t page = 1, pages = 1, total = 0;
};
// page/pages/total of a list result; Errc::protocol when one is not a number.
Result<Paging> paging_of(const rapidjson::Value& result);

}  // namespace capsync::freshbooks
