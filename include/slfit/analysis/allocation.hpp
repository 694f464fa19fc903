// Compute-optimal allocation of any law of N and D, numerically: the N minimizing L(N, C / 6N).
//
// For laws without a closed form (a formula law, a data-constrained law) the optimum under
// C = 6 N D is a one-dimensional problem in log N. The loss is scanned on a grid of log N from
// N = 1 to N = C / 6 (D = 1), and the best grid point is refined by golden-section search between
// its neighbours (detail::golden_section). An optimum at an end of the scan is not an
// optimum under the budget: that is an error, not an answer.
//
//   auto loss = [&](double n, double d) { return my_law(n, d); };
//   slfit::NumericAllocation a = slfit::numeric_allocation(loss, 5.76e23);  // a.N, a.D, a.loss
#pragma once

#include <cmath>
#include <functional>
#include <string>

#include "slfit/core/error.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/detail/minimize.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

struct NumericAllocation {
  double compute = 0.0;
  double N = 0.0;
  double D = 0.0;
  double loss = 0.0;
};

inline NumericAllocation numeric_allocation(const std::function<double(double, double)>& loss,
                                            double compute) {
  if (!(compute > 6.0) || !std::isfinite(compute))
    throw UsageError("compute budget must be finite and above 6 FLOPs");
  const double log_c6 = std::log(compute / 6.0);
  auto at = [&](double u) {
    const double v = loss(std::exp(u), std::exp(log_c6 - u));
    return std::isfinite(v) ? v : kInf;
  };
  constexpr int kScan = 400;
  int best = -1;
  double best_v = kInf;
  for (int i = 0; i <= kScan; ++i) {
    const double v = at(log_c6 * i / kScan);
    if (v < best_v) {
      best_v = v;
      best = i;
    }
  }
  if (best < 0) {
    throw DataError("the law is not finite anywhere along C = 6ND at C = " +
                    detail::format_g(compute));
  }
  if (best == 0 || best == kScan) {
    throw DataError("the loss along C = 6ND at C = " + detail::format_g(compute) +
                    " is lowest at " + (best == 0 ? "N = 1" : "D = 1") +
                    ": the law has no compute-optimal allocation there");
  }
  // Golden section between the best point's neighbours, which bracket the minimum of the scan.
  const double u =
      detail::golden_section(at, log_c6 * (best - 1) / kScan, log_c6 * (best + 1) / kScan).x;
  return {compute, std::exp(u), std::exp(log_c6 - u), loss(std::exp(u), std::exp(log_c6 - u))};
}

// The compute C = 6 N_opt D_opt at which the compute-optimal model reaches `target`: the loss
// along the frontier falls with C, so bisection on log C between 1e6 and 1e60 FLOPs. Budgets
// where the law has no optimum (too small for one) count as not reaching the target.
inline double numeric_compute_for_loss(const std::function<double(double, double)>& loss,
                                       double target) {
  if (!std::isfinite(target)) throw UsageError("target loss must be finite");
  auto frontier = [&](double log_c) {
    try {
      return numeric_allocation(loss, std::exp(log_c)).loss;
    } catch (const DataError&) {
      return kInf;
    }
  };
  double lo = std::log(1e6), hi = std::log(1e60);
  if (frontier(lo) <= target) return std::exp(lo);
  const double floor = frontier(hi);
  if (!(floor <= target)) {
    throw DataError("the target loss " + detail::format_g(target) +
                    " is not reached below 1e60 FLOPs (the compute-optimal loss there is " +
                    detail::format_g(floor) + ")");
  }
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    (frontier(mid) > target ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

}  // namespace slfit
