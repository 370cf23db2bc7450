#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/sync/reconciler.hpp"
#include "fixtures.hpp"

using namespace capsync::sync;
using namespace capsync::sync::test;

namespace {

ContactChange change(Contact c, std::vector<Invoice> invoices = {}) {
  return ContactChange{std::move(c), std::move(invoices), "", {}};
}

std::vector<Invoice> one_issued(const std::string& contact, const char* due = "120") {
  auto i = invoice("i-" + contact, contact, InvoiceStatus::authorised, due, "120");
  i.issue_date = day("2024-01-10");
  i.due_date = day("2024-02-10");
  return {i};
}

}  // namespace

TEST_CASE("R1 R2 R3 first sync links, creates, skips and reports; a second pass does nothing", "[sync][reconciler]") {
  World world;
  world.add_party(org_party(11, "Acme"));
  world.add_party(org_party(21, "Twin"));
  world.add_party(person_party(22, "Twin", ""));
  ConnectionPolicy policy;  // Xero, exact matching

  ReconcileInput input;
  input.today = day("2024-03-01");
  input.contacts.push_back(change(org_contact("r-acme", "Acme"), one_issued("r-acme")));
  input.contacts.push_back(change(org_contact("r-globex", "Globex"), one_issued("r-globex")));
  input.contacts.push_back(change(org_contact("r-draft", "Drafty"), {invoice("d", "r-draft", InvoiceStatus::draft)}));
  input.contacts.push_back(change(org_contact("r-twin", "Twin"), one_issued("r-twin")));
  auto archived = org_contact("r-arch", "Archie");
  archived.status = ContactStatus::archived;
  input.contacts.push_back(change(archived, one_issued("r-arch")));

  auto first = reconcile(input, policy, world.views()).value();
  CHECK(first.errors.empty());
  auto links = only<LinkParty>(first.actions);
  REQUIRE(links.size() == 1);
  CHECK(links[0].remote_id == "r-acme");
  CHECK(links[0].party_id == 11);
  auto creates = only<CreateParty>(first.actions);
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].remote_id == "r-globex");
  CHECK(creates[0].spec.name == "Globex");
  auto conflicts = only<RecordConflict>(first.actions);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].conflict.kind == ConflictKind::ambiguous_match);
  CHECK(conflicts[0].conflict.party_ids == std::vector<PartyId>{21, 22});
  auto summaries = only<UpdateSummary>(first.actions);
  REQUIRE(summaries.size() == 2);  // the linked and the created party
  CHECK(summaries[0].summary.overdue == "120.00 GBP");
  CHECK(summaries[0].summary.overdue_tag);
  for (const auto& a : first.actions) CHECK_FALSE(describe(a).empty());

  world.apply(first.actions);
  CHECK(world.bindings.size() == 2);
  CHECK(world.summaries.at(11).outstanding == "120.00 GBP");
  auto second = reconcile(input, policy, world.views()).value();
  CHECK(second.actions.empty());
  CHECK(second.errors.empty());
}

TEST_CASE("R5 an invoice change on a linked contact updates its summary once", "[sync][reconciler]") {
  World world;
  world.add_party(org_party(11, "Acme"));
  ConnectionPolicy policy;
  ReconcileInput input;
  input.today = day("2024-03-01");
  input.contacts.push_back(change(org_contact("r1", "Acme"), one_issued("r1")));
  world.apply(reconcile(input, policy, world.views()).value().actions);

  input.contacts[0].invoices[0].amount_due = *Money::parse("0", "GBP");
  input.contacts[0].invoices[0].status = InvoiceStatus::paid;
  auto paid = reconcile(input, policy, world.views()).value();
  auto summaries = only<UpdateSummary>(paid.actions);
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].party_id == 11);
  CHECK(summaries[0].summary.outstanding.empty());
  CHECK_FALSE(summaries[0].summary.overdue_tag);
  world.apply(paid.actions);
  CHECK(reconcile(input, policy, world.views()).value().actions.empty());
}

