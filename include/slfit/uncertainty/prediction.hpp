// Prediction intervals for new points: where a new observation is expected to fall, not only
// where the fitted mean lies.
//
// Both methods work in the fitted space (log L or L) and map the interval back through exp for a
// log fit, so a log-space interval is asymmetric in L, as it should be.
//   kDelta      mean +- z sqrt(g^T Cov g + s^2), g the gradient of the prediction with respect to
//               the parameters and s^2 = RSS / (n - k) the residual variance of the fit. Cheap;
//               trustworthy for a least-squares fit whose covariance is reliable.
//   kBootstrap  for each resample b: prediction with the resample's parameters plus one residual
//               of the best fit drawn at random (inflated by sqrt(n / (n - k)), since fitted
//               residuals are smaller than the errors); the percentiles of these. It inherits the
//               bootstrap's robustness to Huber objectives and non-normal residuals; residuals
//               are drawn as if independent, also after a group bootstrap.
// The interval of the mean (`mean_interval`) is reported too: the spread of the prediction alone.
//
//   auto boot = slfit::bootstrap<slfit::Chinchilla>(table, opt, {.resamples = 500});
//   slfit::Table at = slfit::grid_table({{"N", {7e10}}, {"D", {1.4e12}}});
//   auto p = slfit::predict_intervals<slfit::Chinchilla>(at, opt, boot.best, &boot);
//   // p.points[0].interval: 95% of new losses at (N, D) fall here
#pragma once

#include <ceres/jet.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/results.hpp"

namespace slfit {

namespace detail {

// The law's prediction in the fitted space at natural parameters p.
template <Law L, class T>
T fitted_prediction(const L& law, const T* p, const RowView<L::kNumInputs>& row, Space space) {
  return row_residual(law, p, row, 0.0, space);
}

inline double from_fitted(double v, Space space) { return space == Space::kLog ? std::exp(v) : v; }

}  // namespace detail

// Intervals at every row of `at` (which holds the law's input columns, mapped by opt.columns)
// for the fit `best` of law L made with options `opt`. The bootstrap method needs `boot`, a
// bootstrap of that same fit.
template <Law L>
PredictionResult predict_intervals(const L& law, const Table& at, const FitOptions& opt,
                                   const FitResult& best, const BootstrapResult* boot = nullptr,
                                   const PredictionOptions& po = {}) {
  check_level(po.level);
  if (best.law != law_name(law) ||
      best.parameters.size() != static_cast<std::size_t>(L::kNumParameters))
    throw UsageError("predict_intervals: the fit is not of law '" + law_name(law) + "'");
  if (best.status == FitStatus::kFailed) throw DataError("predict_intervals: the fit failed");
  if (po.method == PredictionMethod::kBootstrap && boot == nullptr)
    throw UsageError("bootstrap prediction intervals need a bootstrap result");
  const Space space = best.space;
  const BoundInputs<L> inputs(law, at, opt.columns);
  const int n = static_cast<int>(best.points), k = best.free_parameters();
  PredictionResult out;
  out.method = po.method;
  out.level = po.level;
  if (n > k) out.residual_sd = std::sqrt(best.rss / (n - k));
  const double lo_q = 0.5 - 0.5 * po.level, hi_q = 0.5 + 0.5 * po.level;
  const double z = normal_quantile(hi_q);
  constexpr int K = L::kNumParameters;

  if (po.method == PredictionMethod::kDelta) {
    out.method_description = "delta method in " + std::string(to_string(space)) +
                             " space: mean +- z sqrt(g' Cov g + s^2), s^2 = RSS/(n-k), mapped back";
    for (Eigen::Index r = 0; r < inputs.rows(); ++r) {
      using Jet = ceres::Jet<double, K>;
      std::array<Jet, K> pj;
      for (int i = 0; i < K; ++i)
        pj[static_cast<std::size_t>(i)] = Jet(best.parameters[static_cast<std::size_t>(i)], i);
      const Jet f = detail::fitted_prediction(law, pj.data(), inputs.row(r), space);
      PointPrediction p;
      p.prediction = detail::from_fitted(f.a, space);
      if (best.covariance_ok) {
        const Eigen::VectorXd g = f.v;
        const double var_mean = std::max(0.0, g.dot(best.covariance * g));
        const double var = var_mean + out.residual_sd * out.residual_sd;
        p.fitted_sd = std::sqrt(var);
        p.mean_interval = {detail::from_fitted(f.a - z * std::sqrt(var_mean), space),
                           detail::from_fitted(f.a + z * std::sqrt(var_mean), space)};
        p.interval = {detail::from_fitted(f.a - z * p.fitted_sd, space),
                      detail::from_fitted(f.a + z * p.fitted_sd, space)};
      }
      out.points.push_back(p);
    }
    return out;
  }

  out.method_description = "bootstrap in " + std::string(to_string(space)) +
                           " space: resample prediction + a residual of the best fit (inflated by "
                           "sqrt(n/(n-k))), percentiles, mapped back";
  const double inflate = n > k ? std::sqrt(static_cast<double>(n) / (n - k)) : 1.0;
  const std::vector<double>& res = best.residuals;
  if (res.empty()) throw DataError("predict_intervals: the fit kept no residuals");
  for (Eigen::Index r = 0; r < inputs.rows(); ++r) {
    const RowView<L::kNumInputs> row = inputs.row(r);
    PointPrediction p;
    const double centre = detail::fitted_prediction(law, best.parameters.data(), row, space);
    p.prediction = detail::from_fitted(centre, space);
    // One stream per point, independent of the others, so adding points changes nothing.
    detail::Rng rng = detail::resample_rng(po.seed, static_cast<std::uint64_t>(r));
    std::vector<double> mean, obs;
    for (const auto& s : boot->samples) {
      if (!std::isfinite(s[0])) continue;
      const double m = detail::fitted_prediction(law, s.data(), row, space);
      // Residuals are prediction minus target, so a new observation is prediction minus one.
      const double e = inflate * res[rng.below(res.size())];
      mean.push_back(m);
      obs.push_back(m - e);
    }
    p.mean_interval = {detail::from_fitted(percentile(mean, lo_q), space),
                       detail::from_fitted(percentile(mean, hi_q), space)};
    p.interval = {detail::from_fitted(percentile(obs, lo_q), space),
                  detail::from_fitted(percentile(obs, hi_q), space)};
    out.points.push_back(p);
  }
  return out;
}

template <Law L>
PredictionResult predict_intervals(const Table& at, const FitOptions& opt, const FitResult& best,
                                   const BootstrapResult* boot = nullptr,
                                   const PredictionOptions& po = {}) {
  return predict_intervals(L{}, at, opt, best, boot, po);
}

}  // namespace slfit
