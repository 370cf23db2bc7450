// The Xero kit: contacts keep their test key as ContactID; only contacts with a non-draft
// invoice qualify (R3); bills are ACCPAY invoices; Website is read-only in Xero's API.

#include <fmt/format.h>

#include "test/scenario/provider_kit.hpp"
#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {
namespace {

const char* status_of(InvoiceState state) {
  switch (state) {
    case InvoiceState::draft: return "DRAFT";
    case InvoiceState::voided: return "VOIDED";
    case InvoiceState::paid: return "PAID";
    default: return "AUTHORISED";
  }
}

std::string phones_json(const ContactSpec& c) {
  std::string out;
  for (auto [type, number] : {std::pair{"DEFAULT", &c.phone}, std::pair{"MOBILE", &c.mobile}, std::pair{"FAX", &c.fax}}) {
    if (number->empty()) continue;
    if (!out.empty()) out += ',';
    out += JsonObject().text("PhoneType", type).text("PhoneNumber", *number).str();
  }
  return "[" + out + "]";
}

class XeroKit final : public ProviderKit {
 public:
  XeroKit() { refresh_token_ = "scenario-harness-refresh-token"; }

  std::string_view name() const override { return "xero"; }
  std::string display_name() const override { return "Xero"; }

  bool has(Trait trait) const override {
    switch (trait) {
      case Trait::invoice_needed_to_qualify:
      case Trait::supplier_invoices:
      case Trait::customer_bills:
      case Trait::fax:
      case Trait::invoice_writes:
      case Trait::archive_writes:
      case Trait::quotes_read:
      case Trait::quotes_write:
      case Trait::quote_status_writes:
      case Trait::quote_statuses: return true;
    }
    return false;
  }

