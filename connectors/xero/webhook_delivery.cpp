#include "connectors/xero/webhook_delivery.hpp"

#include <algorithm>
#include <cctype>

#include "core/connector/json.hpp"

namespace capsync::xero {

namespace json = connector::json;

namespace {

// Xero's own pages show "Invoice" as well as "INVOICE": compared without case.
bool same(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::toupper(static_cast<unsigned char>(x)) == y; });
}

}  // namespace

Result<XeroDelivery> parse_webhook_delivery(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const json::Value* events = json::array(*doc, "events");
  if (events == nullptr) return make_error(Errc::protocol, "a Xero webhook delivery has no 'events' array");
  XeroDelivery out;
  if (auto first = json::integer(*doc, "firstEventSequence"); first && *first) out.first_sequence = **first;
  if (auto last = json::integer(*doc, "lastEventSequence"); last && *last) out.last_sequence = **last;
  for (const auto& e : events->GetArray()) {
    const std::string_view category = json::text_or_empty(e, "eventCategory");
    webhook::RecordKind kind;
    if (same(category, "CONTACT")) {
      kind = webhook::RecordKind::contact;
    } else if (same(category, "INVOICE")) {
      kind = webhook::RecordKind::invoice;
    } else {
      ++out.ignored;
      continue;
    }
    const std::string_view tenant = json::text_or_empty(e, "tenantId");
    const std::string_view resource = json::text_or_empty(e, "resourceId");
    if (tenant.empty() || resource.empty())
      return make_error(Errc::protocol, "a Xero webhook event has no tenantId or resourceId");
    out.events.push_back({std::string(tenant), kind, std::string(resource)});
  }
  return out;
}

}  // namespace capsync::xero
