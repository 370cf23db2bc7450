#pragma once
// Name keys used to match accounting contacts with Capsule parties (R1) and to find
// near-duplicates (R17). All keys are UTF-8 strings, so they can be stored and indexed.
//
// Invalid UTF-8: the bytes are kept as they are (no normalisation, no folding beyond ASCII),
// so a broken name still matches itself exactly and never crashes the sync.

#include <string>
#include <string_view>

namespace capsync::model {

// R1 exact: trims leading/trailing Unicode white space (incl. NBSP) and applies NFC. Nothing
// else is folded: "Acme Ltd" and "ACME Ltd" are different keys.
std::string exact_key(std::string_view name);

// R1 `matching: normalized`: exact_key + Unicode case fold + inner white space runs collapsed
// to one ASCII space + one trailing legal suffix dropped ("Acme Ltd" == "acme  limited" == "ACME").
std::string normalized_key(std::string_view name);

// R17 near-duplicates: normalized_key with punctuation removed as well ("A.C.M.E. Ltd" ~ "acme").
std::string near_key(std::string_view name);

// The display name of a person as both sides write it: "First Last" (either part may be empty;
// no stray spaces).
std::string person_display_name(std::string_view first_name, std::string_view last_name);

}  // namespace capsync::model
