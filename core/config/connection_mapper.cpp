#include "core/config/connection_mapper.hpp"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <date/tz.h>

#include "core/config/http_url.hpp"
#include "core/config/secret_reference.hpp"
#include "core/config/suggest.hpp"

namespace capsync::config::detail {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMaxNameLength = 64;

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameLength && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void check_time_zone(Diagnostics& diags, const Entry& entry) {
  const std::string& zone = entry.value.Scalar();
  try {
    (void)date::locate_zone(zone);
    return;
  } catch (const std::exception&) {
    // Not in the tz database: report below with the nearest names.
  }
  std::vector<std::string_view> names;
  try {
    const date::tzdb& db = date::get_tzdb();
    for (const auto& z : db.zones) names.push_back(z.name());
  } catch (const std::exception&) {
    // No database at all: the message below still names the bad value.
  }
  std::string message = fmt::format("unknown time zone \"{}\"", zone);
  if (auto best = closest_match(zone, names)) {
    message += fmt::format(" (did you mean \"{}\"?)", *best);
  } else {
    message += " (use an IANA name such as \"Europe/London\" or \"UTC\")";
  }
  diags.error(entry.mark, entry.path, std::move(message));
}

// An absolute http:// or https:// URL with a host and no user info; reports why not.
std::optional<HttpUrl> checked_http_url(Diagnostics& diags, const Entry& entry) {
  const std::string& url = entry.value.Scalar();
  auto parsed = parse_http_url(url);
  if (!parsed) {
    diags.error(entry.mark, entry.path, fmt::format("expected an http:// or https:// URL, got \"{}\"", url));
    return std::nullopt;
  }
  if (parsed->userinfo) {
    // Not echoed: the user info may hold a password.
    diags.error(entry.mark, entry.path,
                "must not contain a user name or password (\"user@\" before the host): credentials go in their "
                "own keys, never in a URL");
    return std::nullopt;
  }
  return parsed;
}

using SecretFiles = std::map<std::string, std::string>;

// A plain http redirect carries the authorization code: it must come back to this host, named
// as capsyncd can listen on it.
void check_redirect_uri(Diagnostics& diags, const Entry& entry) {
  const std::string& url = entry.value.Scalar();
  const auto parsed = checked_http_url(diags, entry);
  if (!parsed || !parsed->http) return;
  if (parsed->host == "127.0.0.1" || parsed->host == "[::1]" || parsed->host == "localhost") return;
  if (parsed->loopback) {
    diags.error(entry.mark, entry.path,
                fmt::format("an http:// redirect_uri must name its loopback host as 127.0.0.1, [::1] or localhost, "
                            "the addresses capsyncd listens on and providers accept, got \"{}\"",
                            url));
    return;
  }
  diags.error(entry.mark, entry.path,
              fmt::format("an http:// redirect_uri must name a loopback host such as 127.0.0.1, where capsyncd "
                          "listens, got \"{}\"; for another host register an https:// URL and use `capsyncctl "
                          "connect --manual`",
                          url));
}

void read_capsule(MapReader& r, const Environment& env, CapsuleSettings& out, SecretFiles& files) {
  if (auto e = r.string("base_url", out.base_url)) check_url(r.diagnostics(), *e);
  if (auto path = read_secret(r, "token", env, out.token, /*required=*/true)) files["capsule.token"] = *path;
  if (auto oauth = r.map("oauth")) {
    CapsuleOAuthSettings o;
    oauth->string("client_id", o.client_id, /*required=*/true);
    if (auto path = read_secret(*oauth, "client_secret", env, o.client_secret, /*required=*/true))
      files["capsule.oauth.client_secret"] = *path;
    if (auto e = oauth->string("redirect_uri", o.redirect_uri)) check_redirect_uri(r.diagnostics(), *e);
    if (auto e = oauth->string("authorize_url", o.authorize_url)) check_url(r.diagnostics(), *e);
    if (auto e = oauth->string("token_url", o.token_url)) check_url(r.diagnostics(), *e);
    oauth->finish();
    out.oauth = std::move(o);
  }
  r.finish();
}

// The provider's traits, or none (reported) when "provider" is missing or not in the catalog.
const ProviderTraits* read_provider(MapReader& r, const ProviderCatalog& providers) {
  std::vector<std::string_view> names;
  for (const ProviderTraits& p : providers.all()) names.push_back(p.name);
  if (auto index = r.choice("provider", names, "provider")) return &providers.all()[*index];
  if (!r.take("provider")) r.missing("provider", fmt::format("one of {}", fmt::join(names, ", ")));
  return nullptr;
}

const ProviderTraits* read_accounting(MapReader& r, const Environment& env, const ProviderCatalog& providers,
                                      AccountingSettings& out, SecretFiles& files) {
  const ProviderTraits* provider = read_provider(r, providers);
  Diagnostics& diags = r.diagnostics();

  // Which providers a key of "accounting:" belongs to: those of a login kind, or those that
  // name it among their own keys.
  const auto oauth_only = [](const ProviderTraits& p, std::string_view) { return p.login == Login::oauth2; };
  const auto password_only = [](const ProviderTraits& p, std::string_view) { return p.login == Login::password; };
  const auto its_own = [](const ProviderTraits& p, std::string_view key) { return p.takes(key); };
  // True when key applies to the provider (or the provider is unknown: then nothing is
  // refused, to avoid a cascade of errors from one typo). Otherwise the key is reported.
  const auto applies = [&](std::string_view key, auto belongs, bool secret) {
    if (provider == nullptr || belongs(*provider, key)) return true;
    const std::string message = fmt::format("\"{}\" does not apply to provider \"{}\"", key, provider->name);
    if (secret) {
      reject_secret(r, key, message);
    } else if (auto e = r.take(key)) {
      diags.error(e->key_mark, e->path, message);
    }
    return false;
  };
  const bool strict = provider != nullptr;

  if (provider != nullptr) {
    out.provider = *provider;
    out.base_url = provider->endpoints.base_url;
    out.token_url = provider->endpoints.token_url;
    out.authorize_url = provider->endpoints.authorize_url;
  }
  if (auto e = r.string("base_url", out.base_url)) check_url(diags, *e);
  if (applies("token_url", oauth_only, false)) {
    if (auto e = r.string("token_url", out.token_url)) check_url(diags, *e);
  }
  if (applies("authorize_url", oauth_only, false)) {
    if (auto e = r.string("authorize_url", out.authorize_url)) check_url(diags, *e);
  }
  if (applies("redirect_uri", oauth_only, false)) {
    if (auto e = r.string("redirect_uri", out.redirect_uri)) check_redirect_uri(diags, *e);
  }
  if (applies("client_id", oauth_only, false)) r.string("client_id", out.client_id, strict);
  const auto record = [&](std::string_view key, std::optional<std::string> path) {
    if (path) files[fmt::format("accounting.{}", key)] = std::move(*path);
  };
  if (applies("client_secret", oauth_only, true))
    record("client_secret", read_secret(r, "client_secret", env, out.client_secret, strict));
  if (applies("refresh_token", oauth_only, true))
    record("refresh_token", read_secret(r, "refresh_token", env, out.refresh_token));
  if (applies("tenant_id", its_own, false)) r.string("tenant_id", out.tenant_id);
  if (applies("account_id", its_own, false)) r.string("account_id", out.account_id);
  if (applies("business_id", its_own, false)) r.string("business_id", out.business_id);
  if (applies("quote_kind", its_own, false)) {
    static constexpr std::pair<std::string_view, bool> kQuoteKind[] = {{"quote", false}, {"estimate", true}};
    r.choice("quote_kind", out.drafts_estimates, kQuoteKind, "quote_kind");
  }
  if (applies("username", password_only, false)) r.string("username", out.username, strict);
  if (applies("password", password_only, true)) record("password", read_secret(r, "password", env, out.password, strict));
  if (applies("memorable_word", its_own, true)) {
    record("memorable_word", read_secret(r, "memorable_word", env, out.memorable_word, strict));
  }
  r.finish();
  return provider;
}

void read_sync(MapReader& r, SyncOptions& out, ConnectionKeys& keys) {
  r.duration("interval", out.interval, 1min, std::chrono::days(30));
  r.duration("capsule_poll", out.capsule_poll, 10s, 24h);
  r.duration("full_reconcile", out.full_reconcile, 1h, std::chrono::days(30));
  static constexpr std::pair<std::string_view, Matching> kMatching[] = {{"exact", Matching::exact},
                                                                        {"normalized", Matching::normalized}};
  r.choice("matching", out.matching, kMatching, "matching");
  r.boolean("include_supplier_invoices", out.include_supplier_invoices);
  r.string("default_team", out.default_team);
  static constexpr std::pair<std::string_view, OnCapsuleDelete> kOnDelete[] = {
      {"recreate", OnCapsuleDelete::recreate}, {"unlink", OnCapsuleDelete::unlink}};
  r.choice("on_capsule_delete", out.on_capsule_delete, kOnDelete, "on_capsule_delete value");
  if (auto fields = r.map("summary_fields")) {
    keys.summary_fields[0] = fields->string("outstanding", out.summary_fields.outstanding);
    keys.summary_fields[1] = fields->string("overdue", out.summary_fields.overdue);
    keys.summary_fields[2] = fields->string("next_due", out.summary_fields.next_due);
    keys.summary_fields[3] = fields->string("last_invoice", out.summary_fields.last_invoice);
    keys.summary_fields[4] = fields->string("open_quotes", out.summary_fields.open_quotes);
    fields->finish();
  }
  r.string("overdue_tag", out.overdue_tag);
  r.boolean("invoice_note", out.invoice_note);
  r.string("export_tag", out.export_tag);
  r.finish();
}

void read_quotes(MapReader& r, QuoteSettings& out) {
  if (auto e = r.string("from_milestone", out.from_milestone)) out.from_milestone_at = r.diagnostics().position(*e);
  r.duration("valid_for", out.valid_for, 24h, std::chrono::days(366));
  r.string("account_code", out.account_code);
  r.string("tax_type", out.tax_type);
  r.string("accepted_tag", out.accepted_tag);
  r.finish();
}

}  // namespace

