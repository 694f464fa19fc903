// fit_compression(): Frantar et al.'s compression law fitted from a table with a format column,
// one effective-parameter multiplier per format (see laws/compression.hpp for the law).
//
//   auto r = slfit::fit_compression(t, "format", "dense", {.space = slfit::Space::kLog});
//   for (auto& [format, eff] : r.multipliers) std::cout << format << " " << eff << "\n";
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/table.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/compression_fit.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/compression.hpp"

namespace slfit {

// Fits the compression law to `table`, one multiplier per distinct value of `format_column`
// besides `reference` (whose multiplier is 1). The format column may hold text or numbers (then
// its values are the labels, e.g. "4" for 4 bits). `opt` is used as for fit<Compression>: its
// column map may rename N, D and the target (its entries for f1..f8 are replaced), and it may fix
// or bound A, B, E, alpha and beta.
// Throws DataError when the column is missing, a label is empty, the reference does not occur,
// or there are more formats than slots.
//
// A template only so that the fitter it needs (autodiff over all 13 parameters) is compiled in
// the files that call it, not in every file that includes this header: as an inline function it
// added 25 s to each of them.
template <int = 0>
CompressionFit fit_compression(const Table& table, const std::string& format_column,
                               const std::string& reference, FitOptions opt = {}) {
  if (!table.has(format_column)) {
    const auto names = table.names();
    throw DataError("no format column '" + format_column + "' in " + table.label() +
                    "; columns are: " + (names.empty() ? "(none)" : detail::join(names)) +
                    detail::did_you_mean(format_column, names));
  }
  const std::vector<std::string> labels = table.labels(format_column);
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (labels[r].empty()) {
      throw DataError("format column '" + format_column + "' of " + table.label() +
                      " is empty at row " + std::to_string(r + 1) + "; every row needs a format");
    }
  }
  std::vector<std::string> formats = labels;
  std::sort(formats.begin(), formats.end());
  formats.erase(std::unique(formats.begin(), formats.end()), formats.end());

  const auto ref = std::find(formats.begin(), formats.end(), reference);
  if (ref == formats.end()) {
    throw DataError("reference format '" + reference + "' does not occur in column '" +
                    format_column + "' of " + table.label() + "; formats are: " +
                    detail::join(formats) + detail::did_you_mean(reference, formats));
  }
  formats.erase(ref);
  if (formats.size() > static_cast<std::size_t>(kCompressionSlots)) {
    throw DataError("column '" + format_column + "' of " + table.label() + " has " +
                    std::to_string(formats.size()) + " formats besides the reference '" +
                    reference + "', but law 'compression' has " +
                    std::to_string(kCompressionSlots) + " slots: " + detail::join(formats) +
                    " (fit subsets of the formats, each with the reference)");
  }

  // Indicators go under names the table does not use, mapped to f1..f8, so that a user column
  // called "f1" is neither overwritten nor read by mistake.
  Table work = table;
  std::string prefix = "__compression_";
  while (true) {
    bool clash = false;
    for (const auto& n : work.names()) clash = clash || n.rfind(prefix, 0) == 0;
    if (!clash) break;
    prefix += "_";
  }
  CompressionFit out;
  out.format_column = format_column;
  out.reference = reference;
  for (int k = 0; k < kCompressionSlots; ++k) {
    const std::string input = Compression::indicator_name(k);
    const std::string column = prefix + input;
    Array f = Array::Zero(table.rows());
    const auto s = static_cast<std::size_t>(k);
    if (s < formats.size()) {
      for (Eigen::Index r = 0; r < table.rows(); ++r)
        f(r) = labels[static_cast<std::size_t>(r)] == formats[s] ? 1.0 : 0.0;
      out.slots.emplace_back(formats[s], Compression::multiplier_name(k));
    } else {
      // An empty slot's multiplier touches no row; fixing it keeps it out of the covariance.
      opt.fixed[Compression::multiplier_name(k)] = 1.0;
    }
    work.add_column(column, std::move(f));
    opt.columns[input] = column;
  }

  out.fit = fit<Compression>(work, opt);
  out.multipliers.emplace_back(reference, 1.0);
  out.standard_errors.emplace_back(reference, 0.0);
  for (const auto& [format, param] : out.slots) {
    out.multipliers.emplace_back(format, out.fit.value(param));
    out.standard_errors.emplace_back(format, out.fit.standard_error(param));
  }
  return out;
}

template <>
struct FormatColumnFit<CompressionFormats> {
  static constexpr std::string_view kParameter = "eff";
};

}  // namespace slfit
