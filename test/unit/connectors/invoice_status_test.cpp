// R6 per provider: each provider's invoice statuses, read by its connector, count in the
// summary exactly when the invoice has been issued to the customer. An invoice awaiting
// approval or still a draft, voided or deleted is in none of the totals, the tag or the note;
// an issued one (Xero AUTHORISED and its equivalents) is in all of them.

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "connectors/freeagent/invoices.hpp"
#include "connectors/freshbooks/invoices.hpp"
#include "connectors/kashflow/invoices.hpp"
#include "connectors/sage/invoices.hpp"
#include "connectors/xero/invoices.hpp"
#include "core/connector/json.hpp"
#include "core/sync/rules.hpp"
#include "core/sync/summary_write.hpp"

using namespace capsync;

namespace {

std::string with_status(std::string_view pattern, std::string_view status) {
  std::string out(pattern);
  out.replace(out.find("STATUS"), 6, status);
  return out;
}

// What Capsule would get for this one invoice, due long ago with an amount due.
sync::SummaryWrite written(model::Invoice inv) {
  inv.number = "R6-TEST";
  inv.due_date = model::parse_date("2020-01-31").value();
  sync::ConnectionPolicy policy;
  policy.invoice_note = true;
  std::vector<model::Invoice> invoices{inv};
  return sync::summary_for_contact(invoices, model::parse_date("2024-03-01").value(), policy, "").value();
}

void check_counts(const model::Invoice& inv, bool issued) {
  CHECK(sync::counts_in_summary(inv, false) == issued);
  const auto w = written(inv);
  CHECK(w.outstanding.empty() == !issued);
  CHECK(w.overdue.empty() == !issued);
  CHECK(w.overdue_tag == issued);
  CHECK((w.note->find("R6-TEST") != std::string::npos) == issued);
}

}  // namespace

TEST_CASE("R6 Xero: AUTHORISED and PAID count; DRAFT, SUBMITTED, VOIDED and DELETED do not") {
  constexpr std::string_view kBody = R"js({"Invoices":[{"Type":"ACCREC","InvoiceID":"i-1","InvoiceNumber":"INV-1",
    "Contact":{"ContactID":"c-1"},"Status":"STATUS","Total":50.00,"AmountDue":50.00,"AmountPaid":0.00,"CurrencyCode":"GBP"}]})js";
  for (auto [status, issued] : {std::pair{"DRAFT", false}, {"SUBMITTED", false}, {"AUTHORISED", true}, {"PAID", true},
                                {"VOIDED", false}, {"DELETED", false}}) {
    INFO(status);
    auto page = xero::parse_invoices(with_status(kBody, status));
    REQUIRE(page);
    REQUIRE(page->invoices.size() == 1);
    check_counts(page->invoices[0], issued);
  }
}

TEST_CASE("R6 FreshBooks: sent, viewed, partial and paid count; draft, created and deleted do not") {
  for (auto [status, vis_state, issued] :
       {std::tuple{"draft", 0, false}, {"created", 0, false}, {"sent", 0, true}, {"viewed", 0, true},
        {"partial", 0, true}, {"paid", 0, true}, {"autopaid", 0, true}, {"sent", 1, false}}) {
    INFO(status << " vis_state " << vis_state);
    model::Invoice inv;
    inv.status = freshbooks::invoice_status(status, vis_state);
    inv.currency = "USD";
    inv.total = inv.amount_due = *model::Money::parse("50", "USD");
    check_counts(inv, issued);
  }
}

TEST_CASE("R6 FreeAgent: Open, Overdue and Paid count; Draft and Cancelled do not") {
  for (auto [status, issued] : {std::pair{"Draft", false}, {"Open", true}, {"Overdue", true},
                                {"Scheduled To Email", true}, {"Paid", true}, {"Cancelled", false}}) {
    INFO(status);
    model::Invoice inv;
    inv.status = freeagent::invoice_status(status);
    inv.currency = "GBP";
    inv.total = inv.amount_due = *model::Money::parse("50", "GBP");
    check_counts(inv, issued);
  }
}

TEST_CASE("R6 Sage: UNPAID, PART_PAID and PAID count; DRAFT, VOID and deleted do not") {
  constexpr std::string_view kItem = R"js({"id":"9f1c","contact":{"id":"b0e3"},"invoice_number":"SI-12",
    "status":{"id":"STATUS"},"currency":{"id":"GBP"},"total_amount":50.0,"total_paid":0.0,"outstanding_amount":50.0})js";
  for (auto [status, issued] : {std::pair{"DRAFT", false}, {"UNPAID", true}, {"PART_PAID", true}, {"PAID", true},
                                {"VOID", false}}) {
    INFO(status);
    auto doc = connector::json::parse(with_status(kItem, status));
    REQUIRE(doc);
    auto inv = sage::parse_invoice(*doc, model::InvoiceType::sales);
    REQUIRE(inv);
    check_counts(*inv, issued);
  }
  auto doc = connector::json::parse(std::string(with_status(kItem, "UNPAID")).insert(1, R"("deleted_at":"2024-05-02T00:00:00Z",)"));
  REQUIRE(doc);
  auto deleted = sage::parse_invoice(*doc, model::InvoiceType::sales);
  REQUIRE(deleted);
  check_counts(*deleted, false);
}

TEST_CASE("R6 KashFlow: Unpaid, Overdue and Paid count; Draft and Void do not") {
  constexpr std::string_view kItem = R"js({"Number":2,"CustomerCode":"PDRI91","GrossAmount":50.0000,
    "TotalPaidAmount":0.0000,"Status":"STATUS","Currency":{"Code":"GBP"}})js";
  for (auto [status, issued] : {std::pair{"Draft", false}, {"Unpaid", true}, {"Overdue", true}, {"Paid", true},
                                {"Void", false}}) {
    INFO(status);
    auto doc = connector::json::parse(with_status(kItem, status));
    REQUIRE(doc);
    auto inv = kashflow::parse_invoice(*doc, "https://api.kashflow.com");
    REQUIRE(inv);
    check_counts(*inv, issued);
  }
}
