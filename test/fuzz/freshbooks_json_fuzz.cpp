// FreshBooks' response decoders: client and invoice list envelopes (with paging), one client,
// the user's business memberships and error bodies. Any bytes give a value or an error.

#include "connectors/freshbooks/business.hpp"
#include "connectors/freshbooks/clients.hpp"
#include "connectors/freshbooks/errors.hpp"
#include "connectors/freshbooks/invoices.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace freshbooks = capsync::freshbooks;
  const auto body = capsync::fuzz::as_text(data, size);
  (void)freshbooks::parse_client_list(body);
  (void)freshbooks::parse_single_client(body);
  (void)freshbooks::parse_invoice_list(body);
  (void)freshbooks::parse_memberships(body);
  (void)freshbooks::error_messages(body);
  (void)freshbooks::map_error(capsync::fuzz::refusal(422, body), "create client");
  return 0;
}
