#include "connectors/kashflow/suppliers.hpp"

#include "connectors/kashflow/customers.hpp"
#include "core/connector/json.hpp"

namespace capsync::kashflow {

namespace {

constexpr std::string_view kSupplierPrefix = "supplier:";

}  // namespace

std::string supplier_remote_id(std::string_view code) { return std::string(kSupplierPrefix) + std::string(code); }

std::optional<std::string_view> supplier_code(std::string_view remote_id) {
  if (!remote_id.starts_with(kSupplierPrefix)) return std::nullopt;
  return remote_id.substr(kSupplierPrefix.size());
}

Result<model::Contact> parse_supplier(const rapidjson::Value& item) {
  auto c = parse_contact_record(item, "supplier");
  if (!c) return c;
  c->remote_id = supplier_remote_id(c->remote_id);
  c->is_customer = false;
  c->is_supplier = true;
  return c;
}

connector::Decoded<model::Contact> parse_suppliers(const rapidjson::Value& items) {
  connector::Decoded<model::Contact> out;
  connector::json::decode_each(items, {"Code", {"Name"}}, out.unreadable, parse_supplier,
                               [&](model::Contact c) { out.items.push_back(std::move(c)); });
  for (auto& u : out.unreadable)
    if (!u.id.empty()) u.id = supplier_remote_id(u.id);
  return out;
}

Result<model::Contact> parse_supplier_body(std::string_view body) {
  auto doc = connector::json::parse(body);
  if (!doc) return doc.error();
  if (!doc->IsObject()) return Error(Errc::protocol, "the supplier is not a JSON object");
  return parse_supplier(*doc);
}

}  // namespace capsync::kashflow
