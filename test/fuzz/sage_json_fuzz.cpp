// Sage's response decoders: the list envelope and, as the connector reads them, each item as a
// contact, a sales invoice, a purchase invoice, a sales quote and a sales estimate; one contact;
// one quote; error bodies. Any bytes give a
// value or an error.

#include "connectors/sage/contacts.hpp"
#include "connectors/sage/errors.hpp"
#include "connectors/sage/invoices.hpp"
#include "connectors/sage/lists.hpp"
#include "connectors/sage/quotes.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace sage = capsync::sage;
  const auto body = capsync::fuzz::as_text(data, size);
  if (auto list = sage::parse_list(body)) {
    for (const auto& item : list->items->GetArray()) {
      (void)sage::parse_contact(item);
      (void)sage::parse_invoice(item, capsync::model::InvoiceType::sales);
      (void)sage::parse_invoice(item, capsync::model::InvoiceType::purchase);
      (void)sage::parse_quote(item, sage::QuoteKind::quote);
      (void)sage::parse_quote(item, sage::QuoteKind::estimate);
      (void)sage::html_link(item);
    }
  }
  (void)sage::parse_contact_body(body);
  (void)sage::parse_quote_body(body, sage::QuoteKind::quote);
  (void)sage::map_error(capsync::fuzz::refusal(422, body), "create contact");
  return 0;
}