TEST_CASE("R6 supplier bills count in the summary only when included", "[sync][reconciler]") {
  World world;
  world.add_party(org_party(11, "Paper Co"));
  auto bill = invoice("b1", "r1", InvoiceStatus::authorised, "75", "75");
  bill.type = InvoiceType::purchase;
  bill.due_date = day("2030-01-01");
  ReconcileInput input;
  input.today = day("2024-03-01");
  input.contacts.push_back(change(org_contact("r1", "Paper Co"), {bill}));

  ConnectionPolicy excluded;
  auto a = only<UpdateSummary>(reconcile(input, excluded, world.views()).value().actions);
  REQUIRE(a.size() == 1);  // R3: the bill still qualifies the contact
  CHECK(a[0].summary.outstanding.empty());

  ConnectionPolicy included;
  included.include_supplier_invoices = true;
  auto b = only<UpdateSummary>(reconcile(input, included, world.views()).value().actions);
  REQUIRE(b.size() == 1);
  CHECK(b[0].summary.outstanding == "75.00 GBP");
}

TEST_CASE("R6 one definition of which invoices count serves the totals, the tag and the note", "[sync][reconciler]") {
  // Both overdue and unpaid; only the status differs. Xero SUBMITTED is "awaiting approval":
  // not yet issued to the customer, so it is owed by no one and shown nowhere.
  for (auto status : {InvoiceStatus::draft, InvoiceStatus::submitted, InvoiceStatus::authorised, InvoiceStatus::paid,
                      InvoiceStatus::voided, InvoiceStatus::deleted}) {
    CAPTURE(to_string(status));
    World world;
    world.add_party(org_party(11, "Acme"));
    auto counted = status == InvoiceStatus::authorised || status == InvoiceStatus::paid;
    auto inv = invoice("x", "r1", status, "500", "500");
    inv.issue_date = day("2024-01-01");
    inv.due_date = day("2024-01-31");
    auto qualifier = invoice("q", "r1", InvoiceStatus::paid, "0", "10");  // R3: keeps the contact linked
    ConnectionPolicy policy;
    policy.invoice_note = true;
    ReconcileInput input;
    input.today = day("2024-03-01");
    input.contacts.push_back(change(org_contact("r1", "Acme"), {inv, qualifier}));
    auto summaries = only<UpdateSummary>(reconcile(input, policy, world.views()).value().actions);
    REQUIRE(summaries.size() == 1);
    const auto& w = summaries[0].summary;
    REQUIRE(w.note.has_value());
    CHECK((w.outstanding == "500.00 GBP") == counted);
    CHECK((w.overdue == "500.00 GBP") == counted);
    CHECK(w.overdue_tag == counted);
    CHECK((w.note->find("INV-x") != std::string::npos) == counted);
  }
}

TEST_CASE("R15 an archived or deleted linked contact is unlinked and the party stays", "[sync][reconciler]") {
  for (auto status : {ContactStatus::archived, ContactStatus::deleted}) {
    World world;
    world.add_party(org_party(11, "Acme"));
    world.bindings.put(Binding{11, "r1", ContactRole::customer, "h", "s"});
    auto c = org_contact("r1", "Acme");
    c.status = status;
    ReconcileInput input;
    input.today = day("2024-03-01");
    input.contacts.push_back(change(c, one_issued("r1")));
    input.parties.push_back(PartyChange{world.capsule.at(11), std::nullopt, false, std::nullopt, std::nullopt});
    auto out = reconcile(input, ConnectionPolicy{}, world.views()).value();
    REQUIRE(out.actions.size() == 1);
    const auto& unlink = std::get<Unlink>(out.actions[0]);
    CHECK(unlink.remote_id == "r1");
    CHECK(unlink.party_id == 11);
    CHECK(unlink.clear_summary);
    world.apply(out.actions);
    CHECK(world.capsule.count(11) == 1);
    CHECK(reconcile(input, ConnectionPolicy{}, world.views()).value().actions.empty());
  }
}

