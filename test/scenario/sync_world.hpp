#pragma once
// A sync world for scenario tests, crash tests and benchmarks: the sandbox (fake Capsule and
// one accounting provider, Xero unless the seed names another) started from a seed, one
// capsyncd connection configured against it, capsyncctl, and read access to both sides'
// state, the sandbox request log and the daemon's state database. What differs by provider
// is the world's ProviderKit (provider_kit.hpp).
//
//   Seed seed;                                   // credentials + summary fields, no records
//   seed.party(organisation(11, "Acme Ltd")).contact(xero_contact("c-1", "Acme Ltd"))
//       .invoice(xero_invoice("c-1", "INV-1", "120.00", -5));
//   SyncWorld world(seed);                       // starts the sandbox
//   world.start_daemon();                        // writes capsync.yaml, starts capsyncd,
//                                                // waits for the start-up sync to settle
//   auto state = world.state();                  // /_admin/state
//   world.capsule("PUT", "/parties/11", R"({"party":{...}})");   // edit through the real API
//   world.clear_requests();
//   world.sync();                                // capsyncctl sync-now, wait until settled
//   CHECK(world.writes().empty());               // no POST/PUT/DELETE on either side
//
// Failures (a daemon that does not start, a sync that does not settle or goes dead, a refused
// request) throw std::runtime_error with the daemon's log tail, so a Catch2 test reports them
// and a benchmark stops. Every wait has a deadline; nothing sleeps a fixed time.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "test/scenario/daemon_process.hpp"
#include "test/scenario/provider_kit.hpp"

namespace capsync::test {
class SandboxProcess;
}

namespace capsync::scenario {

// Fixed identities of the seed (the sandbox's seeds/empty.json plus a harness refresh token).
inline constexpr std::string_view kCapsuleToken = "capsule-sandbox-token";
// A second token of the same Capsule user, for an operator rotating the token file.
inline constexpr std::string_view kCapsuleRotatedToken = "capsule-rotated-token";
inline constexpr std::string_view kXeroClientId = "sandbox-client-id";
inline constexpr std::string_view kXeroClientSecret = "sandbox-client-secret";
inline constexpr std::string_view kXeroRefreshToken = "xero-sandbox-refresh-token";  // the daemon's
inline constexpr std::string_view kXeroTenantId = "b0a1c2d3-0000-4000-8000-000000000001";
inline constexpr std::string_view kConnection = "acme";
// R28: a second connection on the same Capsule account (WorldOptions::second_provider).
inline constexpr std::string_view kSecondConnection = "acme-second";

// A seed document (test/sandbox/README.md) for one accounting provider. Starts with the
// credentials, one user, team 1 "Sales", team 2 "Accounts" and the Capsule custom fields of
// the default summary_fields.
class Seed {
 public:
  Seed();  // Xero
  explicit Seed(std::string_view provider);
  // The generator's document (`capsync-sandbox generate`), deterministic from `seed`; with
  // `capsule_accounts` more Capsule accounts, reached by tokens capsule-sandbox-token-1 ... -N.
  static Seed generated(int seed, int parties, int contacts, int invoices, const std::string& currencies = "GBP",
                        const std::string& provider = "xero", int capsule_accounts = 0);
  const std::string& provider() const { return provider_; }

