// The embedded end-to-end example behind `slfit demo`: fits Chinchilla to a simulated table,
// predicts QiD at 100T tokens with Ouyang et al.'s constants, finds Kumar et al.'s D_crit and
// Sun et al.'s best float formats, and draws each step. Needs no files; deterministic for a seed.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "slfit/runtime/figure.hpp"

namespace slfit {

// Draws a figure to a path; returns false where it wrote a script instead of a picture (the
// tool without gnuplot), so the demo can say so.
using FigureRenderer = std::function<bool(const Figure&, const std::string& path)>;

struct DemoResult {
  bool fit_failed = false;
  int pictures = 0, scripts = 0;  // figures drawn / written as scripts only
};

// Writes the tour's text to `out` and its figures under `folder` (created if missing).
DemoResult run_demo(std::uint64_t seed, const std::string& folder, std::ostream& out,
                    const FigureRenderer& render);

}  // namespace slfit
