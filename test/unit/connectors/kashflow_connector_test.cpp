// The KashFlow connector against capsync-sandbox over HTTP with its session login: the
// memorable-word letters, a new login after an idle hour, refused credentials never retried,
// paging, the ">= cursor" filter over full reads, archived customers, create/update, the exact
// name search, and a 429 waited out.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <rapidjson/document.h>

#include "connectors/kashflow/kashflow_connector.hpp"
#include "connectors/kashflow/session_tokens.hpp"
#include "core/http/client.hpp"
#include "test/unit/http/sandbox_process.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

// 230 customers (three pages of 100): C000..C229, updated on day 1 + i % 28 of March 2026
// (London time, no offset), C007 archived; 2 invoices; a supplier with a purchase; users with
// the right, a locked and a second account.
std::string seed() {
  std::string customers;
  for (int i = 0; i < 230; ++i)
    customers += fmt::format(R"({}{{"Code":"C{:03d}","Name":"Customer {:03d}","IsArchived":{},"LastUpdatedDate":"2026-03-{:02d} 10:00:00"}})",
                             i ? "," : "", i, i, i == 7 ? "true" : "false", 1 + i % 28);
  return fmt::format(R"({{"kashflow":{{
    "users":[{{"username":"alice","password":"pw-alice","memorableWord":"pineapple"}},
             {{"username":"locked","password":"pw","memorableWord":"pineapple","locked":true}}],
    "lockAfter":3,
    "customers":[{}],
    "invoices":[{{"Number":1,"CustomerCode":"C001","GrossAmount":"120.50","VATAmount":"20.08","TotalPaidAmount":"20.25","IssuedDate":"2026-01-02 00:00:00","DueDate":"2026-02-01 00:00:00"}},
                {{"Number":2,"CustomerCode":"C002","GrossAmount":"99.99","TotalPaidAmount":"99.99"}}],
    "suppliers":[{{"Code":"SUP01","Name":"Supplies Ltd"}}],
    "purchases":[{{"Number":1,"SupplierCode":"SUP01","GrossAmount":"10.00"}}]}}}})",
                     customers);
}

struct Fixture {
  std::filesystem::path seed_path = std::filesystem::temp_directory_path() /
                                    fmt::format("capsync-kashflow-seed-{}.json", ::getpid());
  std::unique_ptr<test::SandboxProcess> sandbox;
  asio::io_context io;
  http::Client client{io.get_executor(), http::ClientOptions{}};
  connector::ClientSender sender{client, "acme", "kashflow"};
  std::unique_ptr<kashflow::SessionTokens> tokens;
  std::unique_ptr<kashflow::KashFlowConnector> kashflow;

  explicit Fixture(std::string username = "alice", std::string password = "pw-alice",
                   std::string word = "PineApple") {
    std::ofstream(seed_path) << seed();
    sandbox = std::make_unique<test::SandboxProcess>(std::vector<std::string>{"--seed", seed_path.string()});
    REQUIRE(sandbox->running());
    connect(std::move(username), std::move(password), std::move(word));
  }
  ~Fixture() { std::filesystem::remove(seed_path); }

  void connect(std::string username, std::string password, std::string word) {
    kashflow::SessionLogin login;
    login.base_url = sandbox->base_url() + "/kashflow/v2";
    login.username = username;
    login.password = Secret(std::move(password));
    login.memorable_word = Secret(std::move(word));
    tokens = std::make_unique<kashflow::SessionTokens>(sender, std::move(login));
    kashflow::KashFlowSettings s;
    s.base_url = sandbox->base_url() + "/kashflow/v2";
    s.username = std::move(username);
    kashflow = std::make_unique<kashflow::KashFlowConnector>(sender, *tokens, s);
  }

  template <typename T>
  T run(asio::awaitable<T> task) {
    std::optional<T> out;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out.emplace(co_await std::move(task)); }, asio::detached);
    io.restart();
    io.run();
    return std::move(*out);
  }

  http::Response admin(http::Method method, std::string path, std::string body = {}) {
    http::Request r;
    r.method = method;
    r.url = sandbox->base_url() + path;
    r.body = std::move(body);
    r.content_type = "application/json";
    auto response = run(client.send(std::move(r)));
    REQUIRE(response);
    return *response;
  }

  // "METHOD path status" of each request the sandbox saw under /kashflow/, oldest first.
  std::vector<std::string> requests() {
    auto response = admin(http::Method::get, "/_admin/requests");
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    std::vector<std::string> out;
    for (const auto& r : doc.GetArray()) {
      std::string path = r["path"].GetString();
      if (path.starts_with("/kashflow/"))
        out.push_back(fmt::format("{} {} {}", r["method"].GetString(), path.substr(13), r["status"].GetInt()));
    }
    return out;
  }
  long count(std::string_view line) {
    auto all = requests();
    return std::count(all.begin(), all.end(), line);
  }

  // Every page of a customer pass from `cursor`; the items, the final cursor and each page's cursor.
  struct Pass {
    std::vector<model::Contact> items;
    std::string cursor;
    std::vector<std::string> page_cursors;
  };
  Pass contacts(std::string cursor) {
    Pass out;
    connector::ListRequest request{cursor, 1};
    for (;;) {
      auto page = run(kashflow->list_contacts(request));
      REQUIRE(page);
      for (auto& x : page->items) out.items.push_back(std::move(x));
      out.page_cursors.push_back(page->cursor);
      if (page->cursor > cursor) cursor = page->cursor;
      if (!page->has_next) break;
      ++request.page;
    }
    out.cursor = cursor;
    return out;
  }
};

