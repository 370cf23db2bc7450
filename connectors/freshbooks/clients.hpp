#pragma once
// FreshBooks clients JSON <-> model::Contact.
//
// Ids: the numeric client id as text. Person or organisation: FreshBooks has no such flag and
// no single name field; a client whose organization is empty, or only repeats "fname lname"
// (FreshBooks fills a missing organization from the person's name), is a person named
// "fname lname"; otherwise an organisation named `organization` whose fname/lname/email are
// its contact person. Customer only: FreshBooks keeps vendors and bills in other resources,
// so every client is a customer and none is a supplier (R6). vis_state 0 = active,
// 2 = archived, 1 = deleted (R15). `updated` is a US/Eastern wall time.
// Fields: email, bus_phone (main), mob_phone (mobile), fax, home_phone (read only) and the
// primary address p_street/p_street2/p_city/p_province/p_code/p_country (first street line
// in p_street, the rest joined into p_street2). FreshBooks clients have no website field:
// it is not written.
//
// Writes: create sends the non-empty fields; update (PUT, partial) only those that differ from
// the client as last read and, when known, from what Capsule said at the last push, "" clearing
// a field. vis_state is never sent with them: FreshBooks drops every other field of a PUT that
// carries one.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "connectors/freshbooks/envelope.hpp"
#include "core/connector/accounting_types.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::freshbooks {

// One client object. Errc::protocol when id is missing or a field is malformed.
Result<model::Contact> parse_client(const rapidjson::Value& element);

struct ClientPage {
  std::vector<model::Contact> items;
  std::vector<model::UnreadableRecord> unreadable;  // elements skipped: not clients capsync can read
  Paging paging;
};
// {"response":{"result":{"clients":[…],"page","pages",…}}}.
Result<ClientPage> parse_client_list(std::string_view body);
// {"response":{"result":{"client":{…}}}}.
Result<model::Contact> parse_single_client(std::string_view body);

// {"client":{…}} for POST …/users/clients.
std::string client_create_body(const model::ContactDetails& spec);
// {"client":{changed fields}} for PUT …/users/clients/{id}; nullopt when nothing is to change.
std::optional<std::string> client_update_body(const connector::ContactUpdate& update);

}  // namespace capsync::freshbooks
