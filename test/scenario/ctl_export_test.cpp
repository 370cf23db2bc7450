// capsyncctl export and disable against a running capsyncd and the sandbox: the preview shows
// what will be sent before anything is, a person is asked on a terminal, a script without
// --yes is refused (exit 2) with nothing written on either side.

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include "test/scenario/sync_world.hpp"

using namespace capsync::scenario;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::vector<std::string> ctl_args(const SyncWorld& world, const std::vector<std::string>& args) {
  std::vector<std::string> all{CAPSYNCCTL_PATH, "--socket", (world.dir() / "admin.sock").string()};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

[[noreturn]] void exec_args(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

// Reads `fd` until end of input (or EIO, a pseudo-terminal whose other side closed) or the
// deadline; `on_output` sees everything read so far after each read.
template <typename OnOutput>
std::string drain(int fd, OnOutput on_output) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
    on_output(out);
  }
  return out;
}

int wait_child(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// capsyncctl as a script runs it: stdin is /dev/null, not a terminal.
RunResult ctl_without_terminal(const SyncWorld& world, const std::vector<std::string>& args) {
  const auto all = ctl_args(world, args);
  int out[2];
  REQUIRE(pipe(out) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(out[0]);
    exec_args(all);
  }
  close(out[1]);
  std::string output = drain(out[0], [](const std::string&) {});
  close(out[0]);
  return {wait_child(pid), output};
}

// capsyncctl on a pseudo-terminal, as a person runs it: types `answer` once asked "[y/N]".
RunResult ctl_on_terminal(const SyncWorld& world, const std::vector<std::string>& args, const std::string& answer) {
  const auto all = ctl_args(world, args);
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  REQUIRE(pid >= 0);
  if (pid == 0) exec_args(all);
  bool answered = false;
  std::string output = drain(master, [&](const std::string& so_far) {
    if (answered || !contains(so_far, "[y/N]")) return;
    const std::string line = answer + "\n";
    answered = write(master, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  });
  close(master);
  return {wait_child(pid), output};
}

// The JSON line of capsyncctl's output (its stderr lines may come first).
rapidjson::Document parse_json(const std::string& output) {
  std::string text;
  for (std::size_t at = 0; at < output.size();) {
    const auto end = output.find('\n', at);
    const std::string line = output.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.starts_with("{")) {
      text = line;
      break;
    }
    at = end == std::string::npos ? output.size() : end + 1;
  }
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  INFO(output);
  REQUIRE((!doc.HasParseError() && doc.IsObject()));
  return doc;
}

// The preview's value of one R12 field.
std::string field_value(const rapidjson::Value& preview, std::string_view field) {
  for (const auto& f : preview["fields"].GetArray())
    if (text_of(f, "field") == field) return text_of(f, "value");
  FAIL("no field " << field << " in the preview");
  return {};
}

std::string xero_phone(const rapidjson::Value& contact, std::string_view type) {
  if (!contact.HasMember("Phones")) return {};
  for (const auto& p : contact["Phones"].GetArray())
    if (text_of(p, "PhoneType") == type) return text_of(p, "PhoneNumber");
  return {};
}

// Widget Co with Kai Wu as its person (B2B); Bob Jones alone (B2C); two people named Sam
// Smith. None is on the Xero side, and nothing links or exports them by itself.
Seed export_seed() {
  Seed seed;
  seed.party(organisation(42, "Widget Co",
                          R"("websites":[{"service":"URL","address":"https://widget.test"}],)"
                          R"("phoneNumbers":[{"type":"Work","number":"0113 496 0042"},{"type":"Fax","number":"0113 496 0043"}],)"
                          R"("addresses":[{"type":"Office","street":"1 Mill Lane","city":"Leeds","zip":"LS1 4AB","country":"United Kingdom"}])"))
      .party(person(43, "Kai", "Wu",
                    R"("organisation":{"id":42,"name":"Widget Co"},)"
                    R"("emailAddresses":[{"type":"Work","address":"kai@widget.test"}],)"
                    R"("phoneNumbers":[{"type":"Mobile","number":"07700 900043"}])"))
      .party(person(51, "Bob", "Jones", R"("emailAddresses":[{"type":"Home","address":"bob@jones.test"}])"))
      .party(person(21, "Sam", "Smith"))
      .party(person(22, "Sam", "Smith"));
  return seed;
}

}  // namespace

