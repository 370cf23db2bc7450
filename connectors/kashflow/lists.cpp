#include "connectors/kashflow/lists.hpp"

#include "core/connector/json.hpp"

namespace capsync::kashflow {

namespace json = connector::json;

Result<ListEnvelope> parse_list(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  ListEnvelope out;
  out.doc = std::move(*doc);
  out.items = json::array(out.doc, "Data");
  if (out.items == nullptr) return Error(Errc::protocol, "no \"Data\" array in the list");
  if (const auto* meta = json::object(out.doc, "MetaData")) {
    auto next = json::text(*meta, "NextPageUrl");
    out.has_next = next && !next->empty();
    auto total = json::integer(*meta, "TotalRecords");
    if (!total) return total.error();
    out.total = total->value_or(0);
  }
  return out;
}

}  // namespace capsync::kashflow
