// KashFlow: customers and suppliers are separate records with their own codes; invoices name the
// customer's code, purchases the supplier's. Money as exact decimal text. Quotes
// (the data set's) but the deleted and the invoiced ones, which KashFlow deletes once converted (quote settings
// QuoteDelete); KashFlow keeps no quote status.

#include "test/sandbox/seed_render.hpp"

#include <fmt/format.h>

namespace capsync::sandbox {
namespace {

constexpr std::int64_t kFirstCustomerId = 1001;

// KashFlow codes look like "ACME0001": up to four letters of the name, then a number.
std::string customer_code(const SeedContact& c, std::size_t n) {
  std::string prefix;
  for (char ch : c.name) {
    if (prefix.size() == 4) break;
    if (ch >= 'a' && ch <= 'z') prefix += static_cast<char>(ch - 'a' + 'A');
    else if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) prefix += ch;
  }
  if (prefix.empty()) prefix = "CUST";
  return fmt::format("{}{:04d}", prefix, n + 1);
}

std::string supplier_code(std::size_t n) { return fmt::format("SUP{:04d}", n + 1); }

bool is_customer(const SeedContact& c) { return c.customer || !c.supplier; }

const char* status_of(SeedInvoiceStatus status) {
  switch (status) {
    case SeedInvoiceStatus::draft: return "Draft";
    case SeedInvoiceStatus::voided: return "Void";
    default: return nullptr;  // Paid / Overdue / PartiallyPaid / Unpaid from amounts and dates
  }
}

void write_invoices(JsonWriter& w, const SeedDataset& data, bool bills) {
  w.Key(bills ? "purchases" : "invoices");
  w.StartArray();
  std::int64_t number = 1;
  for (const auto& inv : data.invoices) {
    if (inv.bill != bills || (!bills && !is_customer(data.contacts[inv.contact]))) continue;
    w.StartObject();
    w.Key("Number");
    w.Int64(number++);
    write_string(w, bills ? "SupplierCode" : "CustomerCode",
                 bills ? supplier_code(inv.contact) : customer_code(data.contacts[inv.contact], inv.contact));
    w.Key("IssuedDateOffsetDays");
    w.Int64(inv.date_offset_days);
    w.Key("DueDateOffsetDays");
    w.Int64(inv.due_offset_days);
    write_string(w, "NetAmount", inv.subtotal);
    write_string(w, "VATAmount", inv.tax);
    write_string(w, "GrossAmount", inv.total);
    write_string(w, "TotalPaidAmount", inv.paid);
    w.Key("Currency");
    w.StartObject();
    write_string(w, "Code", inv.currency);
    w.EndObject();
    if (const char* status = status_of(inv.status)) write_string(w, "Status", status);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

void render_kashflow_seed(JsonWriter& w, const SeedDataset& data, const rapidjson::Value& credentials) {
  w.StartObject();
  write_credentials(w, credentials);
  // Customers and suppliers take the same members, each list with codes of its own.
  auto write_contacts = [&](const char* key, bool suppliers) {
    w.Key(key);
    w.StartArray();
    for (std::size_t i = 0; i < data.contacts.size(); ++i) {
      const auto& c = data.contacts[i];
      if (suppliers ? !c.supplier : !is_customer(c)) continue;
      w.StartObject();
      if (!suppliers) {
        w.Key("Id");
        w.Int64(kFirstCustomerId + static_cast<std::int64_t>(i));
      }
      write_string(w, "Code", suppliers ? supplier_code(i) : customer_code(c, i));
      write_string(w, "Name", c.name);
      write_string(w, "Email", c.email);
      w.Key("IsArchived");
      w.Bool(c.archived);
      w.EndObject();
    }
    w.EndArray();
  };
  write_contacts("customers", false);
  write_contacts("suppliers", true);
  write_invoices(w, data, false);
  write_invoices(w, data, true);
  w.Key("quotes");
  w.StartArray();
  for (std::size_t number = 1; number <= data.quotes.size(); ++number) {
    const SeedQuote& q = data.quotes[number - 1];
    if (q.status == SeedQuoteStatus::invoiced || q.status == SeedQuoteStatus::deleted) continue;
    w.StartObject();
    w.Key("Number");
    w.Int64(static_cast<std::int64_t>(number));
    write_string(w, "CustomerCode", customer_code(data.contacts[q.contact], q.contact));
    write_string(w, "CustomerReference", fmt::format("Q{:03d}", number));
    write_string(w, "NetAmount", q.subtotal);
    w.Key("DateOffsetDays");
    w.Int64(q.date_offset_days);
    w.Key("Currency");
    w.StartObject();
    write_string(w, "Code", q.currency);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace capsync::sandbox
