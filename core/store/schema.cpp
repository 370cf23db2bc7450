#include "core/store/schema.hpp"

#include <array>

namespace capsync::store {
namespace {

// Times are unix ms (INTEGER); money is a decimal string (TEXT), never REAL (R8).
// No foreign keys to `connections`: rows of a connection are removed explicitly on disable
// (R16), and areas can use their tables without registering a connection first.
constexpr std::string_view kSchema1 = R"sql(
-- One row per configured connection (Capsule account + accounting account).
CREATE TABLE connections (
  name TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  disabled_at INTEGER
);

-- OAuth tokens per connection; state: ok | needs_authorization | credentials_rejected.
CREATE TABLE tokens (connection TEXT PRIMARY KEY, access_token TEXT, refresh_token TEXT, expires_at INTEGER, scope TEXT, tenant_id TEXT, state TEXT NOT NULL DEFAULT 'ok', updated_at INTEGER NOT NULL);

-- Rate-limit usage per (connection, provider, window), so budgets survive restarts.
CREATE TABLE rate_budget (connection TEXT NOT NULL, provider TEXT NOT NULL, window TEXT NOT NULL, used INTEGER NOT NULL, window_start INTEGER NOT NULL, reset_at INTEGER, PRIMARY KEY (connection, provider, window));

-- A Capsule party linked to an accounting contact; hashes of what we last wrote stop echoes (R11).
CREATE TABLE bindings (
  id INTEGER PRIMARY KEY,
  connection TEXT NOT NULL,
  capsule_id TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  capsule_hash TEXT,
  remote_hash TEXT,
  remote_updated_at INTEGER,
  capsule_updated_at INTEGER,
  state TEXT NOT NULL DEFAULT 'linked',
  created_by_us INTEGER NOT NULL DEFAULT 0,
  UNIQUE (connection, capsule_id),
  UNIQUE (connection, remote_id)
);

-- Invoice history per accounting contact (R6); amounts are exact decimal strings.
CREATE TABLE invoices (
  connection TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  contact_remote_id TEXT NOT NULL,
  number TEXT,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  currency TEXT NOT NULL,
  total TEXT NOT NULL,
  amount_paid TEXT NOT NULL,
  amount_due TEXT NOT NULL,
  issue_date TEXT,
  due_date TEXT,
  url TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connection, remote_id)
);
CREATE INDEX invoices_contact ON invoices (connection, contact_remote_id);

-- Incremental sync position per (connection, resource), committed with the page it came from.
CREATE TABLE cursors (
  connection TEXT NOT NULL,
  resource TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connection, resource)
);

-- Decisions that need a person (R17); open while resolved_at is NULL.
CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY,
  connection TEXT NOT NULL,
  kind TEXT NOT NULL,
  capsule_id TEXT,
  remote_id TEXT,
  detail TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  resolved_at INTEGER
);
CREATE INDEX conflicts_open ON conflicts (connection, created_at) WHERE resolved_at IS NULL;

-- Append-only record of what the daemon and operators did.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  connection TEXT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT
);
CREATE INDEX audit_connection ON audit (connection, at);

-- The durable job queue (core/queue); finished_at is set when a job goes done or dead.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  connection TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '',
  dedupe_key TEXT NOT NULL DEFAULT '',
  record_key TEXT NOT NULL DEFAULT '',
  priority INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_after INTEGER NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0
);
-- Claim order over ready jobs only, so done history never slows a claim.
CREATE INDEX jobs_ready ON jobs (priority DESC, run_after, id) WHERE state = 'ready';
-- One ready job per dedupe key.
CREATE UNIQUE INDEX jobs_dedupe ON jobs (connection, dedupe_key) WHERE state = 'ready' AND dedupe_key <> '';
-- Running jobs by record (claim exclusion); small, so recovery scans it too.
CREATE INDEX jobs_running ON jobs (record_key, lease_until) WHERE state = 'running';
-- Dead jobs (the dead-letter list). Done jobs have no index: pruning scans, rarely, rather
-- than every completion paying for one.
CREATE INDEX jobs_dead ON jobs (id) WHERE state = 'dead';
)sql";