  Seed& party(std::string_view party_json);      // a Capsule party
  Seed& entry(std::string_view entry_json);      // a Capsule entry (note)
  Seed& tag(std::string_view tag_json);          // a Capsule tag definition
  Seed& rest_hook(std::string_view hook_json);   // a Capsule REST hook (restHooks, with its clientId)
  Seed& contact(std::string_view contact_json);  // a Xero contact of the first tenant
  Seed& invoice(std::string_view invoice_json);  // a Xero invoice of the first tenant
  Seed& contact(const ContactSpec& contact);     // the provider's contact, rendered by its kit
  Seed& invoice(const InvoiceSpec& invoice);     // the provider's invoice, rendered by its kit
  // The provider's quote (Trait::quotes_read), rendered by its kit.
  Seed& quote(const QuoteSeed& quote) { return kit_->add_quote(*doc_, quote), *this; }
  // A Capsule pipeline, milestone or opportunity (test/sandbox/capsule_opportunities.hpp).
  Seed& pipeline(std::string_view json) { return append("capsule", "pipelines", json), *this; }
  Seed& milestone(std::string_view json) { return append("capsule", "milestones", json), *this; }
  Seed& opportunity(std::string_view json) { return append("capsule", "opportunities", json), *this; }
  Seed& clock(std::string_view now_iso);         // pins the sandbox clock
  Seed& capsule_rate_limit(int per_hour);        // the Capsule token's requests an hour (rateLimitPerHour)
  // R28: another accounting provider served by the same sandbox, for a second connection on
  // the same Capsule account; its harness credentials, contacts and invoices.
  Seed& also(std::string_view provider);
  Seed& contact(const ContactSpec& contact, std::string_view provider);
  Seed& invoice(const InvoiceSpec& invoice, std::string_view provider);
  Seed& field(std::string_view definition_json);  // a Capsule custom field definition
  std::string json() const;

 private:
  void append(const char* provider, const char* section, std::string_view item_json);
  std::string provider_;
  std::shared_ptr<const ProviderKit> kit_;
  std::shared_ptr<rapidjson::Document> doc_;
};

// JSON snippets for seeds and API bodies.
std::string organisation(std::int64_t id, std::string_view name, std::string_view extra_members = "");
std::string person(std::int64_t id, std::string_view first, std::string_view last, std::string_view extra_members = "");
std::string xero_contact(std::string_view contact_id, std::string_view name, std::string_view extra_members = "");
// An AUTHORISED sales invoice (ACCREC) due `due_offset_days` from the sandbox clock's today,
// issued 30 days before that; `total` is a decimal string, nothing paid.
std::string xero_invoice(std::string_view contact_id, std::string_view number, std::string_view total,
                         int due_offset_days, std::string_view extra_members = "");
// JSON string literal (quotes and escapes) of `text`.
std::string json_string(std::string_view text);
// The UTC calendar date `offset_days` from today (the sandbox clock's date), "YYYY-MM-DD".
std::string utc_date(int offset_days);
// A string member of a JSON object, "" when missing or not a string.
std::string text_of(const rapidjson::Value& object, const char* key);
// A party's "id" as the state database stores it; "" for nullptr.
std::string id_of(const rapidjson::Value* party);

struct WorldOptions {
  // Sandbox durations (token lifetime, rate windows) divided by this; access tokens and other
  // credentials still last at least 30 s (test/sandbox/README.md).
  double time_scale = 10;
  bool tls = false;        // HTTPS sandbox; its CA goes to the config's ca_file
  std::string time_zone = "UTC";
  // Lines under the connection's `sync:` key, e.g. "matching: normalized\ninvoice_note: true".
  // Defaults: interval 2h, capsule_poll 1h, full_reconcile 24h, so only the start-up sync and
  // sync() run unless a test asks for more.
  std::string sync_yaml;
  std::string log_level = "debug";
  // How long a SIGTERM waits for running jobs (capsync.yaml shutdown_grace).
  std::string shutdown_grace = "10s";
  // Top-level lines added to capsync.yaml, e.g. "queue:\n  max_attempts: 50\n".
  std::string extra_yaml;
  // false: the connection has no refresh token, so it needs `capsyncctl connect` first.
  bool refresh_token = true;
  // Lines added under the connection's `accounting:` key, e.g. "redirect_uri: http://…\n".
  std::string accounting_yaml;
  // R28: a second connection, kSecondConnection, to this provider (seeded with Seed::also) on
  // the same Capsule account and token, with these lines under its `sync:` key.
  std::string second_provider;
  std::string second_sync_yaml;
  // The second connection uses kCapsuleRotatedToken: another token reaching the same account.
  bool second_other_token = false;
  // Lines under the connection's `quotes:` key, e.g. "from_milestone: Proposal"; none: no block.
  std::string quotes_yaml;
  // Non-empty: the connection has the sandbox's registered Capsule app (capsule.oauth, R26) with
  // this redirect_uri.
  std::string capsule_oauth_redirect;
  // false: the connection is written with `enabled: false` (reload_daemon() disables it).
  bool enabled = true;
};

// The sandbox's registered Capsule app (seeds/empty.json).
inline constexpr std::string_view kCapsuleClientId = "capsule-client-id";
inline constexpr std::string_view kCapsuleClientSecret = "capsule-client-secret";
// The capsule.oauth lines of a connection with the sandbox's Capsule app and `redirect_uri`
// (its secret file written to `dir`); "" for an empty redirect_uri (no app).
std::string capsule_app_yaml(const std::string& redirect_uri, const std::filesystem::path& dir,
                             const std::string& sandbox_url);

// One line of the sandbox request log.
struct LoggedRequest {
  std::int64_t seq = 0;
  std::string method, path, query, provider;  // provider: "capsule" or the accounting one
  int status = 0;                             // 0 = connection reset
  // POST/PUT/PATCH/DELETE on a provider API (not an OAuth token endpoint).
  bool is_write() const;
};
// One line per request, "PUT /capsule/api/v2/parties/11 -> 200", for failure messages.
std::string describe(const std::vector<LoggedRequest>& requests);

// The sandbox's /_admin/state with lookups. Party names: organisation name or "First Last".
class SandboxState {
 public:
  explicit SandboxState(const std::string& json);
  const rapidjson::Value& parties() const;   // Capsule parties
  const rapidjson::Value& contacts() const;  // Xero contacts (first tenant)
  const rapidjson::Value& invoices() const;  // Xero invoices (first tenant)
  const rapidjson::Value& entries() const;   // Capsule entries (notes)
  const rapidjson::Value* party(std::int64_t id) const;
  std::vector<const rapidjson::Value*> parties_named(std::string_view name) const;
  const rapidjson::Value* party_named(std::string_view name) const;  // the only one, or nullptr
  const rapidjson::Value* contact(std::string_view contact_id) const;
  std::vector<const rapidjson::Value*> contacts_named(std::string_view name) const;
  const rapidjson::Value* contact_named(std::string_view name) const;  // the only one, or nullptr
  std::vector<const rapidjson::Value*> notes_of(std::int64_t party_id) const;

