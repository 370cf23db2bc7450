#include "connectors/capsule/catalog.hpp"

#include "core/connector/json.hpp"

namespace capsync::capsule {

namespace json = connector::json;

namespace {
template <typename T>
Result<std::vector<T>> parse_named(std::string_view body, std::string_view key) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, key);
  if (!list) return make_error(Errc::protocol, "no \"{}\" array in the response", key);
  std::vector<T> out;
  for (const auto& v : list->GetArray()) {
    auto id = json::integer(v, "id");
    if (!id || !*id) return make_error(Errc::protocol, "an item of \"{}\" has no id", key);
    out.push_back(T{*id, std::string(json::text_or_empty(v, "name"))});
  }
  return out;
}
}  // namespace

Result<std::vector<model::TeamRef>> parse_teams_body(std::string_view body) {
  return parse_named<model::TeamRef>(body, "teams");
}

Result<std::vector<model::Tag>> parse_tags_body(std::string_view body) {
  return parse_named<model::Tag>(body, "tags");
}

Result<connector::CapsuleAccount> parse_site_body(std::string_view body, std::string_view base_url) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto site = doc->FindMember("site");
  if (site == doc->MemberEnd() || !site->value.IsObject()) return make_error(Errc::protocol, "no \"site\" object");
  connector::CapsuleAccount out;
  out.subdomain = std::string(json::text_or_empty(site->value, "subdomain"));
  if (out.subdomain.empty()) return make_error(Errc::protocol, "the site has no subdomain");
  out.name = std::string(json::text_or_empty(site->value, "name"));
  std::string_view host = base_url;
  if (const auto scheme = host.find("://"); scheme != std::string_view::npos) host.remove_prefix(scheme + 3);
  host = host.substr(0, host.find('/'));
  out.key = fmt::format("{}/{}", host, out.subdomain);
  return out;
}

Result<model::TeamRef> find_team(const std::vector<model::TeamRef>& teams, std::string_view name) {
  std::vector<std::string_view> names;
  for (const auto& t : teams) {
    if (t.name == name) return t;
    names.push_back(t.name);
  }
  return make_error(Errc::invalid_argument,
                    "Capsule has no team named '{}' (default_team); teams: {}", name,
                    names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")));
}

}  // namespace capsync::capsule
