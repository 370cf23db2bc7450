#include "connectors/kashflow/links.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <fmt/format.h>

namespace capsync::kashflow {

std::string invoice_link(std::string_view web_url, const model::Invoice& invoice) {
  if (!invoice.url.empty()) return invoice.url;
  return fmt::format("{}/invoices/{}", web_url, boost::urls::encode(invoice.remote_id, boost::urls::unreserved_chars));
}

std::string new_invoice_link(std::string_view web_url, std::string_view customer_code) {
  return fmt::format("{}/invoices/new?customerCode={}", web_url,
                     boost::urls::encode(customer_code, boost::urls::unreserved_chars));
}

}  // namespace capsync::kashflow
