#include "connectors/kashflow/links.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>

#include "connectors/kashflow/suppliers.hpp"

namespace capsync::kashflow {

namespace {

std::string encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

}  // namespace

std::string invoice_link(std::string_view web_url, const model::Invoice& invoice) {
  if (!invoice.url.empty()) return invoice.url;
  if (invoice.type == model::InvoiceType::purchase)
    return fmt::format("{}/purchases/{}", web_url, encode(invoice.number));
  return fmt::format("{}/invoices/{}", web_url, encode(invoice.remote_id));
}

std::string new_invoice_link(std::string_view web_url, std::string_view contact_remote_id) {
  if (auto code = supplier_code(contact_remote_id))
    return fmt::format("{}/purchases/new?supplierCode={}", web_url, encode(*code));
  return fmt::format("{}/invoices/new?customerCode={}", web_url, encode(contact_remote_id));
}

}  // namespace capsync::kashflow
