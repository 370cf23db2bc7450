#pragma once
// The details an accounting contact holds, in the shape capsync writes (model::ContactDetails),
// so a push compares what it wants to write with what the provider has.

#include <string>
#include <utility>

#include "core/model/contact.hpp"

namespace capsync::connector {

// Name, kind, a person's own name or an organisation's named contact person (with the first
// email), first email, first main/mobile/fax phone, website, first address without id or type.
// A field a provider does not have (FreeAgent fax, FreshBooks website) is empty on its
// contacts, so it reads as empty here.
model::ContactDetails details_of(const model::Contact& contact);

// The email to write for a contact: its own, else its contact person's.
std::string email_to_write(const model::ContactDetails& d);
// The first and last name to write, trimmed: a person's own (split from `name` when neither
// is given), or an organisation's contact person's (empty without one).
std::pair<std::string, std::string> person_to_write(const model::ContactDetails& d);

}  // namespace capsync::connector
