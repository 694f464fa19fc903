// Parameters with one value per level of a column: the problem and its residual model.
//
// Frantar et al.'s compression law gives every format its own multiplier eff, all formats sharing
// A, B, E, alpha and beta; a study of several data sets shares the exponents and gives each set its
// own offset. A parameter declared per level of a column (a law file's `"per": "format"`, written
// `eff[format]` in the formula, or FitOptions::per for any law) becomes one parameter for each
// value the column takes, named `eff[w4a4]`; one level, the reference, may be held at a given
// value (1 for a multiplier). How many levels there are is known only from the table, so a fit
// with levels has a parameter count set at run time:
//
//   - the rows are grouped into cells, rows of one combination of levels; in a cell the law is the
//     plain law with each per-level parameter at its level's value, evaluated by the law's own
//     ResidualModel (hand-written or autodiff derivatives, as in any fit);
//   - each cell's Jacobian columns are scattered to the parameters of the cell's levels, so the
//     dense Levenberg-Marquardt solver (fit/dense_lm.hpp) sees one problem over all parameters.
//
// fit_levels() (fit/level_fit.hpp) runs the multi-start fit on it; fit() calls it for laws and
// options with per-level parameters.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/limits.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/problem.hpp"
#include "slfit/fit/residual_model.hpp"
#include "slfit/fit/solve.hpp"

