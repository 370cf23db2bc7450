#pragma once
// The Prometheus text exposition format, version 0.0.4: metric families as plain data and the
// writer that renders them (HELP and TYPE lines, escaped label values, sorted stable output).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capsync::metrics {

// The Content-Type a scrape answer carries.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class Type { counter, gauge, histogram };

using Labels = std::vector<std::pair<std::string, std::string>>;  // name, value

struct Sample {
  std::string suffix;  // appended to the family name: "", "_bucket", "_sum", "_count"
  Labels labels;
  double value = 0;
};

struct Family {
  std::string name;
  std::string help;
  Type type = Type::gauge;
  std::vector<Sample> samples;

  // Adds a sample named like the family (a counter's or gauge's value).
  Family& add(Labels labels, double value);
};

// "\\", "\"" and a newline escaped as the format asks of label values.
std::string escape_label_value(std::string_view value);
// Integers without a fraction, others in their shortest exact form, "+Inf", "-Inf", "NaN".
std::string format_value(double value);

// Families sorted by name; within one, series sorted by their labels ("le" aside, so a
// histogram's buckets stay in ascending order before its _sum and _count). A family without
// samples is written with its HELP and TYPE only.
std::string write_text(std::vector<Family> families);

}  // namespace capsync::metrics
