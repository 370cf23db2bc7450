#pragma once
// Capsule party writes (POST /parties, PUT /parties/{id}) with Capsule's validation and its
// nested-collection rules: an item without id is appended, one with id is updated,
// {"id":N,"_delete":true} removes it, "_destroy" is ignored, [] changes nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/capsule_state.hpp"

namespace capsync::sandbox {

struct CapsuleFieldError {
  std::string resource, field, message;
};

struct CapsuleWriteError {
  int status = 422;
  std::string message = "Validation Failed";
  std::vector<CapsuleFieldError> errors;

  std::string to_json() const;
};

// Creates a party from the "party" object of a POST body; returns the new id.
std::int64_t create_party(CapsuleState& state, const rapidjson::Value& input, TimePoint now,
                          std::int64_t acting_user, std::optional<CapsuleWriteError>& error);

// Applies a PUT; updatedAt moves only when something really changed.
std::optional<CapsuleWriteError> update_party(CapsuleState& state, std::int64_t id, const rapidjson::Value& input,
                                              TimePoint now);

}  // namespace capsync::sandbox