bool check_url(Diagnostics& diagnostics, const Entry& entry) {
  const auto parsed = checked_http_url(diagnostics, entry);
  if (!parsed) return false;
  if (parsed->http && !parsed->loopback) {
    diagnostics.error(entry.mark, entry.path,
                      fmt::format("http:// would send tokens in clear text: use https://, or http:// only to this "
                                  "machine (127.0.0.0/8, [::1] or localhost), got \"{}\"",
                                  entry.value.Scalar()));
    return false;
  }
  return true;
}

ConnectionConfig read_connection(MapReader& r, const Environment& env, const ProviderCatalog& providers,
                                 ConnectionKeys& keys) {
  ConnectionConfig out;
  Diagnostics& diags = r.diagnostics();
  if (auto e = r.string("name", out.name, /*required=*/true)) {
    if (valid_name(out.name)) {
      keys.name = std::move(e);
    } else {
      diags.error(e->mark, e->path,
                  fmt::format("invalid connection name \"{}\": use 1 to {} characters from a-z, 0-9, _ and -",
                              out.name, kMaxNameLength));
    }
  }
  r.boolean("enabled", out.enabled);
  if (auto e = r.string("time_zone", out.time_zone)) check_time_zone(diags, *e);
  if (auto capsule = r.map("capsule", /*required=*/true)) read_capsule(*capsule, env, out.capsule, out.secret_files);
  const ProviderTraits* provider = nullptr;
  if (auto accounting = r.map("accounting", /*required=*/true)) {
    provider = read_accounting(*accounting, env, providers, out.accounting, out.secret_files);
  }
  if (provider != nullptr) out.sync.export_tag = fmt::format("Export to {}", provider->display);
  if (auto sync = r.map("sync")) {
    read_sync(*sync, out.sync, keys);
  }
  if (auto quotes = r.map("quotes")) read_quotes(*quotes, out.quotes);
  r.finish();
  return out;
}

