#pragma once
// Xero PUT /Invoices: creates sales invoices and bills the way a bookkeeper would in Xero,
// so tests can add invoices after a sync. Status defaults to DRAFT, as in Xero.

#include <random>

#include "test/sandbox/http_message.hpp"
#include "test/sandbox/xero_books.hpp"

namespace capsync::sandbox {

Response xero_create_invoices(XeroBooks& books, const Request& request, TimePoint now, std::mt19937_64& rng);

}  // namespace capsync::sandbox
