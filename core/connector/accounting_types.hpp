#pragma once
// Plain request/response types of the accounting side (no JSON, no Asio).

#include <optional>
#include <string>
#include <utility>

#include "core/model/contact.hpp"

namespace capsync::connector {

struct Tenant {
  std::string id;    // Xero tenantId, FreshBooks account_id, Sage business id, ...
  std::string name;  // for messages and `capsyncctl status`
};

struct Capabilities {
  bool idempotency_key = false;  // creates carry a key; else search by name before create
  bool deletion_feed = false;    // deletions show up in list_contacts (else: full-scan inference)
  bool archived_in_list = false; // archived contacts come back with status archived (R15)
  bool supplier_flag = false;    // contacts say customer and/or supplier
  bool website_writable = true;  // Xero's Website is read-only through the API
  bool quotes_read = false;       // list_quotes works (R18)
  bool quotes_write = false;      // create_quote, update_quote, find_quotes_by_reference work (R19-R21)
  bool quotes_update = false;     // the service keeps drafts that update_quote changes (R21)
};

// R10 push: `desired` is what Capsule says now; `current` the contact as last read from the
// provider; `previous` what Capsule said at the last push (or link). Providers with partial
// updates send only the fields that differ from `current` (all of them when it is unknown)
// and, when `previous` is known, also differ from it: a field Capsule did not change keeps
// the accounting side's value, even one Capsule never had.
struct ContactUpdate {
  ContactUpdate(model::ContactDetails desired_details, std::optional<model::Contact> current_contact,
                std::optional<model::ContactDetails> previous_details = std::nullopt)
      : desired(std::move(desired_details)), current(std::move(current_contact)),
        previous(std::move(previous_details)) {}

  model::ContactDetails desired;
  std::optional<model::Contact> current;
  std::optional<model::ContactDetails> previous;
};

}  // namespace capsync::connector
