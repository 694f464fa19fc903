// Epoch AI's reconstruction of Hoffmann et al.'s Figure 4 data, as the published fits use it:
// the 5 rows with the highest loss dropped (240 remain), N = "Model Size", D = C / (6 N).
// Read in place from ../shared/data; tests skip with a warning where the file is absent.
#pragma once

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/io/csv.hpp"

namespace slfit::testing {

inline const char* const kEpochPath = SLFIT_SHARED_DATA "/epoch-chinchilla/svg_extracted_data.csv";

inline bool have_epoch_data() { return std::filesystem::exists(kEpochPath); }

inline Table epoch_240() {
  Table t = read_csv(kEpochPath);
  derive(t, "N", Expression::parse("\"Model Size\""));
  derive(t, "D", Expression::parse("\"Training FLOP\" / (6 * \"Model Size\")"));
  const auto loss = t.column("loss");
  std::vector<Eigen::Index> idx(static_cast<std::size_t>(t.rows()));
  std::iota(idx.begin(), idx.end(), Eigen::Index{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](Eigen::Index a, Eigen::Index b) { return loss(a) > loss(b); });
  std::vector<Eigen::Index> kept(idx.begin() + 5, idx.end());
  std::sort(kept.begin(), kept.end());  // keep the file's order
  return t.select(kept);
}

}  // namespace slfit::testing
