#include "core/connector/accounting_connector.hpp"

namespace capsync::connector {

namespace {
Error no_quotes(std::string_view provider) {
  return make_error(Errc::unsupported, "{} quotes are not supported by capsync", provider);
}
}  // namespace

boost::asio::awaitable<Result<Page<model::Quote>>> AccountingConnector::list_quotes(ListRequest) {
  co_return no_quotes(provider());
}

boost::asio::awaitable<Result<model::Quote>> AccountingConnector::create_quote(const model::QuoteSpec&,
                                                                              std::string_view) {
  co_return no_quotes(provider());
}

boost::asio::awaitable<Result<model::Quote>> AccountingConnector::update_quote(std::string_view,
                                                                              const model::QuoteSpec&) {
  co_return no_quotes(provider());
}

boost::asio::awaitable<Result<std::vector<model::Quote>>> AccountingConnector::find_quotes_by_reference(
    std::string_view) {
  co_return no_quotes(provider());
}

boost::asio::awaitable<Result<std::vector<model::Contact>>> AccountingConnector::get_contacts(
    std::span<const std::string>) {
  co_return make_error(Errc::unsupported, "{} contacts cannot be read by id in bulk", provider());
}

boost::asio::awaitable<Result<std::vector<model::Invoice>>> AccountingConnector::get_invoices(
    std::span<const std::string>, bool) {
  co_return make_error(Errc::unsupported, "{} invoices cannot be read by id in bulk", provider());
}

}  // namespace capsync::connector
