#include "core/sync/rules.hpp"

namespace capsync::sync {

using model::InvoiceStatus;

bool counts_for_qualification(const model::Invoice& invoice) {
  return invoice.status != InvoiceStatus::draft && invoice.status != InvoiceStatus::voided &&
         invoice.status != InvoiceStatus::deleted;
}

bool qualifies(const model::Contact& contact, std::span<const model::Invoice> invoices, bool by_invoices) {
  if (contact.status != model::ContactStatus::active) return false;
  if (!by_invoices) return contact.is_customer || contact.is_supplier;
  for (const auto& invoice : invoices) {
    if (invoice.contact_remote_id == contact.remote_id && counts_for_qualification(invoice)) {
      return true;
    }
  }
  return false;
}

bool counts_in_summary(const model::Invoice& invoice, bool include_supplier_invoices) {
  const bool issued = invoice.status == InvoiceStatus::authorised || invoice.status == InvoiceStatus::paid;
  return issued && (invoice.type == model::InvoiceType::sales || include_supplier_invoices);
}

std::vector<model::Invoice> summary_invoices(std::span<const model::Invoice> invoices,
                                             bool include_supplier_invoices) {
  std::vector<model::Invoice> out;
  for (const auto& invoice : invoices) {
    if (counts_in_summary(invoice, include_supplier_invoices)) out.push_back(invoice);
  }
  return out;
}

}  // namespace capsync::sync
