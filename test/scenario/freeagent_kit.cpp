// The FreeAgent kit: contact ids are numbers (100000 + the test key's number), sent as URLs;
// every contact qualifies (R3); supplier bills live in /v2/bills, which capsync does not read,
// so a purchase invoice is not seeded; FreeAgent has no fax or website field; a hidden contact
// is archived. Money and numbers are strings, as FreeAgent writes them.

#include <fmt/format.h>

#include "test/scenario/provider_kit.hpp"
#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {
namespace {

constexpr std::string_view kClientId = "sandbox-client-id";
constexpr std::string_view kClientSecret = "sandbox-client-secret";
constexpr std::string_view kRefreshToken = "freeagent-sandbox-refresh-token";  // the daemon's
constexpr std::string_view kApi = "/freeagent/v2";

class FreeAgentKit final : public ProviderKit {
 public:
  FreeAgentKit() { refresh_token_ = "scenario-harness-refresh-token"; }

  std::string_view name() const override { return "freeagent"; }
  std::string display_name() const override { return "FreeAgent"; }

  bool has(Trait trait) const override {
    switch (trait) {
      case Trait::invoice_writes:
      case Trait::archive_writes:
      case Trait::quotes_read:
      case Trait::quotes_write:
      case Trait::quote_statuses:
      case Trait::quote_status_writes: return true;
      case Trait::invoice_needed_to_qualify:
      case Trait::supplier_invoices:
      case Trait::customer_bills:
      case Trait::fax: return false;
    }
    return false;
  }