  static std::string party_name(const rapidjson::Value& party);
  static bool has_tag(const rapidjson::Value& party, std::string_view tag);
  // The value of the custom field named `field` on `party`, if set.
  static std::optional<std::string> field(const rapidjson::Value& party, std::string_view field);
  const rapidjson::Document& doc() const { return doc_; }

 private:
  rapidjson::Document doc_;
};

// Rows of the daemon's state database (read-only).
struct BindingRow {
  std::string capsule_id, remote_id, kind, state;
  bool created_by_us = false;
};
struct ConflictRow {
  std::int64_t id = 0;
  std::string kind, capsule_id, remote_id, detail;
  bool open = true;
};

class SyncWorld {
 public:
  explicit SyncWorld(const Seed& seed, WorldOptions options = {});
  ~SyncWorld();
  SyncWorld(const SyncWorld&) = delete;
  SyncWorld& operator=(const SyncWorld&) = delete;

  const WorldOptions& options() const { return options_; }
  WorldOptions& options() { return options_; }  // takes effect at the next start_daemon()
  const TempDir& dir() const { return dir_; }
  const std::string& base_url() const { return base_url_; }
  std::filesystem::path config_path() const { return dir_ / "capsync.yaml"; }
  std::filesystem::path db_path() const { return dir_ / "state" / "capsync.db"; }

