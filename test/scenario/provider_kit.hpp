#pragma once
// ProviderKit: what the provider-parametrised scenario suite knows about one accounting
// provider. It renders neutral test contacts and invoices into that provider's seed section,
// configures capsyncd for the provider's part of the sandbox, reads the provider's side of
// /_admin/state as neutral contacts, and edits the provider through its real sandbox API with
// its own credentials, as a person using that service would.
//
// Adding a provider: one kit file (like xero_kit.cpp), one line in provider_kit.cpp's list and
// its name in test/scenario/CMakeLists.txt's scenario_providers (which builds the kit and runs
// the crash and fault cases for it).

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace capsync::scenario {

struct HttpAnswer {
  int status = 0;
  std::string body;
  rapidjson::Document json() const;  // throws when the body is not JSON
};

// One HTTP call to the sandbox: method, target (path and query), body, headers.
using SandboxCall = std::function<HttpAnswer(const std::string& method, const std::string& target,
                                             const std::string& body, const std::map<std::string, std::string>& headers)>;

// A contact as a test describes it, whatever the provider.
struct ContactSpec {
  std::string key;           // e.g. "c-1"; ProviderKit::remote_id(key) is the provider's id
  std::string name;          // the organisation's name, or "First Last" of a person
  std::string first, last;   // the person, or the organisation's contact person
  bool person = false;       // a person with no company
  std::string email, phone, mobile, fax, website;
  std::string street, city, zip, country;
  bool archived = false;
  bool supplier = false;     // a supplier only, not a customer

  ContactSpec& contact_person(std::string f, std::string l) { first = std::move(f), last = std::move(l); return *this; }
  ContactSpec& with_email(std::string e) { email = std::move(e); return *this; }
  ContactSpec& with_phone(std::string p) { phone = std::move(p); return *this; }
  ContactSpec& with_address(std::string s, std::string c, std::string co) {
    street = std::move(s), city = std::move(c), country = std::move(co);
    return *this;
  }
  ContactSpec& archive() { archived = true; return *this; }
  ContactSpec& supplier_only() { supplier = true; return *this; }
};
ContactSpec org_contact(std::string key, std::string name);
ContactSpec person_contact(std::string key, std::string first, std::string last);

enum class InvoiceState { authorised, draft, voided, paid };

// An invoice as a test describes it: issued 30 days before it is due, nothing paid unless paid.
struct InvoiceSpec {
  std::string contact;        // the contact's key
  std::string number;
  std::string total;          // decimal string
  int due_offset_days = 10;   // from the sandbox clock's today
  InvoiceState state = InvoiceState::authorised;
  bool purchase = false;      // a supplier bill / purchase invoice
  std::string currency = "GBP";
  std::string key;            // optional, for ProviderKit::invoice_id

  InvoiceSpec& draft() { state = InvoiceState::draft; return *this; }
  InvoiceSpec& voided() { state = InvoiceState::voided; return *this; }
  InvoiceSpec& paid() { state = InvoiceState::paid; return *this; }
  InvoiceSpec& bill() { purchase = true; return *this; }
  InvoiceSpec& in(std::string c) { currency = std::move(c); return *this; }
  InvoiceSpec& keyed(std::string k) { key = std::move(k); return *this; }
};
InvoiceSpec sales_invoice(std::string contact, std::string number, std::string total, int due_offset_days);

enum class QuoteState { draft, sent, accepted };
// A quote (estimate) as a test describes it: issued 10 days ago, one line of `total`.
struct QuoteSeed {
  std::string contact;  // the contact's key
  std::string number;
  std::string total;     // decimal string
  QuoteState state = QuoteState::sent;
  std::string currency = "GBP";
  int expiry_offset_days = 20;  // from the sandbox clock's today, where the service has an expiry
};

// A quote (estimate) at the provider as the sandbox holds it.
struct RemoteQuote {
  std::string reference;   // "Capsule opportunity #ID" for the quotes capsync drafted
  std::string contact_id;  // the contact's remote id
  std::string number;
  bool draft = false;      // the service shows it as a draft (Trait::quote_statuses)
};

// A provider contact as the sandbox holds it. Phones are digits only.
struct RemoteContact {
  std::string remote_id, name, first, last, email, phone, mobile, fax, website;
  std::vector<std::pair<std::string, std::string>> addresses;  // (first street line, city)
  bool archived = false;
  bool has_address(std::string_view street, std::string_view city) const;
};

// A provider invoice as the sandbox holds it.
struct RemoteInvoice {
  std::string contact_id;
  bool owed_sale = false;  // a sales invoice in a state that counts as owed (authorised or paid)
  std::string amount_due;  // decimal text; where the provider writes a JSON number, only from a
                           // state parsed with kParseNumbersAsStringsFlag
  std::string currency;
};

// The provider's contacts of one /_admin/state.
class RemoteBook {
 public:
  explicit RemoteBook(std::vector<RemoteContact> contacts) : contacts_(std::move(contacts)) {}
  const std::vector<RemoteContact>& all() const { return contacts_; }
  std::size_t size() const { return contacts_.size(); }
  const RemoteContact* find(std::string_view remote_id) const;
  std::vector<const RemoteContact*> named(std::string_view name) const;
  const RemoteContact* only_named(std::string_view name) const;  // the only one, or nullptr

 private:
  std::vector<RemoteContact> contacts_;
};

// What differs by provider and what its sandbox part can do; a test asks before it relies on it.
enum class Trait {
  invoice_needed_to_qualify,  // R3: only contacts with a non-draft invoice are linked (Xero)
  supplier_invoices,          // bills are read at all (R6 include_supplier_invoices)
  customer_bills,             // one record is customer and supplier, so a customer's party shows its bills;
                              // else a supplier is a record apart (KashFlow)
  fax,                        // the contact has a fax number capsync writes
  invoice_writes,             // the sandbox API creates and voids invoices
  archive_writes,             // the sandbox API archives and restores a contact
  quotes_read,                // the connector reads quotes (R18) and the kit seeds them (add_quote)
  quotes_write,               // the connector drafts quotes (R19-R20)
  quote_status_writes,        // the kit marks a quote sent or accepted through the API (set_quote_status),
                              // and the service keeps drafts capsync updates (R21, R22)
  quote_statuses,             // the service tells draft, issued and accepted quotes apart (R18's open)
};

class ProviderKit {
 public:
  virtual ~ProviderKit() = default;
  // The provider's name in capsync.yaml, in the sandbox's seed, state and request log.
  virtual std::string_view name() const = 0;
  virtual bool has(Trait trait) const = 0;
  // Why the provider lacks `trait`, or a caveat where it has it unverified, with the source;
  // "" when there is nothing to say. The conformance suite prints it (conformance.hpp).
  virtual std::string trait_note(Trait trait) const {
    (void)trait;
    return {};
  }

  // --- seed
  // Adds the provider's section with the sandbox's credentials plus `harness_refresh_token`,
  // the kit's own, so its API calls never rotate the daemon's token.
  virtual void add_credentials(rapidjson::Document& seed, std::string_view harness_refresh_token) const = 0;
  virtual void add_contact(rapidjson::Document& seed, const ContactSpec& contact) const = 0;
  // A purchase invoice of a provider without supplier_invoices is not seeded.
  virtual void add_invoice(rapidjson::Document& seed, const InvoiceSpec& invoice) const = 0;
  // A quote of a state the provider has no way to tell (Trait::quote_statuses) is seeded as issued.
  virtual void add_quote(rapidjson::Document& seed, const QuoteSeed& quote) const = 0;
  // The number the provider shows for a seeded quote: the seed's own unless the provider's
  // numbers cannot hold it (KashFlow's are integers).
  virtual std::string quote_number(const QuoteSeed& quote) const { return quote.number; }
  virtual std::string remote_id(std::string_view contact_key) const = 0;
  virtual std::string invoice_id(std::string_view invoice_key) const = 0;
  // The number the provider shows for a seeded invoice: the spec's own unless the provider's
  // numbers cannot hold it (KashFlow's are integers).
  virtual std::string invoice_number(const InvoiceSpec& invoice) const { return invoice.number; }

  // --- capsyncd
  // Secret files the accounting block names: file name -> content.
  virtual std::map<std::string, std::string> secret_files() const = 0;
  // The one of secret_files() that holds the daemon's refresh token; empty for a provider
  // without OAuth (KashFlow logs in with a password).
  virtual std::string refresh_token_file() const = 0;
  // The `accounting:` mapping's lines (indented by six spaces) for the sandbox at base_url,
  // secret files in dir; without refresh_token_file, which the world adds when it wants one.
  virtual std::string accounting_yaml(const std::string& base_url, const std::string& dir) const = 0;
  // The provider's name in the Capsule tag that asks for an export, e.g. "Xero".
  virtual std::string display_name() const = 0;

  // --- reading /_admin/state
  virtual std::vector<RemoteContact> contacts(const rapidjson::Value& state) const = 0;
  virtual std::size_t invoice_count(const rapidjson::Value& state) const = 0;
  virtual std::vector<RemoteInvoice> invoices(const rapidjson::Value& state) const = 0;
  // The request that creates a quote: method and sandbox path, e.g. {"PUT", "/xero/api.xro/2.0/Quotes"}.
  virtual std::pair<std::string, std::string> quote_create() const = 0;
  // The quotes (estimates) in the state, deleted ones left out.
  virtual std::vector<RemoteQuote> quotes(const rapidjson::Value& state) const = 0;
  // The contacts' own JSON, in the order contacts() reads them, and the members of it that
  // differ between two runs doing the same work (ids, times, references given in creation order).
  virtual rapidjson::Value::ConstArray contact_records(const rapidjson::Value& state) const = 0;
  virtual std::vector<std::string> volatile_members() const = 0;
  // The path prefix of the provider's API in the sandbox, e.g. "/xero/api.xro/2.0/".
  virtual std::string api_prefix() const = 0;
  // The remote ids of the invoices in the state (sales and purchase).
  virtual std::vector<std::string> invoice_ids(const rapidjson::Value& state) const = 0;

  // --- the provider's sandbox API with the kit's own token
  void connect(SandboxCall call) { call_ = std::move(call); }
  // `path` after the API root (e.g. "/Contacts" for Xero); any answer is returned.
  virtual HttpAnswer api(const std::string& method, const std::string& path, const std::string& body = "") = 0;
  // The kit's own live access token, for a test driving a connector's API client itself
  // (FreshBooks callbacks); throws for a kit that does not offer it.
  virtual std::string bearer_token() { throw std::runtime_error("this kit offers no bearer token"); }

  // --- edits through that API; throw std::runtime_error on refusal
  // Creates the contact; returns its remote id.
  virtual std::string create_contact(const ContactSpec& contact) = 0;
  // Creates an authorised sales invoice of one line (quantity × unit price) for the contact;
  // returns its remote id. Needs Trait::invoice_writes.
  virtual std::string create_invoice(const std::string& contact_id, const std::string& number, int quantity,
                                     const std::string& unit_price, int due_offset_days) = 0;
  virtual void void_invoice(const std::string& invoice_id) = 0;  // Trait::invoice_writes
  // Sets the contact's email and main phone number.
  virtual void edit_contact(const std::string& contact_id, const std::string& email, const std::string& phone) = 0;
  virtual void set_archived(const std::string& contact_id, bool archived) = 0;  // Trait::archive_writes
  // Moves the quote to `state` as a person in the service would (Trait::quote_status_writes).
  virtual void set_quote_status(const std::string& quote_id, QuoteState state) {
    (void)quote_id;
    (void)state;
    throw std::runtime_error("this kit cannot change a quote's status");
  }

 protected:
  // One sandbox call with the given headers, whatever its answer.
  HttpAnswer call(const std::string& method, const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers) const;
  // api(), throwing unless the answer is 2xx.
  HttpAnswer checked(const std::string& method, const std::string& path, const std::string& body = "");
  // A live access token of the kit's own OAuth session: a refresh_token grant of `refresh_token_`
  // at `token_target` with `client_form` (the client's credentials as form fields), kept for half
  // its lifetime. Every refresh stores the refresh token it returns.
  std::string access_token(const std::string& token_target, const std::string& client_form);
  std::string refresh_token_;

 private:
  SandboxCall call_;
  std::string access_;
  std::chrono::steady_clock::time_point access_until_{};
};

// A new kit for `provider`; throws for an unknown one.
std::unique_ptr<ProviderKit> make_kit(std::string_view provider);
// The providers the conformance suite runs against.
const std::vector<std::string>& conformance_providers();
// Those of them whose kit has `trait`: a case that needs it runs against these only.
std::vector<std::string> conformance_providers(Trait trait);
// The kits' trait_note(trait) of conformance_providers(), "SKIP <provider>: why" for those
// without the trait and "NOTE <provider>: caveat" for those with one; each trait's only once
// per process (the first call), so a case run once per provider says it once.
std::vector<std::string> trait_notes(Trait trait);
inline std::vector<std::string> trait_notes() { return {}; }

// Helpers the kits share.
// Builds one JSON object's text member by member.
class JsonObject {
 public:
  JsonObject& text(std::string_view key, std::string_view value);     // a string member
  JsonObject& text_if(std::string_view key, std::string_view value);  // only when value is not empty
  JsonObject& raw(std::string_view key, std::string_view json);       // a member given as JSON text
  std::string str() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};
// Appends the JSON object `item` to seed[provider][list], creating what is missing.
void push_item(rapidjson::Document& seed, const char* provider, const char* list, const std::string& item);
// state[provider][key] as an array; empty when missing.
rapidjson::Value::ConstArray state_list(const rapidjson::Value& state, const char* provider, const char* key);
std::string digits_only(std::string_view text);
std::string json_text(const rapidjson::Value& object, const char* key);  // "" when missing
// "12" of "c-12": the number in a test key, for providers whose ids are numbers.
long key_number(std::string_view key);

}  // namespace capsync::scenario
