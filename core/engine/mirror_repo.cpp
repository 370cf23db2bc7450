#include "core/engine/mirror_repo.hpp"

#include <fmt/format.h>

#include "core/engine/record_codec.hpp"
#include "core/model/name_key.hpp"
#include "core/store/database.hpp"

namespace capsync::engine {

namespace {

// The body of the statement's one row, decoded; nullopt when there is no row.
template <class T, class Decode>
Result<std::optional<T>> decoded_row(store::Statement& st, Decode decode) {
  auto row = st.step();
  if (!row) return row.error();
  if (!*row) return std::optional<T>();
  auto value = decode(st.column_text(0));
  if (!value) return value.error();
  return std::optional<T>(std::move(*value));
}

}  // namespace

Result<std::vector<sync::PartyCandidate>> PartyMirror::find(std::string_view column, std::string_view key) const {
  std::vector<sync::PartyCandidate> out;
  if (key.empty()) return out;
  auto st = db_.cached(fmt::format(
      "SELECT party_id, type, name FROM engine_parties WHERE connection = ?1 AND {} = ?2 ORDER BY party_id", column));
  if (!st) return st.error().with_context("Failed to read the party mirror");
  (*st)->bind(1, connection_).bind(2, key);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to read the party mirror");
    if (!*row) break;
    out.push_back(sync::PartyCandidate{
        (*st)->column_int64(0),
        (*st)->column_text(1) == "person" ? model::PartyType::person : model::PartyType::organisation,
        std::string((*st)->column_text(2))});
  }
  return out;
}

Result<std::vector<sync::PartyCandidate>> PartyMirror::find_by_exact_key(std::string_view key) const {
  return find("exact_key", key);
}
Result<std::vector<sync::PartyCandidate>> PartyMirror::find_by_normalized_key(std::string_view key) const {
  return find("normalized_key", key);
}
Result<std::vector<sync::PartyCandidate>> PartyMirror::find_by_near_key(std::string_view key) const {
  return find("near_key", key);
}

Status PartyMirror::upsert(const model::Party& p) {
  const std::string name = p.display_name();
  auto st = db_.cached(
      "INSERT INTO engine_parties (connection, party_id, type, name, exact_key, normalized_key, near_key, updated_at,"
      " body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (connection, party_id) DO UPDATE SET"
      " type = excluded.type, name = excluded.name, exact_key = excluded.exact_key,"
      " normalized_key = excluded.normalized_key, near_key = excluded.near_key, updated_at = excluded.updated_at,"
      " body = excluded.body");
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, connection_).bind(2, p.id).bind(3, model::to_string(p.type)).bind(4, name)
      .bind(5, model::exact_key(name)).bind(6, model::normalized_key(name)).bind(7, model::near_key(name));
  if (p.updated_at) s.bind(8, p.updated_at->time_since_epoch().count()); else s.bind(8, std::nullopt);
  s.bind(9, encode_party(p));
  return s.run();
}

