#include <catch2/catch.hpp>

#include "core/sync/rules.hpp"
#include "fixtures.hpp"

using namespace capsync::sync;
using namespace capsync::sync::test;

// How a provider's contacts qualify (R3): by their invoices (Xero) or by their customer and
// supplier flags (the others); the registry's traits say which.
constexpr bool kByInvoices = true;
constexpr bool kByFlags = false;

TEST_CASE("R3 by invoices (Xero): a contact qualifies only with a non-draft, non-void invoice", "[sync][rules]") {
  auto c = org_contact("c1", "Acme");
  std::vector<Invoice> none;
  CHECK_FALSE(qualifies(c, none, kByInvoices));

  std::vector<Invoice> drafts{invoice("1", "c1", InvoiceStatus::draft)};
  CHECK_FALSE(qualifies(c, drafts, kByInvoices));
  std::vector<Invoice> voided{invoice("1", "c1", InvoiceStatus::voided), invoice("2", "c1", InvoiceStatus::deleted)};
  CHECK_FALSE(qualifies(c, voided, kByInvoices));
  std::vector<Invoice> others{invoice("1", "other", InvoiceStatus::authorised)};
  CHECK_FALSE(qualifies(c, others, kByInvoices));

  for (auto s : {InvoiceStatus::submitted, InvoiceStatus::authorised, InvoiceStatus::paid}) {
    std::vector<Invoice> one{invoice("1", "c1", InvoiceStatus::draft), invoice("2", "c1", s)};
    CHECK(qualifies(c, one, kByInvoices));
  }
  // Bills count for qualification too.
  auto bill = invoice("3", "c1", InvoiceStatus::authorised);
  bill.type = InvoiceType::purchase;
  std::vector<Invoice> bills{bill};
  CHECK(qualifies(c, bills, kByInvoices));

  c.status = ContactStatus::archived;
  CHECK_FALSE(qualifies(c, bills, kByInvoices));
}

TEST_CASE("R3 by flags (the other providers): every active customer and supplier qualifies", "[sync][rules]") {
  std::vector<Invoice> none;
  {
    const bool p = kByFlags;
    auto customer = org_contact("c1", "Acme");
    CHECK(qualifies(customer, none, p));
    auto supplier = org_contact("s1", "Paper Co");
    supplier.is_customer = false;
    supplier.is_supplier = true;
    CHECK(qualifies(supplier, none, p));
    customer.status = ContactStatus::archived;
    CHECK_FALSE(qualifies(customer, none, p));
    customer.status = ContactStatus::deleted;
    CHECK_FALSE(qualifies(customer, none, p));
  }
}

TEST_CASE("R6 supplier invoices are shown only when configured", "[sync][rules]") {
  auto sale = invoice("1", "c1", InvoiceStatus::authorised, "10");
  auto bill = invoice("2", "c1", InvoiceStatus::authorised, "20");
  bill.type = InvoiceType::purchase;
  auto draft = invoice("3", "c1", InvoiceStatus::draft, "30");
  auto voided = invoice("4", "c1", InvoiceStatus::voided, "40");
  std::vector<Invoice> all{sale, bill, draft, voided};
  auto without = summary_invoices(all, false);
  REQUIRE(without.size() == 1);
  CHECK(without[0].remote_id == "1");
  auto with = summary_invoices(all, true);
  REQUIRE(with.size() == 2);
  CHECK(with[1].remote_id == "2");
}
