#pragma once
// ISO 4217 minor units: how many decimals a currency's amounts are shown with (R8).

#include <string_view>

namespace capsync::model {

// The ISO 4217 minor unit of `code` (an upper-case three-letter code): 0 for JPY, 2 for GBP,
// 3 for KWD, 4 for CLF. Codes the standard does not list, or lists without a minor unit
// (precious metals, XDR, XXX), give 2.
int minor_units(std::string_view code);

}  // namespace capsync::model
