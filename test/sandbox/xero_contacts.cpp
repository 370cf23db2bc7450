#include "test/sandbox/xero_contacts.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "test/sandbox/time_format.hpp"
#include "test/sandbox/xero_query.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

Response not_found() {
  Response response;
  response.status = 404;
  response.body = "The resource you're looking for cannot be found";
  response.set_header("Content-Type", "text/html; charset=utf-8");
  return response;
}

Response bad_request(std::string_view message) {
  return json_response(400, fmt::format(R"({{"ErrorNumber":14,"Type":"PostDataInvalidException","Message":"{}"}})", message));
}

// Fields searchTerm looks in (case-insensitive, substring), as Xero documents it.
constexpr std::array<const char*, 5> kSearchedFields{"Name", "FirstName", "LastName", "ContactNumber", "EmailAddress"};

bool in_list(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), to_lower_ascii(value)) != list.end();
}

// Orders matches (indexes into `items`) as Xero pages them here: UpdatedDateUTC, then creation order.
template <class T>
void order_by_update(std::vector<std::size_t>& matches, const std::vector<T>& items) {
  std::stable_sort(matches.begin(), matches.end(), [&](std::size_t a, std::size_t b) {
    return items[a].updated != items[b].updated ? items[a].updated < items[b].updated : items[a].seq < items[b].seq;
  });
}

std::pair<std::size_t, std::size_t> page_slice(const XeroQuery& q, std::size_t count) {
  if (!q.page) return {0, count};
  auto first = std::min(count, static_cast<std::size_t>(*q.page - 1) * static_cast<std::size_t>(q.page_size));
  return {first, std::min(count, first + static_cast<std::size_t>(q.page_size))};
}

// The list query's cache key: its parameters except the page, and If-Modified-Since.
std::string list_key(const Request& request) {
  std::string key;
  for (const auto& [name, value] : parse_form(request.query))
    if (name != "page") key += name + '=' + value + '&';
  if (const auto* since = request.header("if-modified-since")) key += "If-Modified-Since=" + *since;
  return key;
}

// The query's ordered matches: from the cache when the same query ran against these books
// unchanged, else from `select`.
const std::vector<std::size_t>& cached_matches(XeroListCache& cache, std::uint64_t version, std::string key,
                                               const std::function<std::vector<std::size_t>()>& select) {
  if (cache.version != version || cache.key != key) {
    cache.matches = select();
    cache.key = std::move(key);
    cache.version = version;
  }
  return cache.matches;
}

bool contains_folded(std::string_view haystack, std::string_view folded_needle) {
  return to_lower_ascii(haystack).find(folded_needle) != std::string::npos;
}

struct ElementResult {
  const Value* input = nullptr;
  std::string id;        // target contact id (empty = new)
  Value draft;           // merged contact JSON
  std::vector<std::string> errors;
};

void merge_into(Value& draft, const Value& input, Alloc& alloc) {
  for (const auto& m : input.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key == "ContactID" || key == "UpdatedDateUTC" || key == "Balances" || key == "IsSupplier" ||
        key == "IsCustomer" || key == "HasValidationErrors" || key == "ValidationErrors" || key == "HasAttachments" ||
        key.starts_with("_"))
      continue;
    // An empty ContactPersons does not clear the list (xero-node#560).
    if (key == "ContactPersons" && m.value.IsArray() && m.value.Empty()) continue;
    set_member(draft, key, Value(m.value, alloc), alloc);
  }
}

void write_failed_element(JsonWriter& writer, const ElementResult& r, bool with_status) {
  writer.StartObject();
  writer.Key("ContactID");
  writer.String(r.id.empty() ? "00000000-0000-0000-0000-000000000000" : r.id);
  for (const auto& m : r.input->GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key == "ContactID" || key == "ValidationErrors" || key == "HasValidationErrors") continue;
    writer.Key(m.name.GetString(), m.name.GetStringLength());
    m.value.Accept(writer);
  }
  writer.Key("HasValidationErrors");
  writer.Bool(true);
  if (with_status) {
    writer.Key("StatusAttributeString");
    writer.String("ERROR");
  }
  writer.Key("ValidationErrors");
  writer.StartArray();
  for (const auto& e : r.errors) {
    writer.StartObject();
    writer.Key("Message");
    writer.String(e);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
}

}  // namespace