  // --- the daemon
  // Writes capsync.yaml from options(), starts capsyncd and, when `wait`, waits until the
  // start-up sync has settled.
  void start_daemon(bool wait = true);
  void stop_daemon();     // SIGTERM, waits for exit 0
  void kill_daemon();     // SIGKILL, waits for the process to end
  void restart_daemon();  // stop_daemon() + start_daemon()
  bool daemon_running();
  // The daemon's exit code (or 128 + signal) once it ended within `timeout`.
  std::optional<int> wait_daemon_exit(std::chrono::milliseconds timeout);
  std::string daemon_log() const;
  pid_t daemon_pid() const;  // the running capsyncd's process id
  // capsyncctl --socket <admin socket> args...
  RunResult ctl(const std::vector<std::string>& args) const;
  std::int64_t sync_now(std::string_view connection = kConnection);  // enqueues a pull, returns its job id
  // Waits until the jobs in `jobs` (all the connections' jobs if empty) are done and no job
  // of a connection is ready or running; throws on a dead job or at the deadline.
  void wait_settled(const std::vector<std::int64_t>& jobs = {}, std::chrono::milliseconds timeout = 60s);
  void sync(std::chrono::milliseconds timeout = 60s);  // sync_now() + wait_settled({job})
  void sync_both(std::chrono::milliseconds timeout = 60s);  // both connections' pulls, then wait_settled
  rapidjson::Document status() const;                  // the daemon's status JSON
  // The connection's authorization as the daemon reports it (status "auth"): "ok",
  // "needs_authorization", "credentials_rejected" or "not_yet_authorized".
  std::string auth_state() const;
  // Authorizes the connection again, as an operator does once status says it needs
  // authorization: `capsyncctl connect --manual`, the provider's authorize page in the sandbox,
  // the redirected URL pasted. Throws unless capsyncctl reports the connection connected.
  // `capsule`: the Capsule side through the registered Capsule app (`connect --capsule`).
  void reconnect(bool capsule = false);
  // Writes capsync.yaml from options() again and sends SIGHUP; waits until the daemon has
  // reloaded it.
  void reload_daemon();

  // --- the sandbox
  SandboxState state() const;
  std::vector<LoggedRequest> requests() const;
  std::vector<LoggedRequest> writes() const;  // requests() that are writes
  void clear_requests();
  // Capsule API v2 with the seed's token; `path` after /api/v2, e.g. "/parties/11".
  HttpAnswer capsule(const std::string& method, const std::string& path, const std::string& body = "") const;
  // Xero Accounting API with the harness's own token and tenant; `path` after /api.xro/2.0.
  // Only in a Xero world.
  HttpAnswer xero(const std::string& method, const std::string& path, const std::string& body = "");
  // The world's accounting provider: its name, traits, API and edits.
  ProviderKit& kit() { return *kit_; }
  const ProviderKit& kit() const { return *kit_; }
  std::string remote_id(std::string_view contact_key) const { return kit_->remote_id(contact_key); }
  ProviderKit& second_kit();  // the second connection's provider (WorldOptions::second_provider)
  RemoteBook remote(const SandboxState& state) const;  // the provider's contacts in `state`
  // Any sandbox path, e.g. admin("POST", "/_admin/faults", ...).
  HttpAnswer admin(const std::string& method, const std::string& path, const std::string& body = "") const;
  void advance_clock(std::chrono::seconds by);
  std::string sandbox_now() const;  // ISO time of the sandbox clock

  // --- the daemon's state database
  std::vector<BindingRow> bindings() const;
  std::vector<ConflictRow> conflicts() const;
  std::optional<std::string> binding_of_party(std::string_view capsule_id) const;  // linked remote id
  std::optional<std::string> binding_of_contact(std::string_view remote_id) const;  // linked capsule id
  // The first column of the first row of a read-only query, as text ("" when no row).
  std::string query_text(const std::string& sql) const;
  // Every row of a read-only query, columns as text.
  std::vector<std::vector<std::string>> query_rows(const std::string& sql) const;

 private:
  std::string sync_config_yaml(const std::string& sync_yaml) const;
  std::vector<std::string> connection_names() const;
  HttpAnswer admin_with(const std::string& method, const std::string& target, const std::string& body,
                        const std::map<std::string, std::string>& headers) const;
  [[noreturn]] void fail(const std::string& what) const;
  void write_config() const;  // capsync.yaml from options()

  WorldOptions options_;
  TempDir dir_;
  std::unique_ptr<test::SandboxProcess> sandbox_;
  std::string base_url_;
  std::string ca_pem_;
  std::unique_ptr<ChildProcess> daemon_;
  std::unique_ptr<ProviderKit> kit_;
  std::unique_ptr<ProviderKit> second_kit_;
  int reconnects_ = 0;  // names each reconnect's capsyncctl output file
};

}  // namespace capsync::scenario
