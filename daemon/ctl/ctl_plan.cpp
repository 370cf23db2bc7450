#include "daemon/ctl/ctl_plan.hpp"

#include <chrono>

#include <fmt/format.h>

#include "core/connector/json.hpp"
#include "daemon/admin_protocol.hpp"
#include "daemon/ctl/admin_client.hpp"

namespace capsync::ctl {

namespace {

// A plan reads both providers under their rate limits: a full one of a large account takes a while.
constexpr std::chrono::minutes kPlanTimeout{30};

std::string text(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return {};
  auto m = v.FindMember(key);
  return m != v.MemberEnd() && m->value.IsString() ? std::string(m->value.GetString(), m->value.GetStringLength())
                                                   : std::string();
}

// "party 11 'Acme Ltd'", "new party 'New Corp'"; "" for null.
std::string party(const rapidjson::Value& p) {
  if (!p.IsObject()) return {};
  const auto id = p.FindMember("id");
  if (id == p.MemberEnd() || !id->value.IsInt64()) return fmt::format("new party '{}'", text(p, "name"));
  return fmt::format("party {} '{}'", id->value.GetInt64(), text(p, "name"));
}

std::string contact(const rapidjson::Value& c) {
  if (!c.IsObject()) return {};
  const auto id = c.FindMember("id");
  if (id == c.MemberEnd() || !id->value.IsString()) return fmt::format("new contact '{}'", text(c, "name"));
  return fmt::format("contact {} '{}'", id->value.GetString(), text(c, "name"));
}

// The entry's changes, "; "-separated.
std::string joined_changes(const rapidjson::Value& e) {
  std::string out;
  auto m = e.FindMember("changes");
  if (m == e.MemberEnd() || !m->value.IsArray()) return out;
  for (const auto& c : m->value.GetArray()) {
    if (!c.IsString()) continue;
    out += out.empty() ? "" : "; ";
    out += c.GetString();
  }
  return out;
}

// ": " and the changes, "" when there are none.
std::string changes(const rapidjson::Value& e) {
  const std::string all = joined_changes(e);
  return all.empty() ? all : ": " + all;
}

std::string entry_line(std::string_view list, const rapidjson::Value& e) {
  const std::string p = party(e["party"]), c = contact(e["contact"]);
  if (list == "link") return fmt::format("{} <-> {}", p, c);
  if (list == "create_in_capsule") return fmt::format("{} for {}{}", p, c, changes(e));
  if (list == "update_in_capsule") return fmt::format("{}{}", p, changes(e));
  if (list == "push") return fmt::format("{} from {}{}", c, p, changes(e));
  if (list == "export") return fmt::format("{} as {}{}", p, c, changes(e));
  if (list == "quotes") return joined_changes(e);  // "would draft a quote for opportunity #12 …"
  return fmt::format("{} <-> {}", p, c);  // unlink
}

std::string conflict_line(const rapidjson::Value& c) {
  std::string sides;
  if (c["contact"].IsObject()) sides = contact(c["contact"]);
  for (const auto& p : c["parties"].GetArray()) sides += (sides.empty() ? "" : ", ") + party(p);
  return fmt::format("{}: {}; {}", text(c, "kind"), sides, text(c, "detail"));
}

struct List {
  const char* key;
  const char* title;
};

constexpr List kLists[] = {{"link", "Link"},
                           {"create_in_capsule", "Create in Capsule"},
                           {"update_in_capsule", "Update in Capsule"},
                           {"push", "Push to the accounting side"},
                           {"export", "Export to the accounting side"},
                           {"quotes", "Quotes"},
                           {"unlink", "Unlink"},
                           {"conflicts", "Conflicts"}};

}  // namespace

std::string format_plan(const rapidjson::Value& answer, bool all) {
  const auto& plan = answer["plan"];
  const bool full = answer.HasMember("full") && answer["full"].IsBool() && answer["full"].GetBool();
  std::string out = fmt::format("Plan of the {} of {}:\n", full ? "full reconcile" : "next sync", text(answer, "connection"));
  std::string counts;
  for (const auto& l : kLists)
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", plan[l.key].Size(), l.title);
  out += fmt::format("  {}; {} provider reads\n", counts, plan["reads"].GetInt());
  for (const auto& l : kLists) {
    const auto& items = plan[l.key].GetArray();
    if (items.Empty()) continue;
    out += fmt::format("{} ({}):\n", l.title, items.Size());
    int shown = 0;
    for (const auto& e : items) {
      if (!all && shown == plan_lines_shown) {
        out += fmt::format("  … and {} more (--all shows every line)\n", items.Size() - shown);
        break;
      }
      out += fmt::format("  {}\n", std::string_view(l.key) == "conflicts" ? conflict_line(e) : entry_line(l.key, e));
      ++shown;
    }
  }
  out += "Nothing was written: this was a plan.\n";
  return out;
}

int run_plan(const std::string& socket_path, const PlanArgs& args, bool json) {
  auto answer = daemon::admin_call(socket_path, daemon::plan_request(args.connection, args.full), kPlanTimeout);
  if (!answer) {
    const auto code = answer.error().code();
    if (code == Errc::not_found) {
      fmt::print(stderr, "capsyncctl: {}; start it with `systemctl start capsync` (or check --socket/--config)\n",
                 answer.error().message());
      return 3;
    }
    fmt::print(stderr, "capsyncctl: {}\n", answer.error().message());
    return code == Errc::unauthorized ? 4 : 1;
  }
  auto parsed = connector::json::parse(*answer, connector::json::Numbers::as_numbers);
  rapidjson::Document doc;
  if (parsed) doc.Swap(*parsed);
  if (!parsed || !doc.IsObject() || !doc.HasMember("ok") || !doc["ok"].IsBool()) {
    fmt::print(stderr, "capsyncctl: the daemon sent an answer that is not understood: {}\n", *answer);
    return 1;
  }
  if (json) fmt::print("{}\n", *answer);
  if (!doc["ok"].GetBool()) {
    const std::string error = text(doc, "error");
    fmt::print(stderr, "capsyncctl: {}\n", error.empty() ? "request refused" : error);
    return error.starts_with("permission denied") ? 4 : 1;
  }
  if (!json) fmt::print("{}", format_plan(doc, args.all));
  return 0;
}

}  // namespace capsync::ctl
