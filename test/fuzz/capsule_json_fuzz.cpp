// Capsule's response decoders: party lists, one party, deleted parties, notes, custom field
// definitions, teams, tags, error bodies and Link headers. Any bytes give a value or an error.

#include "connectors/capsule/catalog.hpp"
#include "connectors/capsule/entries.hpp"
#include "connectors/capsule/errors.hpp"
#include "connectors/capsule/fields.hpp"
#include "connectors/capsule/parties.hpp"
#include "core/connector/headers.hpp"
#include "test/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace capsule = capsync::capsule;
  const auto body = capsync::fuzz::as_text(data, size);
  (void)capsule::parse_parties_body(body);
  (void)capsule::parse_party_body(body);
  (void)capsule::parse_deleted_body(body);
  (void)capsule::parse_notes_body(body);
  (void)capsule::parse_entry_body(body);
  (void)capsule::parse_definitions_body(body);
  (void)capsule::parse_teams_body(body);
  (void)capsule::parse_tags_body(body);
  (void)capsule::map_error(capsync::fuzz::refusal(422, body), "read party");
  (void)capsync::connector::next_link(body);
  return 0;
}
