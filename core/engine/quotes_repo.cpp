#include "core/engine/quotes_repo.hpp"

#include <array>
#include <chrono>

#include "core/store/database.hpp"

namespace capsync::engine {

namespace {

model::QuoteStatus parse_status(std::string_view s) {
  using model::QuoteStatus;
  for (auto st : {QuoteStatus::draft, QuoteStatus::sent, QuoteStatus::accepted, QuoteStatus::declined,
                  QuoteStatus::invoiced, QuoteStatus::expired, QuoteStatus::deleted})
    if (model::to_string(st) == s) return st;
  return QuoteStatus::draft;
}

std::optional<model::Date> read_date(const store::Statement& st, int column) {
  if (st.column_is_null(column)) return std::nullopt;
  auto d = model::parse_date(st.column_text(column));
  if (!d) return std::nullopt;
  return *d;
}

constexpr std::string_view kQuoteColumns =
    "SELECT remote_id, contact_remote_id, number, reference, status, currency, total, issue_date, expiry_date, url,"
    " updated_at FROM engine_quotes";

Result<model::Quote> read_quote(const store::Statement& s) {
  model::Quote q;
  q.remote_id = std::string(s.column_text(0));
  q.contact_remote_id = std::string(s.column_text(1));
  q.number = std::string(s.column_text(2));
  q.reference = std::string(s.column_text(3));
  q.status = parse_status(s.column_text(4));
  q.currency = std::string(s.column_text(5));
  auto total = model::Money::parse(s.column_text(6), q.currency);
  if (!total) return make_error(Errc::corruption, "stored quote {} has an unreadable amount", q.remote_id);
  q.total = *total;
  q.issue_date = read_date(s, 7);
  q.expiry_date = read_date(s, 8);
  q.url = std::string(s.column_text(9));
  q.updated_at = model::Timestamp(std::chrono::milliseconds(s.column_int64(10)));
  return q;
}

constexpr std::string_view kIntentColumns =
    "SELECT opportunity_id, remote_id, opportunity_hash, note_id, note_hash, accepted_tagged FROM engine_quote_intents";

QuoteIntent read_intent(const store::Statement& s) {
  QuoteIntent i{s.column_int64(0), std::string(s.column_text(1)), std::string(s.column_text(2)), std::nullopt,
                std::string(s.column_text(4)), s.column_int64(5) != 0};
  if (!s.column_is_null(3)) i.note_id = s.column_int64(3);
  return i;
}

}  // namespace

Result<bool> QuotesRepo::upsert(const model::Quote& q, std::int64_t now_ms) {
  const std::int64_t updated = q.updated_at ? q.updated_at->time_since_epoch().count() : now_ms;
  auto st = db_.cached(
      "INSERT INTO engine_quotes (connection, remote_id, contact_remote_id, number, reference, status, currency,"
      " total, issue_date, expiry_date, url, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
      " ON CONFLICT (connection, remote_id) DO UPDATE SET contact_remote_id = excluded.contact_remote_id,"
      " number = excluded.number, reference = excluded.reference, status = excluded.status,"
      " currency = excluded.currency, total = excluded.total, issue_date = excluded.issue_date,"
      " expiry_date = excluded.expiry_date, url = excluded.url, updated_at = excluded.updated_at"
      " WHERE (contact_remote_id, number, reference, status, currency, total, coalesce(issue_date, ''),"
      " coalesce(expiry_date, ''), url) IS NOT (excluded.contact_remote_id, excluded.number, excluded.reference,"
      " excluded.status, excluded.currency, excluded.total, coalesce(excluded.issue_date, ''),"
      " coalesce(excluded.expiry_date, ''), excluded.url)");
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, connection_).bind(2, q.remote_id).bind(3, q.contact_remote_id).bind(4, q.number).bind(5, q.reference)
      .bind(6, model::to_string(q.status)).bind(7, q.currency).bind(8, q.total.to_string());
  if (q.issue_date) s.bind(9, model::format_date(*q.issue_date)); else s.bind(9, std::nullopt);
  if (q.expiry_date) s.bind(10, model::format_date(*q.expiry_date)); else s.bind(10, std::nullopt);
  s.bind(11, q.url).bind(12, updated);
  if (auto r = s.run(); !r) return r.error();
  return db_.changes() > 0;
}

