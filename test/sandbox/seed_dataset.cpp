#include "test/sandbox/seed_dataset.hpp"

#include <charconv>
#include <unordered_map>

#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {
namespace {

std::int64_t integer_text(const rapidjson::Value& object, const char* key) {
  auto text = string_member(object, key).value_or("0");
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::optional<SeedInvoiceStatus> status_of(const std::string& xero) {
  if (xero == "DRAFT") return SeedInvoiceStatus::draft;
  if (xero == "SUBMITTED") return SeedInvoiceStatus::submitted;
  if (xero == "AUTHORISED") return SeedInvoiceStatus::authorised;
  if (xero == "PAID") return SeedInvoiceStatus::paid;
  if (xero == "VOIDED") return SeedInvoiceStatus::voided;
  return std::nullopt;
}

std::optional<SeedQuoteStatus> quote_status_of(const std::string& xero) {
  if (xero == "DRAFT") return SeedQuoteStatus::draft;
  if (xero == "SENT") return SeedQuoteStatus::sent;
  if (xero == "ACCEPTED") return SeedQuoteStatus::accepted;
  if (xero == "DECLINED") return SeedQuoteStatus::declined;
  if (xero == "INVOICED") return SeedQuoteStatus::invoiced;
  if (xero == "DELETED") return SeedQuoteStatus::deleted;
  return std::nullopt;
}

}  // namespace

std::optional<SeedDataset> read_seed_dataset(const rapidjson::Value& xero_section) {
  const auto* contacts = member(xero_section, "contacts");
  const auto* invoices = member(xero_section, "invoices");
  if (contacts == nullptr || !contacts->IsArray() || invoices == nullptr || !invoices->IsArray()) return std::nullopt;
  SeedDataset data;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& c : contacts->GetArray()) {
    SeedContact contact;
    contact.key = string_member(c, "ContactID").value_or("");
    contact.name = string_member(c, "Name").value_or("");
    contact.first = string_member(c, "FirstName").value_or("");
    contact.last = string_member(c, "LastName").value_or("");
    contact.person = !contact.first.empty() || !contact.last.empty();
    contact.email = string_member(c, "EmailAddress").value_or("");
    contact.currency = string_member(c, "DefaultCurrency").value_or("GBP");
    contact.updated_at = string_member(c, "UpdatedDateUTC").value_or("");
    contact.archived = string_member(c, "ContactStatus").value_or("ACTIVE") == "ARCHIVED";
    index.emplace(contact.key, data.contacts.size());
    data.contacts.push_back(std::move(contact));
  }
  for (const auto& i : invoices->GetArray()) {
    const auto* contact = member(i, "Contact");
    auto status = status_of(string_member(i, "Status").value_or(""));
    if (contact == nullptr || !status) return std::nullopt;
    auto found = index.find(string_member(*contact, "ContactID").value_or(""));
    if (found == index.end()) return std::nullopt;
    SeedInvoice inv;
    inv.key = string_member(i, "InvoiceID").value_or("");
    inv.contact = found->second;
    inv.bill = string_member(i, "Type").value_or("") == "ACCPAY";
    inv.status = *status;
    inv.number = string_member(i, "InvoiceNumber").value_or("");
    inv.reference = string_member(i, "Reference").value_or("");
    inv.currency = string_member(i, "CurrencyCode").value_or("GBP");
    inv.subtotal = string_member(i, "SubTotal").value_or("0");
    inv.tax = string_member(i, "TotalTax").value_or("0");
    inv.total = string_member(i, "Total").value_or("0");
    inv.paid = string_member(i, "AmountPaid").value_or("0");
    inv.updated_at = string_member(i, "UpdatedDateUTC").value_or("");
    inv.date_offset_days = integer_text(i, "DateOffsetDays");
    inv.due_offset_days = integer_text(i, "DueDateOffsetDays");
    auto& owner = data.contacts[inv.contact];
    (inv.bill ? owner.supplier : owner.customer) = true;
    data.invoices.push_back(std::move(inv));
  }
  const auto* quotes = member(xero_section, "quotes");  // absent in seeds made before quotes
  if (quotes == nullptr || !quotes->IsArray()) return data;
  for (const auto& q : quotes->GetArray()) {
    const auto* contact = member(q, "Contact");
    auto status = quote_status_of(string_member(q, "Status").value_or(""));
    if (contact == nullptr || !status) return std::nullopt;
    auto found = index.find(string_member(*contact, "ContactID").value_or(""));
    if (found == index.end()) return std::nullopt;
    SeedQuote quote;
    quote.key = string_member(q, "QuoteID").value_or("");
    quote.contact = found->second;
    quote.status = *status;
    quote.number = string_member(q, "QuoteNumber").value_or("");
    quote.reference = string_member(q, "Reference").value_or("");
    quote.title = string_member(q, "Title").value_or("");
    quote.summary = string_member(q, "Summary").value_or("");
    quote.currency = string_member(q, "CurrencyCode").value_or("GBP");
    quote.subtotal = string_member(q, "SubTotal").value_or("0");
    quote.tax = string_member(q, "TotalTax").value_or("0");
    quote.total = string_member(q, "Total").value_or("0");
    quote.updated_at = string_member(q, "UpdatedDateUTC").value_or("");
    quote.date_offset_days = integer_text(q, "DateOffsetDays");
    quote.expiry_offset_days = integer_text(q, "ExpiryDateOffsetDays");
    data.quotes.push_back(std::move(quote));
  }
  return data;
}

}  // namespace capsync::sandbox
