#include "connectors/capsule/entries.hpp"

#include "core/connector/json.hpp"

namespace capsync::capsule {

namespace json = connector::json;

namespace {

// A new note on the record `on` ("party", "opportunity") with id `id`.
std::string entry_create_body(const char* on, std::int64_t id, std::string_view content) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "entry");
  w.StartObject();
  json::write_key(w, on);
  w.StartObject();
  json::write_key(w, "id");
  w.Int64(id);
  w.EndObject();
  json::write_key(w, "type");
  json::write_string(w, "note");
  json::write_key(w, "content");
  json::write_string(w, content);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string note_create_body(model::PartyId party, std::string_view content) {
  return entry_create_body("party", party, content);
}

std::string opportunity_note_create_body(model::OpportunityId opportunity, std::string_view content) {
  return entry_create_body("opportunity", opportunity, content);
}

std::string note_update_body(std::string_view content) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "entry");
  w.StartObject();
  json::write_key(w, "content");
  json::write_string(w, content);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

Result<connector::Note> parse_note(const json::Value& e) {
  auto id = json::integer(e, "id");
  if (!id || !*id) return Error(Errc::protocol, "an entry has no id");
  connector::Note note{**id, 0, std::string(json::text_or_empty(e, "content"))};
  if (const auto* party = json::object(e, "party")) {
    auto pid = json::integer(*party, "id");
    if (pid && *pid) note.party_id = **pid;
  }
  return note;
}

}  // namespace

Result<connector::Note> parse_entry_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* e = json::object(*doc, "entry");
  if (!e) return Error(Errc::protocol, "no \"entry\" object in the response");
  return parse_note(*e);
}

Result<std::vector<connector::Note>> parse_notes_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* entries = json::array(*doc, "entries");
  if (!entries) return Error(Errc::protocol, "no \"entries\" array in the response");
  std::vector<connector::Note> notes;
  for (const auto& e : entries->GetArray()) {
    if (!e.IsObject()) return Error(Errc::protocol, "an entry is not an object");
    if (json::text_or_empty(e, "type") != "note") continue;
    auto note = parse_note(e);
    if (!note) return note.error();
    notes.push_back(std::move(*note));
  }
  return notes;
}

}  // namespace capsync::capsule
