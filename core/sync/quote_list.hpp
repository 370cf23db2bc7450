#pragma once
// The open quotes of a linked party (R18): which of its quotes count as open, and how they read
// in the invoice note. One definition serves the `open_quotes` total and the note alike, so a
// quote never shows in one and not the other.

#include <span>
#include <string>
#include <vector>

#include "core/error/result.hpp"
#include "core/model/date_time.hpp"
#include "core/model/money_by_currency.hpp"
#include "core/model/quote.hpp"

namespace capsync::sync {

// R18: issued and still awaiting the customer — sent, and not past its expiry date (`today` in
// the connection's time zone). Xero has no EXPIRED status: a sent quote past its expiry can no
// longer be accepted, so it counts as expired here.
bool counts_as_open(const model::Quote& quote, model::Date today);

struct OpenQuotes {
  std::vector<model::Quote> quotes;  // newest first (issue date, then number, then id)
  model::MoneyByCurrency total;      // per currency, never added across currencies (R8)
};

// The open quotes among `quotes` and their total. Fails only if a total overflows.
Result<OpenQuotes> open_quotes(std::span<const model::Quote> quotes, model::Date today);

// One quote as a person reads it: "Quote QU-0001: 1,500.00 GBP, dated 2024-06-01, expires
// 2024-07-01 (Sent) <link>" (number, date, expiry, status, amount, link), no line break.
std::string render_quote_line(const model::Quote& quote);

// The note's "Quotes" section: its heading, then one line per open quote (number, date, expiry,
// status, amount, link), or a line saying there are none.
std::string render_quote_section(const OpenQuotes& open);

}  // namespace capsync::sync
