// The KashFlow kit: customers and suppliers are separate lists, each keyed by its Code (the test
// key). A customer's remote id is its code, a supplier's "supplier:" + its code, as the
// connector makes them (connectors/kashflow/suppliers.hpp); remote_id(key) asks the sandbox
// which of the two the key is, a customer first. Every customer and supplier qualifies (R3).
// Bills are purchases of the supplier with the contact's key (R6); a bill on a customer makes
// that supplier too, with the customer's members, as KashFlow keeps a company one sells to and
// buys from as two records (and capsync reports the two with one name, R17). Sales invoices and
// purchases are keyed by their whole Number; a purchase's remote id is "purchase:" + Number. A
// person is a contact whose first contact person has its own name; email and phones are
// top-level; a customer's address is Addresses[0], a supplier's the Address object. There is no
// OAuth: the kit logs in with the sandbox user's password and memorable word, as the daemon
// does, in a session of its own. The sandbox's KashFlow API writes customers and suppliers
// (incl. IsArchived) but reads invoices and purchases only.

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "test/scenario/provider_kit.hpp"
#include "test/scenario/sync_world.hpp"

namespace capsync::scenario {
namespace {

constexpr std::string_view kUser = "sandbox";
constexpr std::string_view kPassword = "sandbox-password";
constexpr std::string_view kMemorableWord = "pineapple";
constexpr std::string_view kApi = "/kashflow/v2";
const std::string kSupplierPrefix = "supplier:";  // a supplier's remote id: the prefix and its code
constexpr long kKeyedInvoiceBase = 90000;  // keyed invoices' numbers, apart from those made of "INV-n"

// A decimal text in ten-thousandths; nullopt unless it is one.
std::optional<std::int64_t> ten_thousandths(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const auto dot = text.find('.');
  std::string whole(text.substr(0, dot)), frac(dot == std::string_view::npos ? "" : text.substr(dot + 1));
  if (whole.empty() || frac.size() > 4) return std::nullopt;
  frac.resize(4, '0');
  std::int64_t w = 0, f = 0;
  if (std::from_chars(whole.data(), whole.data() + whole.size(), w).ec != std::errc{} ||
      std::from_chars(frac.data(), frac.data() + frac.size(), f).ec != std::errc{})
    return std::nullopt;
  return (negative ? -1 : 1) * (w * 10000 + f);
}

// gross − paid as decimal text with at least two decimals; "" when either is no decimal text
// (KashFlow writes money as JSON numbers: only a state read as strings has the exact digits).
std::string outstanding(const rapidjson::Value& invoice) {
  const auto gross = ten_thousandths(json_text(invoice, "GrossAmount"));
  const auto paid = ten_thousandths(json_text(invoice, "TotalPaidAmount"));
  if (!gross || !paid) return {};
  const std::int64_t due = *gross - *paid, magnitude = due < 0 ? -due : due;
  std::string text = fmt::format("{}{}.{:04}", due < 0 ? "-" : "", magnitude / 10000, magnitude % 10000);
  while (text.size() > 3 && text.back() == '0' && text[text.size() - 3] != '.') text.pop_back();
  return text;
}

std::string number_text(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject() || !object.HasMember(key)) return {};
  const auto& v = object[key];
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  return v.IsInt64() ? std::to_string(v.GetInt64()) : std::string();
}

const rapidjson::Value* first_item(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject() || !object.HasMember(key) || !object[key].IsArray() || object[key].Empty()) return nullptr;
  return &object[key][0];
}

class KashFlowKit final : public ProviderKit {
 public:
  std::string_view name() const override { return "kashflow"; }
  std::string display_name() const override { return "KashFlow"; }

  bool has(Trait trait) const override {
    switch (trait) {
      case Trait::fax:
      case Trait::supplier_invoices:
      case Trait::archive_writes:
      case Trait::quotes_read:
      case Trait::quotes_write: return true;
      case Trait::quote_statuses:
      case Trait::quote_status_writes:
      case Trait::invoice_needed_to_qualify:
      case Trait::customer_bills:
      case Trait::invoice_writes: return false;
    }
    return false;
  }

