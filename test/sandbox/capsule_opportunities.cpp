#include "test/sandbox/capsule_opportunities.hpp"

#include <fmt/format.h>

#include "test/sandbox/capsule_http.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;
using namespace capsule_http;

const Value* milestone_of(const CapsuleState& state, const Value& opportunity) {
  const Value* ref = member(opportunity, "milestone");
  if (ref == nullptr || !ref->IsObject()) return nullptr;
  auto id = int_member(*ref, "id");
  return id ? state.find_by_id(state.milestones, *id) : nullptr;
}

void write_party_ref(JsonWriter& writer, const CapsuleState& state, const Value& opportunity, bool embed) {
  const Value* ref = member(opportunity, "party");
  auto id = ref != nullptr && ref->IsObject() ? int_member(*ref, "id") : std::nullopt;
  auto found = id ? state.parties.find(*id) : state.parties.end();
  if (found == state.parties.end()) {
    writer.Null();
    return;
  }
  const Value& party = found->second;
  writer.StartObject();
  for (const auto& m : party.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    // Without embed=party Capsule sends the short form; tags and fields never come along.
    const bool short_form = key == "id" || key == "type" || key == "name" || key == "firstName" ||
                            key == "lastName" || key == "pictureURL";
    if (key == "fields" || key == "tags" || (!embed && !short_form)) continue;
    writer.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(writer);
  }
  writer.EndObject();
}

void write_opportunity(JsonWriter& writer, const CapsuleState& state, const Value& opportunity, const Request& request) {
  const bool tags = has_embed(request, "tags"), fields = has_embed(request, "fields");
  writer.StartObject();
  for (const auto& m : opportunity.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if ((key == "tags" && !tags) || (key == "fields" && !fields)) continue;
    writer.Key(m.name.GetString(), m.name.GetStringLength());
    if (key == "party") {
      write_party_ref(writer, state, opportunity, has_embed(request, "party"));
    } else if (key == "milestone") {
      const Value* milestone = milestone_of(state, opportunity);
      if (milestone == nullptr) {
        m.value.Accept(writer);
      } else if (has_embed(request, "milestone")) {
        milestone->Accept(writer);
      } else {
        writer.StartObject();
        writer.Key("id");
        writer.Int64(int_member(*milestone, "id").value_or(0));
        writer.Key("name");
        writer.String(string_member(*milestone, "name").value_or(""));
        writer.EndObject();
      }
    } else {
      m.value.Accept(writer);
    }
  }
  writer.EndObject();
}

Response since_error() {
  return message(422, "since must be an ISO8601 date");
}

Response list_opportunities(CapsuleState& state, const SandboxContext& context, const Request& request) {
  Paging p = paging(request);
  if (!p.error.empty()) return message(400, p.error);
  std::optional<TimePoint> since;
  if (auto text = request.param("since")) {
    since = parse_time(*text);
    if (!since) return since_error();
  }
  std::vector<const Value*> matches;
  for (const auto& [id, opportunity] : state.opportunities) {
    if (since) {
      auto updated = parse_time(string_member(opportunity, "updatedAt").value_or(""));
      if (!updated || *updated <= *since) continue;  // "changed after this date"
    }
    matches.push_back(&opportunity);
  }
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("opportunities");
  writer.StartArray();
  const auto first = static_cast<std::size_t>((p.page - 1) * p.per_page);
  const auto end = first + static_cast<std::size_t>(p.per_page);
  for (auto i = first; i < matches.size() && i < end; ++i) write_opportunity(writer, state, *matches[i], request);
  writer.EndArray();
  writer.EndObject();
  Response response = json_response(200, buffer.GetString());
  set_links(response, context, request, p.page, end < matches.size());
  return response;
}

Response deleted_opportunities(const CapsuleState& state, const Request& request) {
  auto text = request.param("since");
  if (!text) return since_error();  // required, as for parties
  auto since = parse_time(*text);
  if (!since) return since_error();
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("opportunities");
  writer.StartArray();
  for (const auto& gone : state.deleted_opportunities) {
    if (gone.deleted_at < *since) continue;
    writer.StartObject();
    writer.Key("id");
    writer.Int64(gone.id);
    writer.Key("deletedAt");
    writer.String(iso_seconds(gone.deleted_at));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return json_response(200, buffer.GetString());
}

Response list_of(const Value& array, const char* key, const std::function<bool(const Value&)>& keep) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key(key);
  writer.StartArray();
  for (const auto& item : array.GetArray())
    if (keep(item)) item.Accept(writer);
  writer.EndArray();
  writer.EndObject();
  return json_response(200, buffer.GetString());
}

