#include "test/sandbox/fault_injector.hpp"

#include "test/sandbox/json_util.hpp"

namespace capsync::sandbox {
namespace {

std::optional<FaultKind> parse_kind(std::string_view text) {
  if (text == "status") return FaultKind::status;
  if (text == "reset") return FaultKind::reset;
  if (text == "delay") return FaultKind::delay;
  if (text == "truncate") return FaultKind::truncate;
  if (text == "malformed") return FaultKind::malformed;
  if (text == "deep_json") return FaultKind::deep_json;
  if (text == "corrupt_record") return FaultKind::corrupt_record;
  if (text == "expired_token") return FaultKind::expired_token;
  if (text == "invalid_grant") return FaultKind::invalid_grant;
  return std::nullopt;
}

}  // namespace

Result<void> FaultInjector::add(std::string_view json_body) {
  auto doc = parse_json(json_body);
  if (!doc || !doc->IsObject()) return make_error(Errc::invalid_argument, "fault body is not a JSON object");
  Fault fault;
  fault.prefix = string_member(*doc, "prefix").value_or("/");
  fault.method = string_member(*doc, "method").value_or("");
  fault.bearer = string_member(*doc, "bearer").value_or("");
  auto kind = parse_kind(string_member(*doc, "kind").value_or("status"));
  if (!kind) return make_error(Errc::invalid_argument, "unknown fault kind");
  fault.kind = *kind;
  fault.status = static_cast<int>(int_member(*doc, "status").value_or(500));
  fault.retry_after_s = static_cast<int>(int_member(*doc, "retry_after").value_or(1));
  fault.delay_ms = static_cast<int>(int_member(*doc, "delay_ms").value_or(0));
  if (fault.kind == FaultKind::corrupt_record) {
    fault.field = string_member(*doc, "field").value_or("");
    const auto* value = member(*doc, "value");
    if (fault.field.empty() || value == nullptr)
      return make_error(Errc::invalid_argument, "corrupt_record needs \"field\" and \"value\"");
    fault.value_json = to_json(*value);
    fault.index = static_cast<int>(int_member(*doc, "index").value_or(0));
  }
  const auto* fraction = member(*doc, "fraction");
  if (fraction != nullptr && fraction->IsNumber()) {
    fault.fraction = fraction->GetDouble();
    fault.remaining = int_member(*doc, "count").value_or(-1);
  } else {
    fault.remaining = int_member(*doc, "count").value_or(1);
  }
  if (const auto* headers = member(*doc, "headers"); headers != nullptr) {
    if (!headers->IsObject()) return make_error(Errc::invalid_argument, "headers must be an object of strings");
    for (const auto& h : headers->GetObject()) {
      if (!h.value.IsString()) return make_error(Errc::invalid_argument, "headers must be an object of strings");
      fault.headers.emplace_back(h.name.GetString(), h.value.GetString());
    }
  }
  fault.rng.seed(static_cast<std::uint64_t>(int_member(*doc, "seed").value_or(0)));
  if (fault.remaining == 0) return make_error(Errc::invalid_argument, "count must be positive");
  faults_.push_back(std::move(fault));
  return {};
}

std::optional<Fault> FaultInjector::take(const Request& request) {
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    Fault& fault = *it;
    if (!request.path.starts_with(fault.prefix)) continue;
    if (!fault.method.empty() && fault.method != request.method) continue;
    if (!fault.bearer.empty()) {
      const std::string* auth = request.header("authorization");
      if (auth == nullptr || *auth != "Bearer " + fault.bearer) continue;
    }
    if (fault.fraction < 1.0) {
      std::uniform_real_distribution<double> draw(0.0, 1.0);
      if (draw(fault.rng) >= fault.fraction) continue;
    }
    Fault fired = fault;
    if (fault.remaining > 0 && --fault.remaining == 0) faults_.erase(it);
    return fired;
  }
  return std::nullopt;
}

}  // namespace capsync::sandbox
