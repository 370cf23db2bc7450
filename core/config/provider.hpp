#pragma once
// What capsync needs to know about an accounting service, as plain data. core/ never names a
// service: each one's traits come from connectors/registry, and the config is loaded against
// the catalog of those it was built with.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace capsync::config {

enum class Login {
  oauth2,    // authorization code grant; capsyncctl connect
  password,  // user credentials from the config, a session per connection
};

// How finely the API filters "changed since": a coarser filter re-reads a margin each sync.
enum class ChangeFilter { second, day, none };

// How the service keeps what the business buys, next to what it sells.
enum class Suppliers {
  same_contacts,      // one contact list; bills are invoices of another type
  flagged_contacts,   // one contact list with customer and supplier flags
  separate_records,   // suppliers are records of their own
};

// Default hosts of the real service. token/authorize are empty for a password login.
struct ProviderEndpoints {
  std::string_view base_url;
  std::string_view token_url;
  std::string_view authorize_url;
};

// The service's own names of the fields `capsyncctl export` shows; "" = not written there.
struct ExportFieldNames {
  std::string_view name, person_name, contact_person, email, phone, fax, mobile, website, address;
};

struct ProviderTraits {
  std::string_view name;     // the config spelling
  std::string_view display;  // as the vendor writes it, for messages and the default export tag
  Login login = Login::oauth2;
  ProviderEndpoints endpoints;
  // "accounting:" keys only this service takes, beyond the ones its login kind takes.
  std::vector<std::string_view> own_keys;
  ExportFieldNames export_fields;
  // Its contacts carry no customer flag: a contact qualifies by its invoices, bills included (R3).
  bool qualifies_by_invoices = false;
  Suppliers suppliers = Suppliers::flagged_contacts;
  ChangeFilter change_filter = ChangeFilter::second;
  bool webhooks = false;
  std::string_view quote_noun;  // "quote", "estimate"; empty: the API has none

  bool takes(std::string_view key) const;
  bool operator==(const ProviderTraits& other) const { return name == other.name; }
};

// The services a build of capsync knows, in the order the documentation lists them.
class ProviderCatalog {
 public:
  explicit ProviderCatalog(std::vector<ProviderTraits> providers) : providers_(std::move(providers)) {}
  const ProviderTraits* find(std::string_view name) const;
  std::span<const ProviderTraits> all() const { return providers_; }

 private:
  std::vector<ProviderTraits> providers_;
};

}  // namespace capsync::config
