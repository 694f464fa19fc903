// FitResult: everything a fit found, in the spirit of ceres::Solver::Summary.
//
// Numerical outcomes live here, never in exceptions: whether the best start converged, which
// parameters ended at a bound, whether the covariance could be formed. A standard error that could
// not be computed is NaN *and* `covariance_ok` is false with a message saying why, so no NaN is
// ever silent. Reports: see fit/report.hpp.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/fit/options.hpp"

namespace slfit {

enum class FitStatus {
  kConverged,     // the solver met its tolerances at the best start
  kNotConverged,  // the best start ran out of iterations; the parameters are the best seen
  kFailed,        // no start produced a finite objective
};

inline std::string_view to_string(FitStatus s) {
  switch (s) {
    case FitStatus::kConverged:
      return "converged";
    case FitStatus::kNotConverged:
      return "not converged";
    case FitStatus::kFailed:
      return "failed";
  }
  return "?";
}

struct FitResult {
  std::string law;
  FitStatus status = FitStatus::kFailed;
  std::string message;  // the solver's own words for the best start, or why the fit failed
  bool converged() const { return status == FitStatus::kConverged; }

  Objective objective = Objective::kSquared;
  double delta = 0.0;
  Space space = Space::kLog;
  double overestimate_penalty = 1.0;  // W of FitOptions
  ObjectiveFunction objective_function() const { return {objective, delta, overestimate_penalty}; }
  double objective_value = std::nan("");
  double rss = std::nan("");  // weighted sum of squared residuals at the optimum
  Eigen::Index points = 0;    // rows fitted

  std::vector<std::string> names;
  std::vector<double> parameters;       // natural units
  std::vector<double> standard_errors;  // NaN where not available (see covariance_ok)
  std::vector<bool> fixed;
  std::vector<bool> at_lower;
  std::vector<bool> at_upper;
  Eigen::MatrixXd covariance;  // over all parameters (zero rows/columns for fixed ones)
  bool covariance_ok = false;
  std::string covariance_message;
  // Parameters the data do not determine (all rows at one N leave E, A and alpha free, say):
  // their values are arbitrary points of a flat valley, and reports mark them "not identified".
  std::vector<std::string> unidentified;
  bool identified(std::string_view name) const {
    for (const auto& u : unidentified)
      if (u == name) return false;
    return true;
  }

  int starts_tried = 0;                  // starts in the list (all of them are at least screened)
  int starts_solved = 0;                 // starts a solver ran from (fewer after screening)
  int starts_projected = 0;              // distinct nonlinear candidates projected in screening
  int starts_failed = 0;                 // starts whose objective was not finite
  int best_start = -1;                   // index into the start list
  std::vector<double> best_start_point;  // natural units
  int iterations = 0;                    // solver iterations at the best start, polish included
  double seconds = 0.0;

  std::vector<double> residuals;           // prediction minus target, in the fitted space, per row
  std::vector<Eigen::Index> dropped_rows;  // 1-based rows left out (FitOptions::skip_nonpositive)

  double value(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return parameters[i];
    throw UsageError("no parameter '" + std::string(name) + "' in the fit of law '" + law + "'");
  }
  double standard_error(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return standard_errors[i];
    throw UsageError("no parameter '" + std::string(name) + "' in the fit of law '" + law + "'");
  }
  int free_parameters() const {
    int k = 0;
    for (bool f : fixed) k += f ? 0 : 1;
    return k;
  }
};

}  // namespace slfit
