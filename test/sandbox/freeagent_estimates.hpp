#pragma once
// Fake FreeAgent estimates (https://dev.freeagent.com/docs/estimates): GET/POST /v2/estimates
// (view, contact, updated_since, nested_estimate_items; paged like every FreeAgent list),
// GET/PUT/DELETE /v2/estimates/:id, PUT /v2/estimates/:id/transitions/{mark_as_sent,
// mark_as_draft, mark_as_approved, mark_as_rejected, convert_to_invoice} and PUT
// /v2/estimate_items/:id. Statuses: Draft, Sent, Open, Approved, Rejected, Invoiced; a status
// changes only through a transition (a PUT that names one is refused), as FreeAgent documents.
// An estimate has no expiry date and no title in FreeAgent; its `reference` is free text that
// FreeAgent fills from its own sequence ("001", …) when a create leaves it out.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "test/sandbox/freeagent_books.hpp"
#include "test/sandbox/http_message.hpp"

namespace capsync::sandbox {

struct FreeAgentEstimateItem {
  std::int64_t id = 0;
  std::string item_type = "Services", description;
  Money quantity = kMoneyScale, price = 0, sales_tax_rate = 0;
  TimePoint created{}, updated{};

  Money net() const { return quantity * price / kMoneyScale; }
  Money tax() const { return net() * sales_tax_rate / (100 * kMoneyScale); }
};

struct FreeAgentEstimate {
  std::int64_t id = 0, contact_id = 0;
  std::string reference, estimate_type = "Estimate", status = "Draft", currency = "GBP", notes;
  TimePoint dated_on{}, created{}, updated{};
  std::vector<FreeAgentEstimateItem> items;
  std::optional<std::int64_t> invoice_id;  // set by convert_to_invoice

  Money net() const;
  Money tax() const;
};

class FreeAgentEstimates {
 public:
  // Seeds from the "estimates" array of the "freeagent" section (numbers as text).
  void load(const rapidjson::Value& exact, const FreeAgentBooks& books, TimePoint now);
  void dump(JsonWriter& writer, const std::string& api) const;

  // `path` below /v2/ ("estimates", "estimates/5/transitions/mark_as_sent", "estimate_items/9").
  // `base_url` prefixes the Link header's URLs; `api` the urls in bodies.
  Response route(const Request& request, std::string_view path, FreeAgentBooks& books, const std::string& base_url,
                 const std::string& api, TimePoint now);

 private:
  FreeAgentEstimate* find(std::int64_t id);
  Response list(const Request& request, const std::string& base_url, const std::string& api) const;
  Response create(const Request& request, FreeAgentBooks& books, const std::string& api, TimePoint now);
  Response update(const Request& request, FreeAgentEstimate& estimate, FreeAgentBooks& books, TimePoint now);
  Response update_item(const Request& request, std::int64_t item_id, TimePoint now);
  Response transition(FreeAgentEstimate& estimate, std::string_view name, FreeAgentBooks& books,
                      const std::string& api, TimePoint now);
  Response one(int status, const FreeAgentEstimate& estimate, const std::string& api) const;
  void write(JsonWriter& writer, const FreeAgentEstimate& estimate, const std::string& api, bool items) const;

  std::vector<FreeAgentEstimate> estimates_;
  std::int64_t next_id_ = 7700, next_item_id_ = 88000, next_reference_ = 1;
};

}  // namespace capsync::sandbox
