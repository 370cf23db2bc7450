#pragma once
// RecordCodec: the neutral Party, Contact and ContactDetails as compact JSON text for the engine's mirror
// tables, so a record can be reconciled, pushed or patched later without re-reading the
// provider. Internal storage format: it is not provider JSON and never leaves the store.

#include <string>
#include <string_view>

#include "core/error/result.hpp"
#include "core/model/contact.hpp"
#include "core/model/party.hpp"

namespace capsync::engine {

std::string encode_party(const model::Party& party);
// Errc::corruption when the text is not what encode_party wrote.
Result<model::Party> decode_party(std::string_view text);

std::string encode_contact(const model::Contact& contact);
Result<model::Contact> decode_contact(std::string_view text);

// The details last pushed to a binding's accounting contact (R10).
std::string encode_details(const model::ContactDetails& details);
Result<model::ContactDetails> decode_details(std::string_view text);

}  // namespace capsync::engine
