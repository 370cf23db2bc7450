#include "test/sandbox/capsule_resthooks.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "test/sandbox/capsule_party_write.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

// The events Capsule documents for REST hooks (avoid-polling-with-rest-hooks).
constexpr std::string_view kEvents[] = {
    "party/created",       "party/updated",       "party/deleted",       "kase/created",       "kase/updated",
    "kase/deleted",        "kase/closed",         "kase/moved",          "opportunity/created", "opportunity/updated",
    "opportunity/deleted", "opportunity/closed",  "opportunity/moved",   "task/created",       "task/updated",
    "task/completed",      "user/created",        "user/updated",        "user/deleted"};

Response message(int status, std::string_view text) {
  return json_response(status, fmt::format(R"({{"message":"{}"}})", text));
}

Response invalid(std::string_view field, std::string_view text) {
  return json_response(422, CapsuleWriteError{422, "Validation Failed", {{"restHook", std::string(field), std::string(text)}}}.to_json());
}

void write_hook(JsonWriter& writer, const CapsuleRestHook& hook) {
  writer.StartObject();
  writer.Key("id");
  writer.Int64(hook.id);
  writer.Key("event");
  writer.String(hook.event);
  writer.Key("targetUrl");
  writer.String(hook.target_url);
  writer.Key("description");
  writer.String(hook.description);
  writer.Key("embed");
  if (hook.embed.empty()) writer.Null();
  else writer.String(hook.embed);
  writer.Key("clientId");
  writer.String(hook.client_id);
  writer.Key("createdAt");
  writer.String(hook.created_at);
  writer.Key("updatedAt");
  writer.String(hook.created_at);
  writer.EndObject();
}

std::string hook_json(const CapsuleRestHook& hook) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("restHook");
  write_hook(writer, hook);
  writer.EndObject();
  return buffer.GetString();
}

Response subscribe(CapsuleState& state, const SandboxContext& context, const Request& request,
                   const std::string& client_id, std::int64_t user) {
  auto body = parse_json(request.body);
  const rapidjson::Value* input = body ? member(*body, "restHook") : nullptr;
  if (input == nullptr || !input->IsObject()) return message(400, "body must be {\"restHook\":{…}}");
  CapsuleRestHook hook;
  hook.event = string_member(*input, "event").value_or("");
  hook.target_url = string_member(*input, "targetUrl").value_or("");
  hook.description = string_member(*input, "description").value_or("");
  hook.embed = string_member(*input, "embed").value_or("");
  if (hook.event.empty()) return invalid("event", "event is required");
  if (std::find(std::begin(kEvents), std::end(kEvents), hook.event) == std::end(kEvents))
    return invalid("event", "event is not a valid event");
  if (!hook.target_url.starts_with("http://") && !hook.target_url.starts_with("https://"))
    return invalid("targetUrl", "targetUrl is not a valid URL");
  if (state.rest_hooks.size() >= kCapsuleRestHookSlots)
    return invalid("event", fmt::format("a maximum of {} REST hooks can be subscribed per account", kCapsuleRestHookSlots));
  hook.id = state.new_id();
  hook.client_id = client_id;
  hook.user = user;
  hook.created_at = iso_seconds(context.clock.now());
  state.rest_hooks.push_back(hook);
  Response response = json_response(201, hook_json(hook));
  response.set_header("Location", fmt::format("{}/capsule/api/v2/resthooks/{}", context.base_url, hook.id));
  return response;
}

}  // namespace

void write_rest_hooks(JsonWriter& writer, const std::vector<CapsuleRestHook>& hooks) {
  writer.StartArray();
  for (const auto& hook : hooks) write_hook(writer, hook);
  writer.EndArray();
}

Response capsule_rest_hooks(CapsuleState& state, const SandboxContext& context, const Request& request,
                            const std::vector<std::string_view>& parts, const std::string& client_id,
                            std::int64_t user) {
  if (client_id.empty())
    return message(403, "REST hooks can only be managed by registered applications (authenticate with OAuth)");
  const auto n = parts.size();
  if (n == 1) {
    if (request.method == "POST") return subscribe(state, context, request, client_id, user);
    if (request.method != "GET") return message(405, "Method not allowed");
    std::vector<CapsuleRestHook> ours;
    for (const auto& hook : state.rest_hooks)
      if (hook.client_id == client_id) ours.push_back(hook);
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("restHooks");
    write_rest_hooks(writer, ours);
    writer.EndObject();
    return json_response(200, buffer.GetString());
  }
  std::int64_t id = 0;
  if (n != 2 || std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), id).ptr !=
                    parts[1].data() + parts[1].size())
    return message(404, "Could not find resource");
  auto it = std::find_if(state.rest_hooks.begin(), state.rest_hooks.end(),
                         [&](const CapsuleRestHook& h) { return h.id == id && h.client_id == client_id; });
  if (it == state.rest_hooks.end()) return message(404, "Could not find resource");
  if (request.method == "GET") return json_response(200, hook_json(*it));
  if (request.method != "DELETE") return message(405, "Method not allowed");
  state.rest_hooks.erase(it);
  Response response;
  response.status = 204;
  return response;
}

}  // namespace capsync::sandbox
