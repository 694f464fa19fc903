// fit_levels(): the multi-start fit of a law with per-level parameters (see fit/levels.hpp), and
// the law evaluated with such a fit's parameters.
//
// The starts are the law's own (its grid, a named grid, random or explicit starts), every level
// of a per-level parameter starting at the parameter's start value; each is solved with the dense
// Levenberg-Marquardt solver, and the best few distinct end points are polished with tight
// tolerances. The result lists the law's parameters with each per-level one expanded in place,
// the reference level first and held at its value (reported as fixed):
//
//   slfit::FitOptions o;
//   o.per["eff"] = {.column = "format", .reference = "bf16"};   // or "per" in a law file
//   slfit::FitResult r = slfit::fit(law, table, o);            // calls fit_levels
//   r.value("eff[w4a4]");
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slfit/detail/parallel.hpp"
#include "slfit/fit/covariance.hpp"
#include "slfit/fit/dense_lm.hpp"
#include "slfit/fit/levels.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/fit/solve.hpp"
#include "slfit/fit/starts.hpp"

namespace slfit {

namespace detail {

// The law's starts with every level of a per-level parameter at the parameter's start value and
// fixed parameters at their values; explicit starts may name one level (`eff[w4a4]`).
template <Law L>
std::vector<std::vector<double>> level_starts(const LevelProblem<L>& problem,
                                              const FitOptions& opt) {
  const auto base = make_starts(problem.base, base_options(opt));
  std::vector<std::vector<double>> out;
  out.reserve(base.size());
  for (std::size_t n = 0; n < base.size(); ++n) {
    std::vector<double> p(problem.specs.size());
    for (std::size_t j = 0; j < p.size(); ++j) {
      const ParameterSpec& s = problem.specs[j];
      p[j] = problem.is_fixed[j] ? problem.fixed_values[j]
                                 : std::clamp(base[n][static_cast<std::size_t>(problem.base_of[j])],
                                              s.lower, s.upper);
    }
    if (opt.starts.kind == StartSpec::Kind::kExplicit && n < opt.starts.points.size()) {
      for (const auto& [name, v] : opt.starts.points[n]) {
        if (!is_level_name(name)) continue;
        const std::size_t j = parameter_index(problem.specs, name, law_name(problem.base.law));
        FitProblem<L>::check_value(problem.specs[j], v,
                                   "start " + std::to_string(n + 1) + " value");
        if (!problem.is_fixed[j]) p[j] = v;
      }
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Standard errors, bounds reached and the covariance of a level fit at its optimum.
template <Law L>
void finish_level_fit(const LevelModel<L>& model, const std::vector<double>& internal,
                      const FitOptions& opt, FitResult& result) {
  const LevelProblem<L>& problem = model.problem();
  const std::size_t k = problem.specs.size();
  result.at_lower.assign(k, false);
  result.at_upper.assign(k, false);
  for (std::size_t i = 0; i < k; ++i) {
    if (problem.is_fixed[i]) continue;
    const double x = internal[i];
    const double lo = problem.lower_internal[i], hi = problem.upper_internal[i];
    result.at_lower[i] = std::isfinite(lo) && x - lo <= 1e-8 * std::max(1.0, std::abs(lo));
    result.at_upper[i] = std::isfinite(hi) && hi - x <= 1e-8 * std::max(1.0, std::abs(hi));
  }
  const auto kk = static_cast<Eigen::Index>(k);
  result.covariance = Eigen::MatrixXd::Zero(kk, kk);
  result.standard_errors.assign(k, std::nan(""));
  for (std::size_t i = 0; i < k; ++i)
    if (problem.is_fixed[i]) result.standard_errors[i] = 0.0;
  if (!opt.covariance) {
    result.covariance_message = "not computed (FitOptions::covariance is off)";
    return;
  }
  std::vector<int> free;
  for (std::size_t i = 0; i < k; ++i)
    if (!problem.is_fixed[i]) free.push_back(static_cast<int>(i));
  CovarianceResult cov;
  cov.covariance = Eigen::MatrixXd::Zero(kk, kk);
  Eigen::VectorXd r;
  Eigen::MatrixXd jac;
  typename LevelModel<L>::Scratch scratch;
  const Eigen::Index n = model.rows();
  if (free.empty()) {
    cov.ok = true;
    cov.message = "every parameter is fixed";
  } else if (n <= static_cast<Eigen::Index>(free.size())) {
    cov.message = "no residual degrees of freedom (" + std::to_string(n) + " rows, " +
                  std::to_string(free.size()) + " free parameters)";
  } else if (!model.residuals_and_jacobian(internal.data(), r, jac, scratch)) {
    cov.message = "the Jacobian is not finite at the optimum";
  } else {
    Eigen::MatrixXd jw(n, static_cast<Eigen::Index>(free.size()));
    double rss = 0.0;
    for (Eigen::Index row = 0; row < n; ++row) {
      const double w = problem.weights.empty() ? 1.0 : problem.weights[std::size_t(row)];
      rss += w * r(row) * r(row);
      for (std::size_t c = 0; c < free.size(); ++c) {
        const auto j = static_cast<std::size_t>(free[c]);
        // Internal to natural units: a log-fitted parameter's column is d/d(log p) = p d/dp.
        const double unit =
            problem.specs[j].transform == Transform::kLog ? result.parameters[j] : 1.0;
        jw(row, static_cast<Eigen::Index>(c)) = std::sqrt(w) * jac(row, free[c]) / unit;
      }
    }
    covariance_from_jacobian(jw, rss, free, result.names, cov);
  }
  result.covariance = cov.covariance;
  result.covariance_ok = cov.ok;
  result.covariance_message = cov.message;
  result.unidentified = cov.unidentified;
  for (std::size_t i = 0; i < k; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    if (!problem.is_fixed[i] && cov.ok)
      result.standard_errors[i] = std::sqrt(std::max(0.0, cov.covariance(ii, ii)));
    // A log-fitted scale running toward 0 (see fit_from_starts).
    if (!problem.is_fixed[i] && problem.specs[i].transform == Transform::kLog &&
        std::isinf(problem.lower_internal[i]) &&
        result.parameters[i] <= 1e-8 * result.standard_errors[i])
      result.at_lower[i] = true;
  }
}

}  // namespace detail

// Fits a prepared level problem from its starts (natural units, expanded).
template <Law L>
FitResult fit_levels_from_starts(const LevelProblem<L>& problem,
                                 const std::vector<std::vector<double>>& starts,
                                 const FitOptions& opt) {
  const std::size_t k = problem.specs.size();
  FitResult result;
  result.law = law_name(problem.base.law);
  result.objective = problem.base.objective;
  result.delta = problem.objective_function().used_delta();
  result.space = problem.base.space;
  result.overestimate_penalty = problem.base.overestimate_penalty;
  result.points = static_cast<Eigen::Index>(problem.target.size());
  for (const auto& s : problem.specs) result.names.push_back(s.name);
  result.fixed = problem.is_fixed;
  result.starts_tried = static_cast<int>(starts.size());
  result.starts_solved = result.starts_tried;

  const LevelModel<L> model(problem);
  auto internal_of = [&](const std::vector<double>& natural) {
    std::vector<double> x(k);
    for (std::size_t i = 0; i < k; ++i) x[i] = to_internal(problem.specs[i].transform, natural[i]);
    return x;
  };
  std::vector<SolveOutcome> outcomes(starts.size());
  detail::parallel_for(
      starts.size(), detail::thread_count(opt.threads, starts.size()), [&](std::size_t n) {
        outcomes[n] = solve_dense_from(model, internal_of(starts[n]), detail::start_settings(opt));
      });
  std::vector<std::size_t> order(starts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return detail::better(outcomes[a], a, outcomes[b], b);
  });
  for (const auto& o : outcomes) result.starts_failed += o.finite ? 0 : 1;
  if (order.empty() || !outcomes[order[0]].finite) {
    detail::set_failed(result, k, outcomes, order);
    return result;
  }
  // Polish the best few distinct end points with tight tolerances.
  const std::vector<std::size_t> chosen = detail::polish_choice(outcomes, order, k, opt);
  const auto [polished, best] = detail::polish_best(
      outcomes, chosen, opt,
      [&](const std::vector<double>& internal, const SolveSettings& tight) {
        return solve_dense_from(model, internal, tight);
      },
      [](std::size_t i) { return i; });
  const SolveOutcome& win = polished[best];
  result.best_start = static_cast<int>(chosen[best]);
  result.best_start_point = starts[chosen[best]];
  result.iterations = win.iterations;
  result.status = win.converged ? FitStatus::kConverged : FitStatus::kNotConverged;
  result.message = win.message;
  result.parameters.resize(k);
  for (std::size_t i = 0; i < k; ++i)
    result.parameters[i] = problem.is_fixed[i]
                               ? problem.fixed_values[i]
                               : to_natural(problem.specs[i].transform, win.internal[i]);
  // Residuals back in table order.
  const auto r = residuals(problem, result.parameters);
  result.residuals.assign(r.size(), 0.0);
  for (std::size_t i = 0; i < r.size(); ++i) result.residuals[problem.order[i]] = r[i];
  std::vector<double> w(problem.weights.size());
  for (std::size_t i = 0; i < w.size(); ++i) w[problem.order[i]] = problem.weights[i];
  result.objective_value = problem.objective_function().value(result.residuals, w);
  result.rss = objective_value(Objective::kSquared, 0.0, result.residuals, w);
  detail::finish_level_fit(model, internal_of(result.parameters), opt, result);
  return result;
}

// Fits law L with per-level parameters (FitOptions::per, or the law's own) to `table`.
template <Law L>
FitResult fit_levels(const L& law, const Table& table, const FitOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const LevelProblem<L> problem(law, table, opt);
  FitResult r = fit_levels_from_starts(problem, detail::level_starts(problem, opt), opt);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// The law at every row of `table` with a fit's parameters (`names`, `values`; per-level ones as
// `eff[w4a4]`), each row taking the values of its levels. Throws DataError for a row whose level
// has no value among them (a level the fit never saw).
template <Law L>
Array evaluate_levels(const L& law, const Table& table, const std::vector<std::string>& names,
                      const std::vector<double>& values, const FitOptions& opt) {
  const std::string lname = law_name(law);
  const auto specs = law.parameters();
  std::vector<LevelParameter> per = detail::per_level_parameters(specs, opt, lname);
  const auto row_levels = detail::read_levels(table, opt.columns, lname, per, false);
  auto find = [&](const std::string& name) -> std::optional<double> {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return values[i];
    return std::nullopt;
  };
  std::vector<double> shared(specs.size(), std::nan(""));
  for (std::size_t s = 0; s < specs.size(); ++s) {
    const bool levelled = std::any_of(per.begin(), per.end(), [&](auto& p) { return p.base == s; });
    if (levelled) continue;
    const auto v = find(specs[s].name);
    if (!v)
      throw UsageError("no value for parameter '" + specs[s].name + "' of law '" + lname + "'");
    shared[s] = *v;
  }
  Array out(table.rows());
  std::map<std::vector<int>, std::vector<Eigen::Index>> cells;
  for (Eigen::Index r = 0; r < table.rows(); ++r) {
    std::vector<int> key;
    for (const auto& levels : row_levels) key.push_back(levels[static_cast<std::size_t>(r)]);
    cells[key].push_back(r);
  }
  for (const auto& [key, rows] : cells) {
    std::vector<double> p = shared;
    for (std::size_t k = 0; k < per.size(); ++k) {
      const std::string& level = per[k].levels[static_cast<std::size_t>(key[k])];
      const std::string name = detail::level_name(per[k].name, level);
      const auto v = find(name);
      if (!v) {
        throw DataError("row " + std::to_string(rows.front() + 1) + " of " + table.label() +
                        " has level '" + level + "' of column '" + per[k].column +
                        "', but the parameters give no '" + name +
                        "' (a level without rows in the fit)");
      }
      p[per[k].base] = *v;
    }
    const Array v = evaluate(law, table.select(rows), p, opt.columns);
    for (std::size_t i = 0; i < rows.size(); ++i) out(rows[i]) = v(static_cast<Eigen::Index>(i));
  }
  return out;
}

// The law at every row with parameters by name, per-level ones or not (see evaluate_levels).
template <Law L>
Array evaluate_named(const L& law, const Table& table, const std::vector<std::string>& names,
                     const std::vector<double>& values, const FitOptions& opt) {
  if (names.size() != values.size())
    throw UsageError("evaluate_named: " + std::to_string(names.size()) + " names for " +
                     std::to_string(values.size()) + " values");
  if (detail::has_levels(law, opt)) return evaluate_levels(law, table, names, values, opt);
  const auto specs = law.parameters();
  std::vector<double> p(specs.size(), std::nan(""));
  for (std::size_t i = 0; i < names.size(); ++i)
    p[parameter_index(specs, names[i], law_name(law))] = values[i];
  for (std::size_t s = 0; s < specs.size(); ++s)
    if (std::isnan(p[s]))
      throw UsageError("no value for parameter '" + specs[s].name + "' of law '" + law_name(law) +
                       "'");
  return evaluate(law, table, p, opt.columns);
}

}  // namespace slfit
