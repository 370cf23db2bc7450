#pragma once
// The provider-neutral data set of a generated seed: the accounting side's contacts and
// invoices, which each provider's renderer writes in that provider's seed shape.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

namespace capsync::sandbox {

struct SeedContact {
  std::string key;  // stable per contact; renderers derive their ids from it
  std::string name, first, last, email, currency;
  std::string updated_at;  // ISO time, distinct per record so incremental reads can skip it
  bool person = false, archived = false, supplier = false, customer = false;
};

enum class SeedInvoiceStatus { draft, submitted, authorised, paid, voided };

struct SeedInvoice {
  std::string key;          // stable per invoice, like SeedContact::key
  std::size_t contact = 0;  // index into SeedDataset::contacts
  bool bill = false;        // a supplier's (purchase) invoice
  SeedInvoiceStatus status = SeedInvoiceStatus::authorised;
  std::string number, reference, currency;
  std::string subtotal, tax, total, paid;  // exact decimal text
  std::string updated_at;                  // like SeedContact::updated_at
  std::int64_t date_offset_days = 0, due_offset_days = 0;
};

// Xero's quote statuses; each renderer maps them to its service's own.
enum class SeedQuoteStatus { draft, sent, accepted, declined, invoiced, deleted };

struct SeedQuote {
  std::string key;          // stable per quote, like SeedContact::key
  std::size_t contact = 0;  // index into SeedDataset::contacts (a customer)
  SeedQuoteStatus status = SeedQuoteStatus::draft;
  std::string number, reference, title, summary, currency;
  std::string subtotal, tax, total;  // exact decimal text
  std::string updated_at;
  std::int64_t date_offset_days = 0, expiry_offset_days = 0;
};

struct SeedDataset {
  std::vector<SeedContact> contacts;
  std::vector<SeedInvoice> invoices;
  std::vector<SeedQuote> quotes;
};

// Reads the data set back from the generator's Xero section, the canonical rendering
// (parsed with numbers as strings so money keeps its digits).
std::optional<SeedDataset> read_seed_dataset(const rapidjson::Value& xero_section);

}  // namespace capsync::sandbox
