#include "connectors/capsule/capsule_connector.hpp"

#include <algorithm>

#include "connectors/capsule/catalog.hpp"
#include "connectors/capsule/entries.hpp"
#include "connectors/capsule/errors.hpp"
#include "connectors/capsule/fields.hpp"
#include "connectors/capsule/opportunities.hpp"
#include "connectors/capsule/parties.hpp"
#include "core/connector/cursor.hpp"
#include "core/connector/headers.hpp"
#include "core/connector/json.hpp"
#include "core/http/retry_policy.hpp"
#include "core/http/url_encoding.hpp"

namespace capsync::capsule {

namespace asio = boost::asio;
using connector::ListRequest;
using connector::Page;

namespace {

constexpr std::string_view kApi = "/api/v2";
constexpr std::string_view kOpportunityEmbed = "party,milestone,fields,tags";
constexpr std::size_t kMaxIds = 10;  // GET /parties/{ids}: "at most 10 values"

std::string iso_seconds(model::Timestamp t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::floor<std::chrono::seconds>(t));
}

// When Capsule answered, by its own clock (the Date header): where a listing's cursor starts.
std::optional<model::Timestamp> answered_at(const http::Response& response) {
  auto date = connector::find_header(response.headers, "Date");
  if (!date) return std::nullopt;
  auto at = http::parse_http_date(*date);
  if (!at) return std::nullopt;
  return std::chrono::floor<std::chrono::milliseconds>(*at);
}

// Whether a party PUT only sets fields and changes or deletes items named by id: sent twice,
// it has the same effect. Items without an id are appended, so such a PUT is sent once.
bool repeatable_party_update(std::string_view body) {
  auto doc = connector::json::parse(body);
  if (!doc) return false;
  const auto* party = connector::json::object(*doc, "party");
  if (!party) return false;
  for (const auto& member : party->GetObject()) {
    if (!member.value.IsArray()) continue;
    for (const auto& item : member.value.GetArray())
      if (!item.IsObject() || !item.HasMember("id")) return false;
  }
  return true;
}

}  // namespace

CapsuleClient::CapsuleClient(connector::HttpSender& http, connector::TokenSource& tokens,
                             CapsuleSettings settings)
    : http_(http), tokens_(tokens), settings_(std::move(settings)) {
  while (settings_.base_url.ends_with('/')) settings_.base_url.pop_back();
}

http::Request CapsuleClient::request_url(http::Method method, std::string url) const {
  http::Request r;
  r.method = method;
  r.url = std::move(url);
  r.headers.emplace_back("Accept", "application/json");
  r.accept_body = connector::json::well_formed;
  r.timeout = settings_.timeout;
  r.gate = settings_.gate;
  return r;
}

http::Request CapsuleClient::request(http::Method method, std::string path_and_query) const {
  return request_url(method, fmt::format("{}{}{}", settings_.base_url, kApi, path_and_query));
}

asio::awaitable<Result<http::Response>> CapsuleClient::call(http::Request req, std::string_view what) {
  for (int attempt = 0;; ++attempt) {
    auto token = co_await tokens_.access_token();
    if (!token) co_return token.error().with_context(fmt::format("Failed to send {} to Capsule", what));
    req.bearer = *token;
    auto response = co_await http_.send(req);
    if (!response) co_return response.error().with_context(fmt::format("Failed to send {} to Capsule", what));
    if (response->status == 401) {
      // One 401 is not proof of a revoked token: retry once with a fresh read of it.
      if (attempt == 0) {
        tokens_.invalidate();
        continue;
      }
      tokens_.rejected();
      co_return map_error(*response, what);
    }
    tokens_.accepted();
    if (!response->ok()) co_return map_error(*response, what);
    co_return response;
  }
}

asio::awaitable<Result<std::vector<std::string>>> CapsuleClient::all_pages(std::string url, std::string_view what) {
  std::vector<std::string> bodies;
  while (!url.empty()) {
    auto response = co_await call(request_url(http::Method::get, url), what);
    if (!response) co_return response.error();
    url = connector::next_link(connector::find_header(response->headers, "Link").value_or(""));
    bodies.push_back(std::move(response->body));
  }
  co_return bodies;
}

