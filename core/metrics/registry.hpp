#pragma once
// Registry: the metrics a process updates as it works (counters, histograms), each family
// with fixed label names and one series per set of label values, created at first use.
// Updating a series is cheap and safe from any thread; collect() renders a consistent enough
// snapshot for a scrape (each series read atomically on its own). Gauges whose truth lives
// elsewhere (the queue, the store) are not kept here: they are built at scrape time as
// exposition Families.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/metrics/exposition.hpp"

namespace capsync::metrics {

using LabelValues = std::vector<std::string>;  // in the order of the family's label names

// A count that only goes up.
class Counter final {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending) plus their sum.
class Histogram final {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  mutable std::mutex mutex_;  // guards the two members below
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; the last is +Inf
  double sum_ = 0;
};

// One metric name with its label names; a series per distinct label values.
template <class Metric>
class LabeledFamily final {
 public:
  LabeledFamily(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> bounds)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), bounds_(std::move(bounds)) {}
  LabeledFamily(const LabeledFamily&) = delete;
  LabeledFamily& operator=(const LabeledFamily&) = delete;

  // The series for these label values (as many as label names); the reference stays valid.
  Metric& with(const LabelValues& values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Each series in label order, under the family's lock.
  template <class Visit>
  void each(Visit&& visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& [values, metric] : series_) visit(values, *metric);
  }

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;          // guards series_ (not the metrics in it)
  std::map<LabelValues, std::unique_ptr<Metric>> series_;
};

using CounterFamily = LabeledFamily<Counter>;
using HistogramFamily = LabeledFamily<Histogram>;

class Registry final {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families are registered once, at start-up; the references stay valid.
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> label_names);
  HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                             std::vector<double> bounds);

  // Every family with its current values, histograms as cumulative _bucket, _sum and _count.
  std::vector<Family> collect() const;

 private:
  mutable std::mutex mutex_;  // guards the two lists below
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
};

}  // namespace capsync::metrics
