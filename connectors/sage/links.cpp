#include "connectors/sage/links.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <fmt/format.h>

namespace capsync::sage {

namespace {
std::string encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }
}  // namespace

std::string invoice_link(std::string_view web_url, const model::Invoice& invoice) {
  if (!invoice.url.empty()) return invoice.url;
  const char* resource = invoice.type == model::InvoiceType::purchase ? "purchase_invoices" : "sales_invoices";
  return fmt::format("{}/invoicing/{}/{}", web_url, resource, encode(invoice.remote_id));
}

std::string new_invoice_link(std::string_view web_url, std::string_view contact_id) {
  return fmt::format("{}/invoicing/sales_invoices/new?contact_id={}", web_url, encode(contact_id));
}

}  // namespace capsync::sage
