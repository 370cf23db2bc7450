#include <catch2/catch.hpp>

#include "core/sync/rules.hpp"
#include "core/sync/summary.hpp"
#include "core/sync/summary_write.hpp"
#include "fixtures.hpp"

using namespace capsync::sync;
using namespace capsync::sync::test;

TEST_CASE("R8 totals in different currencies are listed side by side, never added", "[sync][summary]") {
  auto a = invoice("1", "c", InvoiceStatus::authorised, "1000.00", "1000.00", "GBP");
  auto b = invoice("2", "c", InvoiceStatus::authorised, "240", "300", "GBP");
  auto e = invoice("3", "c", InvoiceStatus::authorised, "300", "300", "EUR");
  a.due_date = b.due_date = e.due_date = day("2030-01-01");
  std::vector<Invoice> invoices{a, b, e};
  auto s = summarize(invoices, day("2024-01-01"));
  REQUIRE(s.ok());
  CHECK(s->outstanding.to_display() == "300.00 EUR; 1,240.00 GBP");
  CHECK(s->overdue.empty());
  CHECK(s->open_count == 3);
}

TEST_CASE("R9 overdue means due before today in the connection's time zone", "[sync][summary]") {
  // At 2024-03-10T20:00Z it is already 11 March in Auckland, still 10 March in Los Angeles.
  const auto now = *parse_timestamp("2024-03-10T20:00:00Z");
  const auto auckland = *date_in_zone(now, "Pacific/Auckland");
  const auto los_angeles = *date_in_zone(now, "America/Los_Angeles");
  auto inv = invoice("1", "c", InvoiceStatus::authorised, "50", "50", "NZD");
  inv.due_date = day("2024-03-10");
  CHECK(is_overdue(inv, auckland));
  CHECK_FALSE(is_overdue(inv, los_angeles));

  std::vector<Invoice> invoices{inv};
  auto nz = summarize(invoices, auckland);
  auto us = summarize(invoices, los_angeles);
  CHECK(nz->overdue.to_display() == "50.00 NZD");
  CHECK_FALSE(nz->next_due.has_value());
  CHECK(us->overdue.empty());
  CHECK(us->next_due == day("2024-03-10"));  // due today is not overdue: it is next due

  ConnectionPolicy policy;
  CHECK(render_summary(*nz, invoices, auckland, policy, "").overdue_tag);
  CHECK_FALSE(render_summary(*us, invoices, los_angeles, policy, "").overdue_tag);
}

TEST_CASE("R9 paid and zero-due invoices are never overdue", "[sync][summary]") {
  auto paid = invoice("1", "c", InvoiceStatus::paid, "0");
  paid.due_date = day("2020-01-01");
  auto settled = invoice("2", "c", InvoiceStatus::authorised, "0");
  settled.due_date = day("2020-01-01");
  CHECK_FALSE(is_overdue(paid, day("2024-01-01")));
  CHECK_FALSE(is_overdue(settled, day("2024-01-01")));
}

TEST_CASE("R6 summary: next due, last invoice date and rendered fields", "[sync][summary]") {
  auto overdue = invoice("1", "c", InvoiceStatus::authorised, "100", "100");
  overdue.issue_date = day("2024-01-01");
  overdue.due_date = day("2024-01-31");
  auto soon = invoice("2", "c", InvoiceStatus::authorised, "40", "40");
  soon.issue_date = day("2024-02-10");
  soon.due_date = day("2024-03-10");
  auto later = invoice("3", "c", InvoiceStatus::authorised, "60", "60");
  later.issue_date = day("2024-02-01");
  later.due_date = day("2024-04-01");
  auto paid = invoice("4", "c", InvoiceStatus::paid, "0", "10");
  paid.issue_date = day("2024-02-20");
  paid.due_date = day("2024-03-01");
  std::vector<Invoice> invoices{overdue, soon, later, paid};

  auto s = summarize(invoices, day("2024-02-25"));
  REQUIRE(s.ok());
  CHECK(s->outstanding.to_display() == "200.00 GBP");
  CHECK(s->overdue.to_display() == "100.00 GBP");
  CHECK(s->next_due == day("2024-03-10"));
  CHECK(s->last_invoice == day("2024-02-20"));
  CHECK(s->overdue_count == 1);

  ConnectionPolicy policy;
  auto w = render_summary(*s, invoices, day("2024-02-25"), policy, "");
  CHECK(w.outstanding == "200.00 GBP");
  CHECK(w.overdue == "100.00 GBP");
  CHECK(w.next_due == "2024-03-10");
  CHECK(w.last_invoice == "2024-02-20");
  CHECK(w.overdue_tag);
  CHECK_FALSE(w.note.has_value());

  auto empty = summarize(std::vector<Invoice>{}, day("2024-02-25"));
  auto we = render_summary(*empty, {}, day("2024-02-25"), policy, "");
  CHECK(we == cleared_summary());
}