std::optional<std::int64_t> pipeline_of(const Value& milestone) {
  const Value* ref = member(milestone, "pipeline");
  return ref != nullptr && ref->IsObject() ? int_member(*ref, "id") : std::nullopt;
}

// `tags` of an opportunity PUT, as for parties: {name} adds the tag unless the opportunity has
// it, {id, _delete:true} removes it. Opportunity tags are the opportunity's own (Capsule keeps
// /opportunities/tags apart from /parties/tags); a new name gets a new id. Empty: accepted.
std::string apply_tags(CapsuleState& state, const Value& given, Value& target) {
  if (!given.IsArray()) return "tags must be an array";
  if (!member(target, "tags") || !target["tags"].IsArray()) set_member(target, "tags", Value(rapidjson::kArrayType), state.alloc());
  Value& tags = target["tags"];
  for (const auto& change : given.GetArray()) {
    if (auto id = int_member(change, "id"); id && bool_member(change, "_delete") == true) {
      for (auto it = tags.Begin(); it != tags.End(); ++it)
        if (int_member(*it, "id") == id) {
          tags.Erase(it);
          break;
        }
      continue;
    }
    auto name = string_member(change, "name");
    if (!name) return "a tag needs a name";
    bool has = false;
    for (const auto& t : tags.GetArray()) has = has || string_member(t, "name") == name;
    if (has) continue;
    Value tag(rapidjson::kObjectType);
    set_member(tag, "id", Value(state.new_id()), state.alloc());
    set_string(tag, "name", *name, state.alloc());
    set_member(tag, "dataTag", Value(false), state.alloc());
    tags.PushBack(tag, state.alloc());
  }
  return {};
}

// PUT /opportunities/{id}: name, description, party {id}, milestone {id}, value, expectedCloseOn and
// tags, as a person editing it in Capsule would; every change moves updatedAt.
Response update_opportunity(CapsuleState& state, const SandboxContext& context, const Request& request, Value& target) {
  auto body = parse_json(request.body);
  const Value* input = body ? member(*body, "opportunity") : nullptr;
  if (input == nullptr || !input->IsObject()) return message(400, "body must be {\"opportunity\":{…}}");
  if (const Value* tags = member(*input, "tags"))
    if (auto error = apply_tags(state, *tags, target); !error.empty()) return message(422, error);
  for (const char* key : {"name", "description", "party", "milestone", "value", "expectedCloseOn"}) {
    const Value* v = member(*input, key);
    if (v == nullptr) continue;
    if (std::string_view(key) == "milestone") {
      auto id = v->IsObject() ? int_member(*v, "id") : std::nullopt;
      if (!id || state.find_by_id(state.milestones, *id) == nullptr)
        return message(422, "milestone is not a milestone of this account");
      set_string(target, "lastStageChangedAt", iso_seconds(context.clock.now()), state.alloc());
    }
    if (std::string_view(key) == "party") {
      auto id = v->IsObject() ? int_member(*v, "id") : std::nullopt;
      if (!id || !state.parties.contains(*id)) return message(422, "party is not a party of this account");
    }
    set_member(target, key, Value(*v, state.alloc()), state.alloc());
  }
  set_string(target, "updatedAt", iso_seconds(context.clock.now()), state.alloc());
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("opportunity");
  write_opportunity(writer, state, target, request);
  writer.EndObject();
  return json_response(200, buffer.GetString());
}

}  // namespace

