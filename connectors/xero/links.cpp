#include "connectors/xero/links.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <fmt/format.h>

namespace capsync::xero {

namespace {

std::string wrap(std::string_view short_code, const std::string& path) {
  if (short_code.empty()) return "https://go.xero.com" + path;
  return fmt::format("https://go.xero.com/organisationlogin/default.aspx?shortcode={}&redirecturl={}",
                     boost::urls::encode(short_code, boost::urls::unreserved_chars),
                     boost::urls::encode(path, boost::urls::unreserved_chars));
}

}  // namespace

std::string invoice_link(std::string_view short_code, const model::Invoice& invoice) {
  const char* page = invoice.type == model::InvoiceType::purchase ? "/AccountsPayable/Edit.aspx"
                                                                  : "/AccountsReceivable/View.aspx";
  return wrap(short_code, fmt::format("{}?InvoiceID={}", page, invoice.remote_id));
}

std::string new_invoice_link(std::string_view short_code, std::string_view contact_id) {
  return wrap(short_code, fmt::format("/AccountsReceivable/Edit.aspx?contactID={}", contact_id));
}

}  // namespace capsync::xero
