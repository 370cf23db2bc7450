#include "test/sandbox/webhook_outbox.hpp"

#include <algorithm>

namespace capsync::sandbox {

void WebhookOutbox::push(OutboundDelivery delivery, SteadyTime now) {
  if (delivery.attempts == 0) delivery.first_try = now;
  if (delivery.due == SteadyTime{}) delivery.due = now;
  queue_.push_back(std::move(delivery));
}

void WebhookOutbox::tick(SteadyTime now) {
  for (auto& t : ticks_) t(now);
}

std::vector<OutboundDelivery> WebhookOutbox::take_due(SteadyTime now) {
  std::vector<OutboundDelivery> due;
  // In the order they were pushed, so a provider decides the order of its deliveries.
  auto split = std::stable_partition(queue_.begin(), queue_.end(), [&](const OutboundDelivery& d) { return d.due > now; });
  for (auto it = split; it != queue_.end(); ++it) due.push_back(std::move(*it));
  queue_.erase(split, queue_.end());
  return due;
}

void WebhookOutbox::answered(OutboundDelivery delivery, int status, SteadyTime now) {
  ++delivery.attempts;
  log_.push_back({delivery.source, delivery.url, status, delivery.attempts, delivery.body.size()});
  const bool ok = status >= 200 && status < 300;
  const auto wait = delivery.backoff * (1LL << std::min(delivery.attempts - 1, 20));
  const bool give_up = !ok && now + wait - delivery.first_try > delivery.give_up_after;
  if (delivery.on_answer) delivery.on_answer(status, ok || give_up);
  if (ok || give_up) return;
  delivery.due = now + wait;
  queue_.push_back(std::move(delivery));
}

}  // namespace capsync::sandbox
