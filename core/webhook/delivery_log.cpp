#include "core/webhook/delivery_log.hpp"

#include "core/store/database.hpp"

namespace capsync::webhook {

Status DeliveryLog::record(std::string_view source, std::string_view outcome, std::int64_t now_ms) {
  auto tx = db_.begin();
  if (!tx) return tx.error();
  auto prune = db_.cached("DELETE FROM webhook_deliveries WHERE source = ?1 AND at < ?2");
  if (!prune) return prune.error();
  (*prune)->bind(1, source).bind(2, now_ms - kDayMs);
  if (auto s = (*prune)->run(); !s) return s;
  auto insert = db_.cached("INSERT INTO webhook_deliveries (source, at, outcome) VALUES (?1, ?2, ?3)");
  if (!insert) return insert.error();
  (*insert)->bind(1, source).bind(2, now_ms).bind(3, outcome);
  if (auto s = (*insert)->run(); !s) return s;
  return tx->commit();
}

Result<std::vector<SourceHealth>> DeliveryLog::health(std::int64_t now_ms) {
  // Accepted: a good signature, whether or not it named records ("verified" is intent-to-receive).
  auto st = db_.cached(
      "SELECT source, max(at), count(*), "
      "coalesce(max(CASE WHEN outcome IN ('accepted', 'verified', 'dropped') THEN at END), 0), "
      "(SELECT outcome FROM webhook_deliveries d2 WHERE d2.source = d.source ORDER BY at DESC, rowid DESC LIMIT 1) "
      "FROM webhook_deliveries d WHERE at >= ?1 GROUP BY source ORDER BY source");
  if (!st) return st.error();
  (*st)->bind(1, now_ms - kDayMs);
  std::vector<SourceHealth> out;
  for (;;) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({.source = std::string((*st)->column_text(0)),
                   .last_at_ms = (*st)->column_int64(1),
                   .last_accepted_ms = (*st)->column_int64(3),
                   .last_outcome = std::string((*st)->column_text(4)),
                   .count_24h = (*st)->column_int64(2)});
  }
  return out;
}

}  // namespace capsync::webhook