Response opportunities_route(CapsuleState& state, const SandboxContext& context, const Request& request,
                             const std::vector<std::string_view>& parts) {
  const auto n = parts.size();
  const bool get = request.method == "GET";
  if (parts[0] == "milestones") {
    if (n != 1) return not_found();
    if (!get) return method_not_allowed();
    // The oldest pipeline's milestones (the lowest pipeline id).
    std::optional<std::int64_t> oldest;
    for (const auto& p : state.pipelines.GetArray())
      if (auto id = int_member(p, "id"); id && (!oldest || *id < *oldest)) oldest = id;
    return list_of(state.milestones, "milestones", [&](const Value& m) { return pipeline_of(m) == oldest; });
  }
  if (parts[0] == "pipelines") {
    if (n == 1) return get ? list_of(state.pipelines, "pipelines", [](const Value&) { return true; }) : method_not_allowed();
    auto id = to_id(parts[1]);
    if (n != 3 || !id || parts[2] != "milestones" || state.find_by_id(state.pipelines, *id) == nullptr)
      return not_found();
    if (!get) return method_not_allowed();
    return list_of(state.milestones, "milestones", [&](const Value& m) { return pipeline_of(m) == id; });
  }
  if (n == 1) return get ? list_opportunities(state, context, request) : method_not_allowed();
  if (n == 2 && parts[1] == "deleted") return get ? deleted_opportunities(state, request) : method_not_allowed();
  auto id = to_id(parts[1]);
  auto found = id ? state.opportunities.find(*id) : state.opportunities.end();
  if (n != 2 || found == state.opportunities.end()) return not_found();
  if (request.method == "PUT") return update_opportunity(state, context, request, found->second);
  if (request.method == "DELETE") {
    state.opportunities.erase(found);
    state.deleted_opportunities.push_back({*id, context.clock.now()});
    Response response;
    response.status = 204;
    return response;
  }
  if (!get) return method_not_allowed();
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("opportunity");
  write_opportunity(writer, state, found->second, request);
  writer.EndObject();
  return json_response(200, buffer.GetString());
}

void load_opportunity_seed(CapsuleState& state, const rapidjson::Value& section, std::string_view stamp) {
  for (auto [key, into] : {std::pair<const char*, Value*>{"pipelines", &state.pipelines},
                           std::pair<const char*, Value*>{"milestones", &state.milestones}}) {
    into->SetArray();
    const Value* list = member(section, key);
    if (list == nullptr || !list->IsArray()) continue;
    for (const auto& item : list->GetArray()) into->PushBack(Value(item, state.alloc()), state.alloc());
  }
  // A milestone names its pipeline by id in the seed; Capsule answers with its name too.
  for (auto& m : state.milestones.GetArray())
    if (auto pipeline = pipeline_of(m))
      if (const Value* p = state.find_by_id(state.pipelines, *pipeline))
        set_member(m, "pipeline", Value(*p, state.alloc()), state.alloc());
  const Value* list = member(section, "opportunities");
  if (list == nullptr || !list->IsArray()) return;
  for (const auto& item : list->GetArray()) {
    Value opportunity(item, state.alloc());
    auto id = int_member(opportunity, "id");
    if (!id) {
      id = state.new_id();
      set_member(opportunity, "id", Value(*id), state.alloc());
    }
    state.next_id = std::max(state.next_id, *id + 1);
    for (const char* key : {"createdAt", "updatedAt"})
      if (!member(opportunity, key)) set_string(opportunity, key, stamp, state.alloc());
    for (const char* key : {"description", "value", "expectedCloseOn", "probability", "duration", "closedOn",
                            "lostReason", "owner", "team", "lastStageChangedAt", "lastContactedAt"})
      if (!member(opportunity, key)) set_member(opportunity, key, Value(rapidjson::kNullType), state.alloc());
    if (!member(opportunity, "durationBasis")) set_string(opportunity, "durationBasis", "FIXED", state.alloc());
    for (const char* key : {"tags", "fields"})
      if (!member(opportunity, key)) set_member(opportunity, key, Value(rapidjson::kArrayType), state.alloc());
    state.opportunities[*id] = std::move(opportunity);
  }
}

void dump_opportunities(const CapsuleState& state, JsonWriter& writer) {
  writer.Key("opportunities");
  writer.StartArray();
  for (const auto& [id, opportunity] : state.opportunities) opportunity.Accept(writer);
  writer.EndArray();
  writer.Key("deletedOpportunities");
  writer.StartArray();
  for (const auto& gone : state.deleted_opportunities) {
    writer.StartObject();
    writer.Key("id");
    writer.Int64(gone.id);
    writer.Key("deletedAt");
    writer.String(iso_seconds(gone.deleted_at));
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("pipelines");
  state.pipelines.Accept(writer);
  writer.Key("milestones");
  state.milestones.Accept(writer);
}

}  // namespace capsync::sandbox
