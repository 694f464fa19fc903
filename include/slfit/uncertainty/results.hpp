// The result types of the uncertainty layer (bootstrap, hold-out, comparison, prediction
// intervals) and their options, apart from the templates that compute them. Light to include:
// the run-time catalogue (runtime/) passes these between front ends and the compiled fitters
// without compiling any fitter.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/uncertainty/intervals.hpp"

namespace slfit {

struct BootstrapOptions {
  int resamples = 1000;
  std::optional<std::string> group;  // resample whole groups of equal values of this column
  bool from_starts = false;          // refit from the fit options' starts, not the best fit
  double level = 0.95;               // of percentile and covariance intervals
  std::uint64_t seed = 0;
  int threads = 0;  // 0: all cores; results never depend on it
  std::vector<DerivedQuantity> derived;
  // Called after each resample with the count done so far, from worker threads but one call at a
  // time and with `done` strictly increasing.
  std::function<void(int done, int total)> progress;
  // Asked before each resample, from worker threads at once (so it must be safe to call
  // concurrently, e.g. an atomic read): true stops the bootstrap, which then throws Interrupted
  // once the resamples under way have finished (the Python package's Ctrl-C).
  std::function<bool()> stop;
  double disagreement = 3.0;  // warn when bootstrap / covariance SE leaves [1/x, x]
};

struct BootstrapEstimate {
  std::string name;
  double estimate = std::nan("");        // at the best fit
  double standard_error = std::nan("");  // standard deviation over valid resamples
  Interval percentile;                   // the bootstrap percentile interval
  double covariance_se = std::nan("");   // from the fit's covariance (delta method if derived)
  Interval covariance;                   // estimate +- z covariance_se
  int valid = 0;                         // resamples where the value was finite
};

struct BootstrapResult {
  FitResult best;                             // the fit every resample is compared with
  std::vector<BootstrapEstimate> parameters;  // in the law's order
  std::vector<BootstrapEstimate> derived;     // in the options' order
  int resamples = 0;
  int failed = 0;         // fits that failed or could not be set up
  int not_converged = 0;  // kept, but the solver stopped short
  std::string group;      // the group column, empty for a row bootstrap
  int groups = 0;         // distinct groups (rows, for a row bootstrap)
  double level = 0.95;
  std::vector<std::vector<double>> samples;          // [resample][parameter], NaN when failed
  std::vector<std::vector<double>> derived_samples;  // [resample][quantity]
  std::vector<std::string> warnings;
  double seconds = 0.0;

  const BootstrapEstimate& parameter(std::string_view name) const { return find(parameters, name); }
  const BootstrapEstimate& quantity(std::string_view name) const { return find(derived, name); }

 private:
  static const BootstrapEstimate& find(const std::vector<BootstrapEstimate>& v,
                                       std::string_view name) {
    for (const auto& e : v)
      if (e.name == name) return e;
    throw UsageError("no bootstrap estimate named '" + std::string(name) + "'");
  }
};

// One law with its fit options, behind std::function so laws of different types can sit in one
// list. `predict` returns the law's values (natural units) on every row of a table.
struct FitCandidate {
  std::string name;
  std::function<FitResult(const Table&)> fit;
  std::function<Array(const Table&, const FitResult&)> predict;
  std::string target_column;  // where observed values are read from
  int free_parameters = 0;    // for checking that a training set is big enough
};

struct HoldoutRow {
  Eigen::Index row = 0;  // 1-based, in the input table
  double observed = std::nan("");
  double predicted = std::nan("");
  double error = std::nan("");         // predicted - observed, natural units
  double fitted_error = std::nan("");  // the same in the fitted space
};

struct HoldoutResult {
  std::string name;  // the candidate's
  FitResult fit;     // on the training rows
  Eigen::Index train_rows = 0;
  std::vector<HoldoutRow> rows;  // the held-out rows, in table order
  double rmse = std::nan("");
  double max_abs_error = std::nan("");
  double rmse_fitted = std::nan("");
  double max_abs_error_fitted = std::nan("");
};

enum class RankBy { kAic, kBic, kHoldout };

struct CompareOptions {
  std::optional<Mask> holdout;  // rows to hold out for the extrapolation ranking
  RankBy rank_by = RankBy::kBic;
};

struct LawScore {
  std::string name;
  FitResult fit;  // on the whole table
  Eigen::Index n = 0;
  int k = 0;  // free parameters + 1
  double rss = std::nan("");
  double aic = std::nan("");
  double bic = std::nan("");
  double delta_aic = std::nan("");  // above the best candidate's
  double delta_bic = std::nan("");
  std::optional<HoldoutResult> holdout;
  int rank_aic = 0, rank_bic = 0, rank_holdout = 0;  // 1 = best; 0 when not available
};

struct Comparison {
  std::vector<LawScore> scores;  // sorted by the chosen ranking, best first
  std::string best_by_aic, best_by_bic, best_by_holdout;
  std::vector<std::string> warnings;
};

enum class PredictionMethod { kDelta, kBootstrap };

struct PredictionOptions {
  PredictionMethod method = PredictionMethod::kBootstrap;
  double level = 0.95;
  std::uint64_t seed = 0;  // for drawing residuals (bootstrap method)
};

struct PointPrediction {
  double prediction = std::nan("");  // at the best fit, in the target's natural units
  Interval mean_interval;            // natural units
  Interval interval;                 // for a new observation, natural units
  double fitted_sd = std::nan("");   // predictive SD in the fitted space (delta method only)
};

struct PredictionResult {
  PredictionMethod method = PredictionMethod::kBootstrap;
  std::string method_description;
  double level = 0.95;
  double residual_sd = std::nan("");  // s, in the fitted space
  std::vector<PointPrediction> points;
};

}  // namespace slfit
