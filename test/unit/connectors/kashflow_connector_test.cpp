// The KashFlow connector against capsync-sandbox over HTTP with its session login: the
// memorable-word letters, a new login after an idle hour, refused credentials never retried,
// paging over customers then suppliers (a resumed pass too), the ">= cursor" filter over full
// reads, archived customers, purchases only when asked, create/update of customers and
// suppliers, the exact name search over both, and a 429 waited out.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include <boost/asio/io_context.hpp>
#include <rapidjson/document.h>

#include "connectors/kashflow/kashflow_connector.hpp"
#include "connectors/kashflow/session_tokens.hpp"
#include "core/connector/contact_details.hpp"
#include "core/http/client.hpp"
#include "test/unit/http/run.hpp"
#include "test/unit/http/sandbox_process.hpp"

using namespace capsync;
namespace asio = boost::asio;

namespace {

// 230 customers (three pages of 100): C000..C229, updated on day 1 + i % 28 of March 2026 at
// 10:00 (London time, no offset), C007 archived; 120 suppliers (two pages), C001 (a code a
// customer has too) then S000..S118 updated on the same days at 11:00, S000 named "Acme Ltd"
// with a contact person and an address; 2 invoices and 2 purchases (numbered like the
// invoices); users with the right, a locked and a second account.
std::string seed() {
  std::string customers, suppliers;
  for (int i = 0; i < 230; ++i)
    customers += fmt::format(R"({}{{"Code":"C{:03d}","Name":"Customer {:03d}","IsArchived":{},"LastUpdatedDate":"2026-03-{:02d} 10:00:00"}})",
                             i ? "," : "", i, i, i == 7 ? "true" : "false", 1 + i % 28);
  suppliers = R"({"Code":"C001","Name":"Customer 001 Supplies","LastUpdatedDate":"2026-03-01 11:00:00"},)"
              R"({"Code":"S000","Name":"Acme Ltd","LastUpdatedDate":"2026-03-01 11:00:00","Email":"orders@acme.example",)"
              R"("Contacts":[{"Firstname":"Sid","LastName":"Acme","Telephone":"0113 000000"}],)"
              R"("Address":{"Line1":"1 Mill Lane","Line3":"Leeds","PostCode":"LS1 1AA"}})";
  for (int i = 1; i < 119; ++i)
    suppliers += fmt::format(R"(,{{"Code":"S{:03d}","Name":"Supplier {:03d}","LastUpdatedDate":"2026-03-{:02d} 11:00:00"}})",
                             i, i, 1 + i % 28);
  return fmt::format(R"({{"kashflow":{{
    "users":[{{"username":"alice","password":"pw-alice","memorableWord":"pineapple"}},
             {{"username":"locked","password":"pw","memorableWord":"pineapple","locked":true}}],
    "lockAfter":3,
    "customers":[{}],
    "invoices":[{{"Number":1,"CustomerCode":"C001","GrossAmount":"120.50","VATAmount":"20.08","TotalPaidAmount":"20.25","IssuedDate":"2026-01-02 00:00:00","DueDate":"2026-02-01 00:00:00"}},
                {{"Number":2,"CustomerCode":"C002","GrossAmount":"99.99","TotalPaidAmount":"99.99"}}],
    "suppliers":[{}],
    "purchases":[{{"Number":1,"SupplierCode":"C001","GrossAmount":"10.00","TotalPaidAmount":"2.50","Currency":"EUR"}},
                 {{"Number":2,"SupplierCode":"S005","GrossAmount":"30.00","TotalPaidAmount":"30.00"}}]}}}})",
                     customers, suppliers);
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
    return test::run(io, std::move(task));
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

  // Every page of a contact pass from `cursor` (from page `from`, up to page `to`); the items,
  // the final cursor and each page's cursor.
  struct Pass {
    std::vector<model::Contact> items;
    std::string cursor;
    std::vector<std::string> page_cursors;
  };
  Pass contacts(std::string cursor, int from = 1, int to = 1000) {
    Pass out;
    connector::ListRequest request{cursor, from};
    for (; request.page <= to;) {
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

TEST_CASE("KashFlow login answers the asked memorable-word letters - customers then suppliers over five pages - archived kept") {
  Fixture f;
  auto tenant = f.run(f.kashflow->tenant());
  INFO((tenant ? std::string() : tenant.error().message()));
  REQUIRE(tenant);
  CHECK(tenant->id == "alice");
  auto all = f.contacts("");
  CHECK(all.items.size() == 350);
  CHECK(all.page_cursors.size() == 5);  // customer pages 1-3, then supplier pages 1-2
  REQUIRE(find(all.items, "C007"));
  CHECK(find(all.items, "C007")->status == model::ContactStatus::archived);
  CHECK(find(all.items, "C008")->status == model::ContactStatus::active);
  for (std::size_t i = 0; i < all.items.size(); ++i) {  // every customer first, then every supplier
    INFO(all.items[i].remote_id);
    CHECK(all.items[i].is_customer == (i < 230));
    CHECK(all.items[i].is_supplier == (i >= 230));
  }
  // A supplier whose code a customer has too is another contact, with an id of its own.
  REQUIRE(find(all.items, "supplier:C001"));
  CHECK(find(all.items, "supplier:C001")->name == "Customer 001 Supplies");
  CHECK(find(all.items, "C001")->name == "Customer 001");
  const auto* acme = find(all.items, "supplier:S000");
  REQUIRE(acme);
  CHECK(acme->emails == std::vector<std::string>{"orders@acme.example"});
  CHECK(acme->addresses.at(0).city == "Leeds");
  CHECK(f.kashflow->capabilities().supplier_flag);
  // One login for the whole pass: the session token is reused.
  CHECK(f.count("POST sessiontoken 200") == 1);
  CHECK(f.count("PUT sessiontoken 200") == 1);
  CHECK(f.count("GET customers 200") == 3);
  CHECK(f.count("GET suppliers 200") == 2);
}

TEST_CASE("KashFlow incremental read: every page is read, customers and suppliers before the cursor dropped (>= cursor)") {
  Fixture f;
  // LastUpdatedDate has no offset: London time, GMT in March before the 29th.
  auto pass = f.contacts("2026-03-27T10:00:00.000Z");
  std::set<int> days;
  int suppliers = 0;
  for (const auto& c : pass.items) {
    REQUIRE(c.updated_at);
    CHECK(*c.updated_at >= model::parse_timestamp("2026-03-27T10:00:00Z").value());
    const auto code = c.is_supplier ? c.remote_id.substr(std::string_view("supplier:").size()) : c.remote_id;
    days.insert(std::stoi(code.substr(1)) % 28 + 1);
    suppliers += c.is_supplier ? 1 : 0;
  }
  CHECK(days == std::set<int>{27, 28});  // the cursor's own instant comes again
  CHECK(pass.items.size() == 24);        // days 27 and 28: 8 each of 230 customers, 4 each of 119 suppliers
  CHECK(suppliers == 8);
  for (int i = 0; i < 4; ++i) CHECK(pass.page_cursors[i] == "2026-03-27T10:00:00.000Z");  // no mark before the last page
  CHECK(pass.cursor == "2026-03-28T11:00:00.000Z");  // the pass's latest: a supplier's
  CHECK(f.count("GET customers 200") == 3);
  CHECK(f.count("GET suppliers 200") == 2);
}

TEST_CASE("KashFlow pass resumed: a new connector starts again from page 1, or places a later page by TotalRecords") {
  Fixture f;
  const std::string cursor = "2026-03-27T10:00:00.000Z";
  const auto whole = f.contacts(cursor);
  // A pass stopped after the customers' last page saved no mark (the engine saves a page's
  // cursor, never its number): the next pass, on a new connector, starts at page 1 from the
  // same cursor and reads the suppliers too.
  const auto stopped = f.contacts(cursor, 1, 3);
  CHECK(stopped.cursor == cursor);
  f.connect("alice", "pw-alice", "pineapple");
  const auto again = f.contacts(cursor);
  REQUIRE(again.items.size() == whole.items.size());
  for (std::size_t i = 0; i < whole.items.size(); ++i) CHECK(again.items[i].remote_id == whole.items[i].remote_id);
  CHECK(again.cursor == whole.cursor);

  // A new connector asked for page 4 (the suppliers' first) of a pass it did not read.
  f.connect("alice", "pw-alice", "pineapple");
  const auto customer_reads = f.count("GET customers 200");
  const auto rest = f.contacts("", 4);
  CHECK(rest.items.size() == 120);
  CHECK(rest.items.front().remote_id == "supplier:C001");
  CHECK(rest.page_cursors.size() == 2);
  CHECK(rest.cursor == "2026-03-28T11:00:00.000Z");
  CHECK(f.count("GET customers 200") == customer_reads + 1);  // customers page 4: empty, with TotalRecords
}

TEST_CASE("KashFlow invoices: exact money and outstanding - R6 purchases read after them only when asked") {
  Fixture f;
  auto page = f.run(f.kashflow->list_invoices({"", 1}, false));
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

  auto sales = f.run(f.kashflow->list_invoices({"", 1}, true));
  REQUIRE(sales);
  CHECK(sales->items.size() == 2);
  CHECK(sales->has_next);  // the purchases follow
  auto purchases = f.run(f.kashflow->list_invoices({"", 2}, true));
  REQUIRE(purchases);
  CHECK_FALSE(purchases->has_next);
  REQUIRE(purchases->items.size() == 2);
  const auto& bill = purchases->items[0];
  CHECK(bill.type == model::InvoiceType::purchase);
  CHECK(bill.remote_id == "purchase:1");  // apart from sales invoice 1
  CHECK(bill.number == "1");
  CHECK(bill.contact_remote_id == "supplier:C001");  // the supplier, not customer C001
  CHECK(bill.currency == "EUR");
  CHECK(bill.amount_due.to_string() == "7.50");
  CHECK(bill.url.find("/kashflow/v2/documents/purchaseorder/") != std::string::npos);
  CHECK(purchases->items[1].status == model::InvoiceStatus::paid);
  CHECK(f.count("GET purchases 200") == 1);
}

TEST_CASE("R10 KashFlow supplier update: PUT /suppliers with only what Capsule changed - R15 a missing supplier is not found") {
  Fixture f;
  auto current = f.run(f.kashflow->get_contact("supplier:S000"));
  INFO((current ? std::string() : current.error().message()));
  REQUIRE(current);
  CHECK(current->is_supplier);
  CHECK(current->name == "Acme Ltd");
  model::ContactDetails previous = connector::details_of(*current);
  model::ContactDetails desired = previous;
  desired.email = "billing@acme.example";
  auto updated = f.run(f.kashflow->update_contact("supplier:S000", connector::ContactUpdate(desired, *current, previous)));
  INFO((updated ? std::string() : updated.error().message()));
  REQUIRE(updated);
  CHECK(updated->remote_id == "supplier:S000");
  CHECK(updated->emails == std::vector<std::string>{"billing@acme.example"});
  CHECK(f.count("PUT suppliers/S000 200") == 1);
  CHECK(f.count("PUT customers/S000 200") == 0);

  auto state = f.admin(http::Method::get, "/_admin/state");
  rapidjson::Document doc;
  doc.Parse(state.body.c_str());
  const rapidjson::Value* s000 = nullptr;
  for (const auto& s : doc["kashflow"]["suppliers"].GetArray())
    if (std::string_view(s["Code"].GetString()) == "S000") s000 = &s;
  REQUIRE(s000);
  CHECK(std::string((*s000)["Email"].GetString()) == "billing@acme.example");
  CHECK(std::string((*s000)["Address"]["Line1"].GetString()) == "1 Mill Lane");  // unchanged, kept
  CHECK(std::string((*s000)["Contacts"][0]["Telephone"].GetString()) == "0113 000000");
  CHECK(std::string((*s000)["Contacts"][0]["Email"].GetString()) == "billing@acme.example");
  CHECK(std::string((*s000)["Name"].GetString()) == "Acme Ltd");

  auto missing = f.run(f.kashflow->get_contact("supplier:NOPE01"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::not_found);
  CHECK(f.count("GET suppliers/NOPE01 404") == 1);
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

// The accounting settings a config reload hands the login.
static config::AccountingSettings login(std::string user, std::string password, std::string word) {
  config::AccountingSettings s;
  s.username = std::move(user);
  s.password = Secret(std::move(password));
  s.memorable_word = Secret(std::move(word));
  return s;
}

TEST_CASE("KashFlow refused login read again: the same credentials are not sent, new ones log in once") {
  Fixture f("alice", "wrong", "pineapple");
  REQUIRE_FALSE(f.run(f.kashflow->tenant()));
  CHECK(f.count("POST sessiontoken 401") == 1);
  // A reload that finds the same credentials keeps the refusal, without a request.
  CHECK_FALSE(f.tokens->set_credentials(login("alice", "wrong", "pineapple")));
  auto same = f.run(f.kashflow->tenant());
  REQUIRE_FALSE(same);
  CHECK(same.error().code() == Errc::unauthorized);
  CHECK(f.requests().size() == 1);
  // New credentials: one login, and it works.
  CHECK(f.tokens->set_credentials(login("alice", "pw-alice", "pineapple")));
  CHECK(f.run(f.kashflow->tenant()));
  CHECK(f.count("POST sessiontoken 401") == 1);
  CHECK(f.count("POST sessiontoken 200") == 1);
  CHECK(f.count("PUT sessiontoken 200") == 1);
}

TEST_CASE("KashFlow refused login checked again on request: one more login, then refused again") {
  Fixture f("alice", "wrong", "pineapple");
  REQUIRE_FALSE(f.run(f.kashflow->tenant()));
  CHECK(f.tokens->refused());
  f.tokens->retry();
  CHECK_FALSE(f.tokens->refused());
  auto again = f.run(f.kashflow->tenant());
  REQUIRE_FALSE(again);
  CHECK(again.error().message().find("wrong username or password") != std::string::npos);
  CHECK_FALSE(f.run(f.kashflow->tenant()));
  CHECK(f.count("POST sessiontoken 401") == 2);
  // Two failures are below the lock (3): the right password still logs in.
  CHECK(f.tokens->set_credentials(login("alice", "pw-alice", "pineapple")));
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
  REQUIRE(found->size() == 3);  // not "Acme"; the supplier named so too (R13: the name exists)
  CHECK(found->back().remote_id == "supplier:S000");
  CHECK(f.count("GET suppliers 200") == 2);

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
