#include "core/model/quote.hpp"

namespace capsync::model {

std::string_view to_string(QuoteStatus status) {
  switch (status) {
    case QuoteStatus::draft: return "draft";
    case QuoteStatus::sent: return "sent";
    case QuoteStatus::accepted: return "accepted";
    case QuoteStatus::declined: return "declined";
    case QuoteStatus::invoiced: return "invoiced";
    case QuoteStatus::expired: return "expired";
    case QuoteStatus::deleted: return "deleted";
  }
  return "draft";
}

std::string_view display_name(QuoteStatus status) {
  switch (status) {
    case QuoteStatus::draft: return "Draft";
    case QuoteStatus::sent: return "Sent";
    case QuoteStatus::accepted: return "Accepted";
    case QuoteStatus::declined: return "Declined";
    case QuoteStatus::invoiced: return "Invoiced";
    case QuoteStatus::expired: return "Expired";
    case QuoteStatus::deleted: return "Deleted";
  }
  return "Draft";
}

bool is_open(QuoteStatus status) { return status == QuoteStatus::sent; }

}  // namespace capsync::model
