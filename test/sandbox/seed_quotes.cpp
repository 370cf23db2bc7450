#include "test/sandbox/seed_quotes.hpp"

namespace capsync::sandbox {

std::vector<SeedQuote> derive_seed_quotes(const SeedDataset& data) {
  constexpr SeedQuoteStatus kCycle[] = {SeedQuoteStatus::draft,    SeedQuoteStatus::sent,     SeedQuoteStatus::accepted,
                                        SeedQuoteStatus::declined, SeedQuoteStatus::invoiced, SeedQuoteStatus::expired};
  std::vector<SeedQuote> out;
  std::size_t seen = 0;
  for (const auto& inv : data.invoices) {
    const SeedContact& c = data.contacts[inv.contact];
    if (inv.bill || c.archived || (c.supplier && !c.customer)) continue;
    if (seen++ % 2 != 0) continue;
    SeedQuote q;
    q.key = "q" + inv.key;
    q.contact = inv.contact;
    q.number = out.size() + 1;
    q.status = kCycle[out.size() % std::size(kCycle)];
    q.subtotal = inv.subtotal;
    q.currency = inv.currency;
    q.updated_at = inv.updated_at;
    q.date_offset_days = inv.date_offset_days - 14;
    q.expiry_offset_days = q.status == SeedQuoteStatus::expired ? -1 : q.date_offset_days + 365;
    if (q.status == SeedQuoteStatus::expired && q.date_offset_days > -2) q.date_offset_days = -31;
    out.push_back(std::move(q));
  }
  return out;
}

}  // namespace capsync::sandbox
