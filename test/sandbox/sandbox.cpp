#include "test/sandbox/sandbox.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "test/sandbox/json_util.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {
namespace {

Response admin_error(int status, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("error");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  return json_response(status, buffer.GetString());
}

// The first array of objects in `v`, depth first: the records of a list answer.
rapidjson::Value* record_list(rapidjson::Value& v) {
  if (v.IsArray()) {
    if (!v.Empty() && v[0].IsObject()) return &v;
    for (auto& item : v.GetArray())
      if (auto* found = record_list(item)) return found;
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject())
      if (auto* found = record_list(m.value)) return found;
  }
  return nullptr;
}

// Sets `fault.field` of record `fault.index` of the answer's list to `fault.value_json`; an
// answer without such a record is left as it is.
void corrupt_record(Response& response, const Fault& fault) {
  auto doc = parse_json(response.body);
  auto value = parse_json(fault.value_json);
  if (!doc || !value) return;
  auto* list = record_list(*doc);
  if (list == nullptr || fault.index < 0 || static_cast<rapidjson::SizeType>(fault.index) >= list->Size()) return;
  rapidjson::Value copy(*value, doc->GetAllocator());
  set_member((*list)[static_cast<rapidjson::SizeType>(fault.index)], fault.field, std::move(copy), doc->GetAllocator());
  response.body = to_json(*doc);
}

}  // namespace

Sandbox::Sandbox(double time_scale) : context_{SandboxClock(time_scale), {}, {}} {}

void Sandbox::add_provider(std::unique_ptr<Provider> provider) {
  for (auto& prefix : provider->prefixes()) routes_.emplace_back(prefix, provider.get());
  std::sort(routes_.begin(), routes_.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  providers_.push_back(std::move(provider));
}

Result<void> Sandbox::load_seed(std::string_view json) {
  auto doc = parse_json(json);
  if (!doc || !doc->IsObject()) return make_error(Errc::invalid_argument, "seed is not a JSON object");
  if (const auto* clock = member(*doc, "clock")) {
    if (auto now = string_member(*clock, "now")) {
      auto t = parse_time(*now);
      if (!t) return make_error(Errc::invalid_argument, "seed clock.now is not a time: {}", *now);
      context_.clock.set_now(*t);
    }
  }
  rapidjson::Document exact;
  exact.Parse<rapidjson::kParseNumbersAsStringsFlag>(json.data(), json.size());
  rapidjson::Value null_value;
  for (auto& provider : providers_) {
    const auto* section = member(*doc, provider->name());
    const auto* exact_section = member(exact, provider->name());
    provider->load_seed(section != nullptr ? *section : null_value, exact_section != nullptr ? *exact_section : null_value);
  }
  return {};
}

Result<void> Sandbox::load_seed_file(const std::string& path) {
  if (path.empty()) return load_seed(default_seed());
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io, "Failed to open {}", path);
  std::ostringstream text;
  text << in.rdbuf();
  return load_seed(text.str());
}

std::string Sandbox::state_json() const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  for (const auto& provider : providers_) {
    auto name = provider->name();
    writer.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    provider->dump_state(writer);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response Sandbox::handle(const Request& request) {
  if (request.path.starts_with("/_admin/")) return handle_admin(request);
  for (auto& [prefix, provider] : routes_) {
    if (!request.path.starts_with(prefix)) continue;
    Response response = dispatch(request, *provider);
    // As the real services do, in the sandbox's own clock: when the answer was made (Capsule's
    // party cursor starts from it).
    if (!response.header("Date")) response.set_header("Date", http_date(context_.clock.now()));
    auto name = provider->name();
    log_.push_back({next_seq_++, request.method, request.path, request.query, std::string(name),
                    response.delivery == Delivery::reset ? 0 : response.status});
    return response;
  }
  return admin_error(404, "no such sandbox route");
}

Response Sandbox::dispatch(const Request& request, Provider& provider) {
  auto fault = faults_.take(request);
  if (!fault) return provider.handle(request);
  switch (fault->kind) {
    case FaultKind::status: {
      Response response = provider.fault_status(request, fault->status, fault->retry_after_s);
      for (const auto& [name, value] : fault->headers) response.set_header(name, value);
      return response;
    }
    case FaultKind::reset: {
      Response response;
      response.delivery = Delivery::reset;
      return response;
    }
    case FaultKind::delay: {
      Response response = provider.handle(request);
      response.delay_ms += fault->delay_ms;
      return response;
    }
    case FaultKind::truncate: {
      Response response = provider.handle(request);
      response.delivery = Delivery::truncate;
      return response;
    }
    case FaultKind::malformed:
      return json_response(200, "{\"Status\":\"OK\",\"items\":[{\"id\":12,\"name\":\"tru");
    case FaultKind::deep_json: {
      constexpr std::size_t kDepth = 1'000'000;
      return json_response(200, std::string(kDepth, '[') + std::string(kDepth, ']'));
    }
    case FaultKind::corrupt_record: {
      Response response = provider.handle(request);
      corrupt_record(response, *fault);
      return response;
    }
    case FaultKind::expired_token:
      return provider.fault_expired_token(request);
    case FaultKind::invalid_grant:
      return json_response(400, "{\"error\":\"invalid_grant\"}");
  }
  return provider.handle(request);
}

std::string Sandbox::requests_json() const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  for (const auto& entry : log_) {
    writer.StartObject();
    writer.Key("seq");
    writer.Int64(entry.seq);
    writer.Key("method");
    writer.String(entry.method);
    writer.Key("path");
    writer.String(entry.path);
    writer.Key("query");
    writer.String(entry.query);
    writer.Key("status");
    writer.Int(entry.status);
    writer.Key("prefix");
    writer.String(entry.prefix);
    writer.EndObject();
  }
  writer.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response Sandbox::handle_admin(const Request& request) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path == "/_admin/state" && method == "GET") return json_response(200, state_json());
  if (path == "/_admin/requests" && method == "GET") return json_response(200, requests_json());
  if (path == "/_admin/requests/count" && method == "GET")
    return json_response(200, fmt::format("{{\"count\":{}}}", log_.size()));
  if (path == "/_admin/requests" && method == "DELETE") {
    log_.clear();
    return json_response(200, "{}");
  }
  if (path == "/_admin/faults" && method == "POST") {
    auto added = faults_.add(request.body);
    if (!added) return admin_error(400, added.error().message());
    return json_response(200, "{}");
  }
  if (path == "/_admin/faults" && method == "DELETE") {
    faults_.clear();
    return json_response(200, "{}");
  }
  if (path == "/_admin/time") {
    if (method == "POST") {
      auto doc = parse_json(request.body);
      if (!doc || !doc->IsObject()) return admin_error(400, "body must be {\"advance_s\":N}");
      const auto* advance = member(*doc, "advance_s");
      if (advance == nullptr || !advance->IsNumber()) return admin_error(400, "advance_s missing");
      context_.clock.advance(std::chrono::milliseconds(static_cast<std::int64_t>(advance->GetDouble() * 1000)));
    }
    return json_response(200, "{\"now\":\"" + iso_seconds(context_.clock.now()) + "\"}");
  }
  if (path == "/_admin/seed" && method == "POST") {
    auto loaded = load_seed(request.body);
    if (!loaded) return admin_error(400, loaded.error().message());
    return json_response(200, "{}");
  }
  for (auto& provider : providers_) {
    if (!path.starts_with(fmt::format("/_admin/{}/", provider->name()))) continue;
    if (auto answer = provider->admin(request)) return std::move(*answer);
  }
  return admin_error(404, "no such admin route");
}

}  // namespace capsync::sandbox
