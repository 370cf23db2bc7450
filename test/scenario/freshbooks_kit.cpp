// The FreshBooks kit: client ids are numbers (100000 + the test key's number); every client
// qualifies (R3); FreshBooks has no suppliers or bills, so a supplier-only contact is seeded as a
// client and a purchase invoice is not seeded; clients have a fax but no website field; an
// archived client has vis_state 2, a voided (deleted) invoice vis_state 1. Money is
// {"amount": decimal text, "code": currency}.

#include <fmt/format.h>

#include "test/scenario/provider_kit.hpp"
#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {
namespace {

constexpr std::string_view kClientId = "sandbox-client-id";
constexpr std::string_view kClientSecret = "sandbox-client-secret";
constexpr std::string_view kRefreshToken = "freshbooks-sandbox-refresh-token";  // the daemon's
constexpr std::string_view kAccountId = "SBX001";
constexpr std::string_view kRoot = "/freshbooks";
constexpr int kArchived = 2;
constexpr int kDeleted = 1;

class FreshBooksKit final : public ProviderKit {
 public:
  FreshBooksKit() { refresh_token_ = "scenario-harness-refresh-token"; }

  std::string_view name() const override { return "freshbooks"; }
  std::string display_name() const override { return "FreshBooks"; }

  bool has(Trait trait) const override {
    switch (trait) {
      case Trait::fax:
      case Trait::invoice_writes:
      case Trait::archive_writes:
      case Trait::quotes_read:
      case Trait::quotes_write:
      case Trait::quote_status_writes:
      case Trait::quote_statuses: return true;
      case Trait::invoice_needed_to_qualify:
      case Trait::supplier_invoices:
      case Trait::customer_bills: return false;
    }
    return false;
  }

