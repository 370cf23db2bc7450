#include "daemon/config_diff.hpp"

#include <map>

#include <fmt/format.h>

#include "core/config/duration.hpp"

namespace capsync::daemon {

namespace {

using config::format_duration;

std::string show(const std::optional<std::string>& v) { return v ? *v : "(unset)"; }

template <typename T>
void compare(std::vector<std::string>& out, std::string_view key, const T& a, const T& b, std::string (*fmt_fn)(const T&)) {
  if (!(a == b)) out.push_back(fmt::format("{} {} -> {}", key, fmt_fn(a), fmt_fn(b)));
}

void compare_secret(std::vector<std::string>& out, std::string_view key, const Secret& a, const Secret& b) {
  if (!(a == b)) out.push_back(fmt::format("{} changed", key));
}

std::string str(const std::string& s) { return s.empty() ? "(empty)" : s; }
std::string dur(const std::chrono::seconds& s) { return format_duration(s); }
std::string boolean(const bool& b) { return b ? "true" : "false"; }
std::string provider(const config::ProviderTraits& p) { return std::string(p.name); }

// "field a -> b" for each changed setting that matters to the daemon or the sync layer.
std::vector<std::string> connection_changes(const config::ConnectionConfig& a, const config::ConnectionConfig& b) {
  std::vector<std::string> out;
  compare(out, "enabled", a.enabled, b.enabled, boolean);
  compare(out, "time_zone", a.time_zone, b.time_zone, str);
  compare(out, "capsule.base_url", a.capsule.base_url, b.capsule.base_url, str);
  compare_secret(out, "capsule.token", a.capsule.token, b.capsule.token);
  compare(out, "accounting.provider", a.accounting.provider, b.accounting.provider, provider);
  compare(out, "accounting.base_url", a.accounting.base_url, b.accounting.base_url, str);
  compare(out, "accounting.token_url", a.accounting.token_url, b.accounting.token_url, str);
  compare(out, "accounting.authorize_url", a.accounting.authorize_url, b.accounting.authorize_url, str);
  compare(out, "accounting.redirect_uri", a.accounting.redirect_uri, b.accounting.redirect_uri, str);
  compare(out, "accounting.client_id", a.accounting.client_id, b.accounting.client_id, str);
  compare_secret(out, "accounting.client_secret", a.accounting.client_secret, b.accounting.client_secret);
  if (a.accounting.refresh_token.has_value() != b.accounting.refresh_token.has_value() ||
      (a.accounting.refresh_token && !(*a.accounting.refresh_token == *b.accounting.refresh_token)))
    out.push_back("accounting.refresh_token changed");
  compare(out, "accounting.tenant_id", a.accounting.tenant_id, b.accounting.tenant_id, show);
  compare(out, "accounting.account_id", a.accounting.account_id, b.accounting.account_id, show);
  compare(out, "accounting.business_id", a.accounting.business_id, b.accounting.business_id, show);
  compare(out, "accounting.username", a.accounting.username, b.accounting.username, str);
  compare_secret(out, "accounting.password", a.accounting.password, b.accounting.password);
  compare_secret(out, "accounting.memorable_word", a.accounting.memorable_word, b.accounting.memorable_word);
  compare(out, "sync.interval", a.sync.interval, b.sync.interval, dur);
  compare(out, "sync.capsule_poll", a.sync.capsule_poll, b.sync.capsule_poll, dur);
  compare(out, "sync.full_reconcile", a.sync.full_reconcile, b.sync.full_reconcile, dur);
  compare(out, "sync.default_team", a.sync.default_team, b.sync.default_team, show);
  compare(out, "sync.overdue_tag", a.sync.overdue_tag, b.sync.overdue_tag, str);
  compare(out, "sync.summary_fields.outstanding", a.sync.summary_fields.outstanding, b.sync.summary_fields.outstanding, str);
  compare(out, "sync.summary_fields.overdue", a.sync.summary_fields.overdue, b.sync.summary_fields.overdue, str);
  compare(out, "sync.summary_fields.next_due", a.sync.summary_fields.next_due, b.sync.summary_fields.next_due, str);
  compare(out, "sync.summary_fields.last_invoice", a.sync.summary_fields.last_invoice,
          b.sync.summary_fields.last_invoice, str);
  compare(out, "sync.summary_fields.open_quotes", a.sync.summary_fields.open_quotes,
          b.sync.summary_fields.open_quotes, str);
  compare(out, "sync.export_tag", a.sync.export_tag, b.sync.export_tag, str);
  compare(out, "quotes.from_milestone", a.quotes.from_milestone, b.quotes.from_milestone, show);
  compare(out, "quotes.valid_for", a.quotes.valid_for, b.quotes.valid_for, dur);
  compare(out, "quotes.account_code", a.quotes.account_code, b.quotes.account_code, str);
  compare(out, "quotes.tax_type", a.quotes.tax_type, b.quotes.tax_type, str);
  compare(out, "quotes.accepted_tag", a.quotes.accepted_tag, b.quotes.accepted_tag, str);
  if (a.sync.matching != b.sync.matching) out.push_back("sync.matching changed");
  if (a.sync.on_capsule_delete != b.sync.on_capsule_delete) out.push_back("sync.on_capsule_delete changed");
  if (a.sync.include_supplier_invoices != b.sync.include_supplier_invoices)
    out.push_back("sync.include_supplier_invoices changed");
  if (a.sync.invoice_note != b.sync.invoice_note) out.push_back("sync.invoice_note changed");
  // A secret read from another file: the path is no secret, and the content may be the same.
  std::map<std::string, std::pair<std::optional<std::string>, std::optional<std::string>>> files;
  for (const auto& [key, path] : a.secret_files) files[key].first = path;
  for (const auto& [key, path] : b.secret_files) files[key].second = path;
  for (const auto& [key, paths] : files)
    if (paths.first != paths.second)
      out.push_back(fmt::format("{} file {} -> {}", key, show(paths.first), show(paths.second)));
  return out;
}

// Puts the running value back into `next` and says so; the value shown only when not a secret.
template <typename T>
void keep(std::vector<std::string>& out, std::string_view key, const T& running, T& next,
          std::string (*fmt_fn)(const T&)) {
  if (running == next) return;
  out.push_back(fmt::format("{} {} -> {} needs a restart; still using {}", key, fmt_fn(running), fmt_fn(next),
                            fmt_fn(running)));
  next = running;
}

// The file a kept secret was read from goes back with it.
void keep_file(const config::ConnectionConfig& running, config::ConnectionConfig& next, const std::string& key) {
  if (auto file = running.secret_files.find(key); file != running.secret_files.end()) {
    next.secret_files[key] = file->second;
  } else {
    next.secret_files.erase(key);
  }
}

// As keep, for a secret: its value is never shown.
template <typename T>
void keep_secret(std::vector<std::string>& out, const std::string& key, const T& running, T& next,
                 const config::ConnectionConfig& running_connection, config::ConnectionConfig& next_connection) {
  if (running == next) return;
  out.push_back(fmt::format("{} changed, needs a restart; still using the previous one", key));
  next = running;
  keep_file(running_connection, next_connection, key);
}

}  // namespace

std::vector<std::string> keep_restart_settings(const config::ConnectionConfig& running, config::ConnectionConfig& next) {
  std::vector<std::string> out;
  auto& a = next.accounting;
  const auto& r = running.accounting;
  if (r.provider != a.provider) {
    // Every accounting setting belongs to the provider: the connection keeps all of them.
    out.push_back(fmt::format("accounting.provider {} -> {} needs a restart; still using {} with its settings",
                              provider(r.provider), provider(a.provider), provider(r.provider)));
    a = r;
    for (const char* key : {"accounting.client_secret", "accounting.refresh_token", "accounting.password",
                            "accounting.memorable_word"})
      keep_file(running, next, key);
  }
  keep(out, "capsule.base_url", running.capsule.base_url, next.capsule.base_url, str);
  keep_secret(out, "capsule.token", running.capsule.token, next.capsule.token, running, next);
  keep(out, "accounting.base_url", r.base_url, a.base_url, str);
  keep(out, "accounting.token_url", r.token_url, a.token_url, str);
  keep(out, "accounting.authorize_url", r.authorize_url, a.authorize_url, str);
  keep(out, "accounting.client_id", r.client_id, a.client_id, str);
  keep_secret(out, "accounting.client_secret", r.client_secret, a.client_secret, running, next);
  keep_secret(out, "accounting.refresh_token", r.refresh_token, a.refresh_token, running, next);
  keep(out, "accounting.tenant_id", r.tenant_id, a.tenant_id, show);
  keep(out, "accounting.account_id", r.account_id, a.account_id, show);
  keep(out, "accounting.business_id", r.business_id, a.business_id, show);
  return out;
}

std::vector<std::string> describe_changes(const config::Config& before, const config::Config& after) {
  std::vector<std::string> out;
  if (before.log_level != after.log_level)
    out.push_back(fmt::format("log_level {} -> {}", log::to_string(before.log_level), log::to_string(after.log_level)));
  // Settings the daemon reads only at start-up.
  const auto restart = [&](std::string_view key, bool changed) {
    if (changed) out.push_back(fmt::format("{} changed (takes effect after a restart)", key));
  };
  restart("state_dir", before.state_dir != after.state_dir);
  restart("admin_socket", before.admin_socket != after.admin_socket);
  restart("admin_socket_group", before.admin_socket_group != after.admin_socket_group);
  restart("metrics_listen", before.metrics_listen != after.metrics_listen);
  restart("store.synchronous", before.store.synchronous != after.store.synchronous);
  restart("queue.backoff", before.queue.backoff != after.queue.backoff);
  restart("queue.backoff_cap", before.queue.backoff_cap != after.queue.backoff_cap);
  if (before.shutdown_grace != after.shutdown_grace)
    out.push_back(fmt::format("shutdown_grace {} -> {}", dur(before.shutdown_grace), dur(after.shutdown_grace)));
  if (before.queue.lease != after.queue.lease)
    out.push_back(fmt::format("queue.lease {} -> {}", dur(before.queue.lease), dur(after.queue.lease)));
  if (before.queue.retention != after.queue.retention)
    out.push_back(fmt::format("queue.retention {} -> {}", dur(before.queue.retention), dur(after.queue.retention)));
  if (before.queue.max_attempts != after.queue.max_attempts)
    out.push_back(fmt::format("queue.max_attempts {} -> {}", before.queue.max_attempts, after.queue.max_attempts));
  // The HTTP clients load the CA bundle once.
  restart("ca_file", before.ca_file != after.ca_file);

  std::map<std::string, const config::ConnectionConfig*> old_by_name, new_by_name;
  for (const auto& c : before.connections) old_by_name[c.name] = &c;
  for (const auto& c : after.connections) new_by_name[c.name] = &c;
  for (const auto& [name, c] : old_by_name)
    if (!new_by_name.contains(name)) out.push_back(fmt::format("connection {} removed", name));
  for (const auto& [name, c] : new_by_name) {
    auto old = old_by_name.find(name);
    if (old == old_by_name.end()) {
      out.push_back(fmt::format("connection {} added ({})", name, c->accounting.provider.name));
      continue;
    }
    auto changes = connection_changes(*old->second, *c);
    if (!changes.empty()) out.push_back(fmt::format("connection {} changed: {}", name, fmt::join(changes, ", ")));
  }
  return out;
}

}  // namespace capsync::daemon