namespace slfit {

// One parameter of a law fitted once per level of a column.
struct LevelParameter {
  std::size_t base = 0;   // its index among the law's parameters
  std::string name;       // the law's parameter ("eff")
  std::string column;     // the table column whose values are the levels
  std::string reference;  // the level held at reference_value; empty: none
  double reference_value = 1.0;
  std::vector<std::string> levels;  // the reference first, then the others in order
};

namespace detail {

// "eff[w4a4]".
inline std::string level_name(std::string_view parameter, std::string_view level) {
  return std::string(parameter).append("[").append(level).append("]");
}

// "eff[w4a4]" -> ("eff", "w4a4"); false for a name without a level.
inline bool split_level_name(std::string_view name, std::string& base, std::string& level) {
  const auto open = name.find('[');
  if (open == std::string_view::npos || open == 0 || name.back() != ']') return false;
  base = std::string(name.substr(0, open));
  level = std::string(name.substr(open + 1, name.size() - open - 2));
  return true;
}

inline bool is_level_name(std::string_view name) {
  std::string base, level;
  return split_level_name(name, base, level);
}

// Levels in order: numbers by value (bit widths 2, 4, 16), before text, which sorts as text.
inline bool level_less(const std::string& a, const std::string& b) {
  auto number = [](const std::string& s, double& v) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  double x = 0, y = 0;
  const bool nx = number(a, x), ny = number(b, y);
  if (nx && ny && x != y) return x < y;
  if (nx != ny) return nx;
  return a < b;
}

// The per-level parameters of a fit of a law with these parameters: those the law declares
// (ParameterSpec::per) and those the options add or override (FitOptions::per), in parameter order.
inline std::vector<LevelParameter> per_level_parameters(const std::vector<ParameterSpec>& specs,
                                                        const FitOptions& opt,
                                                        const std::string& law) {
  std::vector<LevelParameter> out;
  for (const auto& [name, per] : opt.per) {
    parameter_index(specs, name, law);  // throws naming the law's parameters
    if (per.column.empty())
      throw UsageError("option 'per' for '" + name + "' needs a column (NAME=COLUMN)");
  }
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto it = opt.per.find(specs[i].name);
    LevelParameter p;
    p.base = i;
    p.name = specs[i].name;
    if (it != opt.per.end()) {
      p.column = it->second.column;
      p.reference = it->second.reference;
      p.reference_value = it->second.reference_value;
    } else if (!specs[i].per.empty()) {
      p.column = specs[i].per;
      p.reference = specs[i].reference;
      p.reference_value = specs[i].reference_value;
    } else {
      continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

template <Law L>
bool has_levels(const L& law, const FitOptions& opt) {
  if (!opt.per.empty()) return true;
  for (const auto& s : law.parameters())
    if (!s.per.empty()) return true;
  return false;
}

// Each row's level of every per-level parameter, and the levels themselves (filled into `per`).
// Throws DataError for a missing column, an empty label, a reference that does not occur, or
// more levels than kMaxLevels.
// Rows evaluated at a fit's values (`fitting` false) need not include the reference.
inline std::vector<std::vector<int>> read_levels(const Table& table, const ColumnMap& columns,
                                                 const std::string& law,
                                                 std::vector<LevelParameter>& per,
                                                 bool fitting = true) {
  std::vector<std::vector<int>> out;
  for (auto& p : per) {
    const std::string col = column_for(columns, p.column);
    if (!table.has(col)) {
      const auto names = table.names();
      throw DataError("parameter '" + p.name + "' of law '" + law +
                      "' has one value per level of column '" + col + "', but " + table.label() +
                      " has no column '" + col + "'" + did_you_mean(col, names) +
                      "; columns are: " + (names.empty() ? "(none)" : join(names)));
    }
    const std::vector<std::string> labels = table.labels(col);
    std::vector<std::string> levels;
    for (std::size_t r = 0; r < labels.size(); ++r) {
      if (labels[r].empty()) {
        throw DataError("column '" + col + "' of " + table.label() + " is empty at row " +
                        std::to_string(r + 1) + "; parameter '" + p.name +
                        "' needs a level on every row");
      }
    }
    levels = labels;
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    if (levels.size() > kMaxLevels) {
      throw DataError("column '" + col + "' of " + table.label() + " has " +
                      std::to_string(levels.size()) + " levels, more than the limit of " +
                      std::to_string(kMaxLevels) + " for parameter '" + p.name + "'");
    }
    std::sort(levels.begin(), levels.end(), level_less);
    if (!p.reference.empty() && fitting) {
      const auto ref = std::find(levels.begin(), levels.end(), p.reference);
      if (ref == levels.end()) {
        throw DataError("reference level '" + p.reference + "' of parameter '" + p.name +
                        "' does not occur in column '" + col + "' of " + table.label() +
                        did_you_mean(p.reference, levels) + "; levels are: " + join(levels));
      }
      std::rotate(levels.begin(), ref, ref + 1);
    }
    std::map<std::string, int, std::less<>> index;
    for (std::size_t l = 0; l < levels.size(); ++l) index[levels[l]] = static_cast<int>(l);
    std::vector<int> row_level(labels.size());
    for (std::size_t r = 0; r < labels.size(); ++r) row_level[r] = index.find(labels[r])->second;
    p.levels = std::move(levels);
    out.push_back(std::move(row_level));
  }
  return out;
}

// The options for the law's own parameters: without per-level names (`eff[w4a4]`) and `per`.
inline FitOptions base_options(const FitOptions& opt) {
  FitOptions o = opt;
  o.per.clear();
  std::erase_if(o.fixed, [](const auto& kv) { return is_level_name(kv.first); });
  std::erase_if(o.bounds, [](const auto& kv) { return is_level_name(kv.first); });
  for (auto& point : o.starts.points)
    std::erase_if(point, [](const auto& kv) { return is_level_name(kv.first); });
  return o;
}

}  // namespace detail

// A fit with per-level parameters laid out for the solver: the law's problem on the whole table
// (checked as any fit's), the parameters expanded level by level, and the rows grouped by cell.
template <Law L>
struct LevelProblem {
  struct Cell {
    Eigen::Index begin = 0, count = 0;  // rows in cell order
    std::vector<int> slots;             // the law's parameter s -> its expanded parameter
  };

  FitProblem<L> base;
  std::vector<LevelParameter> per;
  std::vector<ParameterSpec> specs;  // expanded: the law's, with `eff[level]` for each level
  std::vector<int> base_of;          // expanded parameter -> the law's parameter
  std::vector<bool> is_fixed;
  std::vector<double> fixed_values;
  std::vector<double> lower_internal, upper_internal;
  std::vector<std::size_t> order;  // cell order -> row of the base problem (0-based)
  std::vector<Cell> cells;
  std::vector<FitProblem<L>> cell_problems;
  std::vector<double> target;   // in cell order
  std::vector<double> weights;  // in cell order; empty when every row weighs 1

  ObjectiveFunction objective_function() const { return base.objective_function(); }
  int free_count() const {
    int k = 0;
    for (bool f : is_fixed) k += f ? 0 : 1;
    return k;
  }

  LevelProblem(const L& law, const Table& table, const FitOptions& opt)
      : base(law, table, detail::base_options(opt)),
        per(detail::per_level_parameters(base.specs, opt, law_name(law))) {
    const std::string name = law_name(law);
    const auto row_levels = detail::read_levels(table, opt.columns, name, per);
    expand();
    apply_level_options(opt, name);
    make_cells(row_levels);
    const auto n = static_cast<std::size_t>(target.size());
    if (n < static_cast<std::size_t>(free_count())) {
      throw DataError(table.label() + " has " + std::to_string(n) + " rows but law '" + name +
                      "' has " + std::to_string(free_count()) +
                      " free parameters with its levels; a fit needs at least as many rows");
    }
    if (n * specs.size() > kMaxLevelJacobian) {
      throw DataError(table.label() + ": " + std::to_string(n) + " rows by " +
                      std::to_string(specs.size()) +
                      " parameters is more than a per-level fit holds (" +
                      std::to_string(kMaxLevelJacobian) + " Jacobian entries)");
    }
  }

  // The same problem with row i counted counts[i] times (a bootstrap resample; see
  // FitProblem::with_counts): rows counted 0 stay, with weight 0.
  LevelProblem with_counts(const std::vector<int>& counts) const {
    if (counts.size() != base.rows.size()) {
      throw UsageError("with_counts: " + std::to_string(counts.size()) + " counts for " +
                       std::to_string(base.rows.size()) + " rows");
    }
    LevelProblem out = *this;
    out.weights.assign(target.size(), 0.0);
    long picked = 0;
    for (std::size_t i = 0; i < target.size(); ++i) {
      const int c = counts[order[i]];
      if (c < 0) throw UsageError("with_counts: a count is negative");
      picked += c;
      out.weights[i] = c * (weights.empty() ? 1.0 : weights[i]);
    }
    if (picked < free_count()) {
      throw DataError("a resample has " + std::to_string(picked) + " rows but law '" +
                      law_name(base.law) + "' has " + std::to_string(free_count()) +
                      " free parameters with its levels; a fit needs at least as many rows");
    }
    return out;
  }

  // Whether a parameter touches a row of positive weight (a level a resample did not draw does
  // not, and its value is then no estimate).
  std::vector<bool> weighted_parameters() const {
    std::vector<bool> out(specs.size(), weights.empty());
    if (weights.empty()) return out;
    for (const auto& cell : cells) {
      bool any = false;
      for (Eigen::Index i = cell.begin; i < cell.begin + cell.count; ++i)
        any = any || weights[static_cast<std::size_t>(i)] > 0.0;
      if (any)
        for (const int j : cell.slots) out[static_cast<std::size_t>(j)] = true;
    }
    return out;
  }

  // The per-level parameter of a law's parameter, or null.
  const LevelParameter* level_parameter(std::size_t b) const {
    for (const auto& p : per)
      if (p.base == b) return &p;
    return nullptr;
  }

 private:
  void expand() {
    for (std::size_t b = 0; b < base.specs.size(); ++b) {
      const LevelParameter* p = level_parameter(b);
      const std::size_t count = p ? p->levels.size() : 1;
      for (std::size_t l = 0; l < count; ++l) {
        ParameterSpec s = base.specs[b];
        bool fixed = base.is_fixed[b];
        double value = base.fixed_values[b];
        if (p) {
          s.name = detail::level_name(p->name, p->levels[l]);
          s.per.clear();
          // The reference is where the scale is set, not an estimate: bounds narrowed for
          // the other levels (multipliers below 0.6, say) do not apply to it.
          if (!fixed && !p->reference.empty() && l == 0) {
            fixed = true;
            value = p->reference_value;
            if (!std::isfinite(value) || (s.transform == Transform::kLog && !(value > 0.0))) {
              throw UsageError("reference value of '" + s.name + "' must be finite" +
                               (s.transform == Transform::kLog ? " and positive" : ""));
            }
          }
        }
        specs.push_back(std::move(s));
        base_of.push_back(static_cast<int>(b));
        is_fixed.push_back(fixed);
        fixed_values.push_back(value);
        lower_internal.push_back(base.lower_internal[b]);
        upper_internal.push_back(base.upper_internal[b]);
      }
    }
  }

  std::size_t level_index(const std::string& name, const std::string& what,
                          const std::string& law) const {
    std::string b, level;
    detail::split_level_name(name, b, level);
    for (const auto& p : per) {
      if (p.name != b) continue;
      const auto it = std::find(p.levels.begin(), p.levels.end(), level);
      if (it == p.levels.end()) {
        throw DataError(what + " '" + name + "': no level '" + level + "' in column '" + p.column +
                        "'" + detail::did_you_mean(level, p.levels) +
                        "; levels are: " + detail::join(p.levels));
      }
      for (std::size_t j = 0; j < specs.size(); ++j)
        if (specs[j].name == name) return j;
    }
    throw UsageError(what + " '" + name + "': law '" + law + "' has no parameter '" + b +
                     "' with one value per level");
  }

  // Fixed values and bounds given for one level (`eff[w8a8]`).
  void apply_level_options(const FitOptions& opt, const std::string& law) {
    for (const auto& [n, b] : opt.bounds) {
      if (!detail::is_level_name(n)) continue;
      const std::size_t j = level_index(n, "option 'bound'", law);
      specs[j].lower = b.first;
      specs[j].upper = b.second;
      if (std::isnan(b.first) || std::isnan(b.second) || b.first > b.second)
        throw UsageError("bounds of '" + n + "' are not an interval");
      lower_internal[j] = FitProblem<L>::internal_bound(specs[j], b.first, true);
      upper_internal[j] = FitProblem<L>::internal_bound(specs[j], b.second, false);
    }
    for (const auto& [n, v] : opt.fixed) {
      if (!detail::is_level_name(n)) continue;
      const std::size_t j = level_index(n, "option 'fix'", law);
      FitProblem<L>::check_value(specs[j], v, "fixed value");
      is_fixed[j] = true;
      fixed_values[j] = v;
    }
    for (const auto& [n, t] : opt.transforms) {
      if (detail::is_level_name(n)) {
        throw UsageError("option 'transforms' '" + n +
                         "': a transform applies to every level of a parameter");
      }
    }
  }

  void make_cells(const std::vector<std::vector<int>>& row_levels) {
    const std::size_t n = base.rows.size();
    std::map<std::vector<int>, std::size_t> index;
    std::vector<std::vector<std::size_t>> rows_of;
    std::vector<std::vector<int>> keys;
    for (std::size_t r = 0; r < n; ++r) {
      std::vector<int> key;
      for (const auto& levels : row_levels) key.push_back(levels[r]);
      auto [it, fresh] = index.emplace(key, rows_of.size());
      if (fresh) {
        rows_of.emplace_back();
        keys.push_back(key);
      }
      rows_of[it->second].push_back(r);
    }
    // The law's parameter s sits at offset[s] among the expanded ones.
    std::vector<int> offset(base.specs.size());
    for (std::size_t j = specs.size(); j-- > 0;) offset[base_of[j]] = static_cast<int>(j);
    for (std::size_t c = 0; c < rows_of.size(); ++c) {
      Cell cell;
      cell.begin = static_cast<Eigen::Index>(order.size());
      cell.count = static_cast<Eigen::Index>(rows_of[c].size());
      for (std::size_t s = 0; s < base.specs.size(); ++s) {
        int slot = offset[s];
        for (std::size_t k = 0; k < per.size(); ++k)
          if (per[k].base == s) slot += keys[c][k];
        cell.slots.push_back(slot);
      }
      for (const std::size_t r : rows_of[c]) {
        order.push_back(r);
        target.push_back(base.target[r]);
        if (!base.weights.empty()) weights.push_back(base.weights[r]);
      }
      cell_problems.push_back(base.subset(rows_of[c]));
      cells.push_back(std::move(cell));
    }
  }
};

// Residuals in cell order at natural (expanded) parameters p.
template <Law L>
std::vector<double> residuals(const LevelProblem<L>& problem, const std::vector<double>& p) {
  std::vector<double> out;
  out.reserve(problem.target.size());
  std::vector<double> q(problem.base.specs.size());
  for (std::size_t c = 0; c < problem.cells.size(); ++c) {
    for (std::size_t s = 0; s < q.size(); ++s)
      q[s] = p[static_cast<std::size_t>(problem.cells[c].slots[s])];
    const auto r = residuals(problem.cell_problems[c], q);
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

// Residuals and Jacobian of a LevelProblem, cell by cell with the law's own ResidualModel.
template <Law L>
class LevelModel {
 public:
  static constexpr int K = Eigen::Dynamic;

  struct Scratch {
    std::vector<typename ResidualModel<L>::Scratch> cells;
    Eigen::VectorXd r;
    Eigen::MatrixXd jac;
  };

  explicit LevelModel(const LevelProblem<L>& problem) : problem_(&problem) {
    models_.reserve(problem.cells.size());
    for (const auto& cp : problem.cell_problems) models_.emplace_back(cp);
  }

  Eigen::Index rows() const { return static_cast<Eigen::Index>(problem_->target.size()); }
  const LevelProblem<L>& problem() const { return *problem_; }

  // Residuals and Jacobian (rows x expanded parameters, internal units), rows in cell order.
  bool residuals_and_jacobian(const double* internal, Eigen::VectorXd& r, Eigen::MatrixXd& jac,
                              Scratch& scratch) const {
    const auto k = static_cast<Eigen::Index>(problem_->specs.size());
    r.resize(rows());
    jac.setZero(rows(), k);
    scratch.cells.resize(models_.size());
    std::array<double, static_cast<std::size_t>(L::kNumParameters)> x{};
    for (std::size_t c = 0; c < models_.size(); ++c) {
      const auto& cell = problem_->cells[c];
      for (std::size_t s = 0; s < x.size(); ++s)
        x[s] = internal[static_cast<std::size_t>(cell.slots[s])];
      if (!models_[c].residuals_and_jacobian(x.data(), scratch.r, scratch.jac, scratch.cells[c]))
        return false;
      r.segment(cell.begin, cell.count) = scratch.r;
      for (std::size_t s = 0; s < x.size(); ++s)
        jac.col(cell.slots[s]).segment(cell.begin, cell.count) =
            scratch.jac.col(static_cast<Eigen::Index>(s));
    }
    return true;
  }

 private:
  const LevelProblem<L>* problem_;
  std::vector<ResidualModel<L>> models_;
};

}  // namespace slfit
