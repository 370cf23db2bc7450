#include "core/engine/own_write.hpp"

#include <algorithm>

namespace capsync::engine {

namespace {

bool named(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool contains(const auto& list, const auto& item) { return std::find(list.begin(), list.end(), item) != list.end(); }

template <typename T>
void keep_read_unless_written(T& out, const T& read, bool written) {
  if (!written) out = read;
}

// The answer's items the write touched or that were read as they are, in the answer's order
// (so a pure echo equals the answer); then the read items someone else removed meanwhile.
template <typename Item, typename Touched>
std::vector<Item> merge_items(const std::vector<Item>& read, const std::vector<Item>& answer, Touched touched) {
  std::vector<Item> out;
  for (const auto& item : answer)
    if (touched(item) || contains(read, item)) out.push_back(item);
  for (const auto& item : read)
    if (!touched(item) && !contains(answer, item)) out.push_back(item);
  return out;
}

}  // namespace

model::Party mirror_after_write(const model::Party& read, const model::Party& answer,
                                const connector::PartyPatch& patch) {
  model::Party out = answer;
  out.type = read.type;
  out.job_title = read.job_title;
  out.organisation = read.organisation;
  keep_read_unless_written(out.name, read.name, patch.name.has_value());
  keep_read_unless_written(out.first_name, read.first_name, patch.first_name.has_value());
  keep_read_unless_written(out.last_name, read.last_name, patch.last_name.has_value());
  keep_read_unless_written(out.emails, read.emails, patch.emails.has_value());
  keep_read_unless_written(out.phones, read.phones, patch.phones.has_value());
  keep_read_unless_written(out.addresses, read.addresses, patch.addresses.has_value());
  keep_read_unless_written(out.websites, read.websites, patch.websites.has_value());
  keep_read_unless_written(out.team, read.team, patch.team.has_value());
  out.tags = merge_items(read.tags, answer.tags, [&](const model::Tag& t) {
    return named(patch.add_tags, t.name) || named(patch.remove_tags, t.name);
  });
  out.fields = merge_items(read.fields, answer.fields, [&](const model::CustomFieldValue& f) {
    return std::any_of(patch.set_fields.begin(), patch.set_fields.end(),
                       [&](const model::CustomFieldValue& set) { return set.definition_id == f.definition_id; });
  });
  return out;
}

}  // namespace capsync::engine
