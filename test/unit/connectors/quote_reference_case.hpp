#pragma once
// The create-then-find-by-reference case (R20) every quote connector shares: a quote created
// with reference "Capsule opportunity #42" is found by exactly that reference, and not by
// "Capsule opportunity #4", which it starts with. quote_reference_case.cpp holds the one test
// case; each provider's quotes test links it and defines make_quote_target() with its own
// sandbox and connector.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/connector/accounting_connector.hpp"
#include "core/model/quote.hpp"

namespace capsync::test {

struct QuoteTarget {
  std::shared_ptr<void> owner;  // keeps the sandbox, io_context and connector alive
  boost::asio::io_context* io = nullptr;
  connector::AccountingConnector* connector = nullptr;
  model::QuoteSpec spec;  // a quote the service accepts; the case sets its reference
  model::QuoteStatus created_status = model::QuoteStatus::draft;  // as the service answers a create
};

// Defined by each provider's quotes test.
QuoteTarget make_quote_target();

// The quote with remote id `id` in `list`, or nullptr.
const model::Quote* find_quote(const std::vector<model::Quote>& list, std::string_view id);

// A quote for `contact`: "Website redesign", "Three pages and a blog", dated 2026-02-01, expiring
// 2026-03-01, one line of 3 x 1,000.50 GBP, the service's default account and tax.
model::QuoteSpec website_quote(std::string contact, std::string reference);

}  // namespace capsync::test
