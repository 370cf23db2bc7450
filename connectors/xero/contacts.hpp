#pragma once
// Xero Contacts JSON <-> model::Contact.
//
// Person or organisation: a Xero contact has a Name plus an optional primary person
// (FirstName, LastName, EmailAddress). We read it as a *person with no company* when it has a
// first or last name and its Name is exactly "First Last" (trimmed, one space) — what Xero
// itself fills in when a person is entered without a company. Any other contact is an
// organisation whose primary person becomes the contact person.
//
// Writes: create sends every field; update sends only the fields that differ from the
// contact as last read and, when ContactUpdate::previous is known, that Capsule changed since
// (Xero updates are partial; a supplied array replaces the old one, so Phones carry the
// managed PhoneTypes with Xero's own number where Capsule's did not change, and Addresses the
// POBOX address we own).
// Website is read-only in Xero's API and is never sent.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/connector/accounting_types.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::xero {

struct Pagination {
  int page = 0;
  int page_size = 0;
  int page_count = 0;
  int item_count = 0;
};

struct ContactsPage {
  std::vector<model::Contact> contacts;
  std::vector<model::UnreadableRecord> unreadable;  // elements skipped: not contacts capsync can read
  std::optional<Pagination> pagination;
};

// One element of "Contacts". Errc::protocol when ContactID is missing or a date is bad.
Result<model::Contact> parse_contact(const rapidjson::Value& element);
// A whole GET/PUT/POST Contacts response body. Errc::protocol when the body is not such a
// page; an element that cannot be read is described in `unreadable` instead.
Result<ContactsPage> parse_contacts(std::string_view body);
Result<std::optional<Pagination>> parse_pagination(const rapidjson::Value& root);
// Whether a list has a page after `page`: from the pagination object when there is one, else
// whether this page (`raw` elements) was full.
bool more_pages(const std::optional<Pagination>& p, int page, std::size_t raw, int page_size);
// The records the whole listing holds: `pagination.itemCount`, which Xero sends on paged
// requests (`page=`) of Contacts and Invoices beside pageCount (Xero's OpenAPI
// https://github.com/XeroAPI/Xero-OpenAPI xero_accounting.yaml, schema Pagination and the
// getContacts/getInvoices examples). None without a pagination object.
std::optional<std::int64_t> listed_total(const std::optional<Pagination>& p);

// {"Contacts":[{...}]} for PUT /Contacts.
std::string contact_create_body(const model::ContactDetails& spec);
// {"Contacts":[{"ContactID":..., changed fields}]} for POST /Contacts/{id}; nullopt when
// nothing differs from update.current.
std::optional<std::string> contact_update_body(std::string_view remote_id,
                                               const connector::ContactUpdate& update);

}  // namespace capsync::xero
