#include "connectors/registry/registry.hpp"

#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "connectors/freeagent/freeagent_connector.hpp"
#include "connectors/freshbooks/freshbooks_connector.hpp"
#include "connectors/kashflow/kashflow_connector.hpp"
#include "connectors/kashflow/session_tokens.hpp"
#include "connectors/sage/sage_connector.hpp"
#include "connectors/xero/xero_connector.hpp"

namespace capsync::registry {
namespace {

using namespace std::chrono_literals;
using config::ChangeFilter;
using config::Login;
using config::Suppliers;
using ratelimit::HeaderStyle;

constexpr std::chrono::milliseconds kMinute = 60s, kHour = 1h, kDay = 24h;

oauth::OAuthProfile profile(const config::ProviderTraits& traits, oauth::ClientAuth auth, bool pkce,
                            std::string scope, std::string hint = {}) {
  oauth::OAuthProfile p;
  p.provider = std::string(traits.name);
  p.authorize_url = std::string(traits.endpoints.authorize_url);
  p.token_url = std::string(traits.endpoints.token_url);
  p.client_auth = auth;
  p.pkce = pkce;
  p.scope = std::move(scope);
  p.no_refresh_token_hint = std::move(hint);
  return p;
}

// An OAuth service's connector: its settings with the connection's base URL and rate limiter.
template <class Connector, class Settings>
ConnectorParts oauth_connector(const ConnectorInputs& in, Settings s) {
  s.base_url = in.settings.base_url;
  s.gate = in.gate;
  return ConnectorParts{nullptr, std::make_unique<Connector>(in.sender, *in.oauth_token, std::move(s))};
}

// Hosts and facts of the production services: ../shared/api/*.md has the sources.
ProviderEntry xero() {
  ProviderEntry e;
  e.traits = {.name = "xero",
              .display = "Xero",
              .login = Login::oauth2,
              .endpoints = {"https://api.xero.com", "https://identity.xero.com/connect/token",
                            "https://login.xero.com/identity/connect/authorize"},
              .own_keys = {"tenant_id"},
              .export_fields = {"Name", "Name, FirstName / LastName", "FirstName / LastName", "EmailAddress",
                                "Phones[DEFAULT]", "Phones[FAX]", "Phones[MOBILE]", "", "Addresses[POBOX]"},
              // IsCustomer/IsSupplier are set only by transactions, so invoices decide (R3).
              .qualifies_by_invoices = true,
              .suppliers = Suppliers::same_contacts,  // bills are ACCPAY invoices
              .change_filter = ChangeFilter::second,  // If-Modified-Since
              .webhooks = true,
              .quote_noun = "quote"};
  e.limits = {"xero", {{"minute", 60, kMinute, false}, {"day", 5000, kDay, true}}, 5, HeaderStyle::min_day_remaining};
  // offline_access or Xero issues no refresh token.
  e.oauth = profile(e.traits, oauth::ClientAuth::basic, true,
                    "offline_access accounting.contacts accounting.transactions accounting.settings.read",
                    "is offline_access in the scope?");
  e.make = [](const ConnectorInputs& in) {
    xero::XeroSettings s;
    s.tenant_id = in.settings.tenant_id;
    return oauth_connector<xero::XeroConnector>(in, std::move(s));
  };
  return e;
}

ProviderEntry freshbooks() {
  ProviderEntry e;
  e.traits = {.name = "freshbooks",
              .display = "FreshBooks",
              .login = Login::oauth2,
              .endpoints = {"https://api.freshbooks.com", "https://api.freshbooks.com/auth/oauth/token",
                            "https://auth.freshbooks.com/oauth/authorize"},
              .own_keys = {"account_id"},
              .export_fields = {"organization", "fname / lname", "fname / lname", "email", "bus_phone", "fax",
                                "mob_phone", "", "p_street, p_street2, p_city, p_province, p_code, p_country"},
              .suppliers = Suppliers::separate_records,  // bill vendors
              .change_filter = ChangeFilter::day,        // search[updated_min] takes a date
              .webhooks = true,
              .quote_noun = "estimate"};
  // FreshBooks publishes no numbers: a conservative guess, corrected by 429 + Retry-After.
  e.limits = {"freshbooks", {{"minute", 60, kMinute, false}}, 4, HeaderStyle::none};
  e.oauth = profile(e.traits, oauth::ClientAuth::body, false, "");
  e.make = [](const ConnectorInputs& in) {
    freshbooks::FreshBooksSettings s;
    s.account_id = in.settings.account_id;
    return oauth_connector<freshbooks::FreshBooksConnector>(in, std::move(s));
  };
  return e;
}

ProviderEntry kashflow() {
  ProviderEntry e;
  e.traits = {.name = "kashflow",
              .display = "KashFlow",
              .login = Login::password,
              .endpoints = {"https://api.kashflow.com/v2", "", ""},
              .own_keys = {"memorable_word"},
              .export_fields = {"Name", "Name, Contacts[0].Firstname / LastName", "Contacts[0].Firstname / LastName",
                                "Email", "TelephoneNumber", "FaxNumber", "MobileNumber", "Website",
                                "Addresses[0].Line1-4, PostCode, CountryName"},
              .suppliers = Suppliers::separate_records,
              .change_filter = ChangeFilter::none,  // lists are read whole, LastUpdatedDate compared
              .webhooks = false,
              .quote_noun = "quote"};
  // KashFlow publishes no limits (and its REST v2 is marked unfinished): a self-chosen 30 per
  // minute, 2 in flight, corrected by 429 + Retry-After.
  e.limits = {"kashflow", {{"minute", 30, kMinute, false}}, 2, HeaderStyle::none};
  e.make = [](const ConnectorInputs& in) {
    kashflow::SessionLogin login;
    login.base_url = in.settings.base_url;
    login.username = in.settings.username;
    login.password = in.settings.password;
    login.memorable_word = in.settings.memorable_word;
    login.gate = in.gate;
    auto session = std::make_unique<kashflow::SessionTokens>(in.sender, std::move(login));
    kashflow::KashFlowSettings s;
    s.base_url = in.settings.base_url;
    s.username = in.settings.username;
    s.gate = in.gate;
    auto connector = std::make_unique<kashflow::KashFlowConnector>(in.sender, *session, s);
    return ConnectorParts{std::move(session), std::move(connector)};
  };
  return e;
}

ProviderEntry freeagent() {
  ProviderEntry e;
  e.traits = {.name = "freeagent",
              .display = "FreeAgent",
              .login = Login::oauth2,
              .endpoints = {"https://api.freeagent.com/v2", "https://api.freeagent.com/v2/token_endpoint",
                            "https://api.freeagent.com/v2/approve_app"},
              .own_keys = {},
              .export_fields = {"organisation_name", "first_name / last_name", "first_name / last_name", "email",
                                "phone_number", "", "mobile", "", "address1-3, town, region, postcode, country"},
              .suppliers = Suppliers::same_contacts,  // bills name ordinary contacts
              .change_filter = ChangeFilter::second,  // updated_since
              .webhooks = false,
              .quote_noun = "estimate"};
  e.limits = {"freeagent",
              {{"minute", 120, kMinute, false}, {"hour", 3600, kHour, false}},
              0,
              HeaderStyle::none};
  e.oauth = profile(e.traits, oauth::ClientAuth::basic, false, "");
  e.make = [](const ConnectorInputs& in) {
    return oauth_connector<freeagent::FreeAgentConnector>(in, freeagent::FreeAgentSettings{});
  };
  return e;
}

ProviderEntry sage() {
  ProviderEntry e;
  e.traits = {.name = "sage",
              .display = "Sage",
              .login = Login::oauth2,
              .endpoints = {"https://api.accounting.sage.com/v3.1", "https://oauth.accounting.sage.com/token",
                            "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1"},
              .own_keys = {"business_id", "quote_kind"},
              .export_fields = {"name", "name, main_contact_person.name", "main_contact_person.name",
                                "main_contact_person.email", "main_contact_person.telephone",
                                "main_contact_person.fax", "main_contact_person.mobile", "", "main_address"},
              .suppliers = Suppliers::flagged_contacts,  // contact_types CUSTOMER / VENDOR
              .change_filter = ChangeFilter::second,     // updated_or_created_since
              .webhooks = false,
              .quote_noun = "quote"};
  // Sage documents 200 per 60 s for v3.0 only; v3.1 is unverified, so keep half of it.
  e.limits = {"sage", {{"minute", 100, kMinute, false}}, 0, HeaderStyle::none};
  e.oauth = profile(e.traits, oauth::ClientAuth::body, false, "full_access");
  e.make = [](const ConnectorInputs& in) {
    sage::SageSettings s;
    s.business_id = in.settings.business_id;
    // Sales quotes and sales estimates are both read; the connection says which capsync drafts.
    s.creates = in.settings.drafts_estimates ? sage::QuoteKind::estimate : sage::QuoteKind::quote;
    return oauth_connector<sage::SageConnector>(in, std::move(s));
  };
  return e;
}

// In the order the documentation lists them.
const std::array<ProviderEntry, 5>& entries() {
  static const std::array<ProviderEntry, 5> all{xero(), freshbooks(), kashflow(), freeagent(), sage()};
  return all;
}

}  // namespace

std::span<const ProviderEntry> providers() { return entries(); }

Result<const ProviderEntry*> find(std::string_view name) {
  std::vector<std::string_view> names;
  for (const ProviderEntry& e : entries()) {
    if (e.traits.name == name) return &e;
    names.push_back(e.traits.name);
  }
  return make_error(Errc::invalid_argument, "unknown provider \"{}\": this build knows {}", name,
                    fmt::join(names, ", "));
}

const config::ProviderCatalog& catalog() {
  static const config::ProviderCatalog all = [] {
    std::vector<config::ProviderTraits> traits;
    for (const ProviderEntry& e : entries()) traits.push_back(e.traits);
    return config::ProviderCatalog(std::move(traits));
  }();
  return all;
}

Result<oauth::OAuthProfile> oauth_profile(const config::AccountingSettings& settings) {
  auto entry = find(settings.provider.name);
  if (!entry) return entry.error();
  if ((*entry)->traits.login != Login::oauth2)
    return make_error(Errc::invalid_argument, "{} does not use OAuth", (*entry)->traits.display);
  oauth::OAuthProfile p = (*entry)->oauth;
  if (!settings.token_url.empty()) p.token_url = settings.token_url;
  if (!settings.authorize_url.empty()) p.authorize_url = settings.authorize_url;
  p.client_id = settings.client_id;
  p.client_secret = settings.client_secret;
  return p;
}

ratelimit::Limits capsule_limits() {
  return {"capsule", {{"hour", 4000, kHour, false}}, 0, HeaderStyle::ratelimit_remaining};
}

oauth::OAuthProfile capsule_oauth_profile() {
  oauth::OAuthProfile p;
  p.provider = "capsule";
  p.authorize_url = "https://api.capsulecrm.com/oauth/authorise";
  p.token_url = "https://api.capsulecrm.com/oauth/token";
  p.client_auth = oauth::ClientAuth::body;
  p.scope = "read write";
  return p;
}

Result<oauth::OAuthProfile> capsule_oauth_profile(std::string_view connection, const config::CapsuleSettings& settings) {
  if (!settings.oauth)
    return make_error(Errc::invalid_argument,
                      "connection \"{}\" has no registered Capsule app: add capsule.oauth (client_id and "
                      "client_secret_file) to its configuration and reload",
                      connection);
  oauth::OAuthProfile p = capsule_oauth_profile();
  if (!settings.oauth->authorize_url.empty()) p.authorize_url = settings.oauth->authorize_url;
  if (!settings.oauth->token_url.empty()) p.token_url = settings.oauth->token_url;
  p.client_id = settings.oauth->client_id;
  p.client_secret = settings.oauth->client_secret;
  return p;
}

std::string capsule_token_key(std::string_view connection) { return fmt::format("{}:capsule", connection); }

}  // namespace capsync::registry
