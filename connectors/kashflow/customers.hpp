#pragma once
// KashFlow REST customers JSON <-> model::Contact (REST customer example on kashflow.com and
// CappyTech docs/CustomersRESTExample.json). Suppliers share these members and this mapping
// (suppliers.hpp says where they differ).
//
// Identity: remote_id = Code. KashFlow's REST addresses a customer only by its code
// (/v2/customers/{code}) and invoices name only CustomerCode, so the code is the one key every
// read carries; the numeric Id is not used. Whether a KashFlow user can change a code is
// unverified: a changed code reads as a deleted customer plus a new one with the same name.
// A customer is a customer only: suppliers are a separate resource with codes of their own, and
// a supplier's remote_id is "supplier:" + its code (suppliers.hpp), never a bare code.
//
// Fields: Name; Contacts[0] (Firstname/LastName/Name, Email, Telephone, Mobile, Fax, Website) is
// the contact person; the top-level Email/TelephoneNumber/MobileNumber/FaxNumber/Website are read
// first (Contacts[0] fills what they leave empty) and both are written with the same values.
// Addresses[0] (a supplier's Address object): Line1-Line2 = street (a third street line joins the second), Line3 = town,
// Line4 = county, PostCode, CountryName (CountryCode read when the name is missing). KashFlow has
// no person flag: a customer whose contact person has exactly its name reads as a person.
// IsArchived -> archived; LastUpdatedDate -> updated_at.
//
// Writes: POST /customers sends Code, Name, Contacts[0], Addresses[0] and the top-level
// fields. An update reads the customer, changes what the update asks for and sends the whole
// customer back (whether KashFlow's PUT is partial is unverified, so nothing relies on it).

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/accounting_types.hpp"
#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"

namespace capsync::kashflow {

Result<model::Contact> parse_customer(const rapidjson::Value& item);
// The items of a customers list; an item that cannot be read is described in `unreadable`.
connector::Decoded<model::Contact> parse_customers(const rapidjson::Value& items);
// The members customers and suppliers share, as a customer (remote_id = Code); `noun` names the
// record in errors.
Result<model::Contact> parse_contact_record(const rapidjson::Value& item, std::string_view noun);
// A single customer body (GET/POST/PUT /customers[/{code}]).
Result<model::Contact> parse_customer_body(std::string_view body);

// A new customer's code: up to 6 letters/digits of the name, upper case, and a two-digit
// number `n` ("ACMELT01"); "CUST" when the name has none.
std::string customer_code(std::string_view name, int n);

// The POST /customers body. CreateCustomerCodeIfDuplicate asks KashFlow for another code
// should this one be taken (the flag's effect is unverified; the caller also tries others).
std::string customer_create_body(const model::ContactDetails& spec, std::string_view code);
// `current_body` is the customer (or supplier) as just read (GET /customers/{code},
// /suppliers/{code}). The whole record with the fields the update changes (desired differs from
// current and, when known, from previous), or nullopt when nothing is to change.
Result<std::optional<std::string>> customer_update_body(std::string_view current_body,
                                                        const connector::ContactUpdate& update);

}  // namespace capsync::kashflow
