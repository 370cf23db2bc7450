#include "core/model/invoice.hpp"

namespace capsync::model {

std::string_view to_string(InvoiceType type) {
  return type == InvoiceType::sales ? "sales" : "purchase";
}

std::string_view to_string(InvoiceStatus status) {
  switch (status) {
    case InvoiceStatus::draft: return "draft";
    case InvoiceStatus::submitted: return "submitted";
    case InvoiceStatus::authorised: return "authorised";
    case InvoiceStatus::paid: return "paid";
    case InvoiceStatus::voided: return "voided";
    case InvoiceStatus::deleted: return "deleted";
  }
  return "draft";
}

std::string_view display_name(InvoiceStatus status) {
  switch (status) {
    case InvoiceStatus::draft: return "Draft";
    case InvoiceStatus::submitted: return "Awaiting approval";
    case InvoiceStatus::authorised: return "Awaiting payment";
    case InvoiceStatus::paid: return "Paid";
    case InvoiceStatus::voided: return "Voided";
    case InvoiceStatus::deleted: return "Deleted";
  }
  return "Draft";
}

}  // namespace capsync::model
