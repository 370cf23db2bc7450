#pragma once
// The settings capsync runs with, as plain data with the documented defaults. The config
// mapper (config.hpp) fills them from capsync.yaml; every other component takes the struct
// it needs and never sees YAML.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config/provider.hpp"
#include "core/log/log.hpp"
#include "core/secret/secret.hpp"

namespace capsync::config {

using std::chrono::seconds;
using namespace std::chrono_literals;

// SQLite PRAGMA synchronous for the state database.
enum class Synchronous { off, normal, full };

struct StoreSettings {
  Synchronous synchronous = Synchronous::normal;
};

struct QueueSettings {
  int max_attempts = 8;      // then the job goes dead
  seconds lease = 2min;      // a running job not finished by then is returned to ready
  seconds retention = 24h * 7;  // done jobs are pruned after this
  // A failed job waits half to all of `backoff` before its first retry, doubling per failure
  // up to `backoff_cap`: most provider faults are gone within seconds.
  seconds backoff = 2s;
  seconds backoff_cap = 1h;
};

// A registered Capsule app (R26): with it, `capsyncctl connect --capsule` authorizes Capsule
// through OAuth and capsync subscribes REST hooks. Empty URLs mean Capsule's own.
struct CapsuleOAuthSettings {
  std::string client_id;
  Secret client_secret;
  std::string redirect_uri = "http://127.0.0.1:8765/callback";  // as AccountingSettings::redirect_uri
  std::string authorize_url;
  std::string token_url;
};

struct CapsuleSettings {
  std::string base_url = "https://api.capsulecrm.com";
  Secret token;  // personal access token: used until OAuth tokens are stored, and without an app
  std::optional<CapsuleOAuthSettings> oauth;
};

struct AccountingSettings {
  ProviderTraits provider;    // from the catalog the config was loaded against
  std::string base_url;       // defaults from provider.endpoints
  std::string token_url;      // OAuth providers only
  std::string authorize_url;  // OAuth providers only
  // Where the provider sends the browser back to after `capsyncctl connect` (registered with the
  // app). A loopback http:// URL: capsyncd listens on its host and port. An https:// URL (FreshBooks
  // requires one) is only completed by hand: `capsyncctl connect --manual`.
  std::string redirect_uri = "http://127.0.0.1:8765/callback";

  // OAuth providers (all but KashFlow).
  std::string client_id;
  Secret client_secret;
  std::optional<Secret> refresh_token;  // bootstrap token; the store's copy wins once it has one

  std::optional<std::string> tenant_id;    // xero; else the first tenant from /connections
  std::optional<std::string> account_id;   // freshbooks; else from /auth/api/v1/users/me
  std::optional<std::string> business_id;  // sage; else the lead business
  bool drafts_estimates = false;           // sage: quote_kind "estimate" (default "quote"): what R19 drafts

  // KashFlow REST session login.
  std::string username;
  Secret password;
  Secret memorable_word;  // the whole word: KashFlow asks for three letters of it at each login
};

enum class Matching { exact, normalized };  // R1
enum class OnCapsuleDelete { recreate, unlink };  // R14

// Capsule custom field names the invoice summary is written to (R6).
struct SummaryFields {
  std::string outstanding = "Outstanding";
  std::string overdue = "Overdue";
  std::string next_due = "Next due date";
  std::string last_invoice = "Last invoice date";
  std::string open_quotes = "Open quotes";  // R18; written only where the service's quotes are read
};

struct SyncOptions {
  seconds interval = 2h;           // R5 incremental sync of the accounting side
  seconds capsule_poll = 5min;     // R5 poll Capsule for changes
  seconds full_reconcile = 24h;    // full pass that also infers deletions
  Matching matching = Matching::exact;
  bool include_supplier_invoices = false;  // R6
  std::optional<std::string> default_team;  // R4; unassigned when empty
  OnCapsuleDelete on_capsule_delete = OnCapsuleDelete::recreate;
  SummaryFields summary_fields;
  std::string overdue_tag = "Overdue invoices";
  bool invoice_note = false;  // R7
  std::string export_tag;     // R12; defaults to "Export to <Provider>"
};

// R19-R22: draft quotes from Capsule opportunities. Off unless from_milestone is set.
struct QuoteSettings {
  // The Capsule milestone an opportunity enters to get its draft quote; unset: no quotes drafted.
  std::optional<std::string> from_milestone;
  // Where from_milestone is written ("capsync.yaml:31:23: connections[0].quotes.from_milestone"),
  // so a milestone Capsule does not have is reported at that position at start.
  std::string from_milestone_at;
  seconds valid_for = 24h * 30;  // expiry = today + this, unless the expected close is later
  std::string account_code;      // empty: the service's default sales account
  std::string tax_type;          // empty: the service's default
  std::string accepted_tag = "Quote accepted";  // R22: added to the opportunity once accepted
};

struct ConnectionConfig {
  std::string name;  // [a-z0-9_-]+, unique; the CAPSYNC_CONNECTION journal field
  bool enabled = true;
  std::string time_zone = "UTC";  // IANA name, checked against the tz database (R9)
  CapsuleSettings capsule;
  AccountingSettings accounting;
  SyncOptions sync;
  QuoteSettings quotes;
  // The file each secret was read from, by key ("capsule.token" -> "/etc/capsync/acme-token"):
  // a reload reports a secret moved to another file even when its content is the same.
  std::map<std::string, std::string> secret_files;
};

// `webhooks:` (R23–R27): the listener the reverse proxy forwards deliveries to. Absent: no
// listener, every service is polled.
struct WebhookSettings {
  std::string listen = "127.0.0.1:8787";  // "host:port", loopback unless a proxy elsewhere needs it
  int max_body = 1024 * 1024;             // bytes; a larger delivery gets 413
  seconds silence_warning = 6h;           // R27: polling found changes no webhook announced
  // The https URL the operator's TLS proxy exposes for `listen` ("https://hooks.example.com", no
  // trailing slash): the base of the URLs capsync subscribes at Capsule (R26) and FreshBooks
  // (R25). Unset: nothing is subscribed and those services are polled.
  std::optional<std::string> public_url;
  // The Xero app's webhook key (R24), from webhook_key_file / webhook_key_credential; empty:
  // no Xero route.
  Secret xero_webhook_key;
};

struct Config {
  std::string state_dir = "/var/lib/capsync";
  log::Level log_level = log::Level::info;
  std::string admin_socket = "/run/capsync/admin.sock";
  std::optional<std::string> admin_socket_group;
  std::optional<std::string> metrics_listen;  // "host:port", e.g. "127.0.0.1:9464"
  seconds shutdown_grace = 30s;
  StoreSettings store;
  QueueSettings queue;
  std::optional<std::string> ca_file;  // extra CA bundle trusted besides the system's
  std::optional<WebhookSettings> webhooks;
  std::vector<ConnectionConfig> connections;
};

}  // namespace capsync::config
