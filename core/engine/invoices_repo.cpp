#include "core/engine/invoices_repo.hpp"

#include "core/store/database.hpp"

namespace capsync::engine {
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

}  // namespace capsync::engine
