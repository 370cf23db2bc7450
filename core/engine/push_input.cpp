#include "core/engine/push_input.hpp"

#include "core/sync/contact_details.hpp"

namespace capsync::engine {

namespace {

Result<std::optional<model::Party>> contact_person(const ConnectionStore& store, const model::Party& party,
                                                   std::string_view remote_id) {
  if (party.type != model::PartyType::organisation) return std::optional<model::Party>();
  auto recorded = store.bindings.contact_person(remote_id);
  if (!recorded) return recorded.error();
  return store.parties.contact_person_of(party.id, *recorded);
}

}  // namespace

Result<PushInput> push_input(const ConnectionStore& store, const model::Party& party, std::string_view remote_id) {
  PushInput in;
  auto person = contact_person(store, party, remote_id);
  if (!person) return person.error();
  in.contact_person = std::move(*person);
  auto last = store.bindings.pushed_details(remote_id);
  if (!last) return last.error();
  in.last_pushed = std::move(*last);
  return in;
}

Result<model::ContactDetails> linked_details(const ConnectionStore& store, const model::Party& party,
                                             std::string_view remote_id) {
  auto person = contact_person(store, party, remote_id);
  if (!person) return person.error();
  return sync::push_details(party, *person ? &**person : nullptr);
}

}  // namespace capsync::engine
