// FreeAgent's response decoders: contact, invoice and estimate lists, one contact, one estimate,
// the company and error bodies. Any bytes give a value or an error.

#include "connectors/freeagent/contacts.hpp"
#include "connectors/freeagent/errors.hpp"
#include "connectors/freeagent/estimates.hpp"
#include "connectors/freeagent/invoices.hpp"
#include "connectors/freeagent/links.hpp"
#include "core/connector/headers.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace freeagent = capsync::freeagent;
  const auto body = capsync::fuzz::as_text(data, size);
  (void)freeagent::parse_contacts(body);
  (void)freeagent::parse_single_contact(body);
  (void)freeagent::parse_invoices(body);
  (void)freeagent::parse_estimates(body);
  (void)freeagent::parse_estimate_detail(body);
  (void)freeagent::parse_company(body);
  (void)freeagent::error_messages(body);
  (void)freeagent::map_error(capsync::fuzz::refusal(422, body), "create contact");
  (void)capsync::connector::next_link(body);
  return 0;
}
