// KashFlow quotes through the connector against capsync-sandbox (R18-R21): every page of a
// full read (KashFlow has no update filter), the one status a KashFlow quote can have, create
// then find by reference, and no change once made (KashFlow has no draft quote).

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <boost/asio/io_context.hpp>

#include "connectors/kashflow/kashflow_connector.hpp"
#include "connectors/kashflow/quotes.hpp"
#include "connectors/kashflow/session_tokens.hpp"
#include "core/http/client.hpp"
#include "test/unit/connectors/quote_reference_case.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"

using namespace capsync;
namespace asio = boost::asio;
using model::QuoteStatus;

namespace {

// Two customers, five quotes (2 a page).
std::string seed() {
  return R"({"kashflow":{
    "users":[{"username":"alice","password":"pw-alice","memorableWord":"pineapple"}],
    "customers":[{"Code":"GLOB01","Name":"Globex"},{"Code":"INIT01","Name":"Initech"}],
    "quoteSettings":{"QuoteDueDate":"45 Days"},
    "quotes":[
      {"Number":1,"CustomerCode":"GLOB01","CustomerReference":"PO-1","NetAmount":"100.00","VATRate":"20","Date":"2026-01-02 12:00:00 +00:00"},
      {"Number":2,"CustomerCode":"GLOB01","CustomerReference":"PO-2","NetAmount":"33.33","VATRate":"5"},
      {"Number":3,"CustomerCode":"INIT01","NetAmount":"10","Currency":{"Code":"EUR"}},
      {"Number":4,"CustomerCode":"INIT01","NetAmount":"5"},
      {"Number":5,"CustomerCode":"INIT01","NetAmount":"6"}]}})";
}

struct Fixture {
  std::filesystem::path seed_path =
      std::filesystem::temp_directory_path() / fmt::format("capsync-kashflow-quotes-seed-{}.json", ::getpid());
  std::unique_ptr<test::SandboxProcess> sandbox;
  asio::io_context io;
  http::Client client{io.get_executor(), http::ClientOptions{}};
  connector::ClientSender sender{client, "acme", "kashflow"};
  std::unique_ptr<kashflow::SessionTokens> tokens;
  std::unique_ptr<kashflow::KashFlowConnector> kashflow;

  Fixture() {
    std::ofstream(seed_path) << seed();
    sandbox = std::make_unique<test::SandboxProcess>(std::vector<std::string>{"--seed", seed_path.string()});
    REQUIRE(sandbox->running());
    kashflow::SessionLogin login;
    login.base_url = sandbox->base_url() + "/kashflow/v2";
    login.username = "alice";
    login.password = Secret("pw-alice");
    login.memorable_word = Secret("pineapple");
    tokens = std::make_unique<kashflow::SessionTokens>(sender, std::move(login));
    kashflow::KashFlowSettings s;
    s.base_url = sandbox->base_url() + "/kashflow/v2";
    s.username = "alice";
    s.page_size = 2;
    kashflow = std::make_unique<kashflow::KashFlowConnector>(sender, *tokens, s);
  }
  ~Fixture() { std::filesystem::remove(seed_path); }

  template <typename T>
  T run(asio::awaitable<T> task) {
    return test::run(io, std::move(task));
  }

  std::pair<std::vector<model::Quote>, int> quotes(std::string cursor) {
    std::vector<model::Quote> items;
    int pages = 0;
    for (connector::ListRequest request{cursor, 1};; ++request.page) {
      auto page = run(kashflow->list_quotes(request));
      if (!page) FAIL(page.error().message());
      CHECK(page->cursor == cursor);  // no update date: the cursor never moves
      ++pages;
      for (auto& q : page->items) items.push_back(std::move(q));
      if (!page->has_next) break;
    }
    return {std::move(items), pages};
  }

  static model::QuoteSpec spec(std::string reference) {
    auto s = test::website_quote("GLOB01", std::move(reference));
    s.tax_type = "20";
    return s;
  }
};

}  // namespace