TEST_CASE("R12 capsyncctl export by id shows what Xero would receive and --yes creates exactly that contact") {
  SyncWorld world(export_seed());
  world.start_daemon();
  world.clear_requests();

  // --json without --yes: the preview only, exit 2, nothing written anywhere.
  const auto previewed = world.ctl({"export", "acme", "43", "--json"});
  INFO(previewed.output);
  CHECK(previewed.exit_code == 2);
  const auto preview = parse_json(previewed.output);
  CHECK(text_of(preview, "outcome") == "create");
  CHECK(text_of(preview, "provider") == "xero");
  CHECK(text_of(preview, "provider_display") == "Xero");
  CHECK(preview["party"]["id"].GetInt64() == 43);
  CHECK(preview["exported"]["id"].GetInt64() == 42);  // B2B: the organisation, Kai as contact person
  CHECK(field_value(preview, "name") == "Widget Co");
  CHECK(field_value(preview, "contact_person") == "Kai Wu");
  CHECK(field_value(preview, "email") == "kai@widget.test");
  CHECK(field_value(preview, "phone") == "0113 496 0042");
  CHECK(field_value(preview, "fax") == "0113 496 0043");
  CHECK(field_value(preview, "mobile") == "07700 900043");
  CHECK(field_value(preview, "website") == "https://widget.test");
  CHECK(contains(field_value(preview, "address"), "1 Mill Lane, Leeds, LS1 4AB"));
  CHECK(contains(previewed.output, "pass --yes"));
  CHECK(world.writes().empty());
  CHECK(world.state().contacts().Size() == 0);

  const auto human = world.ctl({"export", "acme", "43", "--yes"});
  INFO(human.output);
  CHECK(human.exit_code == 0);
  CHECK(contains(human.output, "Capsule person 43 \"Kai Wu\" on acme"));
  CHECK(contains(human.output, "belongs to organisation 42 \"Widget Co\""));
  CHECK(contains(human.output, "EmailAddress"));
  CHECK(contains(human.output, "Phones[FAX]"));
  CHECK(contains(human.output, "(not sent to Xero)"));  // the Xero connector writes no website
  CHECK(contains(human.output, "Xero has no contact named \"Widget Co\""));
  CHECK(contains(human.output, "Enqueued export of Capsule party 43 on acme"));
  world.wait_settled();

  const auto state = world.state();
  REQUIRE(state.contacts().Size() == 1);
  const auto* widget = state.contact_named("Widget Co");
  REQUIRE(widget);
  CHECK(text_of(*widget, "FirstName") == "Kai");
  CHECK(text_of(*widget, "LastName") == "Wu");
  CHECK(text_of(*widget, "EmailAddress") == field_value(preview, "email"));
  CHECK(xero_phone(*widget, "DEFAULT") == field_value(preview, "phone"));
  CHECK(xero_phone(*widget, "FAX") == field_value(preview, "fax"));
  CHECK(xero_phone(*widget, "MOBILE") == field_value(preview, "mobile"));
  REQUIRE(widget->HasMember("Addresses"));
  bool address = false;
  for (const auto& a : (*widget)["Addresses"].GetArray())
    address |= text_of(a, "AddressLine1") == "1 Mill Lane" && text_of(a, "City") == "Leeds";
  CHECK(address);
  CHECK(world.binding_of_contact(text_of(*widget, "ContactID")) == "42");

  // Linked now: the preview says so and nothing is sent again.
  world.clear_requests();
  const auto again = world.ctl({"export", "acme", "43"});
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "Already linked to Xero contact " + text_of(*widget, "ContactID")));
  CHECK(world.writes().empty());

  // A script's --yes sends it anyway: one answer with the job and the preview it was sent after.
  const auto scripted = world.ctl({"--json", "--yes", "export", "acme", "43"});
  INFO(scripted.output);
  CHECK(scripted.exit_code == 0);
  const auto answer = parse_json(scripted.output);
  CHECK(answer["job"].GetInt64() > 0);
  CHECK(text_of(answer["preview"], "outcome") == "linked");
  CHECK(text_of(answer["preview"], "linked_to") == text_of(*widget, "ContactID"));
  world.wait_settled();
  CHECK(world.state().contacts().Size() == 1);
  CHECK(world.writes().empty());
}

TEST_CASE("R12 capsyncctl export by exact name asks on a terminal, and refuses a script without --yes") {
  SyncWorld world(export_seed());
  world.start_daemon();
  world.clear_requests();

  const auto script = ctl_without_terminal(world, {"export", "acme", "Bob Jones"});
  INFO(script.output);
  CHECK(script.exit_code == 2);
  CHECK(contains(script.output, "Capsule person 51 \"Bob Jones\" on acme"));
  CHECK(contains(script.output, "stdin is not a terminal"));
  CHECK(contains(script.output, "pass --yes"));
  CHECK(world.writes().empty());

  const auto declined = ctl_on_terminal(world, {"export", "acme", "Bob Jones"}, "n");
  INFO(declined.output);
  CHECK(declined.exit_code == 1);
  CHECK(contains(declined.output, "Export Capsule person 51 \"Bob Jones\" to Xero? [y/N]"));
  CHECK(contains(declined.output, "Not exported"));
  CHECK(world.writes().empty());

  const auto accepted = ctl_on_terminal(world, {"export", "acme", "Bob Jones"}, "y");
  INFO(accepted.output);
  CHECK(accepted.exit_code == 0);
  CHECK(contains(accepted.output, "Enqueued export of Capsule party 51 on acme"));
  world.wait_settled();
  const auto state = world.state();
  CHECK(state.contacts().Size() == 1);
  const auto* bob = state.contact_named("Bob Jones");
  REQUIRE(bob);
  CHECK(text_of(*bob, "EmailAddress") == "bob@jones.test");
  CHECK(world.binding_of_contact(text_of(*bob, "ContactID")) == "51");
}

