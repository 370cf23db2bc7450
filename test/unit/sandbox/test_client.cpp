#include "test/unit/sandbox/test_client.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace capsync::sandbox::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

template <class Stream>
HttpResult exchange(Stream& stream, const std::string& host, const HttpCall& call) {
  http::request<http::string_body> request{http::string_to_verb(call.method), call.target, 11};
  request.set(http::field::host, host);
  for (const auto& [name, value] : call.headers) request.set(name, value);
  request.body() = call.body;
  if (!call.body.empty() || call.method == "POST" || call.method == "PUT") request.prepare_payload();
  HttpResult result;
  beast::error_code ec;
  http::write(stream, request, ec);
  if (ec) {
    result.error = ec.message();
    return result;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) {
    result.error = ec.message();
    return result;
  }
  auto& response = parser.get();
  result.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  result.body = response.body();
  return result;
}

}  // namespace

HttpResult http_call(const std::string& base_url, const HttpCall& call, const std::string& ca_pem) {
  bool tls = base_url.starts_with("https://");
  std::string authority = base_url.substr(tls ? 8 : 7);
  auto colon = authority.rfind(':');
  std::string host = authority.substr(0, colon), port = authority.substr(colon + 1);
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(host, port, ec);
  HttpResult failed;
  if (ec) return failed.error = ec.message(), failed;
  if (!tls) {
    beast::tcp_stream stream(io);
    stream.connect(endpoints, ec);
    if (ec) return failed.error = ec.message(), failed;
    return exchange(stream, authority, call);
  }
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.add_certificate_authority(asio::buffer(ca_pem), ec);
  context.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<beast::tcp_stream> stream(io, context);
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (!ec) stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return failed.error = ec.message(), failed;
  return exchange(stream, authority, call);
}

SandboxFixture::SandboxFixture(std::string_view seed_json, double time_scale, bool tls, std::string ca_out) {
  sandbox_ = make_sandbox(time_scale);
  auto loaded = sandbox_->load_seed(seed_json);
  if (!loaded) throw std::runtime_error("seed: " + loaded.error().message());
  ServerOptions options;
  options.tls = tls;
  options.ca_out = ca_out;
  options.handle_signals = false;
  server_ = std::make_unique<SandboxServer>(*sandbox_, options);
  auto started = server_->start();
  if (!started) throw std::runtime_error(started.error().message());
  url = *started;
  sandbox_->context().base_url = url;
  if (tls) {
    std::ifstream in(ca_out);
    std::stringstream text;
    text << in.rdbuf();
    ca_pem = text.str();
  }
  thread_ = std::thread([this] { server_->run(); });
}

SandboxFixture::~SandboxFixture() {
  server_->stop();
  thread_.join();
}

HttpResult SandboxFixture::get(const std::string& target, std::map<std::string, std::string> headers) const {
  return call({"GET", target, std::move(headers), {}});
}

HttpResult SandboxFixture::send(const std::string& method, const std::string& target, const std::string& body,
                                std::map<std::string, std::string> headers) const {
  return call({method, target, std::move(headers), body});
}

}  // namespace capsync::sandbox::test
