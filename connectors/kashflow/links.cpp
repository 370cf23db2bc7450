#include "connectors/kashflow/links.hpp"

#include <fmt/format.h>

#include "connectors/kashflow/suppliers.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::kashflow {

std::string invoice_link(std::string_view web_url, const model::Invoice& invoice) {
  if (!invoice.url.empty()) return invoice.url;
  if (invoice.type == model::InvoiceType::purchase)
    return fmt::format("{}/purchases/{}", web_url, http::encode_component(invoice.number));
  return fmt::format("{}/invoices/{}", web_url, http::encode_component(invoice.remote_id));
}

std::string new_invoice_link(std::string_view web_url, std::string_view contact_remote_id) {
  if (auto code = supplier_code(contact_remote_id))
    return fmt::format("{}/purchases/new?supplierCode={}", web_url, http::encode_component(*code));
  return fmt::format("{}/invoices/new?customerCode={}", web_url, http::encode_component(contact_remote_id));
}

}  // namespace capsync::kashflow
