#pragma once
// Xero Invoices JSON -> model::Invoice. Amounts are read from the raw number text, never through
// binary floating point. Only ACCREC (sales) and ACCPAY (bills) are invoices here; other types are skipped.

#include <optional>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "connectors/xero/contacts.hpp"
#include "core/error/result.hpp"
#include "core/model/invoice.hpp"

namespace capsync::xero {

struct InvoicesPage {
  std::vector<model::Invoice> invoices;
  std::vector<model::UnreadableRecord> unreadable;  // elements skipped: not invoices capsync can read
  std::optional<Pagination> pagination;
  std::size_t raw_count = 0;  // elements in the response, skipped types included (paging)
};

// nullopt for a type capsync does not track (credit notes, prepayments, ...).
Result<std::optional<model::Invoice>> parse_invoice(const rapidjson::Value& element);
Result<InvoicesPage> parse_invoices(std::string_view body);

}  // namespace capsync::xero
