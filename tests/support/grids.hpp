// Grids and parameters the recovery-style tests share.
#pragma once

#include <cmath>
#include <vector>

#include "slfit/laws/chinchilla.hpp"

namespace slfit::test {

// n values from lo to hi, evenly spaced in log.
inline std::vector<double> logspace(double lo, double hi, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(lo * std::pow(hi / lo, i / double(n - 1)));
  return out;
}

// Hoffmann et al.'s published Chinchilla fit: the truth of simulated tables.
inline std::vector<double> truth() { return preset_values<Chinchilla>("hoffmann2022"); }

}  // namespace slfit::test
