#pragma once
// KashFlow's list envelope {"Data":[...],"MetaData":{"NextPageUrl":<URL or null>,"TotalRecords":N}}
// (CappyTech KashFlowAPI docs/apiFetchingGuide.md): a reader goes on while NextPageUrl is set.

#include <string_view>

#include <rapidjson/document.h>

#include "core/error/result.hpp"

namespace capsync::kashflow {

struct ListEnvelope {
  rapidjson::Document doc;
  const rapidjson::Value* items = nullptr;  // inside doc
  bool has_next = false;
  long long total = 0;
};

// Errc::protocol when the body is not JSON or has no "Data" array.
Result<ListEnvelope> parse_list(std::string_view body);

}  // namespace capsync::kashflow