asio::awaitable<Result<Page<model::Party>>> CapsuleClient::list_parties(ListRequest req) {
  std::optional<model::Timestamp> since;
  if (!req.cursor.empty()) {
    auto ts = model::parse_timestamp(req.cursor);
    if (!ts) co_return make_error(Errc::invalid_argument, "bad Capsule cursor '{}'", req.cursor);
    since = *ts;
  }
  std::string query = fmt::format("/parties?page={}&perPage={}&embed={}", req.page, settings_.per_page,
                                  http::encode_component("fields,tags"));
  // "changed after this date", whole seconds: ask from one second earlier, drop the older ones.
  if (since) query += "&since=" + http::encode_component(iso_seconds(*since - std::chrono::seconds(1)));
  std::string what = fmt::format("the parties page {}", req.page);
  auto response = co_await call(request(http::Method::get, std::move(query)), what);
  if (!response) co_return response.error();
  auto parties = parse_parties_body(response->body);
  if (!parties)
    co_return parties.error().with_context(fmt::format("Capsule returned a malformed parties page (page {})", req.page));
  Page<model::Party> page;
  page.page = req.page;
  // No total: Capsule pages with a Link header (next, prev) and says no count, in the body or a
  // header (https://developer.capsulecrm.com/v2/overview/reading-from-the-api "Pagination").
  page.has_next = !connector::next_link(connector::find_header(response->headers, "Link").value_or("")).empty();
  page.items = std::move(parties->parties);
  page.unreadable = std::move(parties->unreadable);
  page.answered_at = answered_at(*response);
  if (since)
    std::erase_if(page.items, [&](const model::Party& p) { return p.updated_at && *p.updated_at < *since; });
  std::optional<model::Timestamp> high = since;
  for (const auto& p : page.items)
    if (p.updated_at && (!high || *p.updated_at > *high)) high = p.updated_at;
  page.cursor = high ? model::format_timestamp(*high) : req.cursor;
  co_return page;
}

asio::awaitable<Result<std::vector<connector::DeletedParty>>> CapsuleClient::list_deleted_parties(model::Timestamp since) {
  std::string url = fmt::format("{}{}/parties/deleted?perPage={}&since={}", settings_.base_url, kApi,
                                settings_.per_page, http::encode_component(iso_seconds(since - std::chrono::seconds(1))));
  auto bodies = co_await all_pages(std::move(url), "the deleted-parties list");
  if (!bodies) co_return bodies.error();
  std::vector<connector::DeletedParty> out;
  for (const auto& body : *bodies) {
    auto gone = parse_deleted_body(body);
    if (!gone) co_return gone.error().with_context("Capsule returned a malformed deleted-parties list");
    for (auto& g : *gone)
      if (!g.deleted_at || *g.deleted_at >= std::chrono::floor<std::chrono::seconds>(since)) out.push_back(g);
  }
  co_return out;
}

asio::awaitable<Result<model::Party>> CapsuleClient::get_party(model::PartyId id) {
  std::string what = fmt::format("party {}", id);
  auto response = co_await call(
      request(http::Method::get, fmt::format("/parties/{}?embed={}", id, http::encode_component("fields,tags"))), what);
  if (!response) co_return response.error();
  auto party = parse_party_body(response->body);
  if (!party) co_return party.error().with_context(fmt::format("Capsule returned a malformed {}", what));
  co_return party;
}

asio::awaitable<Result<std::vector<model::Party>>> CapsuleClient::get_parties(std::span<const model::PartyId> ids) {
  if (ids.size() > kMaxIds)
    co_return make_error(Errc::invalid_argument, "Capsule reads at most {} parties at once, not {}", kMaxIds, ids.size());
  if (ids.empty()) co_return std::vector<model::Party>{};
  std::string list = fmt::format("{}", fmt::join(ids, ","));
  std::string what = fmt::format("parties {}", list);
  auto response = co_await call(
      request(http::Method::get, fmt::format("/parties/{}?embed={}", list, http::encode_component("fields,tags"))), what);
  if (!response) {
    if (response.error().code() == Errc::not_found) co_return std::vector<model::Party>{};
    co_return response.error();
  }
  auto parties = parse_parties_body(response->body);
  if (!parties) co_return parties.error().with_context(fmt::format("Capsule returned malformed {}", what));
  // Asked for by id, a party that cannot be read fails the read: the listing records it (R17).
  if (!parties->unreadable.empty()) {
    const auto& bad = parties->unreadable.front();
    co_return make_error(Errc::protocol, "Capsule returned {} that cannot be read: party {}: {}", what, bad.id, bad.reason);
  }
  co_return std::move(parties->parties);
}

