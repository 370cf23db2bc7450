#pragma once
// VerifierStore: the verifiers FreshBooks posted for each callback of a connection (R25), in
// the `webhook_verifiers` table, so deliveries are still checked after a restart. A posted
// verifier is pending until FreshBooks accepted it back (the PUT of the handshake); only an
// accepted one checks deliveries, so a code nobody confirmed neither opens the route nor
// displaces the one in use. The verifier is the signing secret: never logged. Not
// thread-safe, like its Database; calls compose into the caller's open Transaction.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error/result.hpp"
#include "core/secret/secret.hpp"

namespace capsync::store {
class Database;
}

namespace capsync::webhook {

class VerifierStore final {
 public:
  explicit VerifierStore(store::Database& db) : db_(db) {}
  VerifierStore(const VerifierStore&) = delete;
  VerifierStore& operator=(const VerifierStore&) = delete;

  // Stores the verifier posted for `callback_id` as pending (replacing an earlier pending one;
  // the accepted one stays in use until this one is accepted).
  Status put(std::string_view connection, std::int64_t callback_id, const Secret& verifier, std::int64_t now_ms);
  // The verifier last posted for the callback; nullopt when none.
  Result<std::optional<Secret>> find(std::string_view connection, std::int64_t callback_id);
  // FreshBooks accepted `verifier` for the callback: it becomes the one in use, unless another
  // was posted meanwhile (that one stays pending).
  Status mark_verified(std::string_view connection, std::int64_t callback_id, const Secret& verifier);
  // The connection's accepted verifiers, one per callback.
  Result<std::vector<Secret>> verified(std::string_view connection);
  // Forgets the connection's verifiers (its callbacks were removed).
  Status clear(std::string_view connection);

 private:
  store::Database& db_;
};

}  // namespace capsync::webhook
