#pragma once
// FreshBooks invoices JSON -> model::Invoice. …/invoices/invoices holds sales invoices only
// (bills are another resource, never read), so every invoice is InvoiceType::sales; customerid
// is the client's id.
//
// Status: vis_state 1 (deleted) -> deleted, whatever v3_status says. Otherwise v3_status:
// draft, created -> draft; paid, autopaid -> paid; anything else (sent, viewed, partial,
// disputed, failed, retry, overdue, …) -> authorised, i.e. still owed. Archived invoices
// (vis_state 2) still count, as FreshBooks documents.
// Money: amount (total), paid, outstanding (due) are {"amount":"41.94","code":"CAD"} decimal
// strings, read exactly. Dates: create_date (issue) and due_date, "YYYY-MM-DD".

#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "connectors/freshbooks/envelope.hpp"
#include "core/error/result.hpp"
#include "core/model/invoice.hpp"
#include "core/model/unreadable_record.hpp"

namespace capsync::freshbooks {

model::InvoiceStatus invoice_status(std::string_view v3_status, std::int64_t vis_state);

// One invoice object. Errc::protocol when id/customerid is missing or a field is malformed.
Result<model::Invoice> parse_invoice(const rapidjson::Value& element);

struct InvoicePage {
  std::vector<model::Invoice> items;
  std::vector<model::UnreadableRecord> unreadable;  // elements skipped: not invoices capsync can read
  Paging paging;
};
// {"response":{"result":{"invoices":[…],"page","pages",…}}}.
Result<InvoicePage> parse_invoice_list(std::string_view body);

}  // namespace capsync::freshbooks