const model::Contact* find(const std::vector<model::Contact>& list, std::string_view id) {
  for (const auto& c : list)
    if (c.remote_id == id) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("KashFlow login answers the asked memorable-word letters - all customers over three pages - archived kept") {
  Fixture f;
  auto tenant = f.run(f.kashflow->tenant());
  INFO((tenant ? std::string() : tenant.error().message()));
  REQUIRE(tenant);
  CHECK(tenant->id == "alice");
  auto all = f.contacts("");
  CHECK(all.items.size() == 230);
  CHECK(all.page_cursors.size() == 3);
  REQUIRE(find(all.items, "C007"));
  CHECK(find(all.items, "C007")->status == model::ContactStatus::archived);
  CHECK(find(all.items, "C008")->status == model::ContactStatus::active);
  // One login for the whole pass: the session token is reused.
  CHECK(f.count("POST sessiontoken 200") == 1);
  CHECK(f.count("PUT sessiontoken 200") == 1);
  CHECK(f.count("GET customers 200") == 3);
}

TEST_CASE("KashFlow incremental read: every page is read, customers before the cursor dropped (>= cursor)") {
  Fixture f;
  // LastUpdatedDate has no offset: London time, GMT in March before the 29th.
  auto pass = f.contacts("2026-03-27T10:00:00.000Z");
  std::set<int> days;
  for (const auto& c : pass.items) {
    REQUIRE(c.updated_at);
    CHECK(*c.updated_at >= model::parse_timestamp("2026-03-27T10:00:00Z").value());
    days.insert(std::stoi(c.remote_id.substr(1)) % 28 + 1);
  }
  CHECK(days == std::set<int>{27, 28});            // the cursor's own instant comes again
  CHECK(pass.items.size() == 16);                  // 230 customers: days 27 and 28 hold 8 each
  CHECK(pass.page_cursors[0] == "2026-03-27T10:00:00.000Z");  // no mark before the last page
  CHECK(pass.page_cursors[1] == "2026-03-27T10:00:00.000Z");
  CHECK(pass.cursor == "2026-03-28T10:00:00.000Z");
  CHECK(f.count("GET customers 200") == 3);
}

TEST_CASE("KashFlow invoices: exact money and outstanding - purchases are never read (R6)") {
  Fixture f;
  auto page = f.run(f.kashflow->list_invoices({"", 1}, true));
  REQUIRE(page);
  REQUIRE(page->items.size() == 2);
  const auto& inv = page->items[0];
  CHECK(inv.contact_remote_id == "C001");
  CHECK(inv.total.to_string() == "120.50");
  CHECK(inv.amount_due.to_string() == "100.25");
  CHECK(model::format_date(*inv.due_date) == "2026-02-01");
  CHECK(inv.url.find("/kashflow/v2/documents/invoice/") != std::string::npos);
  CHECK(page->items[1].status == model::InvoiceStatus::paid);
  CHECK_FALSE(page->has_next);
  for (const auto& line : f.requests()) CHECK(line.find("purchases") == std::string::npos);
}

TEST_CASE("KashFlow session idle for an hour: one new login, then the call succeeds") {
  Fixture f;
  REQUIRE(f.run(f.kashflow->tenant()));
  f.admin(http::Method::post, "/_admin/time", R"({"advance_s":3601})");
  auto c = f.run(f.kashflow->get_contact("C001"));
  INFO((c ? std::string() : c.error().message()));
  REQUIRE(c);
  CHECK(c->name == "Customer 001");
  CHECK(f.count("GET customers/C001 401") == 1);
  CHECK(f.count("GET customers/C001 200") == 1);
  CHECK(f.count("POST sessiontoken 200") == 2);
  // An injected expiry is handled the same way.
  f.admin(http::Method::post, "/_admin/faults", R"({"prefix":"/kashflow/v2/customers","kind":"expired_token"})");
  REQUIRE(f.run(f.kashflow->get_contact("C002")));
  CHECK(f.count("POST sessiontoken 200") == 3);
}

TEST_CASE("KashFlow wrong password: credentials rejected once, never tried again, account not locked") {
  Fixture f("alice", "wrong", "pineapple");
  for (int i = 0; i < 4; ++i) {
    auto t = f.run(f.kashflow->list_contacts({"", 1}));
    REQUIRE_FALSE(t);
    CHECK(t.error().code() == Errc::unauthorized);
    CHECK(t.error().message().find("wrong username or password") != std::string::npos);
    CHECK(t.error().message().find("stopped") != std::string::npos);
    CHECK(t.error().message().find("wrong\"") == std::string::npos);
  }
  CHECK(f.count("POST sessiontoken 401") == 1);
  // The right credentials still work: one failure did not reach the lock (3).
  f.connect("alice", "pw-alice", "pineapple");
  CHECK(f.run(f.kashflow->tenant()));
}

TEST_CASE("KashFlow wrong memorable word and a locked account: rejected once with the reason") {
  Fixture f("alice", "pw-alice", "grapefruit");
  auto t = f.run(f.kashflow->tenant());
  REQUIRE_FALSE(t);
  CHECK(t.error().code() == Errc::unauthorized);
  CHECK(t.error().message().find("memorable word") != std::string::npos);
  CHECK_FALSE(f.run(f.kashflow->tenant()));
  CHECK(f.count("PUT sessiontoken 401") == 1);
  CHECK(f.count("POST sessiontoken 200") == 1);

  f.connect("locked", "pw", "pineapple");
  auto l = f.run(f.kashflow->tenant());
  REQUIRE_FALSE(l);
  CHECK(l.error().message().find("locked") != std::string::npos);
  CHECK_FALSE(f.run(f.kashflow->tenant()));
  CHECK(f.count("POST sessiontoken 401") == 1);
}

TEST_CASE("R12/R13 KashFlow create with a generated code, duplicate names allowed, exact name search, R10 update") {
  Fixture f;
  model::ContactDetails d;
  d.name = "Acme Ltd";
  d.contact_person = model::ContactPerson{"Ann", "Acme", ""};
  d.email = "ann@acme.example";
  d.phone = "020 1";
  d.website = "https://acme.example";
  d.address = model::Address{std::nullopt, "", "1 High St", "London", "", "SE1", "United Kingdom"};
  auto first = f.run(f.kashflow->create_contact(d, ""));
  INFO((first ? std::string() : first.error().message()));
  REQUIRE(first);
  CHECK(first->remote_id == "ACMELT01");
  auto second = f.run(f.kashflow->create_contact(d, ""));
  REQUIRE(second);
  CHECK(second->remote_id != first->remote_id);  // the code was taken: KashFlow made another
  CHECK(second->name == "Acme Ltd");

  d.name = "Acme";
  REQUIRE(f.run(f.kashflow->create_contact(d, "")));
  auto found = f.run(f.kashflow->find_contacts_by_name(" Acme Ltd "));
  REQUIRE(found);
  CHECK(found->size() == 2);  // not "Acme"

  auto current = f.run(f.kashflow->get_contact(first->remote_id));
  REQUIRE(current);
  CHECK(current->emails == std::vector<std::string>{"ann@acme.example"});
  REQUIRE(current->contact_person);
  CHECK(current->contact_person->first_name == "Ann");
  CHECK(current->addresses.at(0).city == "London");
  model::ContactDetails desired = d;
  desired.name = "Acme Ltd";
  desired.email = "billing@acme.example";
  auto updated = f.run(f.kashflow->update_contact(first->remote_id, connector::ContactUpdate(desired, *current)));
  INFO((updated ? std::string() : updated.error().message()));
  REQUIRE(updated);
  CHECK(updated->emails == std::vector<std::string>{"billing@acme.example"});
  CHECK(updated->website == "https://acme.example");
  CHECK(f.count("PUT customers/ACMELT01 200") == 1);
  // Nothing to change: no PUT.
  auto again = f.run(f.kashflow->update_contact(first->remote_id, connector::ContactUpdate(desired, *updated)));
  REQUIRE(again);
  CHECK(f.count("PUT customers/ACMELT01 200") == 1);

  auto missing = f.run(f.kashflow->get_contact("NOPE01"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::not_found);
}

TEST_CASE("KashFlow 429: the read waits for Retry-After and succeeds") {
  Fixture f;
  f.admin(http::Method::post, "/_admin/faults",
          R"({"prefix":"/kashflow/v2/invoices","kind":"status","status":429,"retry_after":1})");
  auto page = f.run(f.kashflow->list_invoices({"", 1}, false));
  REQUIRE(page);
  CHECK(page->items.size() == 2);
  CHECK(f.count("GET invoices 429") == 1);
  CHECK(f.count("GET invoices 200") == 1);
}
