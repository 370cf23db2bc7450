#pragma once
// Exact money: decimal text <-> integer ten-thousandths (Xero amounts have at most 4 dp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace capsync::sandbox {

using Money = std::int64_t;  // units of 0.0001
constexpr Money kMoneyScale = 10000;

// "46.00" -> 460000; nullopt if not a plain decimal with at most 4 decimals.
std::optional<Money> parse_money(std::string_view text);
// 460000 -> "46.00" (two decimals, more only when needed).
std::string format_money(Money value);

}  // namespace capsync::sandbox
