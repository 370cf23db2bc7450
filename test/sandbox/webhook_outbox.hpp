#pragma once
// WebhookOutbox: the webhook deliveries the fake services send, as the real ones do: each a
// POST of a body with headers to a subscriber's URL, retried with backoff until it is
// answered 2xx or the provider gives up (Xero: "with decreasing frequency for up to 24
// hours", then the webhook is disabled). Providers push deliveries and register a tick (to
// flush batches); the server's delivery loop sends what is due and reports each answer back.
// Plain data: only sandbox_server.cpp does the sending. Single-threaded (the io thread).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace capsync::sandbox {

using SteadyTime = std::chrono::steady_clock::time_point;

struct OutboundDelivery {
  std::string source;  // "xero": which provider sent it, for the log
  std::string url;     // http://host:port/path (loopback)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Retries: the first after `backoff`, doubling, until `give_up_after` since the first try.
  std::chrono::milliseconds backoff{1000};
  std::chrono::milliseconds give_up_after{24LL * 3600 * 1000};
  // Called with each answer's status (0: no answer) and whether it was the last attempt.
  std::function<void(int status, bool final)> on_answer;

  int attempts = 0;
  SteadyTime first_try{};
  SteadyTime due{};
};

struct DeliveryRecord {
  std::string source, url;
  int status = 0;  // 0: no answer (refused, timed out)
  int attempt = 0;
  std::size_t body_bytes = 0;
};

class WebhookOutbox final {
 public:
  void push(OutboundDelivery delivery, SteadyTime now);
  // Providers' periodic work (flushing batches), run by the delivery loop before take_due().
  void on_tick(std::function<void(SteadyTime)> tick) { ticks_.push_back(std::move(tick)); }
  void tick(SteadyTime now);
  // The deliveries due at `now`, taken out.
  std::vector<OutboundDelivery> take_due(SteadyTime now);
  // An attempt's answer: done on 2xx, else retried with backoff or given up.
  void answered(OutboundDelivery delivery, int status, SteadyTime now);

  const std::vector<DeliveryRecord>& log() const { return log_; }
  std::size_t pending() const { return queue_.size(); }

 private:
  std::vector<OutboundDelivery> queue_;
  std::vector<std::function<void(SteadyTime)>> ticks_;
  std::vector<DeliveryRecord> log_;
};

}  // namespace capsync::sandbox
