#pragma once
// The "plan" admin command behind `capsyncctl plan` (engine/plan.hpp): what the next sync of
// a connection would do, with nothing written on either side or in capsync's store.
//
//   -> {"cmd":"plan","connection":"acme","full":false}
//   <- {"ok":true,"connection":"acme","full":false,"plan":{
//        "link":[{"party":{"id":11,"name":"Acme Ltd"},"contact":{"id":"c-1","name":"Acme Ltd"},"changes":[]}],
//        "create_in_capsule":[{"party":{"id":null,"name":"New Corp"},"contact":{…},"changes":["organisation 'New Corp'"]}],
//        "update_in_capsule":[{"party":{…},"contact":null,"changes":["Outstanding: '' -> '100.00 GBP'"]}],
//        "push":[…],"export":[{"party":{…},"contact":{"id":null,"name":"Jane Doe"},"changes":[…]}],
//        "quotes":[{"party":{…},"contact":{…},"changes":["would draft a quote for opportunity #12 'Website' → Acme Ltd, 1,200.00 GBP"]}],
//        "unlink":[…],
//        "conflicts":[{"kind":"ambiguous_match","parties":[{…}],"contact":{…},"detail":"…"}],
//        "reads":7}}
//   A party or contact the sync would create has "id":null.
//   <- {"ok":false,"error":"connection \"acme\" is disabled (capsyncctl enable acme first)"}

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "core/engine/plan.hpp"
#include "daemon/admin_protocol.hpp"  // plan_command, plan_request

namespace capsync::engine {
class ConnectorSource;
}

namespace capsync::daemon {

class Daemon;

// The response line for `plan`.
std::string plan_response(std::string_view connection, bool full, const engine::Plan& plan);

// Answers one plan request line. The plan runs on a copy of the daemon's state database, so
// it neither waits for nor holds up the connection's jobs.
boost::asio::awaitable<std::string> plan(Daemon& daemon, engine::ConnectorSource& connectors,
                                         std::string request_line);

}  // namespace capsync::daemon
