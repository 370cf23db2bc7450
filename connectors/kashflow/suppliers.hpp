#pragma once
// KashFlow REST suppliers JSON -> model::Contact, and the remote ids that keep suppliers apart
// from customers.
//
// Identity: a supplier's remote_id is "supplier:" + Code. KashFlow keeps suppliers in a list of
// their own (/v2/suppliers/{code}), with codes unique among suppliers only, so a supplier and a
// customer may both be "ACME01". A KashFlow code is letters and digits: no customer code (a
// customer's remote_id is its bare Code, as stored in bindings made before suppliers were read)
// holds a ':', so a prefixed id is never a customer's. Purchases name their supplier by
// SupplierCode and carry the same id as their contact (invoices.hpp).
//
// Fields (kashflow.com/developers/rest-api/suppliers): Code, Name, Contacts[] (name, title, first
// name, last name, telephone, fax, mobile, website), Address (an object where a customer has
// Addresses[]), IsArchived, CreatedDate, LastUpdatedDate: read and written as a customer's
// (customers.hpp). A supplier maps to is_customer = false, is_supplier = true.
// Unverified: whether a supplier has a customer's top-level Email/TelephoneNumber/MobileNumber/
// FaxNumber/Website (read when present and written at both levels, as for a customer), the member
// names inside Address (read as a customer's address lines), and whether PUT is partial (the
// whole supplier goes back). capsync never creates suppliers: an export (R12) makes a customer.

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "core/connector/page.hpp"
#include "core/error/result.hpp"
#include "core/model/contact.hpp"

namespace capsync::kashflow {

std::string supplier_remote_id(std::string_view code);
// The supplier code in a supplier's remote id; nullopt for a customer's.
std::optional<std::string_view> supplier_code(std::string_view remote_id);

Result<model::Contact> parse_supplier(const rapidjson::Value& item);
// The items of a suppliers list; an item that cannot be read is described in `unreadable`.
connector::Decoded<model::Contact> parse_suppliers(const rapidjson::Value& items);
// A single supplier body (GET/PUT /suppliers/{code}).
Result<model::Contact> parse_supplier_body(std::string_view body);

}  // namespace capsync::kashflow