asio::awaitable<Result<model::Party>> CapsuleClient::create_party(const model::PartySpec& spec) {
  std::string what = fmt::format("{} '{}'", model::to_string(spec.type), spec.display_name());
  auto body = party_create_body(spec);
  if (!body) co_return body.error().with_context(fmt::format("Failed to create {}", what));
  auto r = request(http::Method::post, fmt::format("/parties?embed={}", http::encode_component("fields,tags")));
  r.body = std::move(*body);
  r.content_type = "application/json";
  auto response = co_await call(std::move(r), what);
  if (!response) co_return response.error();
  auto party = parse_party_body(response->body);
  if (!party) co_return party.error().with_context(fmt::format("Capsule returned a malformed answer creating {}", what));
  co_return party;
}

asio::awaitable<Result<model::Party>> CapsuleClient::update_party(const model::Party& current,
                                                                  const connector::PartyPatch& patch) {
  std::string what = fmt::format("party {} '{}'", current.id, current.display_name());
  auto body = party_update_body(current, patch);
  if (!body) co_return body.error().with_context(fmt::format("Failed to update {}", what));
  if (!*body) co_return current;  // nothing to change
  auto r = request(http::Method::put, fmt::format("/parties/{}?embed={}", current.id, http::encode_component("fields,tags")));
  r.body = std::move(**body);
  r.content_type = "application/json";
  r.retry_safe = repeatable_party_update(r.body);
  auto response = co_await call(std::move(r), what);
  if (!response) co_return response.error();
  auto party = parse_party_body(response->body);
  if (!party) co_return party.error().with_context(fmt::format("Capsule returned a malformed answer updating {}", what));
  co_return party;
}

asio::awaitable<Result<std::vector<connector::FieldDefinition>>> CapsuleClient::field_definitions() {
  auto bodies = co_await all_pages(fmt::format("{}{}/parties/fields/definitions?perPage={}", settings_.base_url,
                                               kApi, settings_.per_page),
                                   "the custom field definitions");
  if (!bodies) co_return bodies.error();
  std::vector<connector::FieldDefinition> out;
  for (const auto& body : *bodies) {
    auto defs = parse_definitions_body(body);
    if (!defs) co_return defs.error().with_context("Capsule returned malformed field definitions");
    out.insert(out.end(), defs->begin(), defs->end());
  }
  co_return out;
}

asio::awaitable<Result<std::int64_t>> CapsuleClient::resolve_field(std::string_view name, connector::FieldType type) {
  auto defs = co_await field_definitions();
  if (!defs) co_return defs.error();
  co_return find_definition(*defs, name, type);
}

asio::awaitable<Result<model::TeamRef>> CapsuleClient::resolve_team(std::string_view name) {
  auto bodies = co_await all_pages(fmt::format("{}{}/teams?perPage={}", settings_.base_url, kApi, settings_.per_page),
                                   "the teams list");
  if (!bodies) co_return bodies.error();
  std::vector<model::TeamRef> teams;
  for (const auto& body : *bodies) {
    auto page = parse_teams_body(body);
    if (!page) co_return page.error().with_context("Capsule returned a malformed teams list");
    teams.insert(teams.end(), page->begin(), page->end());
  }
  co_return find_team(teams, name);
}

asio::awaitable<Result<std::vector<model::Tag>>> CapsuleClient::list_tags() {
  auto bodies = co_await all_pages(fmt::format("{}{}/parties/tags?perPage={}", settings_.base_url, kApi, settings_.per_page),
                                   "the tags list");
  if (!bodies) co_return bodies.error();
  std::vector<model::Tag> tags;
  for (const auto& body : *bodies) {
    auto page = parse_tags_body(body);
    if (!page) co_return page.error().with_context("Capsule returned a malformed tags list");
    tags.insert(tags.end(), page->begin(), page->end());
  }
  co_return tags;
}

asio::awaitable<Result<connector::CapsuleAccount>> CapsuleClient::account() {
  if (account_) co_return *account_;
  auto response = co_await call(request(http::Method::get, "/site"), "the Capsule account");
  if (!response) co_return response.error();
  auto site = parse_site_body(response->body, settings_.base_url);
  if (!site) co_return site.error().with_context("Capsule returned a malformed account (GET /site)");
  account_ = std::move(*site);
  co_return *account_;
}

asio::awaitable<Result<std::vector<connector::Note>>> CapsuleClient::list_notes(model::PartyId party) {
  co_return co_await list_entries_of("parties", party, fmt::format("the notes of party {}", party));
}

