// What a fit minimizes and how: the options struct every fitter takes.
//
// The objective is a weighted sum over rows (fit/objective.hpp),
//   F = sum_i w_i c(r_i) rho(r_i),   c(r) = overestimate_penalty if r > 0, else 1,
// where r_i is the prediction minus the target, both in the chosen space (log: log L_pred - log L;
// linear: L_pred - L), and
//   squared   rho(r) = r^2
//   huber     rho(r) = r^2/2 if |r| <= delta, else delta (|r| - delta/2)
//   absolute  rho(r) = |r|
// F is the value reported as `objective.value` (see DESIGN.md, CLI contract).
//
// Defaults (the command-line tool's are the same, so that a fit from code and `slfit fit` with no
// options agree; log space because scaling-law losses span decades of N and D, and log residuals
// are relative errors that weigh small and large runs alike):
//   objective            squared            delta         1e-3 (Huber only)
//   space                log                overestimate_penalty  1 (no penalty)
//   target               column "loss"      weights       none (every row 1)
//   starts               the law's default grid, seed 0
//   solver               auto (dense LM from every start, Ceres polish of the best 3)
//   screening            auto, keeping 32 starts of larger lists
//   max_iterations       200 per start, tolerances 1e-10
//   covariance           on                 threads       0 (all cores)
//   skip_nonpositive     off (a target <= 0 in log space is an error)
//
//   slfit::FitOptions o;
//   o.objective = slfit::Objective::kHuber;   // Hoffmann et al.'s procedure:
//   o.delta = 1e-3;                           //   Huber 1e-3 on log L
//   o.space = slfit::Space::kLog;             //   from each of their 4500 starts
//   o.starts = slfit::StartSpec::grid("hoffmann");
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/limits.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/fit/objective.hpp"

namespace slfit {

inline Space parse_space(std::string_view s) {
  if (s == "log") return Space::kLog;
  if (s == "linear") return Space::kLinear;
  throw UsageError("unknown space '" + std::string(s) + "'; use log or linear");
}

// Where the optimizer starts.
struct StartSpec {
  enum class Kind {
    kDefault,   // the Cartesian product of each parameter's spec grid
    kGrid,      // a named grid of the law (e.g. "hoffmann")
    kRandom,    // `count` points drawn uniformly (in internal units) over the default grid's box
    kExplicit,  // the listed points, each a map from parameter name to natural value
  };
  Kind kind = Kind::kDefault;
  std::string grid_name;
  int count = 0;
  std::vector<std::map<std::string, double, std::less<>>> points;

  static StartSpec defaults() { return {}; }
  static StartSpec grid(std::string name) { return {Kind::kGrid, std::move(name), 0, {}}; }
  static StartSpec random(int count) { return {Kind::kRandom, {}, count, {}}; }
  static StartSpec explicit_points(std::vector<std::map<std::string, double, std::less<>>> pts) {
    return {Kind::kExplicit, {}, 0, std::move(pts)};
  }
};

// Parses a start list's name: hoffmann | default | random:K | any grid name of the law.
inline StartSpec parse_starts(std::string_view s) {
  if (s == "default") return StartSpec::defaults();
  if (s.substr(0, 7) == "random:") {
    const std::string k(s.substr(7));
    char* end = nullptr;
    const long n = std::strtol(k.c_str(), &end, 10);
    if (k.empty() || *end != '\0' || n < 1 || n > kMaxRandomStarts) {
      throw UsageError("option 'starts' random:K needs a whole number K from 1 to 1e7, got '" + k +
                       "'");
    }
    return StartSpec::random(static_cast<int>(n));
  }
  if (s.empty()) throw UsageError("option 'starts' needs a value: default, hoffmann or random:K");
  return StartSpec::grid(std::string(s));
}

// Which solver runs from each start. Both minimize the same objective with Levenberg-Marquardt.
enum class Solver {
  kAuto,   // the dense in-house solver from every start, Ceres to polish the best end points
  kCeres,  // Ceres from every start and for the polish
  kDense,  // the dense solver only (bootstrap refits use it: no per-solve Ceres setup)
};

// How a start list larger than `screen_keep` is cut down before any solver runs (fit/projection).
enum class Screening {
  kAuto,       // rank starts and, for laws with linear parameters, their projections
  kObjective,  // rank the starts by their objective only
  kOff,        // solve from every start
};

inline Solver parse_solver(std::string_view s) {
  if (s == "auto") return Solver::kAuto;
  if (s == "ceres") return Solver::kCeres;
  if (s == "dense") return Solver::kDense;
  throw UsageError("unknown solver '" + std::string(s) + "'; use auto, ceres or dense");
}
inline Screening parse_screening(std::string_view s) {
  if (s == "auto") return Screening::kAuto;
  if (s == "objective") return Screening::kObjective;
  if (s == "off") return Screening::kOff;
  throw UsageError("unknown screening '" + std::string(s) + "'; use auto, objective or off");
}
inline std::string_view to_string(Solver s) {
  return s == Solver::kAuto ? "auto" : s == Solver::kCeres ? "ceres" : "dense";
}
inline std::string_view to_string(Screening s) {
  return s == Screening::kAuto ? "auto" : s == Screening::kObjective ? "objective" : "off";
}

// A parameter given one value per level of a column (fit/levels.hpp): the column, and the level
// held at `reference_value` (empty: every level is fitted).
struct PerLevel {
  std::string column;
  std::string reference;
  double reference_value = 1.0;
};

struct FitOptions {
  Objective objective = Objective::kSquared;
  double delta = 1e-3;  // Huber's threshold, in the units of the residual
  Space space = Space::kLog;
  // W >= 1: rows where the law predicts more than the observed value (r > 0) count W times in
  // the objective. Over-estimates are what under-tuned runs produce (their losses sit above the
  // law's frontier), so W > 1 fits the lower envelope of the rows.
  double overestimate_penalty = 1.0;

