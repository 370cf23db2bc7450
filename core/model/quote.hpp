#pragma once
// Quote: a quote or estimate on the accounting side in the neutral model (R18-R22). Xero
// quotes, FreshBooks estimates, FreeAgent estimates, Sage sales quotes and estimates and
// KashFlow quotes all map here; each connector documents its status mapping.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/model/date_time.hpp"
#include "core/model/money.hpp"

namespace capsync::model {

// Neutral statuses (Xero's names). `sent` is the only open one (R18): issued and awaiting
// the customer. Only a draft may be changed by capsync (R21).
enum class QuoteStatus { draft, sent, accepted, declined, invoiced, expired, deleted };
std::string_view to_string(QuoteStatus status);
// How a person reads it: "Draft", "Sent", "Accepted", ...
std::string_view display_name(QuoteStatus status);
bool is_open(QuoteStatus status);

struct Quote {
  std::string remote_id;
  std::string contact_remote_id;
  std::string number;     // may be empty for drafts on some services
  std::string reference;  // "Capsule opportunity #ID" for the quotes capsync made (R20)
  std::string title;
  std::string summary;
  QuoteStatus status = QuoteStatus::draft;
  std::optional<Date> issue_date;
  std::optional<Date> expiry_date;
  std::string currency;  // ISO 4217, the same as `total`
  Money total;
  std::string url;  // opens the quote in the accounting service; may be empty
  std::optional<Timestamp> updated_at;

  friend bool operator==(const Quote&, const Quote&) = default;
};

// What capsync asks for when it drafts or updates a quote from an opportunity (R19, R21).
// Amounts are exact: quantity x unit_amount is the opportunity's value.
struct QuoteSpec {
  std::string contact_remote_id;
  std::string reference;
  std::string title;
  std::string summary;
  Date issue_date;
  Date expiry_date;
  std::string currency;
  std::string line_description;  // the opportunity's name
  std::int64_t quantity = 1;     // the opportunity's duration, 1 when fixed
  Money unit_amount;
  std::string account_code;  // empty = the service's default
  std::string tax_type;      // empty = the service's default

  friend bool operator==(const QuoteSpec&, const QuoteSpec&) = default;
};

}  // namespace capsync::model