namespace {

std::array<std::string*, 5> summary_field_names(SummaryFields& f) {
  return {&f.outstanding, &f.overdue, &f.next_due, &f.last_invoice, &f.open_quotes};
}

}  // namespace

std::vector<std::vector<std::size_t>> shared_capsule_groups(const std::vector<ConnectionConfig>& connections) {
  // Keyed by host and token; the token stays in memory, as the connection's own copy does.
  std::map<std::pair<std::string, std::string_view>, std::vector<std::size_t>> by_account;
  for (std::size_t i = 0; i < connections.size(); ++i) {
    const std::string& url = connections[i].capsule.base_url;
    auto parsed = parse_http_url(url);
    by_account[{parsed ? parsed->host : url, connections[i].capsule.token.reveal()}].push_back(i);
  }
  std::vector<std::vector<std::size_t>> groups;
  for (auto& [account, members] : by_account)
    if (members.size() > 1) groups.push_back(std::move(members));
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return groups;
}

void separate_summary_fields(Diagnostics& diags, std::vector<ConnectionConfig>& connections,
                             const std::vector<ConnectionKeys>& keys) {
  const auto groups = shared_capsule_groups(connections);
  for (const auto& group : groups) {
    for (std::size_t m = 1; m < group.size(); ++m) {
      const std::size_t i = group[m];
      auto names = summary_field_names(connections[i].sync.summary_fields);
      for (std::size_t f = 0; f < names.size(); ++f) {
        if (!keys[i].summary_fields[f])
          *names[f] = fmt::format("{} ({})", *names[f], connections[i].accounting.provider.display);
      }
    }
  }
  for (const auto& group : groups) {
    for (std::size_t m = 0; m < group.size(); ++m) {
      for (std::size_t n = m + 1; n < group.size(); ++n) {
        const std::size_t i = group[m], j = group[n];
        const auto a = summary_field_names(connections[i].sync.summary_fields);
        const auto b = summary_field_names(connections[j].sync.summary_fields);
        for (std::size_t fa = 0; fa < a.size(); ++fa) {
          for (std::size_t fb = 0; fb < b.size(); ++fb) {
            if (*a[fa] != *b[fb]) continue;
            // Where each name comes from: its key, or the connection's name for a default.
            const auto where = [&](std::size_t c, std::size_t f) -> const Entry* {
              if (keys[c].summary_fields[f]) return &*keys[c].summary_fields[f];
              return keys[c].name ? &*keys[c].name : nullptr;
            };
            const Entry* first = where(i, fa);
            const Entry* second = where(j, fb);
            if (first == nullptr || second == nullptr) continue;  // a bad name is reported already
            // Each place names the other, so either is enough to find both.
            const auto report = [&](const Entry& here, const Entry& there, const std::string& name,
                                    const ConnectionConfig& other) {
              diags.error(here.mark, here.path,
                          fmt::format("summary field \"{}\" is also written by connection \"{}\" on the same "
                                      "Capsule account, at {}:{}:{} ({}): connections sharing a Capsule account "
                                      "need their own summary_fields",
                                      name, other.name, diags.file(), there.mark.line + 1, there.mark.column + 1,
                                      there.path));
            };
            report(*first, *second, *a[fa], connections[j]);
            report(*second, *first, *b[fb], connections[i]);
          }
        }
      }
    }
  }
}

}  // namespace capsync::config::detail