asio::awaitable<Result<std::vector<connector::Note>>> CapsuleClient::list_opportunity_notes(model::OpportunityId id) {
  co_return co_await list_entries_of("opportunities", id, fmt::format("the notes of opportunity {}", id));
}

asio::awaitable<Result<std::vector<connector::Note>>> CapsuleClient::list_entries_of(std::string_view entity,
                                                                                     std::int64_t id,
                                                                                     std::string what) {
  auto bodies = co_await all_pages(
      fmt::format("{}{}/{}/{}/entries?perPage={}", settings_.base_url, kApi, entity, id, settings_.per_page), what);
  if (!bodies) co_return bodies.error();
  std::vector<connector::Note> notes;
  for (const auto& body : *bodies) {
    auto page = parse_notes_body(body);
    if (!page) co_return page.error().with_context(fmt::format("Capsule returned a malformed answer for {}", what));
    notes.insert(notes.end(), page->begin(), page->end());
  }
  co_return notes;
}

asio::awaitable<Result<connector::Note>> CapsuleClient::create_note(model::PartyId party, std::string_view content) {
  co_return co_await create_entry(note_create_body(party, content), fmt::format("the invoice note of party {}", party));
}

asio::awaitable<Result<connector::Note>> CapsuleClient::create_opportunity_note(model::OpportunityId id,
                                                                                std::string_view content) {
  co_return co_await create_entry(opportunity_note_create_body(id, content),
                                  fmt::format("the quote note of opportunity {}", id));
}

asio::awaitable<Result<connector::Note>> CapsuleClient::create_entry(std::string body, std::string what) {
  auto r = request(http::Method::post, "/entries");
  r.body = std::move(body);
  r.content_type = "application/json";
  auto response = co_await call(std::move(r), what);
  if (!response) co_return response.error();
  auto note = parse_entry_body(response->body);
  if (!note) co_return note.error().with_context(fmt::format("Capsule returned a malformed answer for {}", what));
  co_return note;
}

asio::awaitable<Result<connector::Note>> CapsuleClient::update_note(std::int64_t note_id, std::string_view content) {
  std::string what = fmt::format("note {}", note_id);
  auto r = request(http::Method::put, fmt::format("/entries/{}", note_id));
  r.body = note_update_body(content);
  r.content_type = "application/json";
  r.retry_safe = true;  // same content twice is the same note
  auto response = co_await call(std::move(r), what);
  if (!response) co_return response.error();
  auto note = parse_entry_body(response->body);
  if (!note) co_return note.error().with_context(fmt::format("Capsule returned a malformed answer for {}", what));
  co_return note;
}

asio::awaitable<Status> CapsuleClient::delete_note(std::int64_t note_id) {
  auto r = request(http::Method::del, fmt::format("/entries/{}", note_id));
  r.retry_safe = true;
  auto response = co_await call(std::move(r), fmt::format("note {}", note_id));
  if (!response && response.error().code() != Errc::not_found) co_return response.error();
  co_return Status{};
}

asio::awaitable<Result<Page<model::Opportunity>>> CapsuleClient::list_opportunities(ListRequest req) {
  auto since = connector::parse_cursor(req.cursor, "Capsule");
  if (!since) co_return since.error();
  std::string query = fmt::format("/opportunities?page={}&perPage={}&embed={}", req.page, settings_.per_page,
                                  http::encode_component(kOpportunityEmbed));
  // "changed after this date", whole seconds: ask from one second earlier, drop the older ones.
  if (*since) query += "&since=" + http::encode_component(iso_seconds(**since - std::chrono::seconds(1)));
  std::string what = fmt::format("the opportunities page {}", req.page);
  auto response = co_await call(request(http::Method::get, std::move(query)), what);
  if (!response) co_return response.error();
  auto parsed = parse_opportunities_body(response->body);
  if (!parsed)
    co_return parsed.error().with_context(
        fmt::format("Capsule returned a malformed opportunities page (page {})", req.page));
  Page<model::Opportunity> page;
  page.page = req.page;
  page.has_next = !connector::next_link(connector::find_header(response->headers, "Link").value_or("")).empty();
  page.items = std::move(parsed->opportunities);
  page.unreadable = std::move(parsed->unreadable);
  page.answered_at = answered_at(*response);
  page.cursor = connector::keep_new(page.items, *since, req.cursor);
  co_return page;
}

