#include "daemon/tcp_endpoint.hpp"

#include <exception>

namespace capsync::daemon {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Result<tcp::endpoint> parse_endpoint(std::string_view setting, const std::string& listen, bool loopback_only) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(Errc::invalid_argument, "{} \"{}\" is not host:port", setting, listen);
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return make_error(Errc::invalid_argument, "{} \"{}\": \"{}\" is not an IP address", setting, listen, host);
  if (loopback_only && !address.is_loopback())
    return make_error(Errc::invalid_argument, "{} \"{}\" is not a loopback address", setting, listen);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return make_error(Errc::invalid_argument, "{} \"{}\": bad port", setting, listen);
  return tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

Status listen_on(tcp::acceptor& acceptor, const tcp::endpoint& endpoint, const std::string& listen) {
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(Errc::io, "cannot listen on {}: {}", listen, ec.message());
  return {};
}

void close_acceptor(tcp::acceptor& acceptor) {
  if (!acceptor.is_open()) return;
  boost::system::error_code ignored;
  acceptor.close(ignored);
}

std::uint16_t bound_port(const tcp::acceptor& acceptor) {
  if (!acceptor.is_open()) return 0;
  boost::system::error_code ec;
  const auto endpoint = acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

}  // namespace capsync::daemon