// The sync's local mirrors. `body` columns hold the record as last read, so a sync can
// reconcile, push and patch without re-reading the provider. IF NOT EXISTS because the release
// before this migration created these tables at start-up without raising user_version; such a
// database keeps its rows and is only stamped version 2.
constexpr std::string_view kSchema2 = R"sql(
-- Capsule parties of a connection with their R1/R17 name keys (linking without searches).
CREATE TABLE IF NOT EXISTS engine_parties (
  connection TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  exact_key TEXT NOT NULL,
  normalized_key TEXT NOT NULL,
  near_key TEXT NOT NULL,
  updated_at INTEGER,
  body TEXT NOT NULL,
  PRIMARY KEY (connection, party_id)
);
-- Every lookup index ends with the column its query orders by: without it SQLite walks the
-- primary key over the whole connection to skip a sort, which makes a sync quadratic. Dropped
-- first, as the unversioned release created them without that column.
DROP INDEX IF EXISTS engine_parties_exact;
DROP INDEX IF EXISTS engine_parties_normalized;
DROP INDEX IF EXISTS engine_parties_near;
CREATE INDEX engine_parties_exact ON engine_parties (connection, exact_key, party_id);
CREATE INDEX engine_parties_normalized ON engine_parties (connection, normalized_key, party_id);
CREATE INDEX engine_parties_near ON engine_parties (connection, near_key, party_id);
-- The people of an organisation (R10: its contact person).
CREATE INDEX IF NOT EXISTS engine_parties_organisation
  ON engine_parties (connection, json_extract(body, '$.organisation.id'), party_id);

-- R10: per binding, the Capsule details last pushed (or linked), so a push sends only what
-- Capsule changed since, and the person recorded as the contact person at a B2B export.
ALTER TABLE bindings ADD COLUMN pushed_details TEXT;
ALTER TABLE bindings ADD COLUMN contact_person_id INTEGER;

-- Accounting contacts of a connection; `pending` = changed (or its invoices changed) and not
-- reconciled yet, so a crash between pulling and reconciling loses nothing.
CREATE TABLE IF NOT EXISTS engine_contacts (
  connection TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  name TEXT NOT NULL,
  exact_key TEXT NOT NULL,
  status TEXT NOT NULL,
  updated_at INTEGER,
  pending INTEGER NOT NULL DEFAULT 1,
  body TEXT NOT NULL,
  PRIMARY KEY (connection, remote_id)
);
DROP INDEX IF EXISTS engine_contacts_exact;
CREATE INDEX engine_contacts_exact ON engine_contacts (connection, exact_key, remote_id);
CREATE INDEX IF NOT EXISTS engine_contacts_pending ON engine_contacts (connection, remote_id) WHERE pending = 1;

-- A contact's invoices in remote id order (R6 summaries), replacing the version 1 index.
DROP INDEX IF EXISTS invoices_contact;
CREATE INDEX invoices_contact ON invoices (connection, contact_remote_id, remote_id);

-- Stable identity of each recorded conflict, so none is recorded twice.
CREATE TABLE IF NOT EXISTS engine_conflict_keys (
  connection TEXT NOT NULL,
  identity TEXT NOT NULL,
  conflict_id INTEGER NOT NULL,
  PRIMARY KEY (connection, identity)
);

-- The one R7 invoice note per linked party.
CREATE TABLE IF NOT EXISTS engine_notes (
  connection TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  note_id INTEGER NOT NULL,
  PRIMARY KEY (connection, party_id)
);

-- R12 exports begun and not linked yet: a retried export looks for the contact it may have
-- created (by name) before creating another.
CREATE TABLE IF NOT EXISTS engine_exports (
  connection TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (connection, party_id)
);

-- R2/R14 Capsule party creates begun and not linked yet: a retry that finds the party by name
-- links it as created by capsync.
CREATE TABLE IF NOT EXISTS engine_party_creates (
  connection TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (connection, remote_id)
);

-- R16 connections disabled by the operator: 'disabling' while capsync's summaries, tags and
-- notes are removed from Capsule, then 'disabled'. No row = the connection syncs.
CREATE TABLE IF NOT EXISTS engine_disabled (
  connection TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('disabling', 'disabled')),
  since INTEGER NOT NULL
);
)sql";

// R17 before an export: each accounting contact's near key, so a name that differs only by
// case, spacing, punctuation or legal suffix is found by index. Rows mirrored before this
// version keep NULL until ContactMirror::fill_near_keys (SQLite cannot fold Unicode).
constexpr std::string_view kSchema3 = R"sql(
ALTER TABLE engine_contacts ADD COLUMN near_key TEXT;
CREATE INDEX engine_contacts_near ON engine_contacts (connection, near_key, remote_id);
)sql";

// Status counts and times each connection's jobs: by index, not by a scan of every
// connection's history (1,000 connections made that a scan per connection per status).
constexpr std::string_view kSchema4 = R"sql(
CREATE INDEX jobs_connection ON jobs (connection, kind, state);
)sql";

// R28: the connections that need a tag on a party of a Capsule account they share (TagReasons),
// and the Capsule account each connection's token reaches (CapsuleAccounts).
constexpr std::string_view kSchema5 = R"sql(
CREATE TABLE engine_tag_reasons (
  account TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  tag TEXT NOT NULL,
  connection TEXT NOT NULL,
  PRIMARY KEY (account, party_id, tag, connection)
);
CREATE INDEX engine_tag_reasons_connection ON engine_tag_reasons (connection);
CREATE TABLE engine_capsule_accounts (
  connection TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  name TEXT NOT NULL,
  summary_fields TEXT NOT NULL DEFAULT ''
);
)sql";

