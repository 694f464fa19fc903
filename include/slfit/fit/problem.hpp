// A fitting problem checked and laid out for the solver.
//
// Everything a user can get wrong is checked here, before Ceres sees anything (Ceres aborts the
// process on misuse): names of fixed, bounded and transformed parameters, bounds that contradict
// each other or a log transform, targets that are not finite or not positive in log space,
// weights, the objective's delta and over-estimate penalty, and whether there are enough rows for
// the free parameters.
#pragma once

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/fit/options.hpp"

namespace slfit {

template <Law L>
struct FitProblem {
  static constexpr int K = L::kNumParameters;

  L law;                             // the law fitted (a compiled law is an empty object)
  std::vector<ParameterSpec> specs;  // the law's, with the options' bounds and transforms applied
  std::vector<bool> is_fixed;
  std::vector<double> fixed_values;  // natural units; meaningful where is_fixed
  std::vector<double> lower_internal, upper_internal;
  std::vector<RowView<L::kNumInputs>> rows;
  std::vector<double> target;   // in the fitted space
  std::vector<double> weights;  // empty when every row weighs 1
  Objective objective = Objective::kSquared;
  double delta = 1e-3;
  double overestimate_penalty = 1.0;
  Space space = Space::kLog;

  ObjectiveFunction objective_function() const { return {objective, delta, overestimate_penalty}; }

  int free_count() const {
    int k = 0;
    for (bool f : is_fixed) k += f ? 0 : 1;
    return k;
  }

  FitProblem(const Table& table, const FitOptions& opt) : FitProblem(L{}, table, opt) {}

  FitProblem(L fitted, const Table& table, const FitOptions& opt)
      : law(std::move(fitted)),
        objective(opt.objective),
        delta(opt.delta),
        overestimate_penalty(opt.overestimate_penalty),
        space(opt.space) {
    objective_function().check();
    const std::string name = law_name(law);
    specs = law.parameters();
    for (const auto& [p, t] : opt.transforms) specs[parameter_index(specs, p, name)].transform = t;
    for (const auto& [p, b] : opt.bounds) {
      auto& s = specs[parameter_index(specs, p, name)];
      s.lower = b.first;
      s.upper = b.second;
    }
    is_fixed.assign(K, false);
    fixed_values.assign(K, 0.0);
    for (const auto& [p, v] : opt.fixed) {
      const auto i = parameter_index(specs, p, name);
      if (!std::isfinite(v)) throw UsageError("fixed value of '" + p + "' is not finite");
      is_fixed[i] = true;
      fixed_values[i] = v;
    }
    for (std::size_t i = 0; i < specs.size(); ++i) check_spec(specs[i], name);
    for (std::size_t i = 0; i < specs.size(); ++i)
      if (is_fixed[i]) check_value(specs[i], fixed_values[i], "fixed value");

    if (table.rows() == 0) throw DataError(table.label() + " has no rows to fit");
    const BoundInputs<L> inputs(law, table, opt.columns);
    rows.reserve(static_cast<std::size_t>(table.rows()));
    for (Eigen::Index r = 0; r < table.rows(); ++r) rows.push_back(inputs.row(r));

    const std::string target_col = column_for(opt.columns, opt.target);
    if (!table.has(target_col)) {
      throw DataError("no target column '" + target_col + "' in " + table.label() +
                      " (choose one with option 'target' or option 'columns' target=HEADER)");
    }
    const ColumnView y = table.column(target_col);
    target.resize(static_cast<std::size_t>(y.size()));
    for (Eigen::Index r = 0; r < y.size(); ++r) {
      if (!std::isfinite(y(r))) {
        throw DataError("target '" + target_col + "' is not finite at row " +
                        std::to_string(r + 1) + " of " + table.label());
      }
      if (space == Space::kLog && !(y(r) > 0.0)) {
        throw DataError(
            "target '" + target_col + "' must be positive to fit in log space, but row " +
            std::to_string(r + 1) + " of " + table.label() + " has " +
            BoundInputs<L>::fmt_double(y(r)) +
            " (use option 'space' linear, or option 'skip_nonpositive' to leave such rows out)");
      }
      target[static_cast<std::size_t>(r)] = space == Space::kLog ? std::log(y(r)) : y(r);
    }
    if (opt.weights) {
      const ColumnView w = table.column(*opt.weights);
      weights.assign(w.data(), w.data() + w.size());
      for (std::size_t r = 0; r < weights.size(); ++r) {
        if (!std::isfinite(weights[r]) || weights[r] < 0.0) {
          throw DataError("weight column '" + *opt.weights +
                          "' must be finite and nonnegative; row " + std::to_string(r + 1) +
                          " of " + table.label() + " is not");
        }
      }
    }
    if (table.rows() < free_count()) {
      throw DataError(table.label() + " has " + std::to_string(table.rows()) + " rows but law '" +
                      name + "' has " + std::to_string(free_count()) +
                      " free parameters; a fit needs at least as many rows");
    }

    for (const auto& s : specs) {
      lower_internal.push_back(internal_bound(s, s.lower, true));
      upper_internal.push_back(internal_bound(s, s.upper, false));
    }
  }

