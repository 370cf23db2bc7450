// FreeAgent: contacts (organisation or first/last name, Hidden when archived, is_supplier) and
// sales invoices; the sandbox keeps no bills, so suppliers' invoices are left out. Estimates
// (the data set's quotes, deleted ones left out) in every FreeAgent status; FreeAgent has no expiry.

#include "test/sandbox/seed_render.hpp"

#include <fmt/format.h>

namespace capsync::sandbox {
namespace {

constexpr std::int64_t kFirstContactId = 100001;
constexpr std::int64_t kFirstInvoiceId = 500001;
constexpr std::int64_t kFirstEstimateId = 700001;

const char* estimate_status(SeedQuoteStatus status) {
  switch (status) {
    case SeedQuoteStatus::draft: return "Draft";
    case SeedQuoteStatus::accepted: return "Approved";
    case SeedQuoteStatus::declined: return "Rejected";
    case SeedQuoteStatus::invoiced: return "Invoiced";
    default: return "Sent";
  }
}

const char* status_of(SeedInvoiceStatus status) {
  switch (status) {
    case SeedInvoiceStatus::draft: return "Draft";
    case SeedInvoiceStatus::voided: return "Cancelled";
    default: return nullptr;  // derived from amounts and dates
  }
}

}  // namespace

void render_freeagent_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials) {
  w.StartObject();
  write_credentials(w, credentials);
  w.Key("contacts");
  w.StartArray();
  for (std::size_t i = 0; i < data.contacts.size(); ++i) {
    const auto& c = data.contacts[i];
    w.StartObject();
    w.Key("id");
    w.Int64(kFirstContactId + static_cast<std::int64_t>(i));
    if (c.person) {
      write_string(w, "first_name", c.first);
      write_string(w, "last_name", c.last);
    } else {
      write_string(w, "organisation_name", c.name);
    }
    write_string(w, "email", c.email);
    write_string(w, "status", c.archived ? "Hidden" : "Active");
    w.Key("is_supplier");
    w.Bool(c.supplier);
    if (!c.updated_at.empty()) write_string(w, "updated_at", c.updated_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("invoices");
  w.StartArray();
  std::int64_t id = kFirstInvoiceId;
  for (const auto& inv : data.invoices) {
    if (inv.bill) continue;
    w.StartObject();
    w.Key("id");
    w.Int64(id++);
    w.Key("contact");
    w.Int64(kFirstContactId + static_cast<std::int64_t>(inv.contact));
    write_string(w, "reference", inv.number);
    w.Key("dated_on_offset_days");
    w.Int64(inv.date_offset_days);
    w.Key("due_on_offset_days");
    w.Int64(inv.due_offset_days);
    write_string(w, "currency", inv.currency);
    write_string(w, "net_value", inv.subtotal);
    write_string(w, "sales_tax_value", inv.tax);
    write_string(w, "paid_value", inv.paid);
    if (const char* status = status_of(inv.status)) write_string(w, "status", status);
    if (!inv.updated_at.empty()) write_string(w, "updated_at", inv.updated_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("estimates");
  w.StartArray();
  for (std::size_t number = 1; number <= data.quotes.size(); ++number) {
    const SeedQuote& q = data.quotes[number - 1];
    if (q.status == SeedQuoteStatus::deleted) continue;  // a deleted estimate is gone in FreeAgent
    w.StartObject();
    w.Key("id");
    w.Int64(kFirstEstimateId + static_cast<std::int64_t>(number));
    w.Key("contact");
    w.Int64(kFirstContactId + static_cast<std::int64_t>(q.contact));
    write_string(w, "reference", fmt::format("E{:03d}", number));
    write_string(w, "status", estimate_status(q.status));
    write_string(w, "estimate_type", "Quote");
    write_string(w, "currency", q.currency);
    write_string(w, "net_value", q.subtotal);
    w.Key("dated_on_offset_days");
    w.Int64(q.date_offset_days);
    if (!q.updated_at.empty()) write_string(w, "updated_at", q.updated_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace capsync::sandbox
