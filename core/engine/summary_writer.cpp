#include "core/engine/summary_writer.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/log/log.hpp"

namespace capsync::engine {

namespace asio = boost::asio;

asio::awaitable<Status> SummaryWriter::resolve_fields() {
  if (field_ids_) co_return Status{};
  const auto& names = policy_.summary_fields;
  struct Want {
    const std::string* name;
    connector::FieldType type;
  };
  const std::array<Want, 4> wants{Want{&names.outstanding, connector::FieldType::text},
                                  Want{&names.overdue, connector::FieldType::text},
                                  Want{&names.next_due, connector::FieldType::date},
                                  Want{&names.last_invoice, connector::FieldType::date}};
  // One read of the definitions serves all four; a field it lacks (or has unusable) is asked of
  // the connector by name, whose error tells the operator what to create.
  auto defs = co_await capsule_.field_definitions();
  if (!defs) co_return defs.error().with_context("Failed to read the Capsule custom field definitions");
  std::array<std::int64_t, 4> ids{};
  for (std::size_t i = 0; i < wants.size(); ++i) {
    const auto usable = std::find_if(defs->begin(), defs->end(), [&](const connector::FieldDefinition& d) {
      return d.name == *wants[i].name && d.type == wants[i].type && d.capture_rule.empty();
    });
    if (usable != defs->end()) {
      ids[i] = usable->id;
      continue;
    }
    auto id = co_await capsule_.resolve_field(*wants[i].name, wants[i].type);
    if (!id) co_return id.error().with_context("Failed to find the Capsule custom field for the invoice summary");
    ids[i] = *id;
  }
  field_ids_ = ids;
  co_return Status{};
}

asio::awaitable<Status> SummaryWriter::write(model::PartyId party_id, const sync::SummaryWrite& summary) {
  if (auto s = co_await resolve_fields(); !s) co_return s;
  std::optional<model::Party> current;
  if (auto mirrored = parties_.get(party_id); mirrored && *mirrored) current = std::move(**mirrored);
  if (!current) {
    auto fetched = co_await capsule_.get_party(party_id);
    if (!fetched) co_return fetched.error();
    current = std::move(*fetched);
  }
  connector::PartyPatch patch;
  const std::array<const std::string*, 4> values{&summary.outstanding, &summary.overdue, &summary.next_due,
                                                 &summary.last_invoice};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto* existing = current->field((*field_ids_)[i]);
    const std::string have = existing ? existing->value : std::string();
    if (have != *values[i]) patch.set_fields.push_back(model::CustomFieldValue{std::nullopt, (*field_ids_)[i], *values[i]});
  }
  const bool tagged = !policy_.overdue_tag.empty() && current->has_tag(policy_.overdue_tag);
  if (summary.overdue_tag && !tagged) patch.add_tags.push_back(policy_.overdue_tag);
  if (!summary.overdue_tag && tagged) patch.remove_tags.push_back(policy_.overdue_tag);
  if (!patch.empty()) {
    auto saved = co_await capsule_.update_party(*current, patch);
    if (!saved) co_return saved.error();
    if (auto s = parties_.upsert(*saved); !s) co_return s;
  }
  co_return co_await write_note(party_id, summary.note);
}

asio::awaitable<Status> SummaryWriter::write_note(model::PartyId party_id, const std::optional<std::string>& note) {
  auto known = notes_.get(party_id);
  if (!known) co_return known.error();
  if (!note) {
    // Notes off (or the link ended): remove the note capsync wrote, if any.
    if (!*known) co_return Status{};
    auto s = co_await capsule_.delete_note(**known);
    if (!s && s.error().code() != Errc::not_found) co_return s;
    co_return notes_.erase(party_id);
  }
  if (*known) {
    auto updated = co_await capsule_.update_note(**known, *note);
    if (updated) co_return Status{};
    if (updated.error().code() != Errc::not_found) co_return updated.error();
  }
  auto adopted = co_await adopt_note(party_id, *note);
  if (!adopted) co_return adopted.error();
  if (*adopted) co_return Status{};
  auto created = co_await capsule_.create_note(party_id, *note);
  if (!created) co_return created.error();
  co_return notes_.put(party_id, created->id);
}

asio::awaitable<Result<bool>> SummaryWriter::adopt_note(model::PartyId party_id, const std::string& note) {
  auto listed = co_await capsule_.list_notes(party_id);
  if (!listed) co_return listed.error();
  std::vector<std::int64_t> ours;
  for (const auto& n : *listed)
    if (sync::is_invoice_note(n.content)) ours.push_back(n.id);
  if (ours.empty()) co_return false;
  // The oldest stays. Copies left by earlier interrupted creates carry capsync's heading and
  // only text capsync rewrites, so removing them loses nothing a person wrote.
  std::sort(ours.begin(), ours.end());
  auto updated = co_await capsule_.update_note(ours.front(), note);
  if (!updated && updated.error().code() == Errc::not_found) co_return false;  // deleted meanwhile
  if (!updated) co_return updated.error();
  for (auto it = std::next(ours.begin()); it != ours.end(); ++it)
    if (auto s = co_await capsule_.delete_note(*it); !s && s.error().code() != Errc::not_found) co_return s.error();
  const std::string record = std::to_string(party_id);
  const log::Fields where{.connection = notes_.connection(), .record = record};
  if (ours.size() > 1)
    log::notice(where, "Capsule party {} had {} invoice notes written by capsync; kept note {} and removed the copies {}",
                party_id, ours.size(), ours.front(), fmt::join(std::next(ours.begin()), ours.end(), ", "));
  else
    log::info(where, "Capsule party {} already had an invoice note written by capsync (note {}); updated it", party_id,
              ours.front());
  if (auto s = notes_.put(party_id, ours.front()); !s) co_return s.error();
  co_return true;
}

}  // namespace capsync::engine
