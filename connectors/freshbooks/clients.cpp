#include "connectors/freshbooks/clients.hpp"

#include <array>
#include <map>
#include <tuple>

#include "connectors/freshbooks/eastern_time.hpp"
#include "core/connector/contact_details.hpp"
#include "core/connector/fields_body.hpp"
#include "core/connector/json.hpp"
#include "core/connector/text.hpp"

namespace capsync::freshbooks {

namespace json = connector::json;
using model::ContactKind;
using model::PhoneKind;
using connector::trim;
using connector::join_name;

namespace {

// The FreshBooks fields capsync writes, in the order they are sent.
constexpr std::array<const char*, 13> kWritten{"organization", "fname", "lname", "email", "bus_phone",
                                               "mob_phone", "fax", "p_street", "p_street2", "p_city",
                                               "p_province", "p_code", "p_country"};

using Fields = std::map<std::string, std::string>;

bool is_address_field(std::string_view key) { return key.starts_with("p_"); }

// ContactDetails as FreshBooks field values ("" = empty).
Fields fields_of(const model::ContactDetails& d) {
  Fields f;
  for (const char* key : kWritten) f[key];
  std::tie(f["fname"], f["lname"]) = connector::person_to_write(d);
  // A person's: what FreshBooks fills in itself; sent so a renamed person does not keep the old name there.
  f["organization"] = d.kind == ContactKind::person ? join_name(f["fname"], f["lname"]) : trim(d.name);
  f["email"] = trim(connector::email_to_write(d));
  f["bus_phone"] = trim(d.phone);
  f["mob_phone"] = trim(d.mobile);
  f["fax"] = trim(d.fax);
  if (d.address) {
    const auto lines = connector::street_lines(d.address->street, 2);
    f["p_street"] = lines[0];
    f["p_street2"] = lines[1];
    f["p_city"] = trim(d.address->city);
    f["p_province"] = trim(d.address->state);
    f["p_code"] = trim(d.address->zip);
    f["p_country"] = trim(d.address->country);
  }
  return f;
}

}  // namespace

Result<model::Contact> parse_client(const rapidjson::Value& e) {
  model::Contact c;
  auto id = json::integer(e, "id");
  if (!id) return id.error();
  if (!*id) return Error(Errc::protocol, "a client has no \"id\"");
  c.remote_id = std::to_string(**id);
  std::string organization = trim(json::text_or_empty(e, "organization"));
  std::string first = trim(json::text_or_empty(e, "fname"));
  std::string last = trim(json::text_or_empty(e, "lname"));
  std::string email = trim(json::text_or_empty(e, "email"));
  std::string person = join_name(first, last);
  if (!person.empty() && (organization.empty() || organization == person)) {
    c.kind = ContactKind::person;
    c.name = person;
    c.first_name = first;
    c.last_name = last;
  } else {
    c.kind = ContactKind::organisation;
    c.name = organization;
    if (!person.empty()) c.contact_person = model::ContactPerson{first, last, email};
  }
  if (!email.empty()) c.emails.push_back(email);
  for (auto [key, kind] : {std::pair{"bus_phone", PhoneKind::main}, std::pair{"mob_phone", PhoneKind::mobile},
                           std::pair{"fax", PhoneKind::fax}, std::pair{"home_phone", PhoneKind::home}}) {
    std::string number = trim(json::text_or_empty(e, key));
    if (!number.empty()) c.phones.push_back(model::PhoneNumber{std::nullopt, kind, number});
  }
  model::Address address;
  address.street = json::lines(e, {"p_street", "p_street2"});
  address.city = trim(json::text_or_empty(e, "p_city"));
  address.state = trim(json::text_or_empty(e, "p_province"));
  address.zip = trim(json::text_or_empty(e, "p_code"));
  address.country = trim(json::text_or_empty(e, "p_country"));
  if (!address.empty()) c.addresses.push_back(std::move(address));
  c.is_customer = true;
  c.is_supplier = false;
  auto vis = json::integer(e, "vis_state");
  if (!vis) return vis.error().with_context(fmt::format("client {}", c.remote_id));
  std::int64_t state = vis->value_or(0);
  c.status = state == 1   ? model::ContactStatus::deleted
             : state == 2 ? model::ContactStatus::archived
                          : model::ContactStatus::active;
  if (auto updated = json::text(e, "updated"); updated && !updated->empty()) {
    auto ts = parse_eastern_time(*updated);
    if (!ts) return ts.error().with_context(fmt::format("client {}: bad \"updated\"", c.remote_id));
    c.updated_at = *ts;
  }
  return c;
}

Result<ClientPage> parse_client_list(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return doc.error();
  auto result = result_of(*doc);
  if (!result) return result.error();
  const auto* list = json::array(**result, "clients");
  if (!list) return Error(Errc::protocol, "no \"clients\" array in the response");
  ClientPage out;
  auto paging = paging_of(**result);
  if (!paging) return paging.error();
  out.paging = *paging;
  json::decode_each(*list, {"id", {"organization", "fname", "lname"}}, out.unreadable, parse_client,
                    [&](model::Contact c) { out.items.push_back(std::move(c)); });
  return out;
}

Result<model::Contact> parse_single_client(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) return doc.error();
  auto result = result_of(*doc);
  if (!result) return result.error();
  const auto* client = json::object(**result, "client");
  if (!client) return Error(Errc::protocol, "no \"client\" object in the response");
  return parse_client(*client);
}

std::string client_create_body(const model::ContactDetails& spec) {
  return connector::fields_body("client", kWritten, fields_of(spec), connector::has_value);
}

std::optional<std::string> client_update_body(const connector::ContactUpdate& update) {
  Fields now = fields_of(update.desired);
  if (!update.current) return connector::fields_body("client", kWritten, now, connector::every_field);
  Fields before = fields_of(connector::details_of(*update.current));
  std::optional<Fields> previous;
  if (update.previous) previous = fields_of(*update.previous);
  // No address in Capsule leaves FreshBooks' as it is (an empty optional is "keep").
  bool keep_address = !update.desired.address.has_value();
  auto changed = [&](const char* key, const std::string& value) {
    if (keep_address && is_address_field(key)) return false;
    return before.at(key) != value && (!previous || previous->at(key) != value);
  };
  bool any = false;
  for (const char* key : kWritten) any = any || changed(key, now.at(key));
  if (!any) return std::nullopt;
  return connector::fields_body("client", kWritten, now, changed);
}

}  // namespace capsync::freshbooks