// The shared create-then-find case (quote_reference_case.cpp) against KashFlow, whose quotes
// are never drafts.
test::QuoteTarget test::make_quote_target() {
  auto f = std::make_shared<Fixture>();
  return {f, &f->io, f->kashflow.get(), Fixture::spec(""), QuoteStatus::sent};
}

TEST_CASE("KashFlow connector reads every quote on every pass, each one open, with exact totals") {
  Fixture f;
  REQUIRE(f.kashflow->capabilities().quotes_read);
  REQUIRE(f.kashflow->capabilities().quotes_write);
  CHECK(kashflow::quote_status() == QuoteStatus::sent);
  CHECK(kashflow::quote_valid_days(R"({"QuoteDueDate":"30 Days","QuoteDueDateCaption":"Valid For"})") == 30);
  CHECK_FALSE(kashflow::quote_valid_days(R"({"QuoteDueDate":"a month"})"));

  auto [all, pages] = f.quotes("");
  CHECK(pages == 3);
  REQUIRE(all.size() == 5);
  const auto* one = test::find_quote(all, "1");
  REQUIRE(one);
  CHECK(one->number == "1");
  CHECK(one->contact_remote_id == "GLOB01");
  CHECK(one->reference == "PO-1");
  CHECK(one->status == QuoteStatus::sent);
  CHECK(model::is_open(one->status));
  CHECK(one->total.to_string() == "120.00");
  CHECK(one->issue_date == date::year{2026} / 1 / 2);
  CHECK(one->expiry_date == date::year{2026} / 2 / 16);  // 45 days, the account's quote validity
  CHECK(one->url.starts_with(f.sandbox->base_url() + "/kashflow/v2/documents/quote/"));
  CHECK(test::find_quote(all, "2")->total.to_string() == "34.9965");  // 33.33 + 5% VAT, exact
  CHECK(test::find_quote(all, "3")->currency == "EUR");

  auto [again, again_pages] = f.quotes("2026-01-01T00:00:00.000Z");
  CHECK(again.size() == 5);  // no update filter exists: a later pass reads them all again
}

TEST_CASE("KashFlow connector creates a quote numbered in sequence, and refuses what KashFlow cannot take") {
  Fixture f;
  auto created = f.run(f.kashflow->create_quote(Fixture::spec("Capsule opportunity #42"), ""));
  REQUIRE(created);
  CHECK(created->number == "6");  // the next in KashFlow's sequence
  CHECK(created->reference == "Capsule opportunity #42");
  CHECK(created->contact_remote_id == "GLOB01");
  CHECK(created->total.to_string() == "3601.80");  // 3 x 1000.50 + 20% VAT
  CHECK(created->issue_date == date::year{2026} / 2 / 1);
  CHECK(created->expiry_date == date::year{2026} / 3 / 18);

  auto bad = Fixture::spec("Capsule opportunity #43");
  bad.tax_type = "GB_STANDARD";
  auto refused = f.run(f.kashflow->create_quote(bad, ""));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::invalid_argument);

  bad = Fixture::spec("Capsule opportunity #44");
  bad.contact_remote_id = "NOPE01";
  auto unknown = f.run(f.kashflow->create_quote(bad, ""));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message().find("Customer not found") != std::string::npos);
}

TEST_CASE("KashFlow connector never changes a quote once made: KashFlow has no draft quote (R21)") {
  Fixture f;
  auto created = f.run(f.kashflow->create_quote(Fixture::spec("Capsule opportunity #7"), ""));
  REQUIRE(created);
  auto spec = Fixture::spec("Capsule opportunity #7");
  spec.line_description = "Changed";
  spec.quantity = 9;
  auto refused = f.run(f.kashflow->update_quote(created->remote_id, spec));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::conflict);
  auto found = f.run(f.kashflow->find_quotes_by_reference("Capsule opportunity #7"));
  REQUIRE(found);
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].total == created->total);  // untouched
}
