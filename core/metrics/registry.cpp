#include "core/metrics/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace capsync::metrics {

namespace {

Labels labels_of(const std::vector<std::string>& names, const LabelValues& values) {
  Labels labels;
  for (std::size_t i = 0; i < names.size(); ++i) labels.emplace_back(names[i], values[i]);
  return labels;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  std::lock_guard lock(mutex_);
  ++counts_[bucket];
  sum_ += value;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::lock_guard lock(mutex_);
  std::uint64_t running = 0;
  for (std::uint64_t n : counts_) s.cumulative.push_back(running += n);
  s.sum = sum_;
  return s;
}

template <class Metric>
Metric& LabeledFamily<Metric>::with(const LabelValues& values) {
  // A wrong label count is a programming error in the caller, not a runtime condition.
  if (values.size() != label_names_.size())
    throw std::invalid_argument("metric " + name_ + " takes " + std::to_string(label_names_.size()) + " label values");
  std::lock_guard lock(mutex_);
  auto& slot = series_[values];
  if (!slot) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      slot = std::make_unique<Histogram>(bounds_);
    } else {
      slot = std::make_unique<Metric>();
    }
  }
  return *slot;
}

template class LabeledFamily<Counter>;
template class LabeledFamily<Histogram>;

CounterFamily& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  return *counters_.emplace_back(
      std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(label_names), std::vector<double>{}));
}

HistogramFamily& Registry::histogram(std::string name, std::string help, std::vector<std::string> label_names,
                                     std::vector<double> bounds) {
  std::sort(bounds.begin(), bounds.end());
  std::lock_guard lock(mutex_);
  return *histograms_.emplace_back(
      std::make_unique<HistogramFamily>(std::move(name), std::move(help), std::move(label_names), std::move(bounds)));
}

std::vector<Family> Registry::collect() const {
  std::vector<Family> out;
  std::lock_guard lock(mutex_);
  for (const auto& family : counters_) {
    Family f{family->name(), family->help(), Type::counter, {}};
    family->each([&](const LabelValues& values, const Counter& counter) {
      f.add(labels_of(family->label_names(), values), static_cast<double>(counter.value()));
    });
    out.push_back(std::move(f));
  }
  for (const auto& family : histograms_) {
    Family f{family->name(), family->help(), Type::histogram, {}};
    family->each([&](const LabelValues& values, const Histogram& histogram) {
      const Labels labels = labels_of(family->label_names(), values);
      const auto snap = histogram.snapshot();
      for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
        Labels with_le = labels;
        with_le.emplace_back("le", i < histogram.bounds().size() ? format_value(histogram.bounds()[i]) : "+Inf");
        f.samples.push_back({"_bucket", std::move(with_le), static_cast<double>(snap.cumulative[i])});
      }
      f.samples.push_back({"_sum", labels, snap.sum});
      f.samples.push_back({"_count", labels, static_cast<double>(snap.cumulative.back())});
    });
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace capsync::metrics
