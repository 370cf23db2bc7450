// mirror_after_write: what the party mirror holds after capsync's own summary write (R10, R11).

#include <catch2/catch.hpp>

#include "core/engine/own_write.hpp"

using capsync::connector::PartyPatch;
using capsync::engine::mirror_after_write;
using namespace capsync::model;

namespace {

Party acme_as_read() {
  Party p;
  p.id = 11;
  p.name = "Acme Ltd";
  p.emails.push_back(EmailAddress{.id = 1, .type = "Work", .address = "old@acme.test"});
  p.tags.push_back(Tag{7, "VIP"});
  p.fields.push_back(CustomFieldValue{100, 5, "120.00 GBP"});
  p.updated_at = *parse_timestamp("2026-12-07T10:00:00Z");
  return p;
}

PartyPatch summary_patch() {
  PartyPatch patch;
  patch.set_fields.push_back(CustomFieldValue{std::nullopt, 5, "150.00 GBP"});
  patch.add_tags.push_back("Overdue invoices");
  return patch;
}

// Capsule's answer to the summary write, as if nobody else had touched the party.
Party echo_of(const Party& read) {
  Party answer = read;
  answer.fields[0].value = "150.00 GBP";
  answer.tags.push_back(Tag{8, "Overdue invoices"});
  answer.updated_at = *parse_timestamp("2026-12-07T10:05:00Z");
  return answer;
}

}  // namespace

TEST_CASE("R11 capsync's own write comes back as the answer, so its echo is not read as a change") {
  const Party read = acme_as_read();
  const Party answer = echo_of(read);
  CHECK(mirror_after_write(read, answer, summary_patch()) == answer);
}

TEST_CASE("R10 an edit the answer carries but capsync did not write stays unseen, so the next read pushes it") {
  const Party read = acme_as_read();
  Party answer = echo_of(read);
  answer.emails[0].address = "ap@acme.test";                 // someone's edit since capsync read the party
  answer.tags.push_back(Tag{9, "Export to Xero"});           // someone's tag
  answer.fields.push_back(CustomFieldValue{101, 6, "gold"});  // someone's field
  const Party mirrored = mirror_after_write(read, answer, summary_patch());
  CHECK(mirrored.emails == read.emails);
  CHECK_FALSE(mirrored.has_tag("Export to Xero"));
  CHECK(mirrored.has_tag("Overdue invoices"));
  CHECK(mirrored.has_tag("VIP"));
  REQUIRE(mirrored.fields.size() == 1);
  CHECK(mirrored.fields[0].value == "150.00 GBP");
  CHECK(mirrored.updated_at == answer.updated_at);
  CHECK(mirrored != answer);
}