TEST_CASE("R14 a deleted linked party is re-created while its contact exists", "[sync][reconciler]") {
  World world;
  world.bindings.put(Binding{11, "r1", ContactRole::customer, "h", "s"});
  ReconcileInput input;
  input.today = day("2024-03-01");
  input.contacts.push_back(change(org_contact("r1", "Acme"), one_issued("r1")));
  input.deleted_parties = {11};

  SECTION("recreate (default)") {
    auto out = reconcile(input, ConnectionPolicy{}, world.views()).value();
    auto recreated = only<RecreateParty>(out.actions);
    REQUIRE(recreated.size() == 1);
    CHECK(recreated[0].deleted_party_id == 11);
    CHECK(recreated[0].spec.name == "Acme");
    REQUIRE(only<UpdateSummary>(out.actions).size() == 1);
    world.apply(out.actions);
    CHECK(world.bindings.find_by_remote_id("r1").value()->party_id != 11);
    CHECK(reconcile(input, ConnectionPolicy{}, world.views()).value().actions.empty());
  }
  SECTION("on_capsule_delete: unlink") {
    ConnectionPolicy policy;
    policy.on_capsule_delete = capsync::config::OnCapsuleDelete::unlink;
    auto out = reconcile(input, policy, world.views()).value();
    REQUIRE(out.actions.size() == 1);
    const auto& unlink = std::get<Unlink>(out.actions[0]);
    CHECK_FALSE(unlink.clear_summary);  // the party is gone
    world.apply(out.actions);
    // Unlinked now; the contact would link again by name, but the party is gone from the index.
    auto again = reconcile(input, policy, world.views()).value();
    CHECK(only<Unlink>(again.actions).empty());
  }
  SECTION("contact gone too: unlink, nothing re-created") {
    input.contacts[0].contact.status = ContactStatus::deleted;
    auto out = reconcile(input, ConnectionPolicy{}, world.views()).value();
    REQUIRE(out.actions.size() == 1);
    CHECK(std::holds_alternative<Unlink>(out.actions[0]));
  }
}

TEST_CASE("R17 supplier and customer with the same name: one link, one conflict, no duplicate on re-run",
          "[sync][reconciler]") {
  World world;
  world.add_party(org_party(11, "Acme"));
  ConnectionPolicy policy;
  policy.qualifies_by_invoices = false;  // KashFlow: separate customer and supplier records
  auto supplier = org_contact("s-1", "Acme");
  supplier.is_customer = false;
  supplier.is_supplier = true;
  ReconcileInput input;
  input.today = day("2024-03-01");
  input.contacts.push_back(change(supplier));  // listed first, still decided after the customer
  input.contacts.push_back(change(org_contact("c-1", "Acme")));

  auto out = reconcile(input, policy, world.views()).value();
  auto links = only<LinkParty>(out.actions);
  REQUIRE(links.size() == 1);
  CHECK(links[0].remote_id == "c-1");
  auto conflicts = only<RecordConflict>(out.actions);
  REQUIRE(conflicts.size() == 1);
  const auto& c = conflicts[0].conflict;
  CHECK(c.kind == ConflictKind::supplier_customer_same_name);
  CHECK(c.remote_id == "s-1");
  CHECK(c.other_remote_ids == std::vector<std::string>{"c-1"});
  CHECK(c.party_ids == std::vector<PartyId>{11});
  CHECK_THAT(c.describe(), Catch::Contains("s-1") && Catch::Contains("c-1") && Catch::Contains("11"));

  world.apply(out.actions);
  CHECK(world.conflicts.size() == 1);
  // Next pass: the customer is linked, the supplier meets the binding; same identity, not recorded again.
  auto again = reconcile(input, policy, world.views()).value();
  CHECK(again.actions.empty());
}

