#pragma once
// A Xero webhook delivery's body (shared/specs/xero-webhooks.yaml, api/webhooks-quotes.md §1):
// `{"events":[…],"firstEventSequence","lastEventSequence","entropy"}`. Only ids are taken from
// it (R23: the payload is a hint). CONTACT and INVOICE events name records capsync refreshes;
// CREDITNOTE and SUBSCRIPTION events name none (the periodic sync reads what a credit note
// changes). Intent-to-receive is a delivery with no events.

#include <string>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/webhook/event.hpp"

namespace capsync::xero {

struct XeroWebhookEvent {
  std::string tenant_id;  // the organisation (Xero's tenantId)
  webhook::RecordKind kind = webhook::RecordKind::contact;
  std::string resource_id;
};

struct XeroDelivery {
  std::vector<XeroWebhookEvent> events;  // the CONTACT and INVOICE ones
  int ignored = 0;                       // events of other categories
  std::int64_t first_sequence = 0, last_sequence = 0;  // logged only: their meaning is unconfirmed
};

// Errc::protocol when the body is not a delivery (not JSON, no `events` array, an event
// without tenantId or resourceId).
Result<XeroDelivery> parse_webhook_delivery(std::string_view body);

}  // namespace capsync::xero