  void add_credentials(rapidjson::Document& seed, std::string_view harness_refresh_token) const override {
    auto& a = seed.GetAllocator();
    rapidjson::Document section;
    section.Parse(fmt::format(R"json({{
      "clients": [{{"client_id": "{0}", "client_secret": "{1}", "redirect_uris": []}}],
      "refreshTokens": [{{"token": "{2}", "client_id": "{0}"}}, {{"token": "{3}", "client_id": "{0}"}}],
      "tenants": [{{"tenantId": "{4}", "tenantName": "Sandbox Company (UK)", "tenantType": "ORGANISATION"}}],
      "contacts": [], "invoices": []}})json",
                              kXeroClientId, kXeroClientSecret, kXeroRefreshToken, harness_refresh_token, kXeroTenantId)
                      .c_str());
    seed.RemoveMember("xero");
    seed.AddMember("xero", rapidjson::Value(section, a), a);
  }

  void add_contact(rapidjson::Document& seed, const ContactSpec& c) const override {
    JsonObject o;
    o.text("ContactID", c.key).text("Name", c.name).text("ContactStatus", c.archived ? "ARCHIVED" : "ACTIVE");
    o.text_if("FirstName", c.first).text_if("LastName", c.last).text_if("EmailAddress", c.email);
    if (!c.phone.empty() || !c.mobile.empty() || !c.fax.empty()) o.raw("Phones", phones_json(c));
    o.text_if("Website", c.website);
    if (!c.street.empty() || !c.city.empty())
      o.raw("Addresses", "[" + JsonObject()
                                   .text("AddressType", "POBOX")
                                   .text("AddressLine1", c.street)
                                   .text("City", c.city)
                                   .text_if("PostalCode", c.zip)
                                   .text_if("Country", c.country)
                                   .str() + "]");
    if (c.supplier) o.raw("IsSupplier", "true");
    push_item(seed, "xero", "contacts", o.str());
  }

  void add_invoice(rapidjson::Document& seed, const InvoiceSpec& i) const override {
    JsonObject o;
    o.text_if("InvoiceID", i.key)
        .text("Type", i.purchase ? "ACCPAY" : "ACCREC")
        .text("InvoiceNumber", i.number)
        .raw("Contact", JsonObject().text("ContactID", i.contact).str())
        .text("Status", status_of(i.state))
        .text("CurrencyCode", i.currency)
        .raw("DateOffsetDays", std::to_string(i.due_offset_days - 30))
        .raw("DueDateOffsetDays", std::to_string(i.due_offset_days))
        .raw("Total", i.total)
        .raw("AmountPaid", i.state == InvoiceState::paid ? i.total : "0");
    push_item(seed, "xero", "invoices", o.str());
  }

  void add_quote(rapidjson::Document& seed, const QuoteSeed& q) const override {
    static constexpr const char* kStatus[] = {"DRAFT", "SENT", "ACCEPTED"};
    JsonObject o;
    o.text("QuoteNumber", q.number)
        .raw("Contact", JsonObject().text("ContactID", q.contact).str())
        .text("Status", kStatus[static_cast<int>(q.state)])
        .text("CurrencyCode", q.currency)
        .raw("DateOffsetDays", "-10")
        .raw("ExpiryDateOffsetDays", std::to_string(q.expiry_offset_days))
        .raw("LineItems", "[" + JsonObject().text("Description", "Services").raw("Quantity", "1").raw("UnitAmount", q.total).str() + "]");
    push_item(seed, "xero", "quotes", o.str());
  }

  std::string remote_id(std::string_view key) const override { return std::string(key); }
  std::string invoice_id(std::string_view key) const override { return std::string(key); }

  std::map<std::string, std::string> secret_files() const override {
    return {{"xero-client-secret", std::string(kXeroClientSecret)}, {"xero-refresh-token", std::string(kXeroRefreshToken)}};
  }

  std::string refresh_token_file() const override { return "xero-refresh-token"; }

  std::string accounting_yaml(const std::string& base_url, const std::string& dir) const override {
    return fmt::format(
        "      provider: xero\n"
        "      base_url: {0}/xero\n"
        "      token_url: {0}/xero-identity/connect/token\n"
        "      authorize_url: {0}/xero-login/identity/connect/authorize\n"
        "      client_id: {2}\n"
        "      client_secret_file: {1}/xero-client-secret\n",
        base_url, dir, kXeroClientId);
  }

  std::vector<RemoteContact> contacts(const rapidjson::Value& state) const override {
    std::vector<RemoteContact> out;
    for (const auto& c : list(state, "contacts")) {
      RemoteContact r;
      r.remote_id = json_text(c, "ContactID");
      r.name = json_text(c, "Name");
      r.first = json_text(c, "FirstName");
      r.last = json_text(c, "LastName");
      r.email = json_text(c, "EmailAddress");
      r.website = json_text(c, "Website");
      r.archived = json_text(c, "ContactStatus") == "ARCHIVED";
      if (c.HasMember("Phones") && c["Phones"].IsArray())
        for (const auto& p : c["Phones"].GetArray()) {
          const std::string digits =
              digits_only(json_text(p, "PhoneCountryCode") + json_text(p, "PhoneAreaCode") + json_text(p, "PhoneNumber"));
          const std::string type = json_text(p, "PhoneType");
          if (type == "DEFAULT") r.phone = digits;
          if (type == "MOBILE") r.mobile = digits;
          if (type == "FAX") r.fax = digits;
        }
      if (c.HasMember("Addresses") && c["Addresses"].IsArray())
        for (const auto& a : c["Addresses"].GetArray())
          if (!json_text(a, "AddressLine1").empty() || !json_text(a, "City").empty())
            r.addresses.emplace_back(json_text(a, "AddressLine1"), json_text(a, "City"));
      out.push_back(std::move(r));
    }
    return out;
  }

  std::size_t invoice_count(const rapidjson::Value& state) const override { return list(state, "invoices").Size(); }

  std::vector<RemoteInvoice> invoices(const rapidjson::Value& state) const override {
    std::vector<RemoteInvoice> out;
    for (const auto& i : list(state, "invoices")) {
      const std::string status = json_text(i, "Status");
      RemoteInvoice r;
      r.contact_id = i.HasMember("Contact") ? json_text(i["Contact"], "ContactID") : std::string();
      r.owed_sale = json_text(i, "Type") == "ACCREC" && (status == "AUTHORISED" || status == "PAID");
      r.amount_due = json_text(i, "AmountDue");
      r.currency = json_text(i, "CurrencyCode");
      out.push_back(std::move(r));
    }
    return out;
  }

  std::pair<std::string, std::string> quote_create() const override { return {"PUT", "/xero/api.xro/2.0/Quotes"}; }

  std::vector<RemoteQuote> quotes(const rapidjson::Value& state) const override {
    std::vector<RemoteQuote> out;
    for (const auto& q : list(state, "quotes"))
      if (json_text(q, "Status") != "DELETED")
        out.push_back({json_text(q, "Reference"), q.HasMember("Contact") ? json_text(q["Contact"], "ContactID") : "",
                       json_text(q, "QuoteNumber"), json_text(q, "Status") == "DRAFT"});
    return out;
  }

  rapidjson::Value::ConstArray contact_records(const rapidjson::Value& state) const override {
    return list(state, "contacts");
  }
  std::vector<std::string> volatile_members() const override { return {"ContactID", "UpdatedDateUTC"}; }
  std::string api_prefix() const override { return "/xero/api.xro/2.0/"; }

  std::vector<std::string> invoice_ids(const rapidjson::Value& state) const override {
    std::vector<std::string> out;
    for (const auto& i : list(state, "invoices")) out.push_back(json_text(i, "InvoiceID"));
    return out;
  }

  HttpAnswer api(const std::string& method, const std::string& path, const std::string& body) override {
    const std::string token = access_token(
        "/xero-identity/connect/token", fmt::format("client_id={}&client_secret={}", kXeroClientId, kXeroClientSecret));
    return call(method, "/xero/api.xro/2.0" + path, body,
                {{"Authorization", "Bearer " + token},
                 {"xero-tenant-id", std::string(kXeroTenantId)},
                 {"Content-Type", "application/json"},
                 {"Accept", "application/json"}});
  }

  std::string create_contact(const ContactSpec& c) override {
    JsonObject o;
    o.text("Name", c.name).text_if("FirstName", c.first).text_if("LastName", c.last).text_if("EmailAddress", c.email);
    auto answer = checked("PUT", "/Contacts", R"({"Contacts":[)" + o.str() + "]}");
    return answer.json()["Contacts"][0]["ContactID"].GetString();
  }

  std::string create_invoice(const std::string& contact_id, const std::string& number, int quantity,
                             const std::string& unit_price, int due_offset_days) override {
    auto answer = checked(
        "PUT", "/Invoices",
        fmt::format(R"({{"Invoices":[{{"Type":"ACCREC","Status":"AUTHORISED","InvoiceNumber":{},)"
                    R"("Contact":{{"ContactID":{}}},"Date":"{}","DueDate":"{}",)"
                    R"("LineItems":[{{"Description":"Work","Quantity":{},"UnitAmount":{},"AccountCode":"200"}}]}}]}})",
                    json_string(number), json_string(contact_id), utc_date(0), utc_date(due_offset_days), quantity,
                    unit_price));
    return answer.json()["Invoices"][0]["InvoiceID"].GetString();
  }

  // The text fields go along as they are: an update that leaves them out clears them (R21).
  void set_quote_status(const std::string& quote_id, QuoteState state) override {
    static constexpr const char* kStatus[] = {"DRAFT", "SENT", "ACCEPTED"};
    const auto got = checked("GET", "/Quotes/" + quote_id).json();
    const auto& q = got["Quotes"][0];
    JsonObject o;
    o.text("Status", kStatus[static_cast<int>(state)]);
    for (const char* key : {"Reference", "Title", "Summary", "Terms"}) o.text(key, json_text(q, key));
    checked("POST", "/Quotes/" + quote_id, R"({"Quotes":[)" + o.str() + "]}");
  }

  void void_invoice(const std::string& invoice_id) override {
    checked("POST", "/Invoices/" + invoice_id,
            fmt::format(R"({{"Invoices":[{{"InvoiceID":{},"Status":"VOIDED"}}]}})", json_string(invoice_id)));
  }

  void edit_contact(const std::string& contact_id, const std::string& email, const std::string& phone) override {
    checked("POST", "/Contacts/" + contact_id,
            fmt::format(R"({{"Contacts":[{{"ContactID":{},"EmailAddress":{},)"
                        R"("Phones":[{{"PhoneType":"DEFAULT","PhoneNumber":{}}}]}}]}})",
                        json_string(contact_id), json_string(email), json_string(phone)));
  }

  void set_archived(const std::string& contact_id, bool archived) override {
    checked("POST", "/Contacts/" + contact_id,
            fmt::format(R"({{"Contacts":[{{"ContactID":{},"ContactStatus":"{}"}}]}})", json_string(contact_id),
                        archived ? "ARCHIVED" : "ACTIVE"));
  }

 private:
  static rapidjson::Value::ConstArray list(const rapidjson::Value& state, const char* key) {
    return state_list(state, "xero", key);
  }
};

}  // namespace

std::unique_ptr<ProviderKit> make_xero_kit() { return std::make_unique<XeroKit>(); }

}  // namespace capsync::scenario