  void add_credentials(rapidjson::Document& seed, std::string_view harness_refresh_token) const override {
    auto& a = seed.GetAllocator();
    rapidjson::Document section;
    section.Parse(fmt::format(R"json({{
      "clients": [{{"client_id": "{0}", "client_secret": "{1}", "redirect_uris": []}}],
      "refreshTokens": [{{"token": "{2}", "client_id": "{0}"}}, {{"token": "{3}", "client_id": "{0}"}}],
      "company": {{"name": "Sandbox Company Ltd", "subdomain": "sandbox", "currency": "GBP"}},
      "contacts": [], "invoices": []}})json",
                              kClientId, kClientSecret, kRefreshToken, harness_refresh_token)
                      .c_str());
    seed.RemoveMember("freeagent");
    seed.AddMember("freeagent", rapidjson::Value(section, a), a);
  }

  void add_contact(rapidjson::Document& seed, const ContactSpec& c) const override {
    push_item(seed, "freeagent", "contacts", fields(c).text("id", remote_id(c.key)).text("status", c.archived ? "Hidden" : "Active").raw("is_supplier", c.supplier ? "true" : "false").str());
  }

  void add_invoice(rapidjson::Document& seed, const InvoiceSpec& i) const override {
    if (i.purchase) return;
    JsonObject o;
    if (!i.key.empty()) o.text("id", invoice_id(i.key));
    o.text("contact", remote_id(i.contact))
        .text("reference", i.number)
        .text("currency", i.currency)
        .text("dated_on_offset_days", std::to_string(i.due_offset_days - 30))
        .text("due_on_offset_days", std::to_string(i.due_offset_days))
        .text("total_value", i.total)
        .text("paid_value", i.state == InvoiceState::paid ? i.total : "0");
    if (i.state == InvoiceState::draft) o.text("status", "Draft");
    if (i.state == InvoiceState::voided) o.text("status", "Cancelled");
    push_item(seed, "freeagent", "invoices", o.str());
  }

  std::string trait_note(Trait trait) const override {
    if (trait == Trait::quotes_read || trait == Trait::quotes_write)
      return "FreeAgent estimates have no expiry date and no title, and GET /v2/estimates has no reference filter, so "
             "capsync scans them for a lost create (https://dev.freeagent.com/docs/estimates)";
    return {};
  }

  // An estimate of type Quote; FreeAgent's reference is its number (connectors/freeagent/estimates.hpp).
  void add_quote(rapidjson::Document& seed, const QuoteSeed& q) const override {
    static constexpr const char* kStatus[] = {"Draft", "Sent", "Approved"};
    push_item(seed, "freeagent", "estimates",
              JsonObject()
                  .text("contact", remote_id(q.contact))
                  .text("reference", q.number)
                  .text("estimate_type", "Quote")
                  .text("status", kStatus[static_cast<int>(q.state)])
                  .text("currency", q.currency)
                  .text("dated_on_offset_days", "-10")
                  .text("net_value", q.total)
                  .str());
  }

  std::pair<std::string, std::string> quote_create() const override { return {"POST", std::string(kApi) + "/estimates"}; }

  std::vector<RemoteQuote> quotes(const rapidjson::Value& state) const override {
    std::vector<RemoteQuote> out;
    for (const auto& e : list(state, "estimates"))
      out.push_back({json_text(e, "reference"), id_of(json_text(e, "contact")), json_text(e, "reference"),
                     json_text(e, "status") == "Draft"});
    return out;
  }

  std::string remote_id(std::string_view key) const override { return std::to_string(100000 + key_number(key)); }
  std::string invoice_id(std::string_view key) const override { return std::to_string(200000 + key_number(key)); }

  std::map<std::string, std::string> secret_files() const override {
    return {{"freeagent-client-secret", std::string(kClientSecret)},
            {"freeagent-refresh-token", std::string(kRefreshToken)}};
  }

  std::string refresh_token_file() const override { return "freeagent-refresh-token"; }

  std::string accounting_yaml(const std::string& base_url, const std::string& dir) const override {
    return fmt::format(
        "      provider: freeagent\n"
        "      base_url: {0}{3}\n"
        "      token_url: {0}{3}/token_endpoint\n"
        "      authorize_url: {0}{3}/approve_app\n"
        "      client_id: {2}\n"
        "      client_secret_file: {1}/freeagent-client-secret\n",
        base_url, dir, kClientId, kApi);
  }

  std::vector<RemoteContact> contacts(const rapidjson::Value& state) const override {
    std::vector<RemoteContact> out;
    for (const auto& c : list(state, "contacts")) {
      RemoteContact r;
      r.remote_id = id_of(json_text(c, "url"));
      r.first = json_text(c, "first_name");
      r.last = json_text(c, "last_name");
      r.name = json_text(c, "organisation_name");
      if (r.name.empty()) r.name = r.first + (r.first.empty() || r.last.empty() ? "" : " ") + r.last;
      r.email = json_text(c, "email");
      r.phone = digits_only(json_text(c, "phone_number"));
      r.mobile = digits_only(json_text(c, "mobile"));
      r.archived = json_text(c, "status") == "Hidden";
      if (!json_text(c, "address1").empty() || !json_text(c, "town").empty())
        r.addresses.emplace_back(json_text(c, "address1"), json_text(c, "town"));
      out.push_back(std::move(r));
    }
    return out;
  }

  std::size_t invoice_count(const rapidjson::Value& state) const override { return list(state, "invoices").Size(); }

  std::vector<RemoteInvoice> invoices(const rapidjson::Value& state) const override {
    std::vector<RemoteInvoice> out;
    for (const auto& i : list(state, "invoices")) {
      const std::string status = json_text(i, "status");
      RemoteInvoice r;
      r.contact_id = id_of(json_text(i, "contact"));
      r.owed_sale = status == "Open" || status == "Overdue" || status == "Scheduled To Email" || status == "Paid";
      r.amount_due = json_text(i, "due_value");
      r.currency = json_text(i, "currency");
      out.push_back(std::move(r));
    }
    return out;
  }

  rapidjson::Value::ConstArray contact_records(const rapidjson::Value& state) const override {
    return list(state, "contacts");
  }
  std::vector<std::string> volatile_members() const override { return {"url", "created_at", "updated_at"}; }
  std::string api_prefix() const override { return std::string(kApi) + "/"; }

  std::vector<std::string> invoice_ids(const rapidjson::Value& state) const override {
    std::vector<std::string> out;
    for (const auto& i : list(state, "invoices")) out.push_back(id_of(json_text(i, "url")));
    return out;
  }

  HttpAnswer api(const std::string& method, const std::string& path, const std::string& body) override {
    const std::string token = access_token(std::string(kApi) + "/token_endpoint",
                                           fmt::format("client_id={}&client_secret={}", kClientId, kClientSecret));
    return call(method, std::string(kApi) + path, body,
                {{"Authorization", "Bearer " + token},
                 {"User-Agent", "capsync-scenario"},
                 {"Content-Type", "application/json"},
                 {"Accept", "application/json"}});
  }

  std::string create_contact(const ContactSpec& c) override {
    auto answer = checked("POST", "/contacts", R"({"contact":)" + fields(c).str() + "}");
    return id_of(json_text(answer.json()["contact"], "url"));
  }

  std::string create_invoice(const std::string& contact_id, const std::string& number, int quantity,
                             const std::string& unit_price, int due_offset_days) override {
    auto answer = checked(
        "POST", "/invoices",
        fmt::format(R"({{"invoice":{{"contact":"{}/contacts/{}","dated_on":"{}","due_on":"{}","currency":"GBP",)"
                    R"("reference":{},"invoice_items":[{{"description":"Work","quantity":"{}","price":"{}"}}]}}}})",
                    kApi, contact_id, utc_date(0), utc_date(due_offset_days), json_string(number), quantity,
                    unit_price));
    const std::string id = id_of(json_text(answer.json()["invoice"], "url"));
    checked("PUT", "/invoices/" + id + "/transitions/mark_as_sent");
    return id;
  }

  void void_invoice(const std::string& invoice_id) override {
    checked("PUT", "/invoices/" + invoice_id + "/transitions/mark_as_cancelled");
  }

  void edit_contact(const std::string& contact_id, const std::string& email, const std::string& phone) override {
    checked("PUT", "/contacts/" + contact_id,
            R"({"contact":)" + JsonObject().text("email", email).text("phone_number", phone).str() + "}");
  }

  // FreeAgent changes an estimate's status only through its transitions.
  void set_quote_status(const std::string& quote_id, QuoteState state) override {
    static constexpr const char* kTransition[] = {"mark_as_draft", "mark_as_sent", "mark_as_approved"};
    checked("PUT", "/estimates/" + quote_id + "/transitions/" + kTransition[static_cast<int>(state)]);
  }

  void set_archived(const std::string& contact_id, bool archived) override {
    checked("PUT", "/contacts/" + contact_id,
            R"({"contact":)" + JsonObject().text("status", archived ? "Hidden" : "Active").str() + "}");
  }

 private:
  // The writable fields of a contact.
  static JsonObject fields(const ContactSpec& c) {
    JsonObject o;
    if (!c.person) o.text("organisation_name", c.name);
    o.text_if("first_name", c.first)
        .text_if("last_name", c.last)
        .text_if("email", c.email)
        .text_if("phone_number", c.phone)
        .text_if("mobile", c.mobile)
        .text_if("address1", c.street)
        .text_if("town", c.city)
        .text_if("postcode", c.zip)
        .text_if("country", c.country);
    return o;
  }

  static std::string id_of(const std::string& url) { return url.substr(url.rfind('/') + 1); }

  static rapidjson::Value::ConstArray list(const rapidjson::Value& state, const char* key) {
    return state_list(state, "freeagent", key);
  }
};

}  // namespace

std::unique_ptr<ProviderKit> make_freeagent_kit() { return std::make_unique<FreeAgentKit>(); }

}  // namespace capsync::scenario