asio::awaitable<Result<std::vector<connector::DeletedParty>>> CapsuleClient::list_deleted_opportunities(
    model::Timestamp since) {
  std::string url = fmt::format("{}{}/opportunities/deleted?perPage={}&since={}", settings_.base_url, kApi,
                                settings_.per_page, http::encode_component(iso_seconds(since - std::chrono::seconds(1))));
  auto bodies = co_await all_pages(std::move(url), "the deleted-opportunities list");
  if (!bodies) co_return bodies.error();
  std::vector<connector::DeletedParty> out;
  for (const auto& body : *bodies) {
    auto gone = parse_deleted_body(body, "opportunities");
    if (!gone) co_return gone.error().with_context("Capsule returned a malformed deleted-opportunities list");
    for (auto& g : *gone)
      if (!g.deleted_at || *g.deleted_at >= std::chrono::floor<std::chrono::seconds>(since)) out.push_back(g);
  }
  co_return out;
}

asio::awaitable<Result<std::vector<model::Milestone>>> CapsuleClient::list_milestones() {
  auto pipelines = co_await all_pages(fmt::format("{}{}/pipelines?perPage={}", settings_.base_url, kApi,
                                                  settings_.per_page), "the pipelines list");
  if (!pipelines) co_return pipelines.error();
  std::vector<model::Milestone> out;
  for (const auto& body : *pipelines) {
    auto ids = parse_pipeline_ids(body);
    if (!ids) co_return ids.error().with_context("Capsule returned a malformed pipelines list");
    for (const auto id : *ids) {
      auto pages = co_await all_pages(fmt::format("{}{}/pipelines/{}/milestones?perPage={}", settings_.base_url, kApi,
                                                  id, settings_.per_page),
                                      fmt::format("the milestones of pipeline {}", id));
      if (!pages) co_return pages.error();
      for (const auto& page : *pages) {
        auto milestones = parse_milestones_body(page);
        if (!milestones)
          co_return milestones.error().with_context(fmt::format("Capsule returned malformed milestones of pipeline {}", id));
        out.insert(out.end(), milestones->begin(), milestones->end());
      }
    }
  }
  co_return out;
}

asio::awaitable<Result<model::Opportunity>> CapsuleClient::get_opportunity(model::OpportunityId id) {
  std::string what = fmt::format("opportunity {}", id);
  auto response = co_await call(request(http::Method::get, fmt::format("/opportunities/{}?embed={}", id,
                                                                       http::encode_component(kOpportunityEmbed))),
                                what);
  if (!response) co_return response.error();
  auto o = parse_opportunity_body(response->body);
  if (!o) co_return o.error().with_context(fmt::format("Capsule returned a malformed {}", what));
  co_return o;
}

asio::awaitable<Status> CapsuleClient::tag_opportunity(model::OpportunityId id, std::string_view name) {
  auto r = request(http::Method::put, fmt::format("/opportunities/{}", id));
  r.body = opportunity_tag_body(name);
  r.content_type = "application/json";
  r.retry_safe = true;  // a tag Capsule already has on the opportunity is not added twice
  auto response = co_await call(std::move(r), fmt::format("the tag '{}' of opportunity {}", name, id));
  if (!response) co_return response.error();
  co_return Status{};
}

asio::awaitable<Result<std::vector<RestHook>>> CapsuleClient::list_rest_hooks() {
  auto response = co_await call(request(http::Method::get, "/resthooks"), "the REST hooks list");
  if (!response) co_return response.error();
  auto hooks = parse_rest_hooks_body(response->body);
  if (!hooks) co_return hooks.error().with_context("Capsule returned a malformed REST hooks list");
  co_return hooks;
}

asio::awaitable<Result<RestHook>> CapsuleClient::subscribe_rest_hook(const RestHook& hook) {
  const std::string what = fmt::format("the {} REST hook", hook.event);
  auto r = request(http::Method::post, "/resthooks");
  r.body = rest_hook_create_body(hook);
  r.content_type = "application/json";
  auto response = co_await call(std::move(r), what);
  if (!response) co_return response.error();
  auto made = parse_rest_hook_body(response->body);
  if (!made) co_return made.error().with_context(fmt::format("Capsule returned a malformed answer for {}", what));
  co_return made;
}

asio::awaitable<Status> CapsuleClient::unsubscribe_rest_hook(std::int64_t id) {
  auto r = request(http::Method::del, fmt::format("/resthooks/{}", id));
  r.retry_safe = true;
  auto response = co_await call(std::move(r), fmt::format("REST hook {}", id));
  if (!response) co_return response.error();
  co_return Status{};
}

}  // namespace capsync::capsule
