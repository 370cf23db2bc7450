#pragma once
// How `capsyncctl export` shows the daemon's export preview (export_preview.hpp) to a person
// before anything is sent, and the question it then asks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "daemon/ctl/ctl_confirm.hpp"

namespace capsync::ctl {


// The party, what is exported (B2B: the organisation), each field as the provider's contact
// receives it, and what the export will do: create, nothing (linked), or record a name clash.
void print_export_preview(const rapidjson::Value& preview);

// `export CONNECTION PARTY`: asks capsyncctl's daemon for the preview, shows it and asks,
// unless `yes` (which sends the export whatever the preview says; the daemon's job does nothing
// for a party linked already). The party id to send the export of, or the exit code: 0 nothing
// to export (linked already), 1 refused or declined, 2 nobody to ask (pass --yes).
// --json never asks: without `yes` it prints the preview and stops; with it the preview is
// kept for with_preview() instead.
struct ExportDecision {
  std::optional<std::int64_t> party_id;
  int exit_code = 0;
  std::string preview;  // --json --yes: the preview's JSON
};
ExportDecision preview_export(const AdminCall& call, const std::string& connection, const std::string& party, bool yes,
                              bool json);

// The daemon's answer to the export with the preview in it: {"ok":true,"job":18,"preview":{…}}.
std::string with_preview(const std::string& answer, const std::string& preview);

// "Export Capsule party 31 "Fine Ltd" to Xero?" (a name clash: "... anyway? It records ...").
std::string export_question(const rapidjson::Value& preview);

}  // namespace capsync::ctl