  void add_credentials(rapidjson::Document& seed, std::string_view) const override {
    auto& a = seed.GetAllocator();
    rapidjson::Document section;
    section.Parse(fmt::format(R"json({{
      "users": [{{"username": "{}", "password": "{}", "memorableWord": "{}", "locked": false}}],
      "customers": [], "invoices": [], "suppliers": [], "purchases": []}})json",
                              kUser, kPassword, kMemorableWord)
                      .c_str());
    seed.RemoveMember("kashflow");
    seed.AddMember("kashflow", rapidjson::Value(section, a), a);
  }

  void add_contact(rapidjson::Document& seed, const ContactSpec& c) const override {
    push_item(seed, "kashflow", c.supplier ? "suppliers" : "customers",
              fields(c, c.supplier).text("Code", c.key).raw("IsArchived", c.archived ? "true" : "false").str());
  }

  void add_invoice(rapidjson::Document& seed, const InvoiceSpec& i) const override {
    if (i.purchase) add_supplier_of(seed, i.contact);
    JsonObject o;
    o.raw("Number", invoice_number(i))
        .text(i.purchase ? "SupplierCode" : "CustomerCode", i.contact)
        .text("Currency", i.currency)
        .raw("IssuedDateOffsetDays", std::to_string(i.due_offset_days - 30))
        .raw("DueDateOffsetDays", std::to_string(i.due_offset_days))
        .text("GrossAmount", i.total)
        .text("TotalPaidAmount", i.state == InvoiceState::paid ? i.total : "0");
    if (i.state == InvoiceState::draft) o.text("Status", "Draft");
    if (i.state == InvoiceState::voided) o.text("Status", "Void");
    push_item(seed, "kashflow", i.purchase ? "purchases" : "invoices", o.str());
  }

  std::string trait_note(Trait trait) const override {
    constexpr const char* kSource = "(https://www.kashflow.com/developers/rest-api/quotes/)";
    switch (trait) {
      case Trait::quote_statuses:
        return fmt::format("KashFlow documents no status, draft state or sent flag for a quote: every quote reads as "
                           "issued {}", kSource);
      case Trait::quote_status_writes:
        return fmt::format("a KashFlow quote is never a draft and has no status, so capsync never updates one (R21) and "
                           "none is ever accepted (R22) {}", kSource);
      case Trait::quotes_write:
        return fmt::format("KashFlow has no draft quote and no reference filter: capsync's quote is issued as it is "
                           "saved, and a lost create is found by scanning every quote {}", kSource);
      default: return {};
    }
  }

  // Quotes have integer numbers and no status: every one reads as issued.
  void add_quote(rapidjson::Document& seed, const QuoteSeed& q) const override {
    push_item(seed, "kashflow", "quotes",
              JsonObject()
                  .raw("Number", quote_number(q))
                  .text("CustomerCode", q.contact)
                  .raw("Currency", JsonObject().text("Code", q.currency).str())
                  .raw("DateOffsetDays", "-10")
                  .text("NetAmount", q.total)
                  .str());
  }
  std::string quote_number(const QuoteSeed& q) const override { return std::to_string(key_number(q.number)); }

  std::pair<std::string, std::string> quote_create() const override { return {"POST", std::string(kApi) + "/quotes"}; }

  std::vector<RemoteQuote> quotes(const rapidjson::Value& state) const override {
    std::vector<RemoteQuote> out;
    for (const auto& q : state_list(state, "kashflow", "quotes"))
      out.push_back({json_text(q, "CustomerReference"), json_text(q, "CustomerCode"), number_text(q, "Number")});
    return out;
  }

  std::string invoice_number(const InvoiceSpec& i) const override {
    return std::to_string(i.key.empty() ? key_number(i.number) : kKeyedInvoiceBase + key_number(i.key));
  }
  // The customer with the key's code, else the supplier with it.
  std::string remote_id(std::string_view key) const override {
    const auto answer = call("GET", "/_admin/state", "", {});
    if (answer.status != 200) throw std::runtime_error(fmt::format("/_admin/state answered {}", answer.status));
    const auto state = answer.json();
    const auto has = [&](const char* list) {
      for (const auto& c : state_list(state, "kashflow", list))
        if (json_text(c, "Code") == key) return true;
      return false;
    };
    return !has("customers") && has("suppliers") ? kSupplierPrefix + std::string(key) : std::string(key);
  }
  std::string invoice_id(std::string_view key) const override {
    return std::to_string(kKeyedInvoiceBase + key_number(key));
  }

  std::map<std::string, std::string> secret_files() const override {
    return {{"kashflow-password", std::string(kPassword)}, {"kashflow-memorable-word", std::string(kMemorableWord)}};
  }

  std::string refresh_token_file() const override { return {}; }

  std::string accounting_yaml(const std::string& base_url, const std::string& dir) const override {
    return fmt::format(
        "      provider: kashflow\n"
        "      base_url: {0}{3}\n"
        "      username: {2}\n"
        "      password_file: {1}/kashflow-password\n"
        "      memorable_word_file: {1}/kashflow-memorable-word\n",
        base_url, dir, kUser, kApi);
  }

  // Customers, then suppliers, as the connector lists them.
  std::vector<RemoteContact> contacts(const rapidjson::Value& state) const override {
    std::vector<RemoteContact> out;
    const rapidjson::Value none(rapidjson::kObjectType);
    for (const char* list : {"customers", "suppliers"})
      for (const auto& c : state_list(state, "kashflow", list)) {
        const bool supplier = std::string_view(list) == "suppliers";
        RemoteContact r;
        r.remote_id = (supplier ? kSupplierPrefix : "") + json_text(c, "Code");
        r.name = json_text(c, "Name");
        r.archived = c.HasMember("IsArchived") && c["IsArchived"].IsTrue();
        const auto* found = first_item(c, "Contacts");
        const rapidjson::Value& p = found ? *found : none;
        r.first = json_text(p, "FirstName");
        if (r.first.empty()) r.first = json_text(p, "Firstname");
        r.last = json_text(p, "LastName");
        r.email = json_text(c, "Email");
        if (r.email.empty()) r.email = json_text(p, "Email");
        r.phone = digits_only(json_text(c, "TelephoneNumber"));
        r.mobile = digits_only(json_text(c, "MobileNumber"));
        r.fax = digits_only(json_text(c, "FaxNumber"));
        r.website = json_text(c, "Website");
        const rapidjson::Value* a = supplier ? (c.HasMember("Address") && c["Address"].IsObject() ? &c["Address"] : nullptr)
                                             : first_item(c, "Addresses");
        if (a && (!json_text(*a, "Line1").empty() || !json_text(*a, "Line3").empty()))
          r.addresses.emplace_back(json_text(*a, "Line1"), json_text(*a, "Line3"));
        out.push_back(std::move(r));
      }
    return out;
  }

  std::size_t invoice_count(const rapidjson::Value& state) const override {
    return state_list(state, "kashflow", "invoices").Size() + state_list(state, "kashflow", "purchases").Size();
  }

  std::vector<RemoteInvoice> invoices(const rapidjson::Value& state) const override {
    std::vector<RemoteInvoice> out;
    for (const char* list : {"invoices", "purchases"})
      for (const auto& i : state_list(state, "kashflow", list)) {
        const bool purchase = std::string_view(list) == "purchases";
        const std::string status = json_text(i, "Status");
        RemoteInvoice r;
        r.contact_id = purchase ? kSupplierPrefix + json_text(i, "SupplierCode") : json_text(i, "CustomerCode");
        r.owed_sale = !purchase && status != "Draft" && status != "Void" && status != "Voided" && status != "Cancelled";
        r.amount_due = outstanding(i);
        r.currency = i.HasMember("Currency") ? json_text(i["Currency"], "Code") : std::string();
        out.push_back(std::move(r));
      }
    return out;
  }

  // Customers, then suppliers: copies, in the order contacts() reads them.
  rapidjson::Value::ConstArray contact_records(const rapidjson::Value& state) const override {
    records_.SetArray();
    auto& a = records_.GetAllocator();
    for (const char* list : {"customers", "suppliers"})
      for (const auto& c : state_list(state, "kashflow", list)) records_.PushBack(rapidjson::Value(c, a), a);
    return static_cast<const rapidjson::Value&>(records_).GetArray();
  }
  std::vector<std::string> volatile_members() const override { return {"Id", "Code", "CreatedDate", "LastUpdatedDate"}; }
  std::string api_prefix() const override { return std::string(kApi) + "/"; }

  // Sales invoices by Number, purchases by "purchase:" + Number, as the connector keys them.
  std::vector<std::string> invoice_ids(const rapidjson::Value& state) const override {
    std::vector<std::string> out;
    for (const auto& i : state_list(state, "kashflow", "invoices")) out.push_back(number_text(i, "Number"));
    for (const auto& i : state_list(state, "kashflow", "purchases")) out.push_back("purchase:" + number_text(i, "Number"));
    return out;
  }

  HttpAnswer api(const std::string& method, const std::string& path, const std::string& body) override {
    if (session_.empty()) log_in();
    auto answer = send(method, path, body);
    if (answer.status == 401 && answer.body.find("InvalidSessionToken") != std::string::npos) {
      log_in();  // sessions end when idle, and the expired_token fault ends them all
      answer = send(method, path, body);
    }
    return answer;
  }

  std::string create_contact(const ContactSpec& c) override {
    auto answer = checked("POST", "/customers", fields(c).raw("CreateCustomerCodeIfDuplicate", "true").str());
    return json_text(answer.json(), "Code");
  }

  std::string create_invoice(const std::string&, const std::string&, int, const std::string&, int) override {
    throw std::runtime_error("the sandbox's KashFlow API does not create invoices");
  }

  void void_invoice(const std::string&) override {
    throw std::runtime_error("the sandbox's KashFlow API does not void invoices");
  }

  void edit_contact(const std::string& contact_id, const std::string& email, const std::string& phone) override {
    checked("PUT", path_of(contact_id), JsonObject().text("Email", email).text("TelephoneNumber", phone).str());
  }

  void set_archived(const std::string& contact_id, bool archived) override {
    checked("PUT", path_of(contact_id), JsonObject().raw("IsArchived", archived ? "true" : "false").str());
  }

 private:
  HttpAnswer send(const std::string& method, const std::string& path, const std::string& body) const {
    return call(method, std::string(kApi) + path, body,
                {{"Authorization", "KfToken " + session_}, {"Content-Type", "application/json"}, {"Accept", "application/json"}});
  }

  // The two-step login: the password, then the three letters of the memorable word asked for.
  void log_in() {
    const std::map<std::string, std::string> headers{{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    auto first = call("POST", std::string(kApi) + "/sessiontoken",
                      JsonObject().text("UserName", kUser).text("Password", kPassword).str(), headers);
    if (first.status != 200) throw std::runtime_error(fmt::format("the harness's KashFlow login answered {}: {}", first.status, first.body));
    auto asked = first.json();
    std::string letters;
    for (const auto& item : asked["MemorableWordList"].GetArray()) {
      const int position = item["Position"].GetInt();
      if (!letters.empty()) letters += ',';
      letters += JsonObject()
                     .raw("Position", std::to_string(position))
                     .text("Value", kMemorableWord.substr(static_cast<std::size_t>(position - 1), 1))
                     .str();
    }
    auto second = call("PUT", std::string(kApi) + "/sessiontoken",
                       JsonObject().text("TemporaryToken", json_text(asked, "TemporaryToken")).raw("MemorableWordList", "[" + letters + "]").str(),
                       headers);
    if (second.status != 200)
      throw std::runtime_error(fmt::format("the harness's KashFlow memorable word answered {}: {}", second.status, second.body));
    session_ = json_text(second.json(), "SessionToken");
  }

  // A remote id's record in the API: /customers/<code> or /suppliers/<code>.
  static std::string path_of(const std::string& contact_id) {
    if (contact_id.starts_with(kSupplierPrefix)) return "/suppliers/" + contact_id.substr(kSupplierPrefix.size());
    return "/customers/" + contact_id;
  }

  // The supplier with code `key` in the seed, made of the customer with that code when there is
  // none yet.
  static void add_supplier_of(rapidjson::Document& seed, std::string_view key) {
    const auto& section = seed["kashflow"];
    const auto with_code = [&](const char* list) -> const rapidjson::Value* {
      if (!section.HasMember(list)) return nullptr;
      for (const auto& c : section[list].GetArray())
        if (json_text(c, "Code") == key) return &c;
      return nullptr;
    };
    if (with_code("suppliers") != nullptr) return;
    const rapidjson::Value* customer = with_code("customers");
    JsonObject o;
    o.text("Code", key).text("Name", customer ? json_text(*customer, "Name") : std::string(key));
    if (customer != nullptr)
      for (const char* member : {"Contacts", "Email", "TelephoneNumber", "MobileNumber", "FaxNumber", "Website"})
        if (customer->HasMember(member)) o.raw(member, to_json((*customer)[member]));
    if (const auto* address = customer ? first_item(*customer, "Addresses") : nullptr) o.raw("Address", to_json(*address));
    push_item(seed, "kashflow", "suppliers", o.str());
  }

  static std::string to_json(const rapidjson::Value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v.Accept(w);
    return std::string(buffer.GetString(), buffer.GetSize());
  }

  // The writable members of a customer or supplier (a seed takes the same, plus Code and
  // IsArchived); a supplier's address is its Address object.
  static JsonObject fields(const ContactSpec& c, bool supplier = false) {
    JsonObject o;
    o.text("Name", c.name);
    if (!c.first.empty() || !c.last.empty()) {
      const std::string person = c.first + (c.first.empty() || c.last.empty() ? "" : " ") + c.last;
      o.raw("Contacts", "[" + JsonObject().text_if("FirstName", c.first).text_if("LastName", c.last).text("Name", person).str() + "]");
    }
    o.text_if("Email", c.email).text_if("TelephoneNumber", c.phone).text_if("MobileNumber", c.mobile);
    o.text_if("FaxNumber", c.fax).text_if("Website", c.website);
    if (!c.street.empty() || !c.city.empty()) {
      JsonObject a;
      a.text_if("Line1", c.street).text_if("Line3", c.city).text_if("PostCode", c.zip).text_if("CountryName", c.country);
      o.raw(supplier ? "Address" : "Addresses", supplier ? a.str() : "[" + a.str() + "]");
    }
    return o;
  }

  std::string session_;
  mutable rapidjson::Document records_;  // what contact_records() last returned
};

}  // namespace

std::unique_ptr<ProviderKit> make_kashflow_kit() { return std::make_unique<KashFlowKit>(); }

}  // namespace capsync::scenario
