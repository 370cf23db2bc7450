#pragma once
// Xero /Contacts and /Invoices handlers over one tenant's books.

#include <optional>
#include <random>
#include <string>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/xero_books.hpp"

namespace capsync::sandbox {

enum class XeroWriteMode { create, update_or_create, update_one };

// GET /Contacts and GET /Contacts/{ContactID}.
Response xero_get_contacts(XeroBooks& books, const Request& request, std::optional<std::string> id, TimePoint now,
                           std::mt19937_64& rng);
// PUT /Contacts, POST /Contacts, POST /Contacts/{ContactID}.
Response xero_write_contacts(XeroBooks& books, const Request& request, XeroWriteMode mode,
                             std::optional<std::string> id, TimePoint now, std::mt19937_64& rng);
// GET /Invoices and GET /Invoices/{InvoiceID}.
Response xero_get_invoices(XeroBooks& books, const Request& request, std::optional<std::string> id, TimePoint now,
                           std::mt19937_64& rng);

}  // namespace capsync::sandbox
