// The Sage Business Cloud kit: contacts keep their test key as id; every customer and supplier
// qualifies (R3); bills are purchase_invoices; a person is a contact whose main contact person
// has the contact's own name; email and phones live on the main contact person; no website.
// The sandbox's Sage API writes contacts only (no invoice writes, is_active read-only there).

#include <fmt/format.h>

#include "test/scenario/provider_kit.hpp"
#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {
namespace {

constexpr std::string_view kClientId = "sandbox-client-id";
constexpr std::string_view kClientSecret = "sandbox-client-secret";
constexpr std::string_view kRefreshToken = "sage-sandbox-refresh-token";  // the daemon's

std::string country_id(const std::string& country) { return country == "United Kingdom" ? "GB" : country; }

class SageKit final : public ProviderKit {
 public:
  SageKit() { refresh_token_ = "scenario-harness-refresh-token"; }

  std::string_view name() const override { return "sage"; }
  std::string display_name() const override { return "Sage"; }

  bool has(Trait trait) const override {
    switch (trait) {
      case Trait::supplier_invoices:
      case Trait::customer_bills:
      case Trait::fax:
      case Trait::quotes_read:
      case Trait::quotes_write:
      case Trait::quote_statuses:
      case Trait::quote_status_writes: return true;
      case Trait::invoice_needed_to_qualify:
      case Trait::invoice_writes:
      case Trait::archive_writes: return false;
    }
    return false;
  }