TEST_CASE("R12 capsyncctl export refuses a name several parties have, listing their ids, and unknown names") {
  SyncWorld world(export_seed());
  world.start_daemon();
  world.clear_requests();

  const auto ambiguous = world.ctl({"export", "acme", "Sam Smith", "--yes"});
  INFO(ambiguous.output);
  CHECK(ambiguous.exit_code == 1);
  CHECK(contains(ambiguous.output, "2 Capsule parties are named \"Sam Smith\": 21 (person), 22 (person)"));
  const auto json = world.ctl({"--json", "export", "acme", "Sam Smith", "--yes"});
  CHECK(json.exit_code == 1);
  const auto doc = parse_json(json.output);
  CHECK_FALSE(doc["ok"].GetBool());
  CHECK(contains(text_of(doc, "error"), "21 (person), 22 (person)"));

  const auto nobody = world.ctl({"export", "acme", "Nobody Here", "--yes"});
  CHECK(nobody.exit_code == 1);
  CHECK(contains(nobody.output, "no Capsule party is named \"Nobody Here\""));
  const auto unknown = world.ctl({"export", "acme2", "Bob Jones", "--yes"});
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.output, "unknown connection \"acme2\" (known: acme)"));
  const auto missing = world.ctl({"export", "acme", "999", "--yes"});
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.output, "Capsule has no party 999"));
  CHECK(world.writes().empty());
  CHECK(world.state().contacts().Size() == 0);
}

TEST_CASE("R17 capsyncctl export names the contact a name is a near-duplicate of, and the export creates nothing") {
  Seed seed = export_seed();
  seed.contact(org_contact("c-bob", "BOB  JONES"));  // no invoice: not linked by the sync (R3)
  SyncWorld world(seed);
  world.start_daemon();
  const auto* existing = world.state().contact_named("BOB  JONES");
  REQUIRE(existing);
  const std::string existing_id = text_of(*existing, "ContactID");
  world.clear_requests();

  const auto previewed = world.ctl({"export", "acme", "51", "--json"});
  INFO(previewed.output);
  CHECK(previewed.exit_code == 2);
  const auto preview = parse_json(previewed.output);
  CHECK(text_of(preview, "outcome") == "near_duplicate");
  REQUIRE(preview["existing"].Size() == 1);
  CHECK(text_of(preview["existing"][0], "id") == existing_id);
  CHECK(text_of(preview["existing"][0], "name") == "BOB  JONES");

  const auto human = world.ctl({"export", "acme", "51", "--yes"});
  INFO(human.output);
  CHECK(human.exit_code == 0);
  CHECK(contains(human.output, "Xero has a contact whose name differs from \"Bob Jones\" only by case"));
  CHECK(contains(human.output, existing_id));
  world.wait_settled();
  CHECK(world.state().contacts().Size() == 1);
  CHECK(world.writes().empty());
  CHECK_FALSE(world.binding_of_party("51"));
  const auto conflicts = world.conflicts();
  CHECK(std::any_of(conflicts.begin(), conflicts.end(), [&](const ConflictRow& c) {
    return c.kind == "near_duplicate" && c.capsule_id == "51" && contains(c.detail, existing_id);
  }));
}

TEST_CASE("R16 capsyncctl disable says what it removes and asks, and a script needs --yes") {
  SyncWorld world(export_seed());
  world.start_daemon();
  world.clear_requests();

  const auto script = ctl_without_terminal(world, {"disable", "acme"});
  INFO(script.output);
  CHECK(script.exit_code == 2);
  CHECK(contains(script.output, "removes capsync's summaries, tags and notes from Capsule"));
  CHECK(contains(script.output, "pass --yes"));
  CHECK(world.status()["connections"][0]["enabled"].GetBool());
  CHECK(world.writes().empty());

  const auto declined = ctl_on_terminal(world, {"disable", "acme"}, "n");
  INFO(declined.output);
  CHECK(declined.exit_code == 1);
  CHECK(contains(declined.output, "Disable acme? [y/N]"));
  CHECK(world.status()["connections"][0]["enabled"].GetBool());

  const auto unknown = world.ctl({"disable", "acme2", "--yes"});
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.output, "unknown connection \"acme2\" (known: acme)"));

  const auto json_unasked = world.ctl({"--json", "disable", "acme"});
  CHECK(json_unasked.exit_code == 2);
  CHECK(contains(json_unasked.output, "pass --yes"));
  CHECK(world.status()["connections"][0]["enabled"].GetBool());

  const auto done = world.ctl({"disable", "acme", "--yes", "--json"});
  INFO(done.output);
  CHECK(done.exit_code == 0);
  CHECK(parse_json(done.output)["job"].GetInt64() > 0);
  world.wait_settled();
  CHECK_FALSE(world.status()["connections"][0]["enabled"].GetBool());
}
