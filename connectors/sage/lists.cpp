#include "connectors/sage/lists.hpp"

#include "core/connector/json.hpp"

namespace capsync::sage {

namespace json = connector::json;

Result<ListEnvelope> parse_list(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  ListEnvelope out;
  out.doc = std::move(*doc);
  out.items = json::array(out.doc, "$items");
  if (out.items == nullptr) return Error(Errc::protocol, "no \"$items\" array in the list");
  auto next = json::text(out.doc, "$next");
  out.has_next = next && !next->empty();
  auto total = json::integer(out.doc, "$total");
  if (!total) return total.error();
  out.total = total->value_or(0);
  auto page = json::integer(out.doc, "$page");
  if (!page) return page.error();
  out.page = page->value_or(0);
  return out;
}

}  // namespace capsync::sage