  // The same problem with row i counted counts[i] times (a bootstrap resample): rows counted 0 are
  // left out and the others carry their count as a factor of their weight. Its objective is that
  // of FitProblem(table.select(picks), opt) for any picks with these counts (the same sum, grouped
  // by row), but each distinct row is evaluated once: about 63% of the rows of a row resample.
  // Throws DataError when fewer rows than free parameters are picked in all.
  FitProblem with_counts(const std::vector<int>& counts) const {
    if (counts.size() != rows.size()) {
      throw UsageError("with_counts: " + std::to_string(counts.size()) + " counts for " +
                       std::to_string(rows.size()) + " rows");
    }
    long picked = 0;
    std::size_t distinct = 0;
    for (const int c : counts) {
      if (c < 0) throw UsageError("with_counts: a count is negative");
      picked += c;
      distinct += c > 0 ? 1 : 0;
    }
    if (picked < free_count()) {
      throw DataError("a resample has " + std::to_string(picked) + " rows but law '" +
                      law_name(law) + "' has " + std::to_string(free_count()) +
                      " free parameters; a fit needs at least as many rows");
    }
    FitProblem out(*this, Empty{});
    out.rows.reserve(distinct);
    out.target.reserve(distinct);
    out.weights.reserve(distinct);
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (counts[i] == 0) continue;
      out.rows.push_back(rows[i]);
      out.target.push_back(target[i]);
      out.weights.push_back(weights.empty() ? counts[i] : counts[i] * weights[i]);
    }
    return out;
  }

  // The problem on the rows listed (0-based, in that order), weights kept: one piece of a larger
  // fit (fit/levels.hpp), so the rows are not counted against the free parameters.
  FitProblem subset(const std::vector<std::size_t>& picks) const {
    FitProblem out(*this, Empty{});
    for (const std::size_t i : picks) {
      out.rows.push_back(rows[i]);
      out.target.push_back(target[i]);
      if (!weights.empty()) out.weights.push_back(weights[i]);
    }
    return out;
  }

  // Throws if a start or fixed value is outside a parameter's bounds or domain.
  static void check_value(const ParameterSpec& s, double v, const std::string& what) {
    if (!std::isfinite(v)) throw UsageError(what + " of '" + s.name + "' is not finite");
    if (v < s.lower || v > s.upper) {
      throw UsageError(what + " of '" + s.name + "' = " + BoundInputs<L>::fmt_double(v) +
                       " is outside its bounds [" + BoundInputs<L>::fmt_double(s.lower) + ", " +
                       BoundInputs<L>::fmt_double(s.upper) + "]");
    }
    if (s.transform == Transform::kLog && !(v > 0.0)) {
      throw UsageError(what + " of '" + s.name + "' = " + BoundInputs<L>::fmt_double(v) +
                       " must be positive (it is fitted as a log)");
    }
  }

 private:
  // Everything but the rows, the targets and the weights (for with_counts()).
  struct Empty {};
  FitProblem(const FitProblem& other, Empty)
      : law(other.law),
        specs(other.specs),
        is_fixed(other.is_fixed),
        fixed_values(other.fixed_values),
        lower_internal(other.lower_internal),
        upper_internal(other.upper_internal),
        objective(other.objective),
        delta(other.delta),
        overestimate_penalty(other.overestimate_penalty),
        space(other.space) {}

  static void check_spec(const ParameterSpec& s, const std::string& law) {
    if (std::isnan(s.lower) || std::isnan(s.upper)) {
      throw UsageError("bounds of '" + s.name + "' for law '" + law + "' are not numbers");
    }
    if (s.lower > s.upper) {
      throw UsageError("lower bound of '" + s.name + "' (" + BoundInputs<L>::fmt_double(s.lower) +
                       ") is above its upper bound (" + BoundInputs<L>::fmt_double(s.upper) + ")");
    }
    if (s.transform == Transform::kLog && !(s.upper > 0.0)) {
      throw UsageError("'" + s.name + "' is fitted as a log, so its upper bound must be positive");
    }
  }

 public:
  static double internal_bound(const ParameterSpec& s, double b, bool lower) {
    if (s.transform == Transform::kLog) {
      if (lower && !(b > 0.0)) return -kInf;
      return std::isinf(b) ? b : std::log(b);
    }
    return b;
  }
};

}  // namespace slfit
