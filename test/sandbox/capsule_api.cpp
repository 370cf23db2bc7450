#include "test/sandbox/capsule_api.hpp"

#include <charconv>
#include <initializer_list>

#include <fmt/format.h>

#include "test/sandbox/capsule_countries.hpp"
#include "test/sandbox/capsule_http.hpp"
#include "test/sandbox/capsule_opportunities.hpp"
#include "test/sandbox/capsule_party_write.hpp"
#include "test/sandbox/capsule_resthooks.hpp"
#include "test/sandbox/time_format.hpp"

namespace capsync::sandbox {

using rapidjson::Value;
namespace {
constexpr std::string_view kBase = "/capsule/api/v2";
}  // namespace

namespace capsule_http {

Response message(int status, std::string_view text) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("message");
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  writer.EndObject();
  return json_response(status, buffer.GetString());
}

Response not_found() { return message(404, "Could not find resource"); }

std::optional<std::int64_t> to_id(std::string_view text) {
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

Paging paging(const Request& request) {
  Paging p;
  auto read = [&](const char* key, std::int64_t& into, std::int64_t max) {
    auto text = request.param(key);
    if (!text) return;
    auto value = to_id(*text);
    if (!value || *value > max) p.error = fmt::format("{} must be between 1 and {}", key, max);
    else into = *value;
  };
  read("page", p.page, 1'000'000'000);
  read("perPage", p.per_page, 100);
  return p;
}

Response method_not_allowed() { return message(405, "Method not allowed"); }

// The same query with `page` replaced.
std::string page_url(const SandboxContext& context, const Request& request, std::int64_t page) {
  std::string query;
  for (auto& [key, value] : parse_form(request.query)) {
    if (key == "page") continue;
    query += fmt::format("{}={}&", url_encode(key), url_encode(value));
  }
  query += fmt::format("page={}", page);
  return fmt::format("{}{}?{}", context.base_url, request.path, query);
}

// Capsule's Link header: rel="next" while more pages exist, rel="prev" after the first page.
void set_links(Response& response, const SandboxContext& context, const Request& request, std::int64_t page,
               bool has_next) {
  std::string links;
  if (has_next) links = fmt::format("<{}>; rel=\"next\"", page_url(context, request, page + 1));
  if (page > 1) {
    if (!links.empty()) links += ", ";
    links += fmt::format("<{}>; rel=\"prev\"", page_url(context, request, page - 1));
  }
  if (!links.empty()) response.set_header("Link", links);
}

bool has_embed(const Request& request, std::string_view what) {
  auto embed = request.param("embed").value_or("");
  std::string_view rest = embed;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    if (rest.substr(0, comma) == what) return true;
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return false;
}

}  // namespace capsule_http

using namespace capsule_http;

namespace {

struct Embeds {
  bool fields = false, tags = false, organisation = false, missing_important = false;
};

Embeds embeds_of(const Request& request) {
  return {has_embed(request, "fields"), has_embed(request, "tags"), has_embed(request, "organisation"),
          has_embed(request, "missingImportantFields")};
}

bool has_tag(const Value& party, std::int64_t tag_id) {
  if (const Value* tags = member(party, "tags"); tags != nullptr && tags->IsArray())
    for (const auto& tag : tags->GetArray())
      if (int_member(tag, "id") == tag_id) return true;
  return false;
}

// Whether an Important custom field that applies to this party has no value. A field applies
// unless its captureRule names the other party type or it sits under a DataTag the party lacks.
bool missing_important_fields(const CapsuleState& state, const Value& party) {
  auto type = string_member(party, "type").value_or("");
  for (const auto& definition : state.definitions.GetArray()) {
    if (bool_member(definition, "important") != true) continue;
    if (auto rule = string_member(definition, "captureRule"); rule && *rule != type) continue;
    if (const Value* tag = member(definition, "tag"); tag != nullptr && tag->IsObject())
      if (auto tag_id = int_member(*tag, "id"); tag_id && !has_tag(party, *tag_id)) continue;
    bool has_value = false;
    if (const Value* fields = member(party, "fields"); fields != nullptr && fields->IsArray())
      for (const auto& row : fields->GetArray()) {
        const Value* d = member(row, "definition");
        has_value = has_value || (d != nullptr && int_member(*d, "id") == int_member(definition, "id"));
      }
    if (!has_value) return true;
  }
  return false;
}

// A party as Capsule returns it: custom fields, tags, the organisation's details and the
// missing-important-fields flag only when embedded.
void write_party(JsonWriter& writer, const CapsuleState& state, const Value& party, const Embeds& embeds) {
  writer.StartObject();
  for (const auto& m : party.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if ((key == "fields" && !embeds.fields) || (key == "tags" && !embeds.tags)) continue;
    writer.Key(m.name.GetString(), m.name.GetStringLength());
    const Value* org = nullptr;
    if (key == "organisation" && embeds.organisation && m.value.IsObject())
      if (auto id = int_member(m.value, "id"); id && state.parties.contains(*id)) org = &state.parties.at(*id);
    if (org != nullptr) write_party(writer, state, *org, Embeds{});
    else m.value.Accept(writer);
  }
  if (embeds.missing_important) {
    writer.Key("missingImportantFields");
    writer.Bool(missing_important_fields(state, party));
  }
  writer.EndObject();
}

std::string entry_json(const Value& entry) {
  return "{\"entry\":" + to_json(entry) + "}";
}

}  // namespace

void CapsuleApi::load_seed(const rapidjson::Value& section, const rapidjson::Value&) {
  primary_.load_seed(section, context_.clock.now());
  oauth_.load_seed(section);
  account_ = &primary_;
}

void CapsuleApi::dump_state(JsonWriter& writer) const { primary_.dump(writer); }

void CapsuleApi::add_rate_headers(Response& response, const std::string& token) {
  auto& window = account_->rate[token];
  auto length = context_.clock.scaled(std::chrono::hours(1));
  auto reset = window.start + length;
  response.set_header("X-RateLimit-Limit", std::to_string(account_->rate_limit_per_hour));
  response.set_header("X-RateLimit-Remaining", std::to_string(std::max<std::int64_t>(0, account_->rate_limit_per_hour - window.used)));
  auto reset_s = (reset.time_since_epoch().count() + 999) / 1000;
  response.set_header("X-RateLimit-Reset", std::to_string(reset_s));
}

Response CapsuleApi::handle(const Request& request) {
  if (request.path == "/capsule/oauth/authorise") return oauth_.authorize(request);
  if (request.path == "/capsule/oauth/token") return oauth_.token(request);
  const std::string* auth = request.header("authorization");
  std::string token;
  if (auth != nullptr && auth->starts_with("Bearer ")) token = auth->substr(7);
  // The token decides the account, as at api.capsulecrm.com.
  account_ = primary_.account_of(token);
  auto known = account_->tokens.find(token);
  if (known == account_->tokens.end()) {
    Response response = message(401, "Unauthorized");
    response.set_header("WWW-Authenticate", "Bearer realm=\"Capsule API\", error=\"invalid_token\"");
    return response;
  }
  auto now = context_.clock.now();
  auto app = account_->app_tokens.find(token);
  if (app != account_->app_tokens.end() && app->second.expires_at <= now) return fault_expired_token(request);
  client_ = app == account_->app_tokens.end() ? std::string() : app->second.client_id;
  auto& window = account_->rate[token];
  if (window.used == 0 || now >= window.start + context_.clock.scaled(std::chrono::hours(1))) {
    window.start = now;
    window.used = 0;
  }
  if (window.used >= account_->rate_limit_per_hour) {
    Response response = json_response(429, "{\"error\":\"rate limit reached\"}");
    add_rate_headers(response, token);
    return response;
  }
  ++window.used;
  std::string path = request.path.substr(std::min(request.path.size(), kBase.size()));
  Response response = request.path.starts_with(kBase) ? route(request, path, known->second) : not_found();
  add_rate_headers(response, token);
  return response;
}

Response CapsuleApi::announced(Response response, std::string_view event, std::int64_t id) {
  if (response.status / 100 != 2) return response;
  for (const auto& hook : account_->rest_hooks) {
    if (hook.event != event || !hook.target_url.starts_with("http://")) continue;  // delivered on loopback only
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("event");
    writer.String(event.data(), static_cast<rapidjson::SizeType>(event.size()));
    writer.Key("payload");
    writer.StartArray();
    if (const Value* party = account_->party(id)) {
      write_party(writer, *account_, *party, Embeds{});
    } else {  // deleted: what Capsule sends then is undocumented; the id is what a receiver needs
      writer.StartObject();
      writer.Key("id");
      writer.Int64(id);
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    OutboundDelivery d;
    d.source = "capsule";
    d.url = hook.target_url;
    d.headers = {{"Content-Type", "application/json"}};
    d.body = buffer.GetString();
    // Capsule documents no retry policy: the sandbox retries for an hour (scaled).
    d.give_up_after = context_.clock.scaled(std::chrono::hours(1));
    context_.webhooks.push(std::move(d), std::chrono::steady_clock::now());
  }
  return response;
}

Response CapsuleApi::fault_status(const Request& request, int status, int) {
  if (status == 429) {
    Response response = json_response(429, "{\"error\":\"rate limit reached\"}");
    std::string token;
    if (const auto* auth = request.header("authorization"); auth && auth->starts_with("Bearer ")) token = auth->substr(7);
    response.set_header("X-RateLimit-Limit", std::to_string(primary_.account_of(token)->rate_limit_per_hour));
    response.set_header("X-RateLimit-Remaining", "0");
    auto reset = context_.clock.now() + context_.clock.scaled(std::chrono::hours(1));
    response.set_header("X-RateLimit-Reset", std::to_string((reset.time_since_epoch().count() + 999) / 1000));
    return response;
  }
  if (status == 401) return fault_expired_token(request);
  if (status == 404) return not_found();
  if (status == 405) return method_not_allowed();
  if (status >= 500) return message(status, "Internal Server Error");
  return message(status, "Request failed");
}

Response CapsuleApi::fault_expired_token(const Request&) {
  Response response = message(401, "Unauthorized");
  response.set_header("WWW-Authenticate",
                      "Bearer realm=\"Capsule API\", error=\"invalid_token\", error_description=\"The access token expired\"");
  return response;
}

Response CapsuleApi::route(const Request& request, const std::string& path, std::int64_t user) {
  const std::string& method = request.method;
  std::vector<std::string_view> parts;
  for (std::string_view rest = path; !rest.empty();) {
    if (rest.front() == '/') rest.remove_prefix(1);
    auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash);
  }
  auto n = parts.size();
  // A known route with a method it does not take is 405, as Capsule answers; unknown routes 404.
  auto is = [&](std::initializer_list<const char*> allowed) {
    for (const char* m : allowed)
      if (method == m) return true;
    return false;
  };
  if (n >= 1 && parts[0] == "parties") {
    if (n == 1) {
      if (method == "GET") return list_parties(request);
      if (method == "POST") {
        Response created = create_party(request, user);
        auto doc = created.status == 201 ? parse_json(created.body) : std::nullopt;
        const Value* party = doc ? member(*doc, "party") : nullptr;
        const auto new_id = party ? int_member(*party, "id") : std::nullopt;
        return new_id ? announced(std::move(created), "party/created", *new_id) : created;
      }
      return method_not_allowed();
    }
    if (n == 2 && parts[1] == "deleted") return is({"GET"}) ? deleted_parties(request) : method_not_allowed();
    if (n == 2 && parts[1] == "tags") return is({"GET"}) ? list_array(request, account_->tags, "tags") : method_not_allowed();
    if (n == 3 && parts[1] == "fields" && parts[2] == "definitions")
      return is({"GET"}) ? list_array(request, account_->definitions, "definitions") : method_not_allowed();
    if (n == 2 && !is({"GET", "PUT", "DELETE"})) return method_not_allowed();
    if (n == 2 && method == "GET") return get_parties(request, parts[1]);
    auto id = n >= 2 ? to_id(parts[1]) : std::nullopt;
    if (!id) return not_found();
    if (n == 2 && method == "PUT") return announced(update_party(request, *id), "party/updated", *id);
    if (n == 2 && method == "DELETE") return announced(delete_party(*id), "party/deleted", *id);
    if (n == 3 && parts[2] == "entries") return is({"GET"}) ? entries_of(request, "party", *id) : method_not_allowed();
    if (n == 3 && parts[2] == "people") return is({"GET"}) ? people(request, *id) : method_not_allowed();
    return not_found();
  }
  if (n == 3 && parts[0] == "opportunities" && parts[2] == "entries") {
    auto id = to_id(parts[1]);
    if (!id) return not_found();
    return is({"GET"}) ? entries_of(request, "opportunity", *id) : method_not_allowed();
  }
  if (n >= 1 && (parts[0] == "opportunities" || parts[0] == "pipelines" || parts[0] == "milestones"))
    return opportunities_route(*account_, context_, request, parts);
  if (n >= 1 && parts[0] == "resthooks") return capsule_rest_hooks(*account_, context_, request, parts, client_, user);
  if (n >= 1 && parts[0] == "entries") {
    if (n == 1 && method == "POST") return write_entry(request, 0, user);
    if (n == 1) return method == "GET" ? not_found() : method_not_allowed();  // GET /entries is not faked
    if (n == 2 && !is({"GET", "PUT", "DELETE"})) return method_not_allowed();
    auto id = n == 2 ? to_id(parts[1]) : std::nullopt;
    if (!id || !account_->entries.contains(*id)) return not_found();
    if (method == "GET") return json_response(200, entry_json(account_->entries[*id]));
    if (method == "PUT") return write_entry(request, *id, user);
    account_->entries.erase(*id);
    Response response;
    response.status = 204;
    return response;
  }
  bool known = (n == 1 && (parts[0] == "teams" || parts[0] == "users" || parts[0] == "countries" || parts[0] == "site")) ||
               (n == 2 && parts[0] == "users" && parts[1] == "current");
  if (known && method != "GET") return method_not_allowed();
  if (n == 1 && parts[0] == "teams") return list_array(request, account_->teams, "teams");
  if (n == 1 && parts[0] == "users") return list_array(request, account_->users, "users");
  if (n == 2 && parts[0] == "users" && parts[1] == "current") {
    const Value* found = account_->find_by_id(account_->users, user);
    if (found == nullptr) return not_found();
    return json_response(200, "{\"user\":" + to_json(*found) + "}");
  }
  if (n == 1 && parts[0] == "site") {
    // https://developer.capsulecrm.com/v2/operations/Site ("Show Site"): the account the token
    // belongs to, {"site":{"url","subdomain","name"}}.
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("site");
    writer.StartObject();
    const std::string url = "https://" + account_->site_subdomain + ".capsulecrm.com";
    writer.Key("url");
    writer.String(url.c_str());
    writer.Key("subdomain");
    writer.String(account_->site_subdomain.c_str());
    writer.Key("name");
    writer.String(account_->site_name.c_str());
    writer.EndObject();
    writer.EndObject();
    return json_response(200, buffer.GetString());
  }
  if (n == 1 && parts[0] == "countries") {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartObject();
    writer.Key("countries");
    writer.StartArray();
    for (auto name : capsule_countries()) {
      writer.StartObject();
      writer.Key("name");
      writer.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    return json_response(200, buffer.GetString());
  }
  return not_found();
}

Response CapsuleApi::list_parties(const Request& request) {
  Paging p = paging(request);
  if (!p.error.empty()) return message(400, p.error);
  std::optional<TimePoint> since;
  if (auto text = request.param("since")) {
    since = parse_time(*text);
    if (!since)
      return json_response(422, CapsuleWriteError{422, "Validation Failed", {{"party", "since", "since must be ISO8601"}}}.to_json());
  }
  std::vector<const Value*> matches;
  for (const auto& [id, party] : account_->parties) {
    if (since) {
      auto updated = parse_time(string_member(party, "updatedAt").value_or(""));
      if (!updated || *updated <= *since) continue;  // "changed after this date"
    }
    matches.push_back(&party);
  }
  return party_page(request, matches, p.page, p.per_page);
}

// One page of parties as {"parties":[…]} with Capsule's Link header.
Response CapsuleApi::party_page(const Request& request, const std::vector<const Value*>& matches, std::int64_t page,
                                std::int64_t per_page) {
  Embeds embeds = embeds_of(request);
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("parties");
  writer.StartArray();
  auto first = static_cast<std::size_t>((page - 1) * per_page);
  for (auto i = first; i < matches.size() && i < first + static_cast<std::size_t>(per_page); ++i)
    write_party(writer, *account_, *matches[i], embeds);
  writer.EndArray();
  writer.EndObject();
  Response response = json_response(200, buffer.GetString());
  set_links(response, context_, request, page, first + static_cast<std::size_t>(per_page) < matches.size());
  return response;
}

Response CapsuleApi::people(const Request& request, std::int64_t organisation_id) {
  Paging p = paging(request);
  if (!p.error.empty()) return message(400, p.error);
  std::vector<const Value*> matches;
  for (const auto& [pid, party] : account_->parties) {
    const Value* org = member(party, "organisation");
    if (org != nullptr && org->IsObject() && int_member(*org, "id") == organisation_id) matches.push_back(&party);
  }
  return party_page(request, matches, p.page, p.per_page);
}

Response CapsuleApi::get_parties(const Request& request, std::string_view ids) {
  std::vector<std::int64_t> wanted;
  for (std::string_view rest = ids;;) {
    auto comma = rest.find(',');
    auto id = to_id(rest.substr(0, comma));
    if (!id) return not_found();
    wanted.push_back(*id);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (wanted.size() > 10) return message(400, "at most 10 ids");
  Embeds embeds = embeds_of(request);
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  if (wanted.size() == 1) {
    const Value* party = account_->party(wanted[0]);
    if (party == nullptr) return not_found();
    writer.Key("party");
    write_party(writer, *account_, *party, embeds);
  } else {
    writer.Key("parties");
    writer.StartArray();
    for (auto id : wanted)
      if (const Value* party = account_->party(id)) write_party(writer, *account_, *party, embeds);
    writer.EndArray();
  }
  writer.EndObject();
  return json_response(200, buffer.GetString());
}

Response CapsuleApi::create_party(const Request& request, std::int64_t user) {
  auto body = parse_json(request.body);
  const Value* input = body ? member(*body, "party") : nullptr;
  if (input == nullptr || !input->IsObject()) return message(400, "body must be {\"party\":{…}}");
  std::optional<CapsuleWriteError> error;
  auto id = capsync::sandbox::create_party(*account_, *input, context_.clock.now(), user, error);
  if (error) return json_response(error->status, error->to_json());
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("party");
  write_party(writer, *account_, *account_->party(id), embeds_of(request));
  writer.EndObject();
  Response response = json_response(201, buffer.GetString());
  response.set_header("Location", fmt::format("{}{}/parties/{}", context_.base_url, kBase, id));
  return response;
}

Response CapsuleApi::update_party(const Request& request, std::int64_t id) {
  auto body = parse_json(request.body);
  const Value* input = body ? member(*body, "party") : nullptr;
  if (input == nullptr || !input->IsObject()) return message(400, "body must be {\"party\":{…}}");
  if (auto error = capsync::sandbox::update_party(*account_, id, *input, context_.clock.now()))
    return json_response(error->status, error->to_json());
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("party");
  write_party(writer, *account_, *account_->party(id), embeds_of(request));
  writer.EndObject();
  return json_response(200, buffer.GetString());
}

Response CapsuleApi::delete_party(std::int64_t id) {
  if (account_->parties.erase(id) == 0) return not_found();
  account_->deleted.push_back({id, context_.clock.now()});
  Response response;
  response.status = 204;
  return response;
}

Response CapsuleApi::deleted_parties(const Request& request) {
  auto text = request.param("since");
  auto since = text ? parse_time(*text) : std::nullopt;
  if (!since)
    return json_response(422, CapsuleWriteError{422, "Validation Failed", {{"party", "since", "since is required"}}}.to_json());
  Paging p = paging(request);
  if (!p.error.empty()) return message(400, p.error);
  std::vector<const CapsuleDeleted*> matches;
  for (const auto& gone : account_->deleted)
    if (gone.deleted_at > *since) matches.push_back(&gone);
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("parties");
  writer.StartArray();
  auto first = static_cast<std::size_t>((p.page - 1) * p.per_page);
  for (auto i = first; i < matches.size() && i < first + static_cast<std::size_t>(p.per_page); ++i) {
    writer.StartObject();
    writer.Key("id");
    writer.Int64(matches[i]->id);
    writer.Key("deletedAt");
    writer.String(iso_seconds(matches[i]->deleted_at));
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  Response response = json_response(200, buffer.GetString());
  set_links(response, context_, request, p.page, first + static_cast<std::size_t>(p.per_page) < matches.size());
  return response;
}

Response CapsuleApi::list_array(const Request& request, const Value& array, const char* key) {
  Paging p = paging(request);
  if (!p.error.empty()) return message(400, p.error);
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key(key);
  writer.StartArray();
  auto first = static_cast<rapidjson::SizeType>((p.page - 1) * p.per_page);
  auto end = first + static_cast<rapidjson::SizeType>(p.per_page);
  for (auto i = first; i < array.Size() && i < end; ++i) array[i].Accept(writer);
  writer.EndArray();
  writer.EndObject();
  Response response = json_response(200, buffer.GetString());
  set_links(response, context_, request, p.page, end < array.Size());
  return response;
}

Response CapsuleApi::entries_of(const Request& request, const char* record, std::int64_t id) {
  const bool exists = std::string_view(record) == "party" ? account_->party(id) != nullptr : account_->opportunities.contains(id);
  if (!exists) return not_found();
  Value list(rapidjson::kArrayType);
  for (auto it = account_->entries.rbegin(); it != account_->entries.rend(); ++it) {  // newest first
    const Value* ref = member(it->second, record);
    if (ref != nullptr && ref->IsObject() && int_member(*ref, "id") == id)
      list.PushBack(Value(it->second, account_->alloc()), account_->alloc());
  }
  return list_array(request, list, "entries");
}

Response CapsuleApi::write_entry(const Request& request, std::int64_t id, std::int64_t user) {
  auto body = parse_json(request.body);
  const Value* input = body ? member(*body, "entry") : nullptr;
  if (input == nullptr || !input->IsObject()) return message(400, "body must be {\"entry\":{…}}");
  auto& alloc = account_->alloc();
  std::string stamp = iso_seconds(context_.clock.now());
  if (id == 0) {
    if (string_member(*input, "type").value_or("note") != "note")
      return json_response(422, CapsuleWriteError{422, "Validation Failed", {{"entry", "type", "only notes are supported"}}}.to_json());
    // On a party or an opportunity (https://developer.capsulecrm.com/v2/operations/Entry).
    const Value* party_ref = member(*input, "party");
    auto party_id = party_ref ? int_member(*party_ref, "id") : std::nullopt;
    const Value* party = party_id ? account_->party(*party_id) : nullptr;
    const Value* opportunity_ref = member(*input, "opportunity");
    auto opportunity_id = opportunity_ref ? int_member(*opportunity_ref, "id") : std::nullopt;
    auto opportunity = opportunity_id ? account_->opportunities.find(*opportunity_id) : account_->opportunities.end();
    const bool on_opportunity = party == nullptr && opportunity != account_->opportunities.end();
    auto content = string_member(*input, "content");
    if ((party == nullptr && !on_opportunity) || !content || content->empty())
      return json_response(422, CapsuleWriteError{422, "Validation Failed", {{"entry", party == nullptr && !on_opportunity ? "party" : "content", "is required"}}}.to_json());
    id = account_->new_id();
    Value entry(rapidjson::kObjectType);
    set_member(entry, "id", Value(id), alloc);
    set_string(entry, "type", "note", alloc);
    set_string(entry, "content", *content, alloc);
    set_string(entry, "createdAt", stamp, alloc);
    set_string(entry, "updatedAt", stamp, alloc);
    set_string(entry, "entryAt", string_member(*input, "entryAt").value_or(stamp), alloc);
    const Value* creator = account_->find_by_id(account_->users, user);
    set_member(entry, "creator", creator ? Value(*creator, alloc) : Value(), alloc);
    Value ref(rapidjson::kObjectType);
    for (const char* key : {"id", "type", "name", "firstName", "lastName"})
      if (const Value* v = member(on_opportunity ? opportunity->second : *party, key)) set_member(ref, key, Value(*v, alloc), alloc);
    set_member(entry, "party", on_opportunity ? Value() : std::move(ref), alloc);
    set_member(entry, "opportunity", on_opportunity ? std::move(ref) : Value(), alloc);
    set_member(entry, "kase", Value(), alloc);
    account_->entries[id] = std::move(entry);
    Response response = json_response(201, entry_json(account_->entries[id]));
    response.set_header("Location", fmt::format("{}{}/entries/{}", context_.base_url, kBase, id));
    return response;
  }
  Value& entry = account_->entries[id];
  auto content = string_member(*input, "content");
  if (content && content != string_member(entry, "content")) {
    set_string(entry, "content", *content, alloc);
    set_string(entry, "updatedAt", stamp, alloc);
  }
  return json_response(200, entry_json(entry));
}

}  // namespace capsync::sandbox
