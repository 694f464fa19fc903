// The result of fitting Frantar et al.'s compression law with one multiplier per format: the fit
// and each format's multiplier. Light to include; fit_compression() (fit/compression.hpp)
// computes it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/result.hpp"

namespace slfit {

struct CompressionFit {
  FitResult fit;  // of law "compression"; unused slots are fixed at eff = 1
  std::string format_column;
  std::string reference;
  // Format -> eff and its standard error, the reference first (1, 0), then the other formats
  // in sorted order, which is also their slot order.
  std::vector<std::pair<std::string, double>> multipliers;
  std::vector<std::pair<std::string, double>> standard_errors;
  // Format -> the parameter that holds its multiplier ("eff1", ...); the reference has none.
  std::vector<std::pair<std::string, std::string>> slots;

  double multiplier(std::string_view format) const { return lookup(multipliers, format); }
  double standard_error(std::string_view format) const { return lookup(standard_errors, format); }

 private:
  double lookup(const std::vector<std::pair<std::string, double>>& items,
                std::string_view format) const {
    for (const auto& [name, v] : items)
      if (name == format) return v;
    std::vector<std::string> names;
    for (const auto& item : items) names.push_back(item.first);
    throw UsageError("no format '" + std::string(format) +
                     "' in the compression fit; formats are: " + detail::join(names) +
                     detail::did_you_mean(format, names));
  }
};

// A law fitted with one multiplier per format (Frantar et al.'s compression law) specializes this
// with `kParameter`, its per-level parameter (fit/levels.hpp) that holds the multipliers.
template <class L>
struct FormatColumnFit;

}  // namespace slfit
