#include "daemon/export_fields.hpp"

namespace capsync::daemon {

namespace {

std::string join(std::string_view a, std::string_view b, std::string_view separator) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return std::string(a) + std::string(separator) + std::string(b);
}

std::string address_line(const model::ContactDetails& d) {
  if (!d.address) return {};
  std::string street;
  for (char c : d.address->street) street += c == '\n' ? std::string(", ") : std::string(1, c);
  std::string line;
  for (const auto& part : {street, d.address->city, d.address->state, d.address->zip, d.address->country})
    line = join(line, part, ", ");
  return line;
}

}  // namespace

std::vector<ExportField> export_fields(const config::ExportFieldNames& n, const model::ContactDetails& d) {
  const bool person = d.kind == model::ContactKind::person;
  std::vector<ExportField> out;
  out.push_back({"name", std::string(person ? n.person_name : n.name),
                 person && !(d.first_name.empty() && d.last_name.empty()) ? join(d.first_name, d.last_name, " ")
                                                                          : d.name});
  if (!person) {
    std::string contact_person;
    if (d.contact_person) contact_person = join(d.contact_person->first_name, d.contact_person->last_name, " ");
    out.push_back({"contact_person", std::string(n.contact_person), contact_person});
  }
  out.push_back({"email", std::string(n.email), d.email});
  out.push_back({"phone", std::string(n.phone), d.phone});
  out.push_back({"fax", std::string(n.fax), d.fax});
  out.push_back({"mobile", std::string(n.mobile), d.mobile});
  out.push_back({"website", std::string(n.website), d.website});
  out.push_back({"address", std::string(n.address), address_line(d)});
  return out;
}

}  // namespace capsync::daemon
