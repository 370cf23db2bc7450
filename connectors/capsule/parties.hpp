#pragma once
// Capsule party JSON <-> model::Party, and the POST/PUT bodies capsync writes.
//
// PUT semantics (design §3): a nested item without an id is appended, one with an id is
// updated, {"id":N,"_delete":true} deletes; a list is never replaced. So update bodies are a
// diff by Capsule item id between the party as last read and the desired lists.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/connector/capsule_types.hpp"
#include "core/error/result.hpp"
#include "core/model/party.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::capsule {

Result<model::Party> parse_party(const rapidjson::Value& element);
// {"party":{...}} (GET one, POST, PUT). Errc::protocol when it cannot be read, text that is
// not valid UTF-8 included.
Result<model::Party> parse_party_body(std::string_view body);
struct PartiesPage {
  std::vector<model::Party> parties;
  std::vector<model::UnreadableRecord> unreadable;  // elements skipped: not parties capsync can read
};
// {"parties":[...]} (GET list, GET several ids). Errc::protocol when the body is not such a
// list; a party that cannot be read is described in `unreadable` instead.
Result<PartiesPage> parse_parties_body(std::string_view body);
// GET /parties/deleted: {"parties":[{"id":1,"deletedAt":"…"}]}; GET /opportunities/deleted
// names its list "opportunities".
Result<std::vector<connector::DeletedParty>> parse_deleted_body(std::string_view body,
                                                                std::string_view list_key = "parties");

// POST /parties body. A team needs its id (resolve_team first). The owner is sent as null:
// Capsule would otherwise make the token's user the owner, and R4 wants none. The spec's custom
// field values and tags go in the same body (Capsule accepts both on POST).
Result<std::string> party_create_body(const model::PartySpec& spec);
// PUT /parties/{id} body; nullopt when the patch changes nothing on `current`.
Result<std::optional<std::string>> party_update_body(const model::Party& current,
                                                     const connector::PartyPatch& patch);

}  // namespace capsync::capsule
