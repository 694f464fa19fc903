// One-dimensional minimization for the analyses: golden section, and a scan followed by golden
// section for profiles that need not be unimodal.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

namespace slfit::detail {

struct Minimum1d {
  double x = 0.0;
  double f = std::numeric_limits<double>::infinity();
};

// Golden section on [a, b]. NaN compares as +inf, so the search walks away from the edge of a
// law's domain (a precision factor reaching zero, say) instead of stopping there.
template <class F>
Minimum1d golden_section(const F& fn, double a, double b) {
  const auto f = [&](double x) {
    const double v = fn(x);
    return std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
  };
  const double r = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = b - r * (b - a), d = a + r * (b - a);
  double fc = f(c), fd = f(d);
  for (int i = 0; i < 200 && b - a > 1e-13 * (1.0 + std::abs(a) + std::abs(b)); ++i) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return fc <= fd ? Minimum1d{c, fc} : Minimum1d{d, fd};
}

// A 256-step scan of [lo, hi] guards against profiles with more than one dip (possible with
// fitted parameters); golden section then refines between the best point's neighbours. Returns
// f = +inf when the function is nowhere finite, for the caller to report.
template <class F>
Minimum1d scan_minimize(const F& fn, double lo, double hi) {
  constexpr int kGrid = 256;
  Minimum1d best;
  for (int i = 0; i <= kGrid; ++i) {
    const double x = i == kGrid ? hi : lo + (hi - lo) * i / kGrid;
    const double v = fn(x);
    if (v < best.f) best = {x, v};
  }
  if (!std::isfinite(best.f)) return best;
  const double step = (hi - lo) / kGrid;
  const Minimum1d g = golden_section(fn, std::max(lo, best.x - step), std::min(hi, best.x + step));
  return g.f < best.f ? g : best;
}

}  // namespace slfit::detail
