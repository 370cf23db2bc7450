#include "daemon/ctl/ctl_export.hpp"

#include <utility>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/connector/json.hpp"
#include "daemon/admin_protocol.hpp"

namespace capsync::ctl {

namespace {

std::string_view text(const rapidjson::Value& v, const char* key) {
  auto m = v.FindMember(key);
  return m != v.MemberEnd() && m->value.IsString() ? std::string_view(m->value.GetString()) : std::string_view();
}

std::string describe_party(const rapidjson::Value& p) {
  return fmt::format("{} {} \"{}\"", text(p, "type"), p["id"].GetInt64(), text(p, "name"));
}

}  // namespace

void print_export_preview(const rapidjson::Value& preview) {
  const std::string provider(text(preview, "provider_display"));
  const auto& party = preview["party"];
  const auto& exported = preview["exported"];
  fmt::print("Capsule {} on {}\n", describe_party(party), text(preview, "connection"));
  if (exported["id"].GetInt64() != party["id"].GetInt64())
    fmt::print("  belongs to {}: that organisation is exported, with this person as its contact person (R12)\n",
               describe_party(exported));
  const std::string_view outcome = text(preview, "outcome");
  fmt::print("{} contact {}:\n", provider, outcome == "create" ? "that would be created" : "these details describe");
  for (const auto& f : preview["fields"].GetArray()) {
    std::string field(text(f, "provider_field"));
    if (field.empty()) field = "(not sent to " + provider + ")";
    const std::string_view value = text(f, "value");
    fmt::print("  {:<15} {:<28} {}\n", text(f, "field"), field, value.empty() ? "(empty)" : value);
  }
  if (outcome == "linked") {
    fmt::print("Already linked to {} contact {}: exporting it does nothing\n", provider, text(preview, "linked_to"));
  } else if (outcome == "name_clash") {
    fmt::print("{} already has a contact named \"{}\":", provider, text(exported, "name"));
    for (const auto& e : preview["existing"].GetArray()) fmt::print(" {} ({})", text(e, "id"), text(e, "status"));
    fmt::print("\nNames stay unique (R13): the export creates nothing and records a name clash (capsyncctl "
               "conflicts); rename one of them, or let the sync link them by name\n");
  } else if (outcome == "near_duplicate") {
    fmt::print("{} has a contact whose name differs from \"{}\" only by case, spacing, punctuation or legal suffix:",
               provider, text(exported, "name"));
    for (const auto& e : preview["existing"].GetArray())
      fmt::print(" \"{}\" {} ({})", text(e, "name"), text(e, "id"), text(e, "status"));
    fmt::print("\nA near-duplicate needs a person (R17): the export creates nothing and records it (capsyncctl "
               "conflicts); rename one of them to the other's exact name to link them, or to a clearly "
               "different name\n");
  } else {
    fmt::print("{} has no contact named \"{}\": the export creates it and links it to Capsule {} {}\n", provider,
               text(exported, "name"), text(exported, "type"), exported["id"].GetInt64());
  }
}

std::string with_preview(const std::string& answer, const std::string& preview) {
  auto doc = connector::json::parse(answer, connector::json::Numbers::as_numbers);
  auto shown = connector::json::parse(preview, connector::json::Numbers::as_numbers);
  if (!doc || !shown || !doc->IsObject() || !shown->IsObject()) return answer;
  doc->AddMember("preview", rapidjson::Value(*shown, doc->GetAllocator()), doc->GetAllocator());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc->Accept(w);
  return buf.GetString();
}

std::string export_question(const rapidjson::Value& preview) {
  const auto& exported = preview["exported"];
  const std::string provider(text(preview, "provider_display"));
  if (text(preview, "outcome") == "name_clash" || text(preview, "outcome") == "near_duplicate")
    return fmt::format("Export Capsule {} {} \"{}\" to {} anyway (it only records the conflict)?",
                       text(exported, "type"), exported["id"].GetInt64(), text(exported, "name"), provider);
  return fmt::format("Export Capsule {} {} \"{}\" to {}?", text(exported, "type"), exported["id"].GetInt64(),
                     text(exported, "name"), provider);
}

ExportDecision preview_export(const AdminCall& call, const std::string& connection, const std::string& party, bool yes,
                              bool json) {
  ExportDecision out;
  auto preview = call(daemon::export_preview_request(connection, party), out.exit_code);
  if (!preview) return out;
  const std::int64_t party_id = (*preview)["party"]["id"].GetInt64();
  const bool linked = text(*preview, "outcome") == "linked";
  if (json) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    preview->Accept(w);
    if (yes) {
      out.party_id = party_id;
      out.preview = buf.GetString();
      return out;
    }
    fmt::print("{}\n", buf.GetString());
    if (linked) return out;
    fmt::print(stderr, "capsyncctl: not exported: with --json pass --yes to export, nothing is asked\n");
    out.exit_code = 2;
    return out;
  }
  print_export_preview(*preview);
  if (linked && !yes) return out;
  switch (confirm(export_question(*preview), yes)) {
    case Confirmation::yes:
      out.party_id = party_id;
      return out;
    case Confirmation::no:
      fmt::print("Not exported\n");
      out.exit_code = 1;
      return out;
    case Confirmation::not_a_terminal:
      break;
  }
  fmt::print(stderr, "capsyncctl: not exported: stdin is not a terminal to ask on; pass --yes to export\n");
  out.exit_code = 2;
  return out;
}

}  // namespace capsync::ctl
