#include "connectors/sage/links.hpp"

#include <fmt/format.h>

#include "connectors/sage/quotes.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::sage {

std::string invoice_link(std::string_view web_url, const model::Invoice& invoice) {
  if (!invoice.url.empty()) return invoice.url;
  const char* resource = invoice.type == model::InvoiceType::purchase ? "purchase_invoices" : "sales_invoices";
  return fmt::format("{}/invoicing/{}/{}", web_url, resource, http::encode_component(invoice.remote_id));
}

std::string new_invoice_link(std::string_view web_url, std::string_view contact_id) {
  return fmt::format("{}/invoicing/sales_invoices/new?contact_id={}", web_url, http::encode_component(contact_id));
}

std::string quote_link(std::string_view web_url, const model::Quote& quote) {
  if (!quote.url.empty()) return quote.url;
  auto key = quote_key(quote.remote_id);
  return fmt::format("{}/invoicing/{}/{}", web_url, quote_resource(key.kind), http::encode_component(key.id));
}

}  // namespace capsync::sage
