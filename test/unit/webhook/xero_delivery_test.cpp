// Xero webhook bodies as the spec (shared/specs/xero-webhooks.yaml) and real deliveries show them.

#include <catch2/catch.hpp>

#include "connectors/xero/webhook_delivery.hpp"

using namespace capsync;
using capsync::webhook::RecordKind;

TEST_CASE("Xero delivery: CONTACT and INVOICE events name records, other categories none") {
  auto d = xero::parse_webhook_delivery(R"({"events":[
    {"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/717f2bfc","resourceId":"717f2bfc",
     "eventDateUtc":"2024-06-21T01:15:39.902","eventType":"UPDATE","eventCategory":"CONTACT",
     "tenantId":"c2cc9b6e","tenantType":"ORGANISATION"},
    {"resourceUrl":"x","resourceId":"inv-1","eventDateUtc":"2025-05-01T14:32:04.198","eventType":"Update",
     "eventCategory":"Invoice","tenantId":"c2cc9b6e","tenantType":"ORGANISATION"},
    {"resourceUrl":"x","resourceId":"cn-1","eventDateUtc":"2025-12-02T00:44:09.923","eventType":"CREATE",
     "eventCategory":"CREDITNOTE","tenantId":"c2cc9b6e","tenantType":"ORGANISATION",
     "data":{"Type":"ACCPAYCREDIT","Status":"DRAFT"}}],
    "lastEventSequence":3,"firstEventSequence":1,"entropy":"S0m3r4Nd0mt3xt"})");
  REQUIRE(d);
  REQUIRE(d->events.size() == 2);
  CHECK(d->events[0].kind == RecordKind::contact);
  CHECK(d->events[0].resource_id == "717f2bfc");
  CHECK(d->events[0].tenant_id == "c2cc9b6e");
  CHECK(d->events[1].kind == RecordKind::invoice);  // "Invoice" as Xero's HTML pages spell it
  CHECK(d->ignored == 1);
  CHECK(d->first_sequence == 1);
  CHECK(d->last_sequence == 3);
}

TEST_CASE("Xero delivery: intent-to-receive names nothing, a body that is no delivery is refused") {
  auto intent = xero::parse_webhook_delivery(
      R"({"events":[],"lastEventSequence":0,"firstEventSequence":0,"entropy":"S0m3r4Nd0mt3xt"})");
  REQUIRE(intent);
  CHECK(intent->events.empty());
  CHECK_FALSE(xero::parse_webhook_delivery(""));
  CHECK_FALSE(xero::parse_webhook_delivery(R"({"events":{}})"));
  CHECK_FALSE(xero::parse_webhook_delivery(R"({"events":[{"eventCategory":"INVOICE","tenantId":"t"}]})"));
}
