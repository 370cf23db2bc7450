#pragma once
// Plain request/response types of the accounting side (no JSON, no Asio).

#include <optional>
#include <string>

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
};

// R10 push: `desired` is what Capsule says now; `current` the contact as last read from the
// provider. Providers with partial updates send only the fields that differ from `current`
// (all of them when it is unknown).
struct ContactUpdate {
  model::ContactDetails desired;
  std::optional<model::Contact> current;
};

}  // namespace capsync::connector
