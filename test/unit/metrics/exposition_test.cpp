// The Prometheus text format 0.0.4 as the writer renders it.
#include "core/metrics/exposition.hpp"

#include <limits>

#include <catch2/catch.hpp>

using namespace capsync::metrics;

TEST_CASE("label values escape backslash, double quote and newline only", "[metrics]") {
  CHECK(escape_label_value(R"(C:\dir "x")") == R"(C:\\dir \"x\")");
  CHECK(escape_label_value("a\nb") == "a\\nb");
  CHECK(escape_label_value("tab\there ünï") == "tab\there ünï");
}

TEST_CASE("values: integers plain, fractions exact, infinities and NaN by name", "[metrics]") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(42) == "42");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(1795000000.123) == "1795000000.123");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("families sorted by name, each with HELP and TYPE, series sorted by labels", "[metrics]") {
  Family requests{"b_requests_total", "Requests.\nSecond line with \\.", Type::counter, {}};
  requests.add({{"provider", "xero"}, {"status", "200"}}, 3);
  requests.add({{"provider", "capsule"}, {"status", "429"}}, 1);
  requests.add({{"provider", "capsule"}, {"status", "200"}}, 7);
  Family info{"a_info", "Build.", Type::gauge, {}};
  info.add({{"version", "1.\"2\""}}, 1);
  Family empty{"c_empty", "Nothing yet.", Type::gauge, {}};
  CHECK(write_text({requests, empty, info}) ==
        "# HELP a_info Build.\n"
        "# TYPE a_info gauge\n"
        "a_info{version=\"1.\\\"2\\\"\"} 1\n"
        "# HELP b_requests_total Requests.\\nSecond line with \\\\.\n"
        "# TYPE b_requests_total counter\n"
        "b_requests_total{provider=\"capsule\",status=\"200\"} 7\n"
        "b_requests_total{provider=\"capsule\",status=\"429\"} 1\n"
        "b_requests_total{provider=\"xero\",status=\"200\"} 3\n"
        "# HELP c_empty Nothing yet.\n"
        "# TYPE c_empty gauge\n");
}

TEST_CASE("a family without labels writes its bare name", "[metrics]") {
  Family up{"up", "Up.", Type::gauge, {}};
  up.add({}, 1);
  CHECK(write_text({up}) == "# HELP up Up.\n# TYPE up gauge\nup 1\n");
}
