#include "connectors/xero/links.hpp"

#include <fmt/format.h>

#include "core/http/url_encoding.hpp"

namespace capsync::xero {

namespace {

std::string wrap(std::string_view short_code, const std::string& path) {
  if (short_code.empty()) return "https://go.xero.com" + path;
  return fmt::format("https://go.xero.com/organisationlogin/default.aspx?shortcode={}&redirecturl={}",
                     http::encode_component(short_code), http::encode_component(path));
}

}  // namespace

std::string invoice_link(std::string_view short_code, const model::Invoice& invoice) {
  const char* page = invoice.type == model::InvoiceType::purchase ? "/AccountsPayable/Edit.aspx"
                                                                  : "/AccountsReceivable/View.aspx";
  return wrap(short_code, fmt::format("{}?InvoiceID={}", page, invoice.remote_id));
}

std::string quote_link(std::string_view short_code, std::string_view quote_id) {
  if (short_code.empty()) return {};
  return fmt::format("https://go.xero.com/app/{}/quotes/view/{}", short_code, quote_id);  // "!" is valid in a path
}

std::string new_invoice_link(std::string_view short_code, std::string_view contact_id) {
  return wrap(short_code, fmt::format("/AccountsReceivable/Edit.aspx?contactID={}", contact_id));
}

}  // namespace capsync::xero
