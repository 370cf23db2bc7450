#include "test/sandbox/sage_contacts.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "test/sandbox/sage_query.hpp"

namespace capsync::sandbox {
namespace {

using rapidjson::Value;

constexpr std::size_t kMaxName = 100, kMaxReference = 10, kMaxPostcode = 10;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_type(std::string_view t) { return t == "CUSTOMER" || t == "VENDOR"; }

std::string contact_json(const SageBooks& books, const SageContact& c) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  books.write_contact(w, c, SageAttributes{.all = true, .names = {}});
  return std::string(buffer.GetString(), buffer.GetSize());
}

// "ACMELTD001": letters and digits of the name, upper case, then a serial.
std::string generated_reference(const SageBooks& books, std::string_view name) {
  std::string stem;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)) && stem.size() < 7)
      stem += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (int n = 1;; ++n) {
    std::string candidate = fmt::format("{}{:03d}", stem, n);
    bool taken = std::any_of(books.contacts.begin(), books.contacts.end(),
                             [&](const SageContact& c) { return !c.deleted && c.reference() == candidate; });
    if (!taken) return candidate;
  }
}

// Checks the wrapped body; nullopt when it is acceptable.
std::optional<Response> validate(const SageBooks& books, const Value& given, bool create, std::string_view self_id) {
  auto name = string_member(given, "name");
  if (create || member(given, "name")) {
    if (!name || name->find_first_not_of(" \t") == std::string::npos)
      return sage_error(422, "RecordInvalid", "can't be blank", "name");
    if (name->size() > kMaxName)
      return sage_error(422, "RecordInvalid", "is too long (maximum is 100 characters)", "name");
  }
  const Value* types = member(given, "contact_type_ids");
  if (create || types) {
    bool ok = types && types->IsArray() && !types->Empty();
    if (ok)
      for (const auto& t : types->GetArray()) ok = ok && t.IsString() && valid_type(t.GetString());
    if (!ok) return sage_error(422, "RecordInvalid", "It has to be either CUSTOMER or VENDOR", "contact_type_ids");
  }
  if (auto reference = string_member(given, "reference")) {
    if (reference->size() > kMaxReference)
      return sage_error(422, "RecordInvalid", "is too long (maximum is 10 characters)", "reference");
    for (const auto& c : books.contacts)
      if (!c.deleted && c.id != self_id && !reference->empty() && c.reference() == *reference)
        return sage_error(422, "RecordInvalid", "has already been taken", "reference");
  }
  if (const Value* address = member(given, "main_address"))
    if (auto postcode = string_member(*address, "postal_code"); postcode && postcode->size() > kMaxPostcode)
      return sage_error(422, "RecordInvalid", "is too long (maximum is 10 characters)", "main_address.postal_code");
  return std::nullopt;
}

}  // namespace

Response sage_get_contacts(SageBooks& books, const Request& request, const std::optional<std::string>& id) {
  if (id) {
    const SageContact* c = books.contact(*id);
    if (c == nullptr) return sage_error(404, "RecordNotFound", "Resource not found");
    return json_response(200, contact_json(books, *c));
  }
  SagePaging paging;
  if (auto bad = sage_paging(request, paging)) return std::move(*bad);
  std::optional<TimePoint> since, deleted_since;
  if (auto bad = sage_time_param(request, "updated_or_created_since", since)) return std::move(*bad);
  if (auto bad = sage_time_param(request, "deleted_since", deleted_since)) return std::move(*bad);
  auto type = request.param("contact_type_id");
  if (type && !valid_type(*type)) return sage_error(400, "InvalidParameter", "unknown contact type", "contact_type_id");
  std::string search = lower(request.param("search").value_or(""));
  std::string email = lower(request.param("email").value_or(""));
  bool hide_inactive = request.param("filter_inactive_contacts") == "true";

  std::vector<const SageContact*> matches;
  for (const auto& c : books.contacts) {
    // deleted_since lists only deletions after that instant; other lists only live contacts.
    if (deleted_since ? !(c.deleted && *c.deleted > *deleted_since) : c.deleted.has_value()) continue;
    if (since && c.updated < *since) continue;
    if (type && std::find(c.types.begin(), c.types.end(), *type) == c.types.end()) continue;
    if (!search.empty() && lower(c.name()).find(search) == std::string::npos &&
        lower(c.reference()).find(search) == std::string::npos)
      continue;
    if (!email.empty()) {
      const Value* person = member(c.fields, "main_contact_person");
      if (!person || lower(string_member(*person, "email").value_or("")) != email) continue;
    }
    if (hide_inactive && !bool_member(c.fields, "is_active").value_or(true)) continue;
    matches.push_back(&c);
  }
  auto shown = SageAttributes::parse(request.param("attributes").value_or(""));
  return sage_list(request, "contacts", matches.size(), paging,
                   [&](JsonWriter& w, std::size_t i) { books.write_contact(w, *matches[i], shown); });
}

Response sage_write_contact(SageBooks& books, const Request& request, const std::optional<std::string>& id,
                            TimePoint now, std::chrono::milliseconds idempotency_window) {
  auto doc = parse_json(request.body);
  if (!doc || !doc->IsObject()) return sage_error(400, "InvalidJSON", "The request body is not valid JSON");
  const Value* given = member(*doc, "contact");
  if (given == nullptr || !given->IsObject())
    return sage_error(422, "RecordInvalid", "param is missing or the value is empty: contact", "contact");

  auto idempotency_id = string_member(*given, "idempotency_id");
  if (idempotency_id) {
    auto cached = books.idempotency.find(*idempotency_id);
    if (cached != books.idempotency.end() && cached->second.expires_at > now)
      return json_response(cached->second.status, cached->second.body);
  }
  SageContact* target = nullptr;
  if (id) {
    target = books.contact(*id);
    if (target == nullptr) return sage_error(404, "RecordNotFound", "Resource not found");
  }
  if (auto bad = validate(books, *given, !id, id.value_or(""))) return std::move(*bad);

  if (!id) {
    books.contacts.emplace_back();
    target = &books.contacts.back();
    target->id = books.new_id();
    target->created = now;
    set_member(target->fields, "is_active", Value(true), target->fields.GetAllocator());
  }
  sage_merge_contact_fields(*target, *given);
  if (const Value* types = member(*given, "contact_type_ids")) {
    target->types.clear();
    for (const auto& t : types->GetArray()) target->types.emplace_back(t.GetString());
  }
  if (target->reference().empty())
    set_string(target->fields, "reference", generated_reference(books, target->name()), target->fields.GetAllocator());
  target->updated = now;
  Response response = json_response(id ? 200 : 201, contact_json(books, *target));
  if (idempotency_id)
    books.idempotency[*idempotency_id] = SageIdempotent{response.status, response.body, now + idempotency_window};
  return response;
}

Response sage_delete_contact(SageBooks& books, const std::string& id, TimePoint now) {
  SageContact* c = books.contact(id);
  if (c == nullptr) return sage_error(404, "RecordNotFound", "Resource not found");
  if (books.has_invoices(id))
    return sage_error(422, "RecordInvalid", "This contact cannot be deleted as it has transactions", "base");
  c->deleted = now;
  c->updated = now;
  Response response;
  response.status = 204;
  return response;
}

}  // namespace capsync::sandbox
