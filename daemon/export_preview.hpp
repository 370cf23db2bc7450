#pragma once
// The "export-preview" admin command behind `capsyncctl export` (R12, R13): which Capsule
// party an export of PARTY (an id or an exact name) would send, its fields as they land in the
// provider's contact, and whether the accounting side already has a contact of that name, or
// of a name differing only by case, spacing, punctuation or legal suffix (the export then
// records a name clash or near-duplicate instead of creating, as the export job does). It reads the
// party from Capsule and asks the accounting service for contacts of that name; it writes
// nothing anywhere, not even capsync's own store.
//
//   -> {"cmd":"export-preview","connection":"acme","party":"Fine Ltd"}
//   <- {"ok":true,"connection":"acme","provider":"xero",
//       "party":{"id":21,"name":"Sam Smith","type":"person"},
//       "exported":{"id":31,"name":"Fine Ltd","type":"organisation"},   (B2B: the organisation)
//       "outcome":"create",                      (create | linked | name_clash | near_duplicate)
//       "linked_to":"c-1",                       (linked only)
//       "existing":[{"id":"c-9","name":"Fine Ltd","status":"active"}],  (name_clash, near_duplicate)
//       "fields":[{"field":"name","provider_field":"Name","value":"Fine Ltd"}, …]}
//   <- {"ok":false,"error":"2 Capsule parties are named \"Sam Smith\": 21 (person), 22 (person); …"}

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "daemon/admin_protocol.hpp"  // export_preview_command, export_preview_request

namespace capsync::engine {
class ConnectorSource;
}

namespace capsync::daemon {

class Daemon;

// Answers one export-preview request line. `daemon` gives the config and the state database.
boost::asio::awaitable<std::string> export_preview(Daemon& daemon, engine::ConnectorSource& connectors,
                                                   std::string request_line);

}  // namespace capsync::daemon
