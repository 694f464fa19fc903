// Small statistical helpers shared by the uncertainty headers: normal quantiles, percentiles of
// a sample, intervals from the fit's covariance, and the delta method for derived quantities.
//
// Covariance intervals are symmetric, estimate +- z SE with z the normal quantile (not Student's
// t: the covariance itself is only an asymptotic approximation, so a finite-sample correction
// would suggest more precision than there is). Derived quantities get their covariance SE by the
// delta method, with the gradient taken by central differences scaled to each parameter.
//
//   slfit::FitResult r = slfit::fit<slfit::Chinchilla>(table, opt);
//   auto ci = slfit::covariance_intervals(r, 0.95);        // one Interval per parameter
//   double se_a = slfit::delta_method_se(
//       [](const std::vector<double>& p) { return p[4] / (p[3] + p[4]); }, r);
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/fit/result.hpp"

namespace slfit {

struct Interval {
  double lower = std::nan("");
  double upper = std::nan("");
  bool contains(double x) const { return x >= lower && x <= upper; }
  double width() const { return upper - lower; }
};

// A function of the parameter vector (natural units, in the law's order), given a name for
// reports: the compute-optimal exponent, tokens per parameter at a budget, a critical data size.
// It may throw slfit::Error where it is undefined; the resample is then counted as invalid for
// that quantity only.
struct DerivedQuantity {
  std::string name;
  std::function<double(const std::vector<double>&)> value;
};

inline void check_level(double level) {
  if (!(level > 0.0 && level < 1.0)) {
    throw UsageError("confidence level must lie strictly between 0 and 1, got " +
                     std::to_string(level));
  }
}

// The standard normal quantile: bisection on erfc, exact to double rounding in 200 halvings and
// free of the tabulated constants of faster approximations.
inline double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw UsageError("normal quantile needs 0 < p < 1");
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Quantile q of the finite values of `v` by linear interpolation between order statistics
// (Hyndman and Fan's type 7, NumPy's default), NaN when there are none.
inline double percentile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double h = q * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(h));
  if (i + 1 >= v.size()) return v.back();
  return v[i] + (h - static_cast<double>(i)) * (v[i + 1] - v[i]);
}

// Sample standard deviation (n - 1) of the finite values; NaN with fewer than two.
inline double sample_sd(const std::vector<double>& v) {
  double sum = 0.0;
  int n = 0;
  for (double x : v)
    if (std::isfinite(x)) sum += x, ++n;
  if (n < 2) return std::nan("");
  const double mean = sum / n;
  double ss = 0.0;
  for (double x : v)
    if (std::isfinite(x)) ss += (x - mean) * (x - mean);
  return std::sqrt(ss / (n - 1));
}

// estimate +- z SE for every parameter of a fit; NaN bounds where the covariance is not
// available (FitResult::covariance_message says why), a zero-width interval for fixed ones.
inline std::vector<Interval> covariance_intervals(const FitResult& r, double level = 0.95) {
  check_level(level);
  const double z = normal_quantile(0.5 + 0.5 * level);
  std::vector<Interval> out(r.parameters.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double se = i < r.standard_errors.size() ? r.standard_errors[i] : std::nan("");
    if (std::isfinite(se)) out[i] = {r.parameters[i] - z * se, r.parameters[i] + z * se};
  }
  return out;
}

// Delta-method SE of f at the fit: sqrt(g^T Cov g). NaN when the covariance is not available or
// f is not finite near the optimum. Steps are relative (1e-6 of each value, at least 1e-9) so
// that A ~ 1e3 and alpha ~ 0.3 are both differentiated sensibly.
inline double delta_method_se(const std::function<double(const std::vector<double>&)>& f,
                              const FitResult& r) {
  const auto k = static_cast<Eigen::Index>(r.parameters.size());
  if (!r.covariance_ok || r.covariance.rows() != k) return std::nan("");
  Eigen::VectorXd g = Eigen::VectorXd::Zero(k);
  try {
    for (Eigen::Index i = 0; i < k; ++i) {
      const auto u = static_cast<std::size_t>(i);
      if (u < r.fixed.size() && r.fixed[u]) continue;
      const double h = std::max(1e-6 * std::abs(r.parameters[u]), 1e-9);
      std::vector<double> up = r.parameters, down = r.parameters;
      up[u] += h;
      down[u] -= h;
      g(i) = (f(up) - f(down)) / (2.0 * h);
    }
  } catch (const Error&) {
    return std::nan("");
  }
  if (!g.allFinite()) return std::nan("");
  return std::sqrt(std::max(0.0, g.dot(r.covariance * g)));
}

}  // namespace slfit