TEST_CASE("R7 invoice note lists newest first, marks overdue, links each invoice", "[sync][summary]") {
  auto old = invoice("1", "c", InvoiceStatus::authorised, "100", "100");
  old.issue_date = day("2024-01-01");
  old.due_date = day("2024-01-31");
  old.url = "https://go.xero.com/inv/1";
  auto recent = invoice("2", "c", InvoiceStatus::paid, "0", "46");
  recent.issue_date = day("2024-02-10");
  recent.due_date = day("2024-03-10");
  recent.url = "https://go.xero.com/inv/2";
  std::vector<Invoice> invoices{old, recent};
  const auto note = render_invoice_note(invoices, day("2024-02-25"), "https://go.xero.com/new?contact=c");
  const auto first = note.find("INV-2");
  const auto second = note.find("INV-1");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  CHECK(first < second);
  CHECK(note.find("OVERDUE Invoice INV-1") != std::string::npos);
  CHECK(note.find("OVERDUE Invoice INV-2") == std::string::npos);
  CHECK_THAT(note, Catch::Contains("https://go.xero.com/inv/1") && Catch::Contains("https://go.xero.com/inv/2"));
  CHECK_THAT(note, Catch::EndsWith("New invoice for this contact: https://go.xero.com/new?contact=c\n"));

  ConnectionPolicy policy;
  policy.invoice_note = true;
  auto s = summarize(invoices, day("2024-02-25"));
  auto w = render_summary(*s, invoices, day("2024-02-25"), policy, "https://go.xero.com/new?contact=c");
  REQUIRE(w.note.has_value());
  CHECK(*w.note == note);
}

TEST_CASE("R11 the summary hash is deterministic and changes with what is written", "[sync][summary]") {
  ConnectionPolicy policy;
  auto inv = invoice("1", "c", InvoiceStatus::authorised, "10", "10");
  inv.due_date = day("2024-03-01");
  std::vector<Invoice> a{inv};
  std::vector<Invoice> reversed{inv};
  auto w1 = render_summary(*summarize(a, day("2024-02-01")), a, day("2024-02-01"), policy, "");
  auto w2 = render_summary(*summarize(reversed, day("2024-02-01")), reversed, day("2024-02-01"), policy, "");
  CHECK(w1.hash(policy) == w2.hash(policy));
  auto w3 = render_summary(*summarize(a, day("2024-03-02")), a, day("2024-03-02"), policy, "");
  CHECK(w3.hash(policy) != w1.hash(policy));  // became overdue
  ConnectionPolicy renamed = policy;
  renamed.overdue_tag = "Late payer";
  CHECK(w1.hash(renamed) != w1.hash(policy));
}

TEST_CASE("R28 each connection's invoice note is headed with its service and organisation and finds only its own",
          "[sync][summary]") {
  ConnectionPolicy xero;
  xero.invoice_note = true;
  xero.service = "Xero";
  xero.organisation = "Acme Holdings";
  ConnectionPolicy sage = xero;
  sage.service = "Sage";
  sage.organisation = "Acme Services";
  const std::string heading = invoice_note_heading(xero);
  CHECK(heading == "Invoices in Xero, Acme Holdings (kept up to date by capsync; edits here are overwritten)");

  auto inv = invoice("1", "c", InvoiceStatus::authorised, "10", "10");
  inv.due_date = day("2024-03-01");
  std::vector<Invoice> invoices{inv};
  auto s = summarize(invoices, day("2024-02-25"));
  REQUIRE(s);
  const auto w = render_summary(*s, invoices, day("2024-02-25"), xero, "");
  REQUIRE(w.note.has_value());
  CHECK(w.note->starts_with(heading + "\n"));
  CHECK(is_invoice_note(*w.note, heading));
  CHECK_FALSE(is_invoice_note(*w.note, invoice_note_heading(sage)));
  // A longer organisation name is another connection's heading, not this one's.
  ConnectionPolicy longer = xero;
  longer.organisation = "Acme";
  CHECK_FALSE(is_invoice_note(*w.note, invoice_note_heading(longer)));
  // The heading is part of what the summary hash covers.
  CHECK(w.hash(xero) != render_summary(*s, invoices, day("2024-02-25"), sage, "").hash(sage));
}

TEST_CASE("R18 where quotes are not read the summary, its note and its hash are as before", "[sync][summary]") {
  ConnectionPolicy policy;
  policy.invoice_note = true;
  auto inv = invoice("1", "c", InvoiceStatus::authorised, "10", "10");
  std::vector<Invoice> invoices{inv};
  capsync::model::Quote q;
  q.remote_id = "q";
  q.status = capsync::model::QuoteStatus::sent;
  q.currency = "GBP";
  q.total = *capsync::model::Money::parse("25", "GBP");
  std::vector<capsync::model::Quote> quotes{q};
  auto before = summary_for_contact(invoices, day("2024-02-01"), policy, "");
  auto ignored = summary_for_contact(invoices, day("2024-02-01"), policy, "", quotes);
  REQUIRE(before.ok());
  REQUIRE(ignored.ok());
  CHECK(*ignored == *before);
  CHECK_FALSE(ignored->open_quotes.has_value());

  policy.quotes_read = true;
  auto read = summary_for_contact(invoices, day("2024-02-01"), policy, "", quotes);
  REQUIRE(read.ok());
  CHECK(read->open_quotes == "25.00 GBP");
  CHECK_THAT(*read->note, Catch::StartsWith(*before->note) && Catch::Contains("Quote q: 25.00 GBP (Sent)"));
  CHECK(read->hash(policy) != before->hash(policy));
  // An expired quote is not open: the field clears.
  quotes[0].expiry_date = day("2024-01-31");
  CHECK(summary_for_contact(invoices, day("2024-02-01"), policy, "", quotes)->open_quotes == "");
}
