#include "core/sync/quote_list.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/sync/newest_first.hpp"

namespace capsync::sync {

bool counts_as_open(const model::Quote& quote, model::Date today) {
  if (!model::is_open(quote.status)) return false;
  return !quote.expiry_date || *quote.expiry_date >= today;
}

Result<OpenQuotes> open_quotes(std::span<const model::Quote> quotes, model::Date today) {
  OpenQuotes out;
  for (const auto& q : quotes) {
    if (!counts_as_open(q, today)) continue;
    if (auto s = out.total.add(q.total); !s) return s.error();
    out.quotes.push_back(q);
  }
  std::sort(out.quotes.begin(), out.quotes.end(), newer<model::Quote>);
  return out;
}

std::string render_quote_section(const OpenQuotes& open) {
  std::string out = "Quotes\n";
  if (open.quotes.empty()) out += "No open quotes.\n";
  for (const auto& q : open.quotes) out += render_quote_line(q) + '\n';
  return out;
}

std::string render_quote_line(const model::Quote& q) {
  std::string out = fmt::format("Quote {}: {} {}", q.number.empty() ? q.remote_id : q.number, q.total.to_display(),
                                q.currency);
  if (q.issue_date) out += fmt::format(", dated {}", model::format_date(*q.issue_date));
  if (q.expiry_date) out += fmt::format(", expires {}", model::format_date(*q.expiry_date));
  out += fmt::format(" ({})", model::display_name(q.status));
  if (!q.url.empty()) out += fmt::format(" {}", q.url);
  return out;
}

}  // namespace capsync::sync
