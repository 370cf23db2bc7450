#pragma once
// webhook::Event: one record a verified delivery names, in neutral terms (R23). It is a hint,
// never data: the refresh it becomes re-reads the record through the API. Deliveries of every
// source (Xero, FreshBooks, Capsule) become these, merged per (connection, kind, remote_id).

#include <string>
#include <string_view>

namespace capsync::webhook {

// The record kinds a delivery can name; each source maps its own categories onto these.
enum class RecordKind { contact, invoice, party, quote, opportunity };

std::string_view to_string(RecordKind kind);
// nullopt-free parse for stored rows: false when `text` names no kind.
bool parse(std::string_view text, RecordKind& kind);

struct Event {
  std::string connection{};  // the capsync connection the record belongs to
  RecordKind kind = RecordKind::contact;
  std::string remote_id{};  // the record's id on the side that sent the delivery
  std::string source{};     // the route that received it: "xero", "freshbooks", "capsule"

  friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace capsync::webhook