  void add_credentials(rapidjson::Document& seed, std::string_view harness_refresh_token) const override {
    auto& a = seed.GetAllocator();
    rapidjson::Document section;
    section.Parse(fmt::format(R"json({{
      "clients": [{{"client_id": "{0}", "client_secret": "{1}", "redirect_uris": []}}],
      "refreshTokens": [{{"token": "{2}", "client_id": "{0}"}}, {{"token": "{3}", "client_id": "{0}"}}],
      "businesses": [{{"id": "5a1e0b0c0d0e4f10a1b2c3d4e5f60001", "name": "Sandbox Business (UK)"}}],
      "contacts": [], "sales_invoices": [], "purchase_invoices": []}})json",
                              kClientId, kClientSecret, kRefreshToken, harness_refresh_token)
                      .c_str());
    seed.RemoveMember("sage");
    seed.AddMember("sage", rapidjson::Value(section, a), a);
  }

  void add_contact(rapidjson::Document& seed, const ContactSpec& c) const override {
    push_item(seed, "sage", "contacts",
              fields(c).text("id", c.key).raw("is_active", c.archived ? "false" : "true").str());
  }

  void add_invoice(rapidjson::Document& seed, const InvoiceSpec& i) const override {
    JsonObject o;
    o.text_if("id", i.key)
        .text("contact_id", i.contact)
        .text(i.purchase ? "vendor_reference" : "invoice_number", i.number)
        .text("currency_id", i.currency)
        .raw("date_offset_days", std::to_string(i.due_offset_days - 30))
        .raw("due_date_offset_days", std::to_string(i.due_offset_days))
        .raw("total_amount", i.total)
        .raw("total_paid", i.state == InvoiceState::paid ? i.total : "0");
    if (i.state == InvoiceState::draft) o.text("status_id", "DRAFT");
    if (i.state == InvoiceState::voided) o.text("status_id", "VOID");
    push_item(seed, "sage", i.purchase ? "purchase_invoices" : "sales_invoices", o.str());
  }

  std::string trait_note(Trait trait) const override {
    if (trait == Trait::quote_statuses)
      return "unverified: Sage publishes no status ids for sales quotes and estimates; the sandbox follows the web "
             "app's wording (DRAFT, PENDING, ACCEPTED, ...; sage-accounting-v3.1.swagger.json SalesQuote.status)";
    return {};
  }

  // A sales quote; a seeded one is sent unless it is a draft.
  void add_quote(rapidjson::Document& seed, const QuoteSeed& q) const override {
    static constexpr const char* kStatus[] = {"DRAFT", "PENDING", "ACCEPTED"};
    push_item(seed, "sage", "sales_quotes",
              JsonObject()
                  .text("contact_id", q.contact)
                  .text("quote_number", q.number)
                  .text("status_id", kStatus[static_cast<int>(q.state)])
                  .raw("sent", q.state == QuoteState::draft ? "false" : "true")
                  .text("currency_id", q.currency)
                  .raw("date_offset_days", "-10")
                  .raw("expiry_date_offset_days", std::to_string(q.expiry_offset_days))
                  .raw("net_amount", q.total)
                  .str());
  }

  std::pair<std::string, std::string> quote_create() const override { return {"POST", "/sage/v3.1/sales_quotes"}; }

  std::vector<RemoteQuote> quotes(const rapidjson::Value& state) const override {
    std::vector<RemoteQuote> out;
    for (auto [list, number] : {std::pair{"sales_quotes", "quote_number"}, std::pair{"sales_estimates", "estimate_number"}})
      for (const auto& q : state_list(state, "sage", list))
        out.push_back({json_text(q, "reference"), q.HasMember("contact") ? json_text(q["contact"], "id") : "",
                       json_text(q, number), q.HasMember("status") && json_text(q["status"], "id") == "DRAFT"});
    return out;
  }

  std::string remote_id(std::string_view key) const override { return std::string(key); }
  std::string invoice_id(std::string_view key) const override { return std::string(key); }

  std::map<std::string, std::string> secret_files() const override {
    return {{"sage-client-secret", std::string(kClientSecret)}, {"sage-refresh-token", std::string(kRefreshToken)}};
  }

  std::string refresh_token_file() const override { return "sage-refresh-token"; }

  std::string accounting_yaml(const std::string& base_url, const std::string& dir) const override {
    return fmt::format(
        "      provider: sage\n"
        "      base_url: {0}/sage/v3.1\n"
        "      token_url: {0}/sage-oauth/token\n"
        "      authorize_url: {0}/sage-login/oauth2/auth/central\n"
        "      client_id: {2}\n"
        "      client_secret_file: {1}/sage-client-secret\n",
        base_url, dir, kClientId);
  }

  std::vector<RemoteContact> contacts(const rapidjson::Value& state) const override {
    std::vector<RemoteContact> out;
    for (const auto& c : state_list(state, "sage", "contacts")) {
      RemoteContact r;
      r.remote_id = json_text(c, "id");
      r.name = json_text(c, "name");
      r.archived = !json_text(c, "deleted_at").empty() || (c.HasMember("is_active") && c["is_active"].IsFalse());
      if (c.HasMember("main_contact_person") && c["main_contact_person"].IsObject()) {
        const auto& p = c["main_contact_person"];
        const std::string person = json_text(p, "name");
        const auto space = person.rfind(' ');
        r.first = space == std::string::npos ? person : person.substr(0, space);
        r.last = space == std::string::npos ? std::string() : person.substr(space + 1);
        r.email = json_text(p, "email");
        r.phone = digits_only(json_text(p, "telephone"));
        r.mobile = digits_only(json_text(p, "mobile"));
        r.fax = digits_only(json_text(p, "fax"));
      }
      if (c.HasMember("main_address") && c["main_address"].IsObject()) {
        const auto& a = c["main_address"];
        if (!json_text(a, "address_line_1").empty() || !json_text(a, "city").empty())
          r.addresses.emplace_back(json_text(a, "address_line_1"), json_text(a, "city"));
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  std::size_t invoice_count(const rapidjson::Value& state) const override {
    return state_list(state, "sage", "sales_invoices").Size() + state_list(state, "sage", "purchase_invoices").Size();
  }

  std::vector<RemoteInvoice> invoices(const rapidjson::Value& state) const override {
    std::vector<RemoteInvoice> out;
    for (const char* key : {"sales_invoices", "purchase_invoices"})
      for (const auto& i : state_list(state, "sage", key)) {
        const std::string status = i.HasMember("status") ? json_text(i["status"], "id") : std::string();
        RemoteInvoice r;
        r.contact_id = i.HasMember("contact") ? json_text(i["contact"], "id") : std::string();
        r.owed_sale = std::string_view(key) == "sales_invoices" && status != "DRAFT" && status != "VOID" &&
                      json_text(i, "deleted_at").empty();
        r.amount_due = json_text(i, "outstanding_amount");
        r.currency = i.HasMember("currency") ? json_text(i["currency"], "id") : std::string();
        out.push_back(std::move(r));
      }
    return out;
  }

  rapidjson::Value::ConstArray contact_records(const rapidjson::Value& state) const override {
    return state_list(state, "sage", "contacts");
  }
  std::vector<std::string> volatile_members() const override {
    return {"id", "$path", "created_at", "updated_at", "reference", "displayed_as"};
  }
  std::string api_prefix() const override { return "/sage/v3.1/"; }

  std::vector<std::string> invoice_ids(const rapidjson::Value& state) const override {
    std::vector<std::string> out;
    for (const char* key : {"sales_invoices", "purchase_invoices"})
      for (const auto& i : state_list(state, "sage", key)) out.push_back(json_text(i, "id"));
    return out;
  }

  HttpAnswer api(const std::string& method, const std::string& path, const std::string& body) override {
    const std::string token =
        access_token("/sage-oauth/token", fmt::format("client_id={}&client_secret={}", kClientId, kClientSecret));
    return call(method, "/sage/v3.1" + path, body,
                {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}, {"Accept", "application/json"}});
  }

  std::string create_contact(const ContactSpec& c) override {
    auto answer = checked("POST", "/contacts", R"({"contact":)" + fields(c).str() + "}");
    return json_text(answer.json(), "id");
  }

  std::string create_invoice(const std::string&, const std::string&, int, const std::string&, int) override {
    throw std::runtime_error("the sandbox's Sage API does not create invoices");
  }

  void void_invoice(const std::string&) override {
    throw std::runtime_error("the sandbox's Sage API does not void invoices");
  }

  void edit_contact(const std::string& contact_id, const std::string& email, const std::string& phone) override {
    checked("PUT", "/contacts/" + contact_id,
            R"({"contact":{"main_contact_person":)" + JsonObject().text("email", email).text("telephone", phone).str() +
                "}}");
  }

  // A remote id "estimate:<id>" is a sales estimate (connectors/sage/quotes.hpp).
  void set_quote_status(const std::string& quote_id, QuoteState state) override {
    static constexpr const char* kStatus[] = {"DRAFT", "PENDING", "ACCEPTED"};
    const bool estimate = quote_id.starts_with("estimate:");
    const std::string id = estimate ? quote_id.substr(9) : quote_id;
    checked("PUT", fmt::format("/{}/{}", estimate ? "sales_estimates" : "sales_quotes", id),
            fmt::format(R"({{"{}":{}}})", estimate ? "sales_estimate" : "sales_quote",
                        JsonObject()
                            .text("status_id", kStatus[static_cast<int>(state)])
                            .raw("sent", state == QuoteState::draft ? "false" : "true")
                            .str()));
  }

  void set_archived(const std::string&, bool) override {
    throw std::runtime_error("the sandbox's Sage API does not change is_active");
  }

 private:
  // The writable fields of a contact (a seed takes the same, plus id and is_active).
  static JsonObject fields(const ContactSpec& c) {
    JsonObject o;
    o.text("name", c.name).raw("contact_type_ids", c.supplier ? R"(["VENDOR"])" : R"(["CUSTOMER"])");
    const std::string person = c.person ? c.name : c.first + (c.first.empty() || c.last.empty() ? "" : " ") + c.last;
    JsonObject p;
    p.text_if("name", person).text_if("email", c.email).text_if("telephone", c.phone).text_if("mobile", c.mobile).text_if("fax", c.fax);
    if (p.str() != "{}") o.raw("main_contact_person", p.str());
    if (!c.street.empty() || !c.city.empty()) {
      JsonObject a;
      a.text_if("address_line_1", c.street).text_if("city", c.city).text_if("postal_code", c.zip);
      if (!c.country.empty()) a.text("country_id", country_id(c.country));
      o.raw("main_address", a.str());
    }
    return o;
  }
};

}  // namespace

std::unique_ptr<ProviderKit> make_sage_kit() { return std::make_unique<SageKit>(); }

}  // namespace capsync::scenario