Response xero_get_contacts(XeroBooks& books, const Request& request, std::optional<std::string> id, TimePoint now,
                           std::mt19937_64& rng) {
  XeroQuery q = parse_xero_query(request, "IDs");
  if (!q.error.empty()) return bad_request(q.error);
  if (id) {
    const XeroContact* c = books.contact(*id);
    if (c == nullptr) return not_found();
    q.page.reset();
    return json_response(200, xero_envelope(now, rng, "Contacts", q, 1, [&](JsonWriter& writer) {
                           books.write_contact(writer, *c, q.summary_only, now);
                         }));
  }
  std::string search = to_lower_ascii(request.param("searchTerm").value_or(""));
  const auto& matches = cached_matches(books.contact_list, books.version, list_key(request), [&] {
    std::vector<std::size_t> selected;
    for (std::size_t i = 0; i < books.contacts.size(); ++i) {
      const XeroContact& c = books.contacts[i];
      auto status = string_member(c.json, "ContactStatus").value_or("ACTIVE");
      if (status == "ARCHIVED" && !q.include_archived) continue;
      if (q.modified_since && c.updated < *q.modified_since) continue;
      if (!in_list(q.ids, c.id)) continue;
      if (!search.empty() && std::none_of(kSearchedFields.begin(), kSearchedFields.end(), [&](const char* field) {
            return contains_folded(string_member(c.json, field).value_or(""), search);
          }))
        continue;
      bool ok = matches_where(q.where, [&](std::string_view field) -> std::optional<std::string> {
        if (field == "ContactID") return c.id;
        if (field == "ContactStatus") return status;
        if (const Value* v = member(c.json, field); v && v->IsString()) return std::string(v->GetString());
        if (field == "Name" || field == "EmailAddress" || field == "FirstName" || field == "LastName" ||
            field == "ContactNumber" || field == "AccountNumber")
          return std::string();
        return std::nullopt;
      });
      if (ok) selected.push_back(i);
    }
    order_by_update(selected, books.contacts);
    return selected;
  });
  auto [first, last] = page_slice(q, matches.size());
  return json_response(200, xero_envelope(now, rng, "Contacts", q, matches.size(), [&](JsonWriter& writer) {
                         for (auto i = first; i < last; ++i)
                           books.write_contact(writer, books.contacts[matches[i]], q.summary_only, now);
                       }));
}

Response xero_write_contacts(XeroBooks& books, const Request& request, XeroWriteMode mode,
                             std::optional<std::string> id, TimePoint now, std::mt19937_64& rng) {
  auto body = parse_json(request.body);
  if (!body || !body->IsObject()) return bad_request("The request body is not valid JSON");
  std::vector<const Value*> elements;
  if (const Value* list = member(*body, "Contacts"); list && list->IsArray()) {
    for (const auto& e : list->GetArray())
      if (e.IsObject()) elements.push_back(&e);
  } else {
    elements.push_back(&*body);  // a single contact object is accepted too
  }
  if (elements.empty()) return bad_request("No contacts were supplied");
  bool summarize = to_lower_ascii(request.param("summarizeErrors").value_or("true")) != "false";
  auto& alloc = books.alloc();
  std::vector<ElementResult> results;
  std::set<std::string> batch_names;  // active names claimed earlier in this request
  for (const Value* input : elements) {
    ElementResult r;
    r.input = input;
    if (mode == XeroWriteMode::update_one) {
      r.id = *id;
    } else if (mode == XeroWriteMode::update_or_create) {
      if (auto given = string_member(*input, "ContactID")) r.id = *given;
      else if (auto number = string_member(*input, "ContactNumber"))
        for (const auto& c : books.contacts)
          if (string_member(c.json, "ContactNumber") == number) r.id = c.id;
    }
    const XeroContact* existing = r.id.empty() ? nullptr : books.contact(r.id);
    if (!r.id.empty() && existing == nullptr) {
      if (mode == XeroWriteMode::update_one) return not_found();
      r.errors.push_back(fmt::format("The contact with ContactID {} could not be found", r.id));
      results.push_back(std::move(r));
      continue;
    }
    if (existing != nullptr) r.id = existing->id;
    r.draft = existing != nullptr ? Value(existing->json, alloc) : Value(rapidjson::kObjectType);
    merge_into(r.draft, *input, alloc);
    if (!member(r.draft, "ContactStatus")) set_string(r.draft, "ContactStatus", "ACTIVE", alloc);
    auto status = string_member(r.draft, "ContactStatus").value_or("");
    auto name = string_member(r.draft, "Name").value_or("");
    if (status != "ACTIVE" && status != "ARCHIVED" && status != "GDPRREQUEST")
      r.errors.push_back(fmt::format("Invalid ContactStatus {}", status));
    if (name.empty()) {
      r.errors.push_back("The contact name must be specified.");
    } else if (name.size() > 255) {
      r.errors.push_back("The Name field must be no longer than 255 characters.");
    } else if (status == "ACTIVE" &&
               (books.active_named(name, r.id) != nullptr || batch_names.contains(to_lower_ascii(name)))) {
      r.errors.push_back(fmt::format(
          "The contact name {} is already assigned to another contact. The contact name must be unique across all active contacts.",
          name));
    }
    if (r.errors.empty() && status == "ACTIVE") batch_names.insert(to_lower_ascii(name));
    results.push_back(std::move(r));
  }
  bool any_error = std::any_of(results.begin(), results.end(), [](const auto& r) { return !r.errors.empty(); });
  if (any_error && summarize) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.StartArray();
    for (const auto& r : results)
      if (!r.errors.empty()) write_failed_element(writer, r, false);
    writer.EndArray();
    return json_response(400, xero_validation_error(std::string_view(buffer.GetString(), buffer.GetSize())));
  }
  std::vector<const XeroContact*> saved(results.size(), nullptr);
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    if (!r.errors.empty()) continue;
    if (r.id.empty()) {
      XeroContact contact;
      contact.id = make_uuid(rng);
      contact.json = std::move(r.draft);
      contact.updated = now;
      books.add_contact(std::move(contact));
      saved[i] = &books.contacts.back();
      r.id = saved[i]->id;
    } else {
      XeroContact* c = books.contact(r.id);
      if (to_json(c->json) != to_json(r.draft)) {
        c->json = std::move(r.draft);
        c->updated = now;
        ++books.version;
      }
    }
  }
  for (std::size_t i = 0; i < results.size(); ++i)  // add_contact may have moved earlier entries
    if (results[i].errors.empty()) saved[i] = books.contact(results[i].id);
  XeroQuery shape;
  return json_response(200, xero_envelope(now, rng, "Contacts", shape, results.size(), [&](JsonWriter& writer) {
                         for (std::size_t i = 0; i < results.size(); ++i) {
                           if (saved[i] != nullptr) books.write_contact(writer, *saved[i], false, now, summarize ? nullptr : "OK");
                           else write_failed_element(writer, results[i], true);
                         }
                       }));
}

