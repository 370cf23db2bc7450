#pragma once
// SummaryWriter: writes a rendered invoice summary (R6/R7) onto one Capsule party — the four
// custom fields, the overdue tag and the invoice note — in one PUT plus, with notes on, one
// note write. Field definitions are resolved by name once per writer; a missing field fails
// with the connector's message telling the operator which field (and type) to create.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/connector/capsule_connector.hpp"
#include "core/engine/bindings_repo.hpp"
#include "core/engine/mirror_repo.hpp"
#include "core/error/result.hpp"
#include "core/sync/policy.hpp"
#include "core/sync/summary_write.hpp"

namespace capsync::engine {

class SummaryWriter final {
 public:
  SummaryWriter(connector::CapsuleConnector& capsule, PartyMirror& parties, NotesRepo& notes,
                const sync::ConnectionPolicy& policy)
      : capsule_(capsule), parties_(parties), notes_(notes), policy_(policy) {}

  // Resolves the summary field definitions (once).
  boost::asio::awaitable<Status> resolve_fields();

  // Writes `summary` onto `party_id` (as mirrored; read from Capsule when it is not) and
  // mirrors the party as saved. Errc::not_found when the party no longer exists.
  boost::asio::awaitable<Status> write(model::PartyId party_id, const sync::SummaryWrite& summary);

 private:
  boost::asio::awaitable<Status> write_note(model::PartyId party_id, const std::optional<std::string>& note);
  // A note create retried after its answer was lost (or capsyncd stopped before storing the id)
  // finds the note it made by its heading and updates it instead; true when one was adopted.
  boost::asio::awaitable<Result<bool>> adopt_note(model::PartyId party_id, const std::string& note);

  connector::CapsuleConnector& capsule_;
  PartyMirror& parties_;
  NotesRepo& notes_;
  const sync::ConnectionPolicy& policy_;
  std::optional<std::array<std::int64_t, 4>> field_ids_;  // outstanding, overdue, next_due, last_invoice
};

}  // namespace capsync::engine
