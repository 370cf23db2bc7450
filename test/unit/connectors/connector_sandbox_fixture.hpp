#pragma once
// One OAuth connector against capsync-sandbox over HTTP: the sandbox started on a test's seed,
// a real token manager bootstrapped with "<provider>-sandbox-refresh-token" for client
// "sandbox-client-id", and the sender for connection "acme". A test's fixture derives from it
// and adds its connector.

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/connector/http_sender.hpp"
#include "core/connector/page.hpp"
#include "core/connector/oauth_token_source.hpp"
#include "core/http/client.hpp"
#include "core/model/contact.hpp"
#include "core/oauth/token_manager.hpp"
#include "core/oauth/token_store.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"
#include "test/unit/store/temp_dir.hpp"

namespace capsync::test {

struct ConnectorSandboxFixture {
  // token_path is the provider's token endpoint below the sandbox's base URL.
  ConnectorSandboxFixture(const std::string& seed_text, std::string_view provider, std::string_view token_path,
                          http::ClientOptions client_options = {});
  ConnectorSandboxFixture(const ConnectorSandboxFixture&) = delete;
  ConnectorSandboxFixture& operator=(const ConnectorSandboxFixture&) = delete;

  TempDir dir;
  std::unique_ptr<SandboxProcess> sandbox;
  boost::asio::io_context io;
  http::Client client;
  oauth::MemoryTokenStore store;
  std::unique_ptr<oauth::TokenManager> tokens;
  std::unique_ptr<connector::OAuthTokenSource> source;
  std::unique_ptr<connector::ClientSender> sender;

  template <typename T>
  T run(boost::asio::awaitable<T> task) {
    return test::run(io, std::move(task));
  }

  // A request with the connection's token straight to the sandbox, as a person's own app makes
  // it outside the connector; `path` after the sandbox's base URL, JSON `body` when not empty.
  http::Response send(http::Method method, const std::string& path, std::string body = {},
                      const http::Headers& headers = {});

  // Every page of a pass from `cursor`; returns the items and the last cursor.
  template <typename T, typename List>
  std::pair<std::vector<T>, std::string> pass(List list, std::string cursor, int* pages = nullptr) {
    std::vector<T> items;
    connector::ListRequest request{cursor, 1};
    for (;;) {
      auto page = run(list(request));
      if (!page) FAIL(page.error().message());
      for (auto& x : page->items) items.push_back(std::move(x));
      if (page->cursor > cursor) cursor = page->cursor;
      if (pages) ++*pages;
      if (!page->has_next) break;
      ++request.page;
    }
    return {std::move(items), cursor};
  }
};

// The record of `list` with remote id `id`; nullptr when there is none.
template <typename T>
const T* find(const std::vector<T>& list, std::string_view id) {
  for (const auto& x : list)
    if (x.remote_id == id) return &x;
  return nullptr;
}

// The organisation the connector tests create: every R12 field, a contact person and a
// street of two lines.
inline model::ContactDetails acme_contact() {
  model::ContactDetails spec;
  spec.name = "Acme Ltd";
  spec.contact_person = model::ContactPerson{"Jane", "Smith", ""};
  spec.email = "jane@acme.example";
  spec.phone = "020 7946 0000";
  spec.mobile = "07700 900000";
  spec.fax = "020 7946 0001";
  spec.website = "https://acme.example";
  spec.address = model::Address{std::nullopt, "", "1 High Street\nBorough", "London", "", "SE1 6HA", "United Kingdom"};
  return spec;
}

}  // namespace capsync::test
