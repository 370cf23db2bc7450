// Sage: contacts typed CUSTOMER and/or VENDOR (inactive when archived), sales invoices and
// purchase invoices; money as exact JSON numbers. Quotes (the data set's, deleted ones left
// out), every third one an estimate (an expired one is PENDING past its expiry date).

#include "test/sandbox/seed_render.hpp"

#include <fmt/format.h>

namespace capsync::sandbox {
namespace {

// Sage ids are 32 hex digits: the neutral key without its dashes.
std::string sage_id(const std::string& key) {
  std::string id;
  for (char c : key)
    if (c != '-') id += c;
  return id;
}

const char* status_of(SeedInvoiceStatus status) {
  switch (status) {
    case SeedInvoiceStatus::draft: return "DRAFT";
    case SeedInvoiceStatus::voided: return "VOID";
    default: return nullptr;  // UNPAID / PART_PAID / PAID from total_paid
  }
}

void money(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  write_decimal(w, value);
}

void write_invoices(JsonWriter& w, const SeedDataset& data, bool bills) {
  w.Key(bills ? "purchase_invoices" : "sales_invoices");
  w.StartArray();
  for (const auto& inv : data.invoices) {
    if (inv.bill != bills) continue;
    w.StartObject();
    write_string(w, "id", sage_id(inv.key));
    write_string(w, "contact_id", sage_id(data.contacts[inv.contact].key));
    write_string(w, bills ? "vendor_reference" : "invoice_number", inv.number);
    write_string(w, "reference", inv.reference);
    w.Key("date_offset_days");
    w.Int64(inv.date_offset_days);
    w.Key("due_date_offset_days");
    w.Int64(inv.due_offset_days);
    write_string(w, "currency_id", inv.currency);
    money(w, "net_amount", inv.subtotal);
    money(w, "tax_amount", inv.tax);
    money(w, "total_amount", inv.total);
    money(w, "total_paid", inv.paid);
    if (const char* status = status_of(inv.status)) {
      write_string(w, "status_id", status);
      if (inv.status == SeedInvoiceStatus::voided) write_string(w, "void_reason", "Raised in error");
    }
    if (!bills) {
      w.Key("sent");
      w.Bool(inv.status != SeedInvoiceStatus::draft);
    }
    if (!inv.updated_at.empty()) write_string(w, "updated_at", inv.updated_at);
    w.EndObject();
  }
  w.EndArray();
}

const char* quote_status(SeedQuoteStatus status) {
  switch (status) {
    case SeedQuoteStatus::draft: return "DRAFT";
    case SeedQuoteStatus::accepted: return "ACCEPTED";
    case SeedQuoteStatus::declined: return "DECLINED";
    case SeedQuoteStatus::invoiced: return "INVOICED";
    default: return "PENDING";  // sent; expired is PENDING past its expiry date
  }
}

void write_quotes(JsonWriter& w, const SeedDataset& data, bool estimates) {
  w.Key(estimates ? "sales_estimates" : "sales_quotes");
  w.StartArray();
  for (std::size_t number = 1; number <= data.quotes.size(); ++number) {
    const SeedQuote& q = data.quotes[number - 1];
    // Sage has no deleted quotes to list: a deleted one is gone.
    if (q.status == SeedQuoteStatus::deleted || (number % 3 == 0) != estimates) continue;
    w.StartObject();
    write_string(w, "id", sage_id(q.key));  // the quote's UUID without dashes: 32 hex digits
    write_string(w, "contact_id", sage_id(data.contacts[q.contact].key));
    write_string(w, estimates ? "estimate_number" : "quote_number",
                 fmt::format("{}{}", estimates ? "SE-" : "SQ-", number));
    write_string(w, "status_id", quote_status(q.status));
    w.Key("sent");
    w.Bool(q.status != SeedQuoteStatus::draft);
    write_string(w, "currency_id", q.currency);
    money(w, "net_amount", q.subtotal);
    w.Key("date_offset_days");
    w.Int64(q.date_offset_days);
    w.Key("expiry_date_offset_days");
    w.Int64(q.expiry_offset_days);
    if (!q.updated_at.empty()) write_string(w, "updated_at", q.updated_at);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

void render_sage_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials) {
  w.StartObject();
  write_credentials(w, credentials);
  w.Key("contacts");
  w.StartArray();
  for (const auto& c : data.contacts) {
    w.StartObject();
    write_string(w, "id", sage_id(c.key));
    write_string(w, "name", c.name);
    write_string(w, "email", c.email);
    w.Key("is_active");
    w.Bool(!c.archived);
    w.Key("contact_type_ids");
    w.StartArray();
    if (c.customer || !c.supplier) w.String("CUSTOMER");
    if (c.supplier) w.String("VENDOR");
    w.EndArray();
    if (!c.updated_at.empty()) write_string(w, "updated_at", c.updated_at);
    w.EndObject();
  }
  w.EndArray();
  write_invoices(w, data, false);
  write_invoices(w, data, true);
  write_quotes(w, data, false);
  write_quotes(w, data, true);
  w.EndObject();
}

}  // namespace capsync::sandbox
