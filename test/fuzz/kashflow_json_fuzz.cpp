// KashFlow's response decoders: the list envelope and, as the connector reads them, each item
// as a customer, a supplier, a sales invoice, a purchase and a quote; one customer, supplier or
// quote; the two session login answers; error bodies. Any bytes give a value or an error.

#include "connectors/kashflow/customers.hpp"
#include "connectors/kashflow/errors.hpp"
#include "connectors/kashflow/invoices.hpp"
#include "connectors/kashflow/lists.hpp"
#include "connectors/kashflow/quotes.hpp"
#include "connectors/kashflow/session.hpp"
#include "connectors/kashflow/suppliers.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace kashflow = capsync::kashflow;
  constexpr std::string_view origin = "https://api.kashflow.com";
  const auto body = capsync::fuzz::as_text(data, size);
  if (auto list = kashflow::parse_list(body)) {
    for (const auto& item : list->items->GetArray()) {
      (void)kashflow::parse_customer(item);
      (void)kashflow::parse_supplier(item);
      (void)kashflow::parse_invoice(item, origin);
      (void)kashflow::parse_purchase(item, origin);
      (void)kashflow::parse_quote(item, origin);
    }
  }
  (void)kashflow::parse_customer_body(body);
  (void)kashflow::parse_supplier_body(body);
  (void)kashflow::parse_quote_body(body, origin);
  (void)kashflow::customer_update_body(body, capsync::connector::ContactUpdate(capsync::model::ContactDetails{}, std::nullopt));
  (void)kashflow::parse_challenge(body);
  (void)kashflow::parse_session_token(body);
  (void)kashflow::error_code(body);
  (void)kashflow::map_error(capsync::fuzz::refusal(400, body), "create customer");
  (void)kashflow::login_error(capsync::fuzz::refusal(400, body), kashflow::LoginStep::password);
  return 0;
}