TEST_CASE("R17 two same-named contacts with no party: one created, one clash", "[sync][reconciler]") {
  World world;
  ConnectionPolicy policy;
  policy.qualifies_by_invoices = false;  // FreshBooks: every client is a customer
  ReconcileInput input;
  input.today = day("2024-03-01");
  input.contacts.push_back(change(org_contact("b", "Initech")));
  input.contacts.push_back(change(org_contact("a", "Initech")));
  auto out = reconcile(input, policy, world.views()).value();
  auto creates = only<CreateParty>(out.actions);
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].remote_id == "a");
  auto conflicts = only<RecordConflict>(out.actions);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].conflict.kind == ConflictKind::name_clash);
  CHECK(conflicts[0].conflict.remote_id == "b");
  CHECK(conflicts[0].conflict.other_remote_ids == std::vector<std::string>{"a"});
  world.apply(out.actions);
  CHECK(reconcile(input, policy, world.views()).value().actions.empty());
}

TEST_CASE("R17 near-duplicate conflicts carry both ids and are recorded once", "[sync][reconciler]") {
  World world;
  world.add_party(org_party(31, "ACME Limited"));
  ReconcileInput input;
  input.today = day("2024-03-01");
  input.contacts.push_back(change(org_contact("r1", "Acme Ltd"), one_issued("r1")));
  auto out = reconcile(input, ConnectionPolicy{}, world.views()).value();
  REQUIRE(out.actions.size() == 1);
  const auto& c = std::get<RecordConflict>(out.actions[0]).conflict;
  CHECK(c.kind == ConflictKind::near_duplicate);
  CHECK(c.remote_id == "r1");
  CHECK(c.party_ids == std::vector<PartyId>{31});
  CHECK(c.identity() == "near_duplicate|r:r1|o:|p:31");
  world.apply(out.actions);
  CHECK(reconcile(input, ConnectionPolicy{}, world.views()).value().actions.empty());
}

// Two near-named contacts without a party: whether they meet in one pass or in two (the daemon
// reconciles in batches, and a restart after a crash or a retry moves the batch boundaries), the
// first is created and the second is reported against the created party, under one identity.
TEST_CASE("R17 a near-duplicate of a party created in the same pass is reported as a later pass would",
          "[sync][reconciler]") {
  ConnectionPolicy policy;
  policy.qualifies_by_invoices = false;  // KashFlow
  ReconcileInput both;
  both.today = day("2024-03-01");
  both.contacts.push_back(change(org_contact("c-2", "Cedar Meridian Limited")));
  both.contacts.push_back(change(org_contact("c-1", "Cedar Meridian Ltd")));

  World one_pass;
  auto out = reconcile(both, policy, one_pass.views()).value();
  auto creates = only<CreateParty>(out.actions);
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].remote_id == "c-1");
  auto conflicts = only<RecordConflict>(out.actions);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].conflict.kind == ConflictKind::near_duplicate);
  CHECK(conflicts[0].conflict.remote_id == "c-2");
  CHECK(conflicts[0].parties_of == std::vector<std::string>{"c-1"});
  CHECK_FALSE(describe(out.actions.back()).empty());
  one_pass.apply(out.actions);
  CHECK(reconcile(both, policy, one_pass.views()).value().actions.empty());

  World two_passes;
  for (const auto& c : {both.contacts[1], both.contacts[0]}) {
    ReconcileInput input;
    input.today = both.today;
    input.contacts.push_back(c);
    two_passes.apply(reconcile(input, policy, two_passes.views()).value().actions);
  }
  CHECK(two_passes.bindings.size() == 1);
  CHECK(one_pass.bindings.size() == 1);
  const std::string identity = fmt::format("near_duplicate|r:c-2|o:|p:{}", one_pass.bindings.find_by_remote_id("c-1").value()->party_id);
  CHECK(one_pass.conflicts.contains(identity).value());
  CHECK(two_passes.conflicts.contains(identity).value());
  CHECK(one_pass.conflicts.size() == 1);
  CHECK(two_passes.conflicts.size() == 1);
}