Response xero_get_invoices(XeroBooks& books, const Request& request, std::optional<std::string> id, TimePoint now,
                           std::mt19937_64& rng) {
  XeroQuery q = parse_xero_query(request, "IDs");
  if (!q.error.empty()) return bad_request(q.error);
  if (id) {
    std::vector<const XeroInvoice*> found;
    for (const auto& inv : books.invoices)
      if (to_lower_ascii(inv.id) == to_lower_ascii(*id) || inv.number == *id) found.push_back(&inv);
    if (found.empty()) return not_found();
    q.page.reset();
    return json_response(200, xero_envelope(now, rng, "Invoices", q, found.size(), [&](JsonWriter& writer) {
                           for (const auto* inv : found) books.write_invoice(writer, *inv, true);
                         }));
  }
  std::vector<std::string> numbers;
  if (auto list = request.param("InvoiceNumbers")) numbers = split_list(*list);
  bool with_lines = q.page.has_value() && !q.summary_only;  // lists carry line items only when paged
  const auto& matches = cached_matches(books.invoice_list, books.version, list_key(request), [&] {
    std::vector<std::size_t> selected;
    for (std::size_t i = 0; i < books.invoices.size(); ++i) {
      const XeroInvoice& inv = books.invoices[i];
      if (q.modified_since && inv.updated < *q.modified_since) continue;
      if (!in_list(q.ids, inv.id) || !in_list(q.statuses, inv.status) || !in_list(q.contact_ids, inv.contact_id) ||
          !in_list(numbers, inv.number))
        continue;
      bool ok = matches_where(q.where, [&](std::string_view field) -> std::optional<std::string> {
        if (field == "Type") return inv.type;
        if (field == "Status") return inv.status;
        if (field == "InvoiceNumber") return inv.number;
        if (field == "Contact.ContactID") return inv.contact_id;
        if (field == "CurrencyCode") return inv.currency;
        if (field == "Reference") return inv.reference;
        return std::nullopt;
      });
      if (ok) selected.push_back(i);
    }
    order_by_update(selected, books.invoices);
    return selected;
  });
  auto [first, last] = page_slice(q, matches.size());
  return json_response(200, xero_envelope(now, rng, "Invoices", q, matches.size(), [&](JsonWriter& writer) {
                         for (auto i = first; i < last; ++i) books.write_invoice(writer, books.invoices[matches[i]], with_lines);
                       }));
}

}  // namespace capsync::sandbox