  void add_credentials(rapidjson::Document& seed, std::string_view harness_refresh_token) const override {
    auto& a = seed.GetAllocator();
    rapidjson::Document section;
    section.Parse(fmt::format(R"json({{
      "clients": [{{"client_id": "{0}", "client_secret": "{1}", "redirect_uris": []}}],
      "refreshTokens": [{{"token": "{2}", "client_id": "{0}"}}, {{"token": "{3}", "client_id": "{0}"}}],
      "business": {{"id": 439000, "name": "Sandbox Studio Inc.", "account_id": "{4}", "currency_code": "USD"}},
      "customers": [], "invoices": []}})json",
                              kClientId, kClientSecret, kRefreshToken, harness_refresh_token, kAccountId)
                      .c_str());
    seed.RemoveMember("freshbooks");
    seed.AddMember("freshbooks", rapidjson::Value(section, a), a);
  }

  void add_contact(rapidjson::Document& seed, const ContactSpec& c) const override {
    push_item(seed, "freshbooks", "customers",
              fields(c).raw("id", remote_id(c.key)).raw("vis_state", c.archived ? std::to_string(kArchived) : "0").str());
  }

  void add_invoice(rapidjson::Document& seed, const InvoiceSpec& i) const override {
    if (i.purchase) return;
    JsonObject o;
    if (!i.key.empty()) o.raw("id", invoice_id(i.key));
    o.raw("customerid", remote_id(i.contact))
        .text("invoice_number", i.number)
        .text("currency_code", i.currency)
        // Dates as the suite counts them (the UTC day), not the sandbox's US/Eastern day, which
        // differs between 00:00 and 05:00 UTC.
        .text("create_date", utc_date(i.due_offset_days - 30))
        .text("due_date", utc_date(i.due_offset_days))
        .text("amount", i.total)
        .text("paid", i.state == InvoiceState::paid ? i.total : "0");
    if (i.state == InvoiceState::draft) o.text("v3_status", "draft");
    if (i.state == InvoiceState::voided) o.raw("vis_state", std::to_string(kDeleted));
    push_item(seed, "freshbooks", "invoices", o.str());
  }

  std::string trait_note(Trait trait) const override {
    if (trait == Trait::quote_statuses)
      return "FreshBooks documents no declined or expired estimate state (https://www.freshbooks.com/api/estimates)";
    return {};
  }

  // FreshBooks estimates have no expiry date (https://www.freshbooks.com/api/estimates).
  void add_quote(rapidjson::Document& seed, const QuoteSeed& q) const override {
    static constexpr int kStatus[] = {1, 2, 5};  // draft, sent, accepted
    JsonObject o;
    o.raw("customerid", remote_id(q.contact))
        .text("estimate_number", q.number)
        .text("currency_code", q.currency)
        .raw("status", std::to_string(kStatus[static_cast<int>(q.state)]))
        .text("create_date", utc_date(-10))
        .text("amount", q.total);
    push_item(seed, "freshbooks", "estimates", o.str());
  }

  std::string remote_id(std::string_view key) const override { return std::to_string(100000 + key_number(key)); }
  std::string invoice_id(std::string_view key) const override { return std::to_string(200000 + key_number(key)); }

  std::map<std::string, std::string> secret_files() const override {
    return {{"freshbooks-client-secret", std::string(kClientSecret)},
            {"freshbooks-refresh-token", std::string(kRefreshToken)}};
  }

  std::string refresh_token_file() const override { return "freshbooks-refresh-token"; }

  std::string accounting_yaml(const std::string& base_url, const std::string& dir) const override {
    return fmt::format(
        "      provider: freshbooks\n"
        "      base_url: {0}{3}\n"
        "      token_url: {0}{3}/auth/oauth/token\n"
        "      authorize_url: {0}/freshbooks-auth/oauth/authorize\n"
        "      client_id: {2}\n"
        "      client_secret_file: {1}/freshbooks-client-secret\n",
        base_url, dir, kClientId, kRoot);
  }

  std::vector<RemoteContact> contacts(const rapidjson::Value& state) const override {
    std::vector<RemoteContact> out;
    for (const auto& c : list(state, "clients")) {
      RemoteContact r;
      r.remote_id = number_text(c, "id");
      r.first = json_text(c, "fname");
      r.last = json_text(c, "lname");
      r.name = json_text(c, "organization");
      if (r.name.empty()) r.name = r.first + (r.first.empty() || r.last.empty() ? "" : " ") + r.last;
      r.email = json_text(c, "email");
      r.phone = digits_only(json_text(c, "bus_phone"));
      r.mobile = digits_only(json_text(c, "mob_phone"));
      r.fax = digits_only(json_text(c, "fax"));
      // A deleted client (vis_state 1) is gone from the active list as an archived one is.
      r.archived = number_text(c, "vis_state") != "0";
      if (!json_text(c, "p_street").empty() || !json_text(c, "p_city").empty())
        r.addresses.emplace_back(json_text(c, "p_street"), json_text(c, "p_city"));
      out.push_back(std::move(r));
    }
    return out;
  }

  std::size_t invoice_count(const rapidjson::Value& state) const override { return list(state, "invoices").Size(); }

  std::vector<RemoteInvoice> invoices(const rapidjson::Value& state) const override {
    std::vector<RemoteInvoice> out;
    for (const auto& i : list(state, "invoices")) {
      RemoteInvoice r;
      r.contact_id = number_text(i, "customerid");
      r.owed_sale = number_text(i, "vis_state") != std::to_string(kDeleted) && json_text(i, "v3_status") != "draft";
      const auto outstanding = i.FindMember("outstanding");
      if (outstanding != i.MemberEnd()) r.amount_due = json_text(outstanding->value, "amount");
      r.currency = json_text(i, "currency_code");
      out.push_back(std::move(r));
    }
    return out;
  }

  // A deleted estimate has vis_state 1; the reference is po_number (connectors/freshbooks/estimates.hpp).
  std::pair<std::string, std::string> quote_create() const override { return {"POST", fmt::format("{}/accounting/account/{}/estimates/estimates", kRoot, kAccountId)}; }

  std::vector<RemoteQuote> quotes(const rapidjson::Value& state) const override {
    std::vector<RemoteQuote> out;
    for (const auto& e : list(state, "estimates"))
      if (number_text(e, "vis_state") != std::to_string(kDeleted))
        out.push_back({json_text(e, "po_number"), number_text(e, "customerid"), json_text(e, "estimate_number"),
                       json_text(e, "ui_status") == "draft"});
    return out;
  }

  rapidjson::Value::ConstArray contact_records(const rapidjson::Value& state) const override {
    return list(state, "clients");
  }
  std::vector<std::string> volatile_members() const override { return {"id", "userid", "signup_date", "updated"}; }
  std::string api_prefix() const override { return std::string(kRoot) + "/"; }

  std::vector<std::string> invoice_ids(const rapidjson::Value& state) const override {
    std::vector<std::string> out;
    for (const auto& i : list(state, "invoices")) out.push_back(number_text(i, "id"));
    return out;
  }

  // `path` after the account's root, e.g. "/users/clients".
  std::string bearer_token() override {
    return access_token(std::string(kRoot) + "/auth/oauth/token",
                        fmt::format("client_id={}&client_secret={}", kClientId, kClientSecret));
  }

  HttpAnswer api(const std::string& method, const std::string& path, const std::string& body) override {
    const std::string token = bearer_token();
    return call(method, fmt::format("{}/accounting/account/{}{}", kRoot, kAccountId, path), body,
                {{"Authorization", "Bearer " + token},
                 {"Content-Type", "application/json"},
                 {"Accept", "application/json"}});
  }

  std::string create_contact(const ContactSpec& c) override {
    auto answer = checked("POST", "/users/clients", R"({"client":)" + fields(c).str() + "}");
    return number_text(answer.json()["response"]["result"]["client"], "id");
  }

  std::string create_invoice(const std::string& contact_id, const std::string& number, int quantity,
                             const std::string& unit_price, int due_offset_days) override {
    auto answer = checked(
        "POST", "/invoices/invoices",
        fmt::format(R"({{"invoice":{{"customerid":{},"create_date":"{}","due_offset_days":{},"currency_code":"GBP",)"
                    R"("invoice_number":{},"status":2,"lines":[{{"name":"Work","qty":"{}","unit_cost":{{"amount":"{}"}}}}]}}}})",
                    contact_id, utc_date(0), due_offset_days, json_string(number), quantity, unit_price));
    return number_text(answer.json()["response"]["result"]["invoice"], "id");
  }

  // Estimate statuses: 1 draft, 2 sent, 5 accepted (https://www.freshbooks.com/api/estimates).
  void set_quote_status(const std::string& quote_id, QuoteState state) override {
    static constexpr int kStatus[] = {1, 2, 5};
    checked("PUT", "/estimates/estimates/" + quote_id,
            R"({"estimate":{"status":)" + std::to_string(kStatus[static_cast<int>(state)]) + "}}");
  }

  void void_invoice(const std::string& invoice_id) override { checked("DELETE", "/invoices/invoices/" + invoice_id); }

  void edit_contact(const std::string& contact_id, const std::string& email, const std::string& phone) override {
    checked("PUT", "/users/clients/" + contact_id,
            R"({"client":)" + JsonObject().text("email", email).text("bus_phone", phone).str() + "}");
  }

  // A vis_state in the body changes only the vis_state (FreshBooks' update phases).
  void set_archived(const std::string& contact_id, bool archived) override {
    checked("PUT", "/users/clients/" + contact_id,
            R"({"client":)" + JsonObject().raw("vis_state", archived ? std::to_string(kArchived) : "0").str() + "}");
  }

 private:
  // The writable fields of a client; a person has no organization of its own.
  static JsonObject fields(const ContactSpec& c) {
    JsonObject o;
    if (!c.person) o.text("organization", c.name);
    o.text_if("fname", c.first)
        .text_if("lname", c.last)
        .text_if("email", c.email)
        .text_if("bus_phone", c.phone)
        .text_if("mob_phone", c.mobile)
        .text_if("fax", c.fax)
        .text_if("p_street", c.street)
        .text_if("p_city", c.city)
        .text_if("p_code", c.zip)
        .text_if("p_country", c.country);
    return o;
  }

  // A numeric member as text, whether the state was parsed with numbers as strings or not.
  static std::string number_text(const rapidjson::Value& object, const char* key) {
    if (!object.IsObject()) return {};
    auto it = object.FindMember(key);
    if (it == object.MemberEnd()) return {};
    if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
    return json_text(object, key);
  }

  static rapidjson::Value::ConstArray list(const rapidjson::Value& state, const char* key) {
    return state_list(state, "freshbooks", key);
  }
};

}  // namespace

std::unique_ptr<ProviderKit> make_freshbooks_kit() { return std::make_unique<FreshBooksKit>(); }

}  // namespace capsync::scenario
