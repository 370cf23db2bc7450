#pragma once
// Sage contacts JSON <-> model::Contact (swagger Contact, postContacts, putContacts).
//
// Customer or supplier: contact_types[].id CUSTOMER / VENDOR (both possible). Sage has no
// person/organisation flag; a contact whose main contact person has exactly the contact's
// name is read as a person with no company (what a B2C export writes), anything else as an
// organisation whose main contact person is its contact person.
// Email, telephone, mobile and fax live on main_contact_person (the top-level email is a
// read-only mirror); the address is main_address with country_id. There is no website field.
// Deleted contacts (deleted_at, from deleted_since) read as deleted; is_active=false as archived.
//
// Writes are wrapped {"contact":{...}}. Create sends name, contact_type_ids [CUSTOMER], the
// person and the address, and idempotency_id; update sends only what differs from the contact
// as last read (PUT is partial; nested objects carry only their changed keys).

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/accounting_types.hpp"
#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"

namespace capsync::sage {

Result<model::Contact> parse_contact(const rapidjson::Value& item);
// The "$items" of a contacts list; an item that cannot be read is described in `unreadable`.
connector::Decoded<model::Contact> parse_contacts(const rapidjson::Value& items);
// A single contact body (GET/POST/PUT /contacts[/{id}]).
Result<model::Contact> parse_contact_body(std::string_view body);

// {"contact":{...}} for POST /contacts. `idempotency_id` is left out when empty.
std::string contact_create_body(const model::ContactDetails& spec, std::string_view idempotency_id);
// {"contact":{changed fields}} for PUT /contacts/{id}; nullopt when nothing differs.
std::optional<std::string> contact_update_body(const connector::ContactUpdate& update);

// Sage wants a "random 32 character hyphenless GUID": a UUID key loses its hyphens, any other
// key gives the first 32 hex digits of its SHA-256 (the same key always gives the same id).
std::string idempotency_id(std::string_view key);

}  // namespace capsync::sage
