#include "test/scenario/end_state.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace capsync::scenario {
namespace {

using rapidjson::Value;

// Members that differ between runs that did the same work: ids given out in creation order
// and times of day.
// (The accounting provider's own come from its kit.)
const std::set<std::string, std::less<>> kCapsuleVolatile{"id", "createdAt", "updatedAt", "lastContactedAt", "entryAt"};

// `value` as JSON with object members sorted by name, array items sorted, volatile members left out.
// What the R7 invoice note's heading says after the service and organisation
// (core/sync/summary_write.cpp).
constexpr std::string_view kNoteHeading = "(kept up to date by capsync;";

std::string canonical(const Value& value, const std::set<std::string, std::less<>>& volatile_members = kCapsuleVolatile) {
  if (value.IsObject()) {
    std::vector<std::pair<std::string, std::string>> members;
    for (const auto& m : value.GetObject()) {
      std::string name(m.name.GetString(), m.name.GetStringLength());
      if (!volatile_members.contains(name)) members.emplace_back(std::move(name), canonical(m.value, volatile_members));
    }
    std::sort(members.begin(), members.end());
    std::string out = "{";
    for (const auto& [name, text] : members) out += fmt::format("{}\"{}\":{}", out.size() > 1 ? "," : "", name, text);
    return out + "}";
  }
  if (value.IsArray()) {
    std::vector<std::string> items;
    for (const auto& item : value.GetArray()) items.push_back(canonical(item, volatile_members));
    std::sort(items.begin(), items.end());
    std::string out = "[";
    for (const auto& item : items) out += (out.size() > 1 ? "," : "") + item;
    return out + "]";
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string member_text(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return {};
  if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return {};
}

const Value& array_at(const Value& object, const char* name) {
  static const Value empty(rapidjson::kArrayType);
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsArray() ? it->value : empty;
}

// Amount in units of 0.0001 from "1,240.00" or "-46.5"; nullopt when not a number.
std::optional<std::int64_t> parse_amount(std::string_view text) {
  std::string digits;
  for (char c : text)
    if (c != ',') digits += c;
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.erase(0, 1);
  auto dot = digits.find('.');
  std::string whole = digits.substr(0, dot), frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  if (whole.empty() || frac.size() > 4) return std::nullopt;
  frac.resize(4, '0');
  std::int64_t w = 0, f = 0;
  if (std::from_chars(whole.data(), whole.data() + whole.size(), w).ec != std::errc{} ||
      std::from_chars(frac.data(), frac.data() + frac.size(), f).ec != std::errc{})
    return std::nullopt;
  return (negative ? -1 : 1) * (w * 10000 + f);
}

using Amounts = std::map<std::string, std::int64_t>;  // currency -> amount, zeros left out

// "1,240.00 GBP; 300.00 EUR" (the summary's Outstanding field).
std::optional<Amounts> parse_amounts(std::string_view text) {
  Amounts out;
  while (!text.empty()) {
    auto cut = text.find("; ");
    std::string_view part = text.substr(0, cut);
    auto space = part.rfind(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto amount = parse_amount(part.substr(0, space));
    if (!amount) return std::nullopt;
    if (*amount != 0) out[std::string(part.substr(space + 1))] += *amount;
    if (cut == std::string_view::npos) break;
    text.remove_prefix(cut + 2);
  }
  return out;
}

std::string show(const Amounts& amounts) {
  std::string out;
  for (const auto& [currency, amount] : amounts)
    out += fmt::format("{}{}.{:04} {}", out.empty() ? "" : "; ", amount / 10000, std::abs(amount % 10000), currency);
  return out.empty() ? "nothing" : out;
}

std::string party_key(const Value& party) {
  return fmt::format("{}:{}", member_text(party, "type"), SandboxState::party_name(party));
}

std::string contact_key(const RemoteContact& contact) {
  return fmt::format("{}:{}", contact.archived ? "archived" : "active", contact.name);
}

std::string field_value(const Value& party, std::string_view field) {
  for (const auto& f : array_at(party, "fields").GetArray()) {
    auto def = f.FindMember("definition");
    if (def != f.MemberEnd() && def->value.IsObject() && member_text(def->value, "name") == field)
      return member_text(f, "value");
  }
  return {};
}

// "Quote QU-0051: 101.50 GBP, dated …, expires … (Draft) https://…" of an R22 note.
const std::regex kQuoteNumberAndLink(R"(Quote [^:"]*:([^"]*?)https?://[^"\s\\]+)");

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

SeedIds seed_ids(const SyncWorld& world, const SandboxState& state) {
  SeedIds ids;
  for (const auto& p : state.parties().GetArray()) ids.parties.insert(member_text(p, "id"));
  for (const auto& c : world.kit().contacts(state.doc())) ids.contacts.insert(c.remote_id);
  return ids;
}

EndState EndState::of(const SyncWorld& world, const SeedIds& seeded) {
  // Read with numbers as text so money stays exact.
  rapidjson::Document doc;
  const std::string body = world.admin("GET", "/_admin/state").body;
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("/_admin/state is not JSON");
  const Value& capsule = doc["capsule"];
  const ProviderKit& kit = world.kit();
  const auto remote_contacts = kit.contacts(doc);
  const auto records = kit.contact_records(doc);
  const auto volatile_list = kit.volatile_members();
  const std::set<std::string, std::less<>> remote_volatile(volatile_list.begin(), volatile_list.end());

  EndState out;
  std::map<std::string, std::string> party_keys, contact_keys;  // id -> key
  std::map<std::string, const Value*> parties_by_id;
  for (const auto& p : array_at(capsule, "parties").GetArray()) {
    party_keys[member_text(p, "id")] = party_key(p);
    parties_by_id[member_text(p, "id")] = &p;
    out.lines.push_back(fmt::format("party {} {}", party_key(p), canonical(p)));
  }
  // The contacts the daemon created (exports) have ids given in creation order, or random ones.
  std::vector<std::string> created_ids;
  for (const auto& c : remote_contacts)
    if (!seeded.contacts.contains(c.remote_id) && !c.remote_id.empty()) created_ids.push_back(c.remote_id);
  std::sort(created_ids.begin(), created_ids.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::map<std::string, int> capsync_notes;  // party id -> notes capsync wrote (R7: one)
  for (const auto& e : array_at(capsule, "entries").GetArray()) {
    auto party = e.FindMember("party");
    const std::string party_id = party != e.MemberEnd() && party->value.IsObject() ? member_text(party->value, "id") : "";
    auto opportunity = e.FindMember("opportunity");
    const bool on_opportunity = opportunity != e.MemberEnd() && opportunity->value.IsObject();
    const auto key = party_keys.find(party_id);
    const std::string owner = on_opportunity ? "opportunity:" + member_text(opportunity->value, "name")
                              : key != party_keys.end() ? key->second
                                                        : "(no party)";
    // A link into the sandbox (KashFlow's permalinks) names its port, and a new-invoice link an
    // exported contact's id, which differ between runs.
    std::string note = fmt::format("note {} {}", owner, canonical(e));
    replace_all(note, world.base_url(), "<sandbox>");
    for (const auto& id : created_ids) replace_all(note, id, "<created>");
    // R22: a quote note names the quote's number and link, given in creation order or at random.
    if (on_opportunity) note = std::regex_replace(note, kQuoteNumberAndLink, "Quote <number>:$1<link>");
    out.lines.push_back(std::move(note));
    if (member_text(e, "content").find(kNoteHeading) != std::string::npos && ++capsync_notes[party_id] == 2)
      out.problems.push_back(fmt::format("party {} has more than one invoice note", owner));
  }
  for (std::size_t i = 0; i < remote_contacts.size(); ++i) {
    contact_keys[remote_contacts[i].remote_id] = contact_key(remote_contacts[i]);
    out.lines.push_back(
        fmt::format("contact {} {}", contact_key(remote_contacts[i]), canonical(records[i], remote_volatile)));
  }
  auto party_of = [&](const std::string& id) {
    auto it = party_keys.find(id);
    return it == party_keys.end() ? "(no such party)" : it->second;
  };
  auto contact_of = [&](const std::string& id) {
    auto it = contact_keys.find(id);
    return it == contact_keys.end() ? "(no such contact)" : it->second;
  };

  const auto bindings = world.bindings();
  std::set<std::string> bound_parties, bound_contacts;
  std::map<std::string, std::vector<std::string>> linked_contacts;  // party id -> contact ids
  for (const auto& b : bindings) {
    out.lines.push_back(fmt::format("binding {} | {} | {} {} created_by_us={}", party_of(b.capsule_id),
                                    contact_of(b.remote_id), b.kind, b.state, b.created_by_us));
    bound_parties.insert(b.capsule_id);
    bound_contacts.insert(b.remote_id);
    if (b.state == "linked") linked_contacts[b.capsule_id].push_back(b.remote_id);
  }
  for (const auto& c : world.conflicts())
    out.lines.push_back(fmt::format("conflict {} {} | {} open={}", c.kind, c.capsule_id.empty() ? "" : party_of(c.capsule_id),
                                    c.remote_id.empty() ? "" : contact_of(c.remote_id), c.open));
  for (const auto& row : world.query_rows(
           "SELECT contact_remote_id, number, type, status, currency, total, amount_paid, amount_due, "
           "coalesce(issue_date, ''), coalesce(due_date, '') FROM invoices"))
    out.lines.push_back(fmt::format("invoice {} | {}", contact_of(row.at(0)),
                                    fmt::join(row.begin() + 1, row.end(), " ")));
  std::sort(out.lines.begin(), out.lines.end());

  // Records the daemon created: one per name, each bound.
  std::map<std::string, int> created_parties, created_contacts;
  for (const auto& [id, key] : party_keys) {
    if (seeded.parties.contains(id)) continue;
    if (++created_parties[key] == 2) out.problems.push_back(fmt::format("party {} created more than once", key));
    if (!bound_parties.contains(id)) out.problems.push_back(fmt::format("party {} ({}) created but not bound", key, id));
  }
  std::map<std::string, int> active_names;
  for (const auto& c : remote_contacts) {
    const std::string id = c.remote_id, key = contact_key(c);
    std::string folded = c.name;
    std::transform(folded.begin(), folded.end(), folded.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (!c.archived && ++active_names[folded] == 2)
      out.problems.push_back(fmt::format("two active accounting contacts named {}", key));
    if (seeded.contacts.contains(id)) continue;
    if (++created_contacts[key] == 2) out.problems.push_back(fmt::format("contact {} created more than once", key));
    if (!bound_contacts.contains(id)) out.problems.push_back(fmt::format("contact {} ({}) created but not bound", key, id));
  }

  // R6: Outstanding = amount due of the linked contacts' authorised sales invoices, each once.
  std::map<std::string, Amounts> due_by_contact;
  for (const auto& inv : kit.invoices(doc)) {
    if (!inv.owed_sale) continue;
    auto due = parse_amount(inv.amount_due);
    if (!due || *due == 0 || inv.contact_id.empty()) continue;
    due_by_contact[inv.contact_id][inv.currency] += *due;
  }
  for (const auto& [party_id, contacts] : linked_contacts) {
    auto party = parties_by_id.find(party_id);
    if (party == parties_by_id.end()) continue;
    Amounts expected;
    for (const auto& contact : contacts)
      for (const auto& [currency, amount] : due_by_contact[contact]) expected[currency] += amount;
    std::erase_if(expected, [](const auto& entry) { return entry.second == 0; });
    const std::string shown = field_value(*party->second, "Outstanding");
    auto actual = parse_amounts(shown);
    if (!actual || *actual != expected)
      out.problems.push_back(fmt::format("party {} shows Outstanding \"{}\", its invoices add up to {}",
                                         party_keys[party_id], shown, show(expected)));
  }
  return out;
}

std::vector<std::string> diff(const std::vector<std::string>& expected, const std::vector<std::string>& actual,
                              std::size_t limit) {
  std::vector<std::string> only_expected, only_actual, out;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(only_expected));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(only_actual));
  for (const auto& line : only_expected)
    if (out.size() < limit) out.push_back("- " + line);
  for (const auto& line : only_actual)
    if (out.size() < limit) out.push_back("+ " + line);
  if (only_expected.size() + only_actual.size() > out.size())
    out.push_back(fmt::format("… {} more", only_expected.size() + only_actual.size() - out.size()));
  return out;
}

}  // namespace capsync::scenario
