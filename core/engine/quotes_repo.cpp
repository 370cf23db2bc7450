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
  auto st = db_.cached(
      "SELECT remote_id, contact_remote_id, number, reference, status, currency, total, issue_date, expiry_date,"
      " url, updated_at FROM engine_quotes WHERE connection = ?1 AND contact_remote_id = ?2 ORDER BY remote_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, contact_remote_id);
  std::vector<model::Quote> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto& s = **st;
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
    out.push_back(std::move(q));
  }
  return out;
}

Result<std::optional<QuoteIntent>> QuoteIntents::get(std::int64_t opportunity_id) const {
  auto st = db_.cached("SELECT remote_id FROM engine_quote_intents WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<QuoteIntent>{};
  return std::optional<QuoteIntent>{QuoteIntent{opportunity_id, std::string((*st)->column_text(0))}};
}

Status QuoteIntents::begin(std::int64_t opportunity_id, std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO engine_quote_intents (connection, opportunity_id, started_at) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (connection, opportunity_id) DO NOTHING");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id).bind(3, now_ms);
  return (*st)->run();
}

Status QuoteIntents::created(std::int64_t opportunity_id, std::string_view remote_id) {
  auto st = db_.cached(
      "UPDATE engine_quote_intents SET remote_id = ?3 WHERE connection = ?1 AND opportunity_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, opportunity_id).bind(3, remote_id);
  return (*st)->run();
}

}  // namespace capsync::engine
