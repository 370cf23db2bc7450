// Xero's response decoders: contact and invoice pages (with pagination), connections (tenants),
// the organisation's short code and error bodies. Any bytes give a value or an error.

#include "connectors/xero/connections.hpp"
#include "connectors/xero/contacts.hpp"
#include "connectors/xero/errors.hpp"
#include "connectors/xero/invoices.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace xero = capsync::xero;
  const auto body = capsync::fuzz::as_text(data, size);
  (void)xero::parse_contacts(body);
  (void)xero::parse_invoices(body);
  (void)xero::parse_connections(body);
  (void)xero::parse_short_code(body);
  (void)xero::map_error(capsync::fuzz::refusal(400, body), "update contact");
  return 0;
}
