// FreshBooks: clients (organization or fname/lname, archived as vis_state 2), their invoices and
// estimates. FreshBooks has no suppliers: supplier-only contacts and bills are left out. Its
// estimates have no declined state: declined quotes are left out; deleted ones are vis_state 1.

#include "test/sandbox/seed_render.hpp"

namespace capsync::sandbox {
namespace {

constexpr std::int64_t kFirstClientId = 1001;
constexpr std::int64_t kFirstInvoiceId = 2001;
constexpr std::int64_t kFirstEstimateId = 3001;
constexpr int kArchived = 2, kDeleted = 1;

bool is_client(const SeedContact& c) { return c.customer || !c.supplier; }

// FreshBooks' estimate status code (https://www.freshbooks.com/api/estimates); 0 = none.
int estimate_status(SeedQuoteStatus status) {
  switch (status) {
    case SeedQuoteStatus::draft: return 1;
    case SeedQuoteStatus::deleted: return 1;  // with vis_state 1
    case SeedQuoteStatus::sent: return 2;
    case SeedQuoteStatus::accepted: return 5;
    case SeedQuoteStatus::invoiced: return 6;
    case SeedQuoteStatus::declined: return 0;
  }
  return 0;
}

void write_estimates(JsonWriter& w, const SeedDataset& data) {
  w.Key("estimates");
  w.StartArray();
  std::int64_t id = kFirstEstimateId;
  for (const auto& q : data.quotes) {
    int status = estimate_status(q.status);
    if (status == 0 || !is_client(data.contacts[q.contact])) continue;
    w.StartObject();
    w.Key("id");
    w.Int64(id++);
    w.Key("customerid");
    w.Int64(kFirstClientId + static_cast<std::int64_t>(q.contact));
    write_string(w, "estimate_number", q.number);
    w.Key("status");
    w.Int(status);
    if (q.status == SeedQuoteStatus::deleted) {
      w.Key("vis_state");
      w.Int(kDeleted);
    }
    write_string(w, "po_number", q.reference);
    write_string(w, "notes", q.summary);
    w.Key("create_date_offset_days");
    w.Int64(q.date_offset_days);
    write_string(w, "currency_code", q.currency);
    write_string(w, "amount", q.total);
    w.EndObject();
  }
  w.EndArray();
}

void amount(JsonWriter& w, const char* key, const std::string& value, const std::string& currency) {
  w.Key(key);
  w.StartObject();
  write_string(w, "amount", value);
  write_string(w, "code", currency);
  w.EndObject();
}

}  // namespace

void render_freshbooks_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials) {
  w.StartObject();
  write_credentials(w, credentials);
  w.Key("customers");
  w.StartArray();
  for (std::size_t i = 0; i < data.contacts.size(); ++i) {
    const auto& c = data.contacts[i];
    if (!is_client(c)) continue;
    w.StartObject();
    w.Key("id");
    w.Int64(kFirstClientId + static_cast<std::int64_t>(i));
    if (c.person) {
      write_string(w, "fname", c.first);
      write_string(w, "lname", c.last);
    } else {
      write_string(w, "organization", c.name);
    }
    write_string(w, "email", c.email);
    write_string(w, "currency_code", c.currency);
    w.Key("vis_state");
    w.Int(c.archived ? kArchived : 0);
    w.EndObject();
  }
  w.EndArray();
  w.Key("invoices");
  w.StartArray();
  std::int64_t id = kFirstInvoiceId;
  for (const auto& inv : data.invoices) {
    if (inv.bill || !is_client(data.contacts[inv.contact])) continue;
    w.StartObject();
    w.Key("id");
    w.Int64(id++);
    w.Key("customerid");
    w.Int64(kFirstClientId + static_cast<std::int64_t>(inv.contact));
    write_string(w, "invoice_number", inv.number);
    w.Key("create_date_offset_days");
    w.Int64(inv.date_offset_days);
    w.Key("due_date_offset_days");
    w.Int64(inv.due_offset_days);
    write_string(w, "currency_code", inv.currency);
    amount(w, "amount", inv.total, inv.currency);
    amount(w, "paid", inv.paid, inv.currency);
    if (inv.status == SeedInvoiceStatus::draft) write_string(w, "v3_status", "draft");
    if (inv.status == SeedInvoiceStatus::voided) {
      w.Key("vis_state");
      w.Int(kDeleted);
    }
    w.EndObject();
  }
  w.EndArray();
  write_estimates(w, data);
  w.EndObject();
}

}  // namespace capsync::sandbox