Status PartyMirror::remove(model::PartyId id) {
  auto st = db_.cached("DELETE FROM engine_parties WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, id);
  return (*st)->run();
}

Result<bool> PartyMirror::holds(const model::Party& p) const {
  auto st = db_.cached("SELECT body FROM engine_parties WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, p.id);
  auto row = (*st)->step();
  if (!row) return row.error();
  return *row && (*st)->column_text(0) == encode_party(p);
}

Result<std::optional<model::Party>> PartyMirror::get(model::PartyId id) const {
  auto st = db_.cached("SELECT body FROM engine_parties WHERE connection = ?1 AND party_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, id);
  return decoded_row<model::Party>(**st, decode_party);
}

Result<std::optional<model::Party>> PartyMirror::contact_person_of(model::PartyId organisation,
                                                                   std::optional<model::PartyId> recorded) const {
  if (recorded) {
    auto person = get(*recorded);
    if (!person) return person.error();
    if (*person && (*person)->organisation && (*person)->organisation->id == organisation) return person;
  }
  auto st = db_.cached(
      "SELECT body FROM engine_parties WHERE connection = ?1 AND json_extract(body, '$.organisation.id') = ?2"
      " ORDER BY party_id LIMIT 1");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, organisation);
  return decoded_row<model::Party>(**st, decode_party);
}

Result<std::vector<std::string>> ContactMirror::find_by_exact_key(std::string_view key) const {
  std::vector<std::string> out;
  if (key.empty()) return out;
  auto st = db_.cached(
      "SELECT remote_id FROM engine_contacts WHERE connection = ?1 AND exact_key = ?2 AND status = 'active'"
      " ORDER BY remote_id");
  if (!st) return st.error().with_context("Failed to read the contact mirror");
  (*st)->bind(1, connection_).bind(2, key);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to read the contact mirror");
    if (!*row) break;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

Result<std::vector<std::string>> ContactMirror::find_by_near_key(std::string_view key) const {
  std::vector<std::string> out;
  if (key.empty()) return out;
  // A NULL key (a row from before schema 3 not filled yet) is computed here, so no contact is
  // missed in between. Two index seeks merged: with an OR, SQLite walks every contact of the
  // connection in remote id order instead.
  auto st = db_.cached(
      "SELECT remote_id, name, near_key FROM engine_contacts WHERE connection = ?1 AND near_key = ?2"
      " AND status = 'active' UNION ALL SELECT remote_id, name, near_key FROM engine_contacts"
      " WHERE connection = ?1 AND near_key IS NULL AND status = 'active' ORDER BY 1");
  if (!st) return st.error().with_context("Failed to read the contact mirror");
  (*st)->bind(1, connection_).bind(2, key);
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error().with_context("Failed to read the contact mirror");
    if (!*row) break;
    if ((*st)->column_is_null(2) && model::near_key((*st)->column_text(1)) != key) continue;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

Status ContactMirror::fill_near_keys() {
  auto st = db_.cached(
      "SELECT remote_id, name FROM engine_contacts WHERE connection = ?1 AND near_key IS NULL ORDER BY remote_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  std::vector<std::pair<std::string, std::string>> keys;  // remote id, near key
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    keys.emplace_back((*st)->column_text(0), model::near_key((*st)->column_text(1)));
  }
  if (keys.empty()) return {};
  auto tx = db_.begin();
  if (!tx) return tx.error();
  auto update = db_.cached("UPDATE engine_contacts SET near_key = ?3 WHERE connection = ?1 AND remote_id = ?2");
  if (!update) return update.error();
  for (const auto& [id, near] : keys) {
    (*update)->bind(1, connection_).bind(2, id).bind(3, near);
    if (auto s = (*update)->run(); !s) return s;
  }
  return tx->commit();
}

Status ContactMirror::upsert(const model::Contact& c, bool mark_pending) {
  const std::string name = c.display_name();
  auto st = db_.cached(
      "INSERT INTO engine_contacts (connection, remote_id, name, exact_key, status, updated_at, pending, body,"
      " near_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (connection, remote_id) DO UPDATE SET"
      " name = excluded.name, exact_key = excluded.exact_key, status = excluded.status,"
      " updated_at = excluded.updated_at, pending = max(pending, excluded.pending), body = excluded.body,"
      " near_key = excluded.near_key");
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, connection_).bind(2, c.remote_id).bind(3, name).bind(4, model::exact_key(name))
      .bind(5, model::to_string(c.status));
  if (c.updated_at) s.bind(6, c.updated_at->time_since_epoch().count()); else s.bind(6, std::nullopt);
  s.bind(7, mark_pending ? 1 : 0).bind(8, encode_contact(c)).bind(9, model::near_key(name));
  return s.run();
}

Status ContactMirror::mark_pending(std::string_view remote_id) {
  auto st = db_.cached("UPDATE engine_contacts SET pending = 1 WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return (*st)->run();
}

Status ContactMirror::mark_all_pending() {
  auto st = db_.cached("UPDATE engine_contacts SET pending = 1 WHERE connection = ?1");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  return (*st)->run();
}

Status ContactMirror::clear_pending(std::string_view remote_id) {
  auto st = db_.cached("UPDATE engine_contacts SET pending = 0 WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return (*st)->run();
}

Result<std::int64_t> ContactMirror::count_pending() const {
  auto st = db_.cached("SELECT count(*) FROM engine_contacts WHERE connection = ?1 AND pending = 1");
  if (!st) return st.error();
  (*st)->bind(1, connection_);
  auto row = (*st)->step();
  if (!row) return row.error();
  return *row ? (*st)->column_int64(0) : 0;
}

Result<std::vector<std::string>> ContactMirror::pending(std::string_view after, int limit) const {
  auto st = db_.cached(
      "SELECT remote_id FROM engine_contacts WHERE connection = ?1 AND pending = 1 AND remote_id > ?2"
      " ORDER BY remote_id LIMIT ?3");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, after).bind(3, limit);
  std::vector<std::string> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back((*st)->column_text(0));
  }
  return out;
}

Result<std::optional<model::Contact>> ContactMirror::get(std::string_view remote_id) const {
  auto st = db_.cached("SELECT body FROM engine_contacts WHERE connection = ?1 AND remote_id = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, remote_id);
  return decoded_row<model::Contact>(**st, decode_contact);
}

namespace {

model::InvoiceStatus parse_status(std::string_view s) {
  using model::InvoiceStatus;
  for (auto st : {InvoiceStatus::draft, InvoiceStatus::submitted, InvoiceStatus::authorised, InvoiceStatus::paid,
                  InvoiceStatus::voided, InvoiceStatus::deleted})
    if (model::to_string(st) == s) return st;
  return InvoiceStatus::draft;
}

std::optional<model::Date> read_date(const store::Statement& st, int column) {
  if (st.column_is_null(column)) return std::nullopt;
  auto d = model::parse_date(st.column_text(column));
  if (!d) return std::nullopt;
  return *d;
}

Result<model::Money> read_money(const store::Statement& st, int column, std::string_view currency) {
  return model::Money::parse(st.column_text(column), currency);
}

}  // namespace

Result<bool> InvoicesRepo::upsert(const model::Invoice& inv, std::int64_t now_ms) {
  const std::int64_t updated =
      inv.updated_at ? inv.updated_at->time_since_epoch().count() : now_ms;
  auto st = db_.cached(
      "INSERT INTO invoices (connection, remote_id, contact_remote_id, number, type, status, currency, total,"
      " amount_paid, amount_due, issue_date, due_date, url, updated_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
      " ON CONFLICT (connection, remote_id) DO UPDATE SET contact_remote_id = excluded.contact_remote_id,"
      " number = excluded.number, type = excluded.type, status = excluded.status, currency = excluded.currency,"
      " total = excluded.total, amount_paid = excluded.amount_paid, amount_due = excluded.amount_due,"
      " issue_date = excluded.issue_date, due_date = excluded.due_date, url = excluded.url,"
      " updated_at = excluded.updated_at"
      " WHERE (contact_remote_id, number, type, status, currency, total, amount_paid, amount_due,"
      " coalesce(issue_date, ''), coalesce(due_date, ''), url) IS NOT (excluded.contact_remote_id, excluded.number,"
      " excluded.type, excluded.status, excluded.currency, excluded.total, excluded.amount_paid, excluded.amount_due,"
      " coalesce(excluded.issue_date, ''), coalesce(excluded.due_date, ''), excluded.url)");
  if (!st) return st.error();
  auto& s = **st;
  s.bind(1, connection_).bind(2, inv.remote_id).bind(3, inv.contact_remote_id).bind(4, inv.number)
      .bind(5, model::to_string(inv.type)).bind(6, model::to_string(inv.status)).bind(7, inv.currency)
      .bind(8, inv.total.to_string()).bind(9, inv.amount_paid.to_string()).bind(10, inv.amount_due.to_string());
  if (inv.issue_date) s.bind(11, model::format_date(*inv.issue_date)); else s.bind(11, std::nullopt);
  if (inv.due_date) s.bind(12, model::format_date(*inv.due_date)); else s.bind(12, std::nullopt);
  s.bind(13, inv.url).bind(14, updated);
  if (auto r = s.run(); !r) return r.error();
  return db_.changes() > 0;
}

Result<std::vector<model::Invoice>> InvoicesRepo::for_contact(std::string_view contact_remote_id) const {
  auto st = db_.cached(
      "SELECT remote_id, contact_remote_id, number, type, status, currency, total, amount_paid, amount_due,"
      " issue_date, due_date, url, updated_at FROM invoices WHERE connection = ?1 AND contact_remote_id = ?2"
      " ORDER BY remote_id");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, contact_remote_id);
  std::vector<model::Invoice> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto& s = **st;
    model::Invoice inv;
    inv.remote_id = std::string(s.column_text(0));
    inv.contact_remote_id = std::string(s.column_text(1));
    inv.number = std::string(s.column_text(2));
    inv.type = s.column_text(3) == model::to_string(model::InvoiceType::purchase) ? model::InvoiceType::purchase
                                                                                   : model::InvoiceType::sales;
    inv.status = parse_status(s.column_text(4));
    inv.currency = std::string(s.column_text(5));
    auto total = read_money(s, 6, inv.currency);
    auto paid = read_money(s, 7, inv.currency);
    auto due = read_money(s, 8, inv.currency);
    if (!total || !paid || !due)
      return make_error(Errc::corruption, "stored invoice {} has an unreadable amount", inv.remote_id);
    inv.total = *total;
    inv.amount_paid = *paid;
    inv.amount_due = *due;
    inv.issue_date = read_date(s, 9);
    inv.due_date = read_date(s, 10);
    inv.url = std::string(s.column_text(11));
    inv.updated_at = model::Timestamp(std::chrono::milliseconds(s.column_int64(12)));
    out.push_back(std::move(inv));
  }
  return out;
}

Result<std::string> CursorsRepo::get(std::string_view resource) const {
  auto st = db_.cached("SELECT value FROM cursors WHERE connection = ?1 AND resource = ?2");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, resource);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::string();
  return std::string((*st)->column_text(0));
}

Status CursorsRepo::set(std::string_view resource, std::string_view value, std::int64_t now_ms) {
  auto st = db_.cached(
      "INSERT INTO cursors (connection, resource, value, updated_at) VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (connection, resource) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  if (!st) return st.error();
  (*st)->bind(1, connection_).bind(2, resource).bind(3, value).bind(4, now_ms);
  return (*st)->run();
}

}  // namespace capsync::engine
