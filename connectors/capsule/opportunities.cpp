#include "connectors/capsule/opportunities.hpp"

#include <fmt/format.h>

#include "core/connector/json.hpp"

namespace capsync::capsule {

namespace json = connector::json;
using Value = rapidjson::Value;

namespace {

Result<std::int64_t> id_of(const Value& v, std::string_view what) {
  auto id = json::integer(v, "id");
  if (!id) return id.error();
  if (!*id) return make_error(Errc::protocol, "{} has no id", what);
  return **id;
}

Result<std::optional<model::Date>> date_of(const Value& v, std::string_view key) {
  auto text = json::text(v, key);
  if (!text || text->empty()) return std::optional<model::Date>{};
  auto d = model::parse_date(*text);
  if (!d) return make_error(Errc::protocol, "{} '{}' is not a date", key, *text);
  return std::optional<model::Date>{*d};
}

}  // namespace

Result<model::Opportunity> parse_opportunity(const Value& o) {
  model::Opportunity out;
  auto id = id_of(o, "an opportunity");
  if (!id) return id.error();
  out.id = *id;
  auto fail = [&](std::string why) { return make_error(Errc::protocol, "opportunity {}: {}", out.id, why); };
  out.name = std::string(json::text_or_empty(o, "name"));
  out.description = std::string(json::text_or_empty(o, "description"));
  const auto* party = json::object(o, "party");
  auto party_id = party ? id_of(*party, "its party") : Result<std::int64_t>(Error(Errc::protocol, "no party"));
  if (!party_id) return fail(party_id.error().message());
  out.party_id = *party_id;
  const auto* milestone = json::object(o, "milestone");
  auto milestone_id = milestone ? id_of(*milestone, "its milestone") : Result<std::int64_t>(Error(Errc::protocol, "no milestone"));
  if (!milestone_id) return fail(milestone_id.error().message());
  out.milestone_id = *milestone_id;
  out.milestone = std::string(json::text_or_empty(*milestone, "name"));
  if (const auto* value = json::object(o, "value")) {
    auto amount = json::text(*value, "amount");
    auto currency = json::text(*value, "currency");
    if (amount && currency) {
      auto money = model::Money::parse(*amount, *currency);
      if (!money) return fail(fmt::format("value {} {} is not an amount", *amount, *currency));
      out.value = *money;
    }
  }
  auto close = date_of(o, "expectedCloseOn");
  if (!close) return fail(close.error().message());
  out.expected_close = *close;
  auto closed = date_of(o, "closedOn");
  if (!closed) return fail(closed.error().message());
  out.closed_on = *closed;
  if (auto basis = json::text(o, "durationBasis"); basis && !basis->empty()) {
    auto parsed = model::parse_duration_basis(*basis);
    if (!parsed) return fail(fmt::format("durationBasis '{}' is unknown", *basis));
    out.duration_basis = *parsed;
  }
  auto duration = json::integer(o, "duration");
  if (!duration) return fail(duration.error().message());
  out.duration = *duration;
  if (const auto* tags = json::array(o, "tags"))
    for (const auto& t : tags->GetArray()) {
      auto tag_id = json::integer(t, "id");
      out.tags.push_back(model::Tag{tag_id ? *tag_id : std::nullopt, std::string(json::text_or_empty(t, "name"))});
    }
  if (auto updated = json::text(o, "updatedAt"); updated && !updated->empty()) {
    auto ts = model::parse_timestamp(*updated);
    if (!ts) return fail(fmt::format("updatedAt '{}' is not a time", *updated));
    out.updated_at = *ts;
  }
  return out;
}

Result<OpportunitiesPage> parse_opportunities_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "opportunities");
  if (!list) return Error(Errc::protocol, "no \"opportunities\" array in the response");
  OpportunitiesPage out;
  json::decode_each(*list, {"id", {"name"}}, out.unreadable, parse_opportunity,
                    [&](model::Opportunity o) { out.opportunities.push_back(std::move(o)); });
  return out;
}

Result<model::Opportunity> parse_opportunity_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* o = json::object(*doc, "opportunity");
  if (!o) return Error(Errc::protocol, "no \"opportunity\" object in the response");
  return parse_opportunity(*o);
}

std::string opportunity_tag_body(std::string_view tag) {
  rapidjson::StringBuffer buffer;
  json::Writer w(buffer);
  w.StartObject();
  json::write_key(w, "opportunity");
  w.StartObject();
  json::write_key(w, "tags");
  w.StartArray();
  w.StartObject();
  json::write_key(w, "name");
  json::write_string(w, tag);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::vector<model::Milestone>> parse_milestones_body(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "milestones");
  if (!list) return Error(Errc::protocol, "no \"milestones\" array in the response");
  std::vector<model::Milestone> out;
  for (const auto& m : list->GetArray()) {
    auto id = id_of(m, "a milestone");
    if (!id) return id.error();
    model::Milestone milestone{*id, std::string(json::text_or_empty(m, "name")), 0, {}, json::boolean(m, "complete")};
    if (const auto* pipeline = json::object(m, "pipeline")) {
      auto pipeline_id = json::integer(*pipeline, "id");
      if (pipeline_id && *pipeline_id) milestone.pipeline_id = **pipeline_id;
      milestone.pipeline = std::string(json::text_or_empty(*pipeline, "name"));
    }
    out.push_back(std::move(milestone));
  }
  return out;
}

Result<std::vector<std::int64_t>> parse_pipeline_ids(std::string_view body) {
  auto doc = json::parse(body);
  if (!doc) return doc.error();
  const auto* list = json::array(*doc, "pipelines");
  if (!list) return Error(Errc::protocol, "no \"pipelines\" array in the response");
  std::vector<std::int64_t> out;
  for (const auto& p : list->GetArray()) {
    auto id = id_of(p, "a pipeline");
    if (!id) return id.error();
    out.push_back(*id);
  }
  return out;
}

}  // namespace capsync::capsule
