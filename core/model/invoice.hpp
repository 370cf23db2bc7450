#pragma once
// Invoice: a sales invoice or a supplier bill in the neutral model (R6).

#include <optional>
#include <string>
#include <string_view>

#include "core/model/date_time.hpp"
#include "core/model/money.hpp"

namespace capsync::model {

// Xero ACCREC = sales, ACCPAY = purchase (bill). Credit notes and prepayments are not invoices here.
enum class InvoiceType { sales, purchase };
std::string_view to_string(InvoiceType type);

// Neutral statuses (Xero names). FreshBooks: draft -> draft, sent/viewed/partial/... ->
// authorised, paid/autopaid -> paid, deleted (vis_state 1) -> deleted.
enum class InvoiceStatus { draft, submitted, authorised, paid, voided, deleted };
std::string_view to_string(InvoiceStatus status);
// How a person reads it: "Draft", "Awaiting approval", "Awaiting payment", "Paid", ...
std::string_view display_name(InvoiceStatus status);

struct Invoice {
  std::string remote_id;
  std::string contact_remote_id;
  std::string number;  // may be empty for drafts
  InvoiceType type = InvoiceType::sales;
  InvoiceStatus status = InvoiceStatus::draft;
  std::optional<Date> issue_date;
  std::optional<Date> due_date;
  std::string currency;  // ISO 4217, the same as every Money below
  Money total;
  Money amount_paid;
  Money amount_due;
  std::string url;  // opens the invoice in the accounting service; may be empty
  std::optional<Timestamp> updated_at;

  friend bool operator==(const Invoice&, const Invoice&) = default;
};

}  // namespace capsync::model