// R18: the quotes and estimates of the accounting side per contact, as last read. Amounts are
// exact decimal strings (R8).
constexpr std::string_view kSchema6 = R"sql(
CREATE TABLE engine_quotes (
  connection TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  contact_remote_id TEXT NOT NULL,
  number TEXT NOT NULL,
  reference TEXT NOT NULL,
  status TEXT NOT NULL,
  currency TEXT NOT NULL,
  total TEXT NOT NULL,
  issue_date TEXT,
  expiry_date TEXT,
  url TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connection, remote_id)
);
CREATE INDEX engine_quotes_contact ON engine_quotes (connection, contact_remote_id, remote_id);

-- R20: one quote per opportunity, ever. The row is committed before the create; remote_id stays
-- '' until the service answered, so a retry looks the quote up by its reference first.
CREATE TABLE engine_quote_intents (
  connection TEXT NOT NULL,
  opportunity_id INTEGER NOT NULL,
  remote_id TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL,
  PRIMARY KEY (connection, opportunity_id)
);
)sql";

// Webhooks (R23, R27): the refreshes deliveries asked for, one row per record however many
// events named it (`version` grows with each, so a refresh that read the record before a new
// event removes only what it read), and the deliveries of the last day per source.
constexpr std::string_view kSchema7 = R"sql(
CREATE TABLE webhook_refresh (
  connection TEXT NOT NULL,
  kind TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  source TEXT NOT NULL,
  first_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (connection, kind, remote_id)
);
CREATE TABLE webhook_deliveries (
  source TEXT NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_at ON webhook_deliveries (source, at);
)sql";

// R25: per FreshBooks callback, the verifier last posted (`posted`) and the one FreshBooks
// accepted back (`verified`, '' until then), the key of its deliveries' signatures.
constexpr std::string_view kSchema8 = R"sql(
CREATE TABLE webhook_verifiers (
  connection TEXT NOT NULL,
  callback_id INTEGER NOT NULL,
  posted TEXT NOT NULL,
  verified TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (connection, callback_id)
);
)sql";

// R21, R22: what each drafted quote last carried of its opportunity (a hash of its fields), the
// opportunity's note and whether its accepted tag was added; and the opportunities at the
// milestone that got no quote yet, with what must change before they are tried again.
constexpr std::string_view kSchema9 = R"sql(
ALTER TABLE engine_quote_intents ADD COLUMN opportunity_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE engine_quote_intents ADD COLUMN note_id INTEGER;
ALTER TABLE engine_quote_intents ADD COLUMN note_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE engine_quote_intents ADD COLUMN accepted_tagged INTEGER NOT NULL DEFAULT 0;
CREATE TABLE engine_quote_waiting (
  connection TEXT NOT NULL,
  opportunity_id INTEGER NOT NULL,
  party_id INTEGER NOT NULL,
  conflict TEXT NOT NULL,
  retry_key TEXT NOT NULL,
  PRIMARY KEY (connection, opportunity_id)
);
)sql";

// The limit a service declares for a window in its responses (Capsule's X-RateLimit-Limit),
// NULL while it has declared none: the ETA of a sync and status weigh that one.
constexpr std::string_view kSchema10 = R"sql(
ALTER TABLE rate_budget ADD COLUMN declared_limit INTEGER;
)sql";

// R7: invoice note creates begun and not stored yet. Only a party with a row here (or with
// capsync's summary on it) has its notes listed before its first note is created.
constexpr std::string_view kSchema11 = R"sql(
CREATE TABLE engine_note_creates (
  connection TEXT NOT NULL,
  party_id INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (connection, party_id)
);
)sql";

// When each job's latest run started: with run_after it gives the lag between a job's due time
// and its start, the scheduling delay a busy daemon adds.
constexpr std::string_view kSchema12 = R"sql(
ALTER TABLE jobs ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array kMigrations{
    Migration{1, "initial schema", kSchema1},
    Migration{2, "sync mirrors: parties, contacts, conflict identities, invoice notes", kSchema2},
    Migration{3, "near keys of accounting contacts", kSchema3},
    Migration{4, "jobs by connection", kSchema4},
    Migration{5, "connections sharing a Capsule account: their accounts and overdue tag reasons", kSchema5},
    Migration{6, "quotes of the accounting side, quote intents of opportunities", kSchema6},
    Migration{7, "webhook refreshes and deliveries", kSchema7},
    Migration{8, "FreshBooks callback verifiers", kSchema8},
    Migration{9, "draft quotes that follow their opportunity, its note and tag; opportunities waiting for a quote",
              kSchema9},
    Migration{10, "rate limits as the services declare them", kSchema10},
    Migration{11, "invoice note creates in flight", kSchema11},
    Migration{12, "when each job's run started", kSchema12},
};

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

}  // namespace capsync::store