  ColumnMap columns;                   // law input (or "target") -> table column
  std::string target = "loss";         // the column fitted (use derive() for an expression)
  std::optional<std::string> weights;  // column of nonnegative row weights

  std::map<std::string, double, std::less<>> fixed;  // held at these natural values
  std::map<std::string, std::pair<double, double>, std::less<>> bounds;  // override spec bounds
  std::map<std::string, Transform, std::less<>> transforms;              // override spec transforms
  // Parameters fitted once per level of a column, beside those a law declares so (a law file's
  // "per"). Fixed values, bounds and transforms above may name one level, as `eff[w4a4]`, or
  // the parameter, for every level.
  std::map<std::string, PerLevel, std::less<>> per;

  StartSpec starts;
  std::uint64_t seed = 0;  // for random starts

  int max_iterations = 200;  // per start
  double function_tolerance = 1e-10;
  double parameter_tolerance = 1e-10;
  // The best distinct end points re-solved with tight tolerances (0: none). Besides the best, only
  // end points whose objective is at most `polish_within` times the best's are polished: one far
  // above it has used its iterations in another basin and would need hundreds more to come back
  // to the optimum the best already holds.
  int polish = 3;
  double polish_within = 2.0;
  Solver solver = Solver::kAuto;
  Screening screening = Screening::kAuto;
  int screen_keep = 32;    // starts solved after screening (when there are more than this)
  bool covariance = true;  // form the covariance and standard errors (bootstrap refits skip it)
  int threads = 0;         // 0: all cores; results never depend on it

  // In log space a target <= 0 has no log (a quantization degradation that came out zero or
  // negative, say). By default that is an error; with this set such rows are left out and
  // listed in FitResult::dropped_rows.
  bool skip_nonpositive = false;
};

// The counts of a FitOptions within their limits (core/limits.hpp); UsageError naming the field.
inline void check_counts(const FitOptions& o) {
  if (o.threads < 0 || o.threads > kMaxThreads) {
    throw UsageError("option 'threads' must be from 0 (all cores) to " +
                     std::to_string(kMaxThreads) + ", got " + std::to_string(o.threads));
  }
  if (o.starts.kind == StartSpec::Kind::kRandom && o.starts.count > kMaxRandomStarts) {
    throw UsageError("option 'starts' random:K needs a whole number K from 1 to 1e7, got " +
                     std::to_string(o.starts.count));
  }
}

inline ObjectiveFunction objective_function(const FitOptions& o) {
  return {o.objective, o.delta, o.overestimate_penalty};
}

}  // namespace slfit