Result<std::vector<model::Quote>> QuotesRepo::for_contact(std::string_view contact_remote_id) const {
  auto st =
      db_.cached(std::string(kQuoteColumns) + " WHERE connection = ?1 AND contact_remote_id = ?2 ORDER BY remote_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, contact_remote_id);
  std::vector<model::Quote> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    auto q = read_quote(**st);
    if (!q) return q.error();
    out.push_back(std::move(*q));
  }
  return out;
}

Result<std::optional<model::Quote>> QuotesRepo::get(std::string_view remote_id) const {
  auto st = db_.cached(std::string(kQuoteColumns) + " WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<model::Quote>{};
  auto q = read_quote(**st);
  if (!q) return q.error();
  return std::optional<model::Quote>(std::move(*q));
}

Result<std::optional<QuoteIntent>> QuoteIntents::get(std::int64_t opportunity_id) const {
  auto st = db_.cached(std::string(kIntentColumns) + " WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<QuoteIntent>{};
  return std::optional<QuoteIntent>{read_intent(**st)};
}

Result<std::vector<QuoteIntent>> QuoteIntents::created_ones() const {
  auto st = db_.cached(std::string(kIntentColumns) +
                       " WHERE connection = ?1 AND remote_id <> '' ORDER BY opportunity_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  std::vector<QuoteIntent> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read_intent(**st));
  }
  return out;
}

Status QuoteIntents::begin(std::int64_t opportunity_id, std::string_view opportunity_hash, std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO engine_quote_intents (connection, opportunity_id, started_at, opportunity_hash)"
      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (connection, opportunity_id) DO NOTHING");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id).bind(3, now_ms).bind(4, opportunity_hash);
  return (*st)->run();
}

Status QuoteIntents::created(std::int64_t opportunity_id, std::string_view remote_id) {
  auto st = db_.cached(
      "UPDATE engine_quote_intents SET remote_id = ?3 WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id).bind(3, remote_id);
  return (*st)->run();
}

Status QuoteIntents::followed(std::int64_t opportunity_id, std::string_view opportunity_hash) {
  auto st = db_.cached(
      "UPDATE engine_quote_intents SET opportunity_hash = ?3 WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id).bind(3, opportunity_hash);
  return (*st)->run();
}

Status QuoteIntents::noted(std::int64_t opportunity_id, std::optional<std::int64_t> note_id,
                           std::string_view note_hash) {
  auto st = db_.cached(
      "UPDATE engine_quote_intents SET note_id = ?3, note_hash = ?4 WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id).bind(4, note_hash);
  if (note_id) (*st)->bind(3, *note_id); else (*st)->bind(3, std::nullopt);
  return (*st)->run();
}

Status QuoteIntents::tagged(std::int64_t opportunity_id) {
  auto st = db_.cached(
      "UPDATE engine_quote_intents SET accepted_tagged = 1 WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id);
  return (*st)->run();
}

Result<std::vector<WaitingOpportunity>> QuoteWaiting::all() const {
  auto st = db_.cached(
      "SELECT opportunity_id, party_id, conflict, retry_key FROM engine_quote_waiting WHERE connection = ?1"
      " ORDER BY opportunity_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  std::vector<WaitingOpportunity> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({(*st)->column_int64(0), (*st)->column_int64(1), std::string((*st)->column_text(2)),
                   std::string((*st)->column_text(3))});
  }
  return out;
}

Status QuoteWaiting::wait(const WaitingOpportunity& w) {
  auto st = db_.cached(
      "INSERT INTO engine_quote_waiting (connection, opportunity_id, party_id, conflict, retry_key)"
      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (connection, opportunity_id) DO UPDATE SET"
      " party_id = excluded.party_id, conflict = excluded.conflict, retry_key = excluded.retry_key");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, w.opportunity_id).bind(3, w.party_id).bind(4, w.conflict).bind(5, w.retry_key);
  return (*st)->run();
}

Status QuoteWaiting::erase(std::int64_t opportunity_id) {
  auto st = db_.cached("DELETE FROM engine_quote_waiting WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id);
  return (*st)->run();
}

}  // namespace capsync::engine
