#pragma once
// FreeAgent contacts JSON <-> model::Contact.
//
// Ids: FreeAgent identifies a contact by its URL (".../v2/contacts/225200"); the model keeps
// the number at its end, so bindings survive a change of API host (sandbox, practice API).
// Person or organisation: a contact with no organisation_name is a person (FreeAgent requires
// first and last name then); otherwise an organisation whose first/last name is its contact
// person. Customer or supplier: FreeAgent contacts carry no such flag (only list views), so
// every contact reads as a customer (R3: every FreeAgent contact qualifies); supplier bills
// live in another resource and never reach the invoice lists. status Hidden = archived (R15).
// FreeAgent has no fax or website field: those are not written. Empty fields are omitted from
// responses, so a missing key reads as empty.
//
// Writes: create sends the non-empty fields; update (PUT, partial) only those that differ
// from the contact as last read, "" clearing a field.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/connector/accounting_types.hpp"
#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"

namespace capsync::freeagent {

// The number at the end of a FreeAgent resource URL ("…/contacts/225200" -> "225200").
std::optional<std::string> id_from_url(std::string_view url);

// One contact object. Errc::protocol when url is missing or a timestamp is bad.
Result<model::Contact> parse_contact(const rapidjson::Value& element);
// {"contacts":[…]} (list) and {"contact":{…}} (single) bodies.
// An element that cannot be read is described in `unreadable`, not an error.
Result<connector::Decoded<model::Contact>> parse_contacts(std::string_view body);
Result<model::Contact> parse_single_contact(std::string_view body);

// {"contact":{…}} for POST /v2/contacts.
std::string contact_create_body(const model::ContactDetails& spec);
// {"contact":{changed fields}} for PUT /v2/contacts/:id; nullopt when nothing differs from
// update.current (every field when current is unknown).
std::optional<std::string> contact_update_body(const connector::ContactUpdate& update);

}  // namespace capsync::freeagent
