#pragma once
// ConnectionPolicy: the part of a connection's configuration the decision logic follows.
// Plain data; the daemon builds it from config once per connection (policy_from).

#include <optional>
#include <string>

#include "core/config/settings.hpp"

namespace capsync::sync {

struct ConnectionPolicy {
  // R3: the provider's contacts carry no customer flag, so invoices decide (policy_from sets it).
  bool qualifies_by_invoices = true;
  config::Matching matching = config::Matching::exact;                         // R1
  bool include_supplier_invoices = false;                                      // R6
  std::optional<std::string> default_team;                                     // R4
  config::OnCapsuleDelete on_capsule_delete = config::OnCapsuleDelete::recreate;  // R14
  config::SummaryFields summary_fields;                                        // R6
  std::string overdue_tag = "Overdue invoices";                                // R6
  bool invoice_note = false;                                                   // R7
  std::string export_tag;  // R12; empty = export only on the operator's request
  // R28: the invoice note's heading names the service and its organisation, so connections on
  // one Capsule account each find their own note. The organisation is filled in once known.
  std::string service;       // e.g. "Xero"
  std::string organisation;  // the accounting organisation's name; empty until read
  // R18: the accounting connector reads quotes (its capabilities().quotes_read); the engine sets
  // it, as the config does not know. Off: no quote is read, written or shown.
  bool quotes_read = false;
};

inline ConnectionPolicy policy_from(const config::ConnectionConfig& connection) {
  const auto& s = connection.sync;
  return ConnectionPolicy{connection.accounting.provider.qualifies_by_invoices, s.matching, s.include_supplier_invoices,
                          s.default_team, s.on_capsule_delete, s.summary_fields, s.overdue_tag,
                          s.invoice_note, s.export_tag, std::string(connection.accounting.provider.display), {}};
}

}  // namespace capsync::sync