TEST_CASE("R10 R11 Capsule edits are pushed once; capsync's own writes are not echoed", "[sync][reconciler]") {
  World world;
  ConnectionPolicy policy;
  ReconcileInput input;
  input.today = day("2024-03-01");
  auto globex = org_contact("r1", "Globex");
  globex.emails = {"ap@globex.example"};
  input.contacts.push_back(change(globex, one_issued("r1")));
  world.apply(reconcile(input, policy, world.views()).value().actions);  // creates the party

  // The Capsule poll reads the created party back, with the summary capsync wrote on it.
  const auto party_id = world.bindings.find_by_remote_id("r1").value()->party_id;
  auto party = world.capsule.at(party_id);
  party.fields.push_back(CustomFieldValue{1, 90, "120.00 GBP"});
  party.tags.push_back(Tag{7, policy.overdue_tag});
  ReconcileInput poll;
  poll.today = input.today;
  poll.parties.push_back(PartyChange{party, std::nullopt, false, std::nullopt, std::nullopt});
  CHECK(reconcile(poll, policy, world.views()).value().actions.empty());

  // A user changes the email in Capsule: pushed once.
  poll.parties[0].party.emails[0].address = "accounts@globex.example";
  auto edit = reconcile(poll, policy, world.views()).value();
  auto pushes = only<PushContact>(edit.actions);
  REQUIRE(pushes.size() == 1);
  CHECK(pushes[0].remote_id == "r1");
  CHECK(pushes[0].update.email == "accounts@globex.example");
  world.apply(edit.actions);
  CHECK(reconcile(poll, policy, world.views()).value().actions.empty());

  // The accounting side's echo of our push (contact updated_at moved) is not pulled back.
  input.contacts[0].contact.emails = {"accounts@globex.example"};
  input.contacts[0].contact.updated_at = *parse_timestamp("2024-03-01T10:00:00Z");
  CHECK(reconcile(input, policy, world.views()).value().actions.empty());
}

TEST_CASE("R10 a party linked by name is remembered at first sight, not pushed", "[sync][reconciler]") {
  World world;
  world.bindings.put(Binding{11, "r1", ContactRole::customer, std::nullopt, std::nullopt});
  ReconcileInput poll;
  poll.today = day("2024-03-01");
  poll.parties.push_back(PartyChange{org_party(11, "Acme"), std::nullopt, false, std::nullopt, std::nullopt});
  auto out = reconcile(poll, ConnectionPolicy{}, world.views()).value();
  REQUIRE(out.actions.size() == 1);
  CHECK(std::holds_alternative<RememberPushed>(out.actions[0]));
  world.apply(out.actions);
  CHECK(reconcile(poll, ConnectionPolicy{}, world.views()).value().actions.empty());
}

TEST_CASE("R12 R13 the export tag exports unlinked parties once, clashes are reported", "[sync][reconciler]") {
  World world;
  ConnectionPolicy policy;
  policy.export_tag = "Export to Xero";
  world.names.add("r-existing", "Taken Ltd");
  auto ada = person_party(50, "Ada", "Lovelace");
  ada.tags.push_back(Tag{1, "Export to Xero"});
  auto taken = org_party(60, "Taken Ltd");
  taken.tags.push_back(Tag{1, "Export to Xero"});
  auto untagged = org_party(70, "Quiet Ltd");
  auto asked = org_party(80, "Asked Ltd");
  ReconcileInput poll;
  poll.today = day("2024-03-01");
  poll.parties = {PartyChange{ada, std::nullopt, false, std::nullopt, std::nullopt}, PartyChange{taken, std::nullopt, false, std::nullopt, std::nullopt},
                  PartyChange{untagged, std::nullopt, false, std::nullopt, std::nullopt}, PartyChange{asked, std::nullopt, true, std::nullopt, std::nullopt}};

  auto out = reconcile(poll, policy, world.views()).value();
  auto exports = only<ExportContact>(out.actions);
  REQUIRE(exports.size() == 2);
  CHECK(exports[0].party_id == 50);
  CHECK(exports[0].spec.kind == ContactKind::person);
  CHECK(exports[0].remove_tag == std::optional<std::string>("Export to Xero"));
  CHECK(exports[1].party_id == 80);
  CHECK_FALSE(exports[1].remove_tag.has_value());
  auto conflicts = only<RecordConflict>(out.actions);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].conflict.kind == ConflictKind::name_clash);
  CHECK(conflicts[0].conflict.party_ids == std::vector<PartyId>{60});
  CHECK(conflicts[0].conflict.other_remote_ids == std::vector<std::string>{"r-existing"});

  world.apply(out.actions);
  poll.parties[0].party.tags.clear();  // the export removed Ada's tag
  CHECK(reconcile(poll, policy, world.views()).value().actions.empty());
}

TEST_CASE("R17 the export tag on a party whose name is a near-duplicate records a conflict and keeps the tag",
          "[sync][reconciler][export]") {
  World world;
  ConnectionPolicy policy;
  policy.export_tag = "Export to Xero";
  world.names.add("r-near", "NEAR LIMITED");
  auto near = org_party(60, "Near Ltd");
  near.tags.push_back(Tag{1, "Export to Xero"});
  ReconcileInput poll;
  poll.today = day("2024-03-01");
  poll.parties = {PartyChange{near, std::nullopt, false, std::nullopt, std::nullopt}};

  auto out = reconcile(poll, policy, world.views()).value();
  CHECK(only<ExportContact>(out.actions).empty());
  CHECK(only<ClearExportTag>(out.actions).empty());  // not done: the tag stays
  auto conflicts = only<RecordConflict>(out.actions);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].conflict.kind == ConflictKind::near_duplicate);
  CHECK(conflicts[0].conflict.party_ids == std::vector<PartyId>{60});
  CHECK(conflicts[0].conflict.other_remote_ids == std::vector<std::string>{"r-near"});

  world.apply(out.actions);
  CHECK(reconcile(poll, policy, world.views()).value().actions.empty());  // recorded once
}

TEST_CASE("R12 the export tag on a linked party, or on a person whose organisation is linked, is removed and "
          "nothing is exported",
          "[sync][reconciler][export]") {
  World world;
  auto org = org_party(11, "Acme");
  auto person = person_party(12, "Ada", "Lovelace");
  person.organisation = OrganisationRef{11, "Acme"};
  person.tags.push_back({1, "Export to Xero"});
  org.tags.push_back({2, "Export to Xero"});
  world.add_party(org);
  world.add_party(person);
  world.names.add("r-acme", "Acme");
  world.bindings.put(Binding{11, "r-acme", ContactRole::customer, std::nullopt, std::nullopt});
  ConnectionPolicy policy;
  policy.export_tag = "Export to Xero";

  ReconcileInput input;
  input.today = day("2024-03-01");
  input.parties.push_back(PartyChange{person, org, false, std::nullopt, std::nullopt});
  input.parties.push_back(PartyChange{org, std::nullopt, false, std::nullopt, std::nullopt});
  auto out = reconcile(input, policy, world.views()).value();
  CHECK(only<ExportContact>(out.actions).empty());
  auto cleared = only<ClearExportTag>(out.actions);
  REQUIRE(cleared.size() == 2);
  CHECK(cleared[0] == ClearExportTag{11, 11, "r-acme", "Export to Xero"});
  CHECK(cleared[1] == ClearExportTag{12, 11, "r-acme", "Export to Xero"});

  // Without the tag (or with none configured) nothing is decided.
  world.apply(out.actions);
  input.parties = {PartyChange{world.capsule.at(12), org, false, std::nullopt, std::nullopt}};
  CHECK(only<ClearExportTag>(reconcile(input, policy, world.views()).value().actions).empty());
}
