// fit<Law>(table, options): multi-start fitting of a law to a table with Ceres.
//
// Every start is solved with Levenberg-Marquardt (bounded, robust losses row by row); the few best
// distinct end points are then polished with tight tolerances, and the best objective wins (ties go
// to the lower start index). Starts run on all cores, each on its own, so the result does not
// depend on the number of threads.
//
//   slfit::Table t = slfit::read_csv("runs.csv");
//   slfit::FitOptions o;
//   o.objective = slfit::Objective::kHuber;
//   o.space = slfit::Space::kLog;
//   o.starts = slfit::StartSpec::grid("hoffmann");
//   slfit::FitResult r = slfit::fit<slfit::Chinchilla>(t, o);
//   if (r.converged()) std::cout << slfit::brief_report(r);
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "slfit/detail/parallel.hpp"
#include "slfit/fit/covariance.hpp"
#include "slfit/fit/dense_lm.hpp"
#include "slfit/fit/level_fit.hpp"
#include "slfit/fit/problem.hpp"
#include "slfit/fit/projection.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/fit/solve.hpp"
#include "slfit/fit/starts.hpp"

namespace slfit {

namespace detail {

// Natural parameters of a solver's end point; fixed ones exactly as given (exp(log(v)) may
// differ from v).
template <Law L>
std::vector<double> natural_parameters(const FitProblem<L>& problem,
                                       const std::vector<double>& internal) {
  std::vector<double> p(problem.specs.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = problem.is_fixed[i] ? problem.fixed_values[i]
                               : to_natural(problem.specs[i].transform, internal[i]);
  return p;
}

}  // namespace detail

// Fits law L from a prepared problem and an explicit list of starts (natural units).
template <Law L>
FitResult fit_from_starts(const FitProblem<L>& problem,
                          const std::vector<std::vector<double>>& starts, const FitOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t k = problem.specs.size();
  FitResult result;
  result.law = law_name(problem.law);
  result.objective = problem.objective;
  result.delta = problem.objective_function().used_delta();
  result.space = problem.space;
  result.overestimate_penalty = problem.overestimate_penalty;
  result.points = static_cast<Eigen::Index>(problem.rows.size());
  for (const auto& s : problem.specs) result.names.push_back(s.name);
  result.fixed = problem.is_fixed;
  result.starts_tried = static_cast<int>(starts.size());

  const SolveSettings coarse = detail::start_settings(opt);
  const ResidualModel<L> model(problem);
  const unsigned threads = detail::thread_count(opt.threads, starts.size());
  auto solve = [&](const std::vector<double>& internal, const SolveSettings& settings,
                   bool final_polish) {
    const bool ceres =
        opt.solver == Solver::kCeres || (final_polish && opt.solver == Solver::kAuto);
    return ceres ? solve_from(problem, internal, settings)
                 : solve_dense_from(model, internal, settings);
  };

  // Large start lists are screened first; the solver runs from the survivors only.
  std::vector<std::vector<double>> points;
  std::vector<std::size_t> origin;
  int unscreened_failures = 0;
  const int keep = std::max(opt.screen_keep, 1);
  if (opt.screening != Screening::kOff && starts.size() > static_cast<std::size_t>(keep)) {
    ScreenOutcome sc =
        screen_starts(model, starts, keep, opt.screening == Screening::kAuto, threads);
    for (auto& c : sc.kept) {
      points.push_back(std::move(c.point));
      origin.push_back(c.origin);
    }
    result.starts_projected = sc.projected;
    unscreened_failures = sc.not_finite;
  } else {
    points = starts;
    for (std::size_t i = 0; i < starts.size(); ++i) origin.push_back(i);
  }
  result.starts_solved = static_cast<int>(points.size());

  std::vector<SolveOutcome> outcomes(points.size());
  detail::parallel_for(points.size(), detail::thread_count(opt.threads, points.size()),
                       [&](std::size_t n) {
                         std::vector<double> internal(k);
                         for (std::size_t i = 0; i < k; ++i)
                           internal[i] = to_internal(problem.specs[i].transform, points[n][i]);
                         outcomes[n] = solve(internal, coarse, false);
                       });

  // Ranked by objective; ties go to the earlier start of the original list.
  std::vector<std::size_t> order(points.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return detail::better(outcomes[a], origin[a], outcomes[b], origin[b]);
  });
  result.starts_failed = unscreened_failures;
  if (result.starts_solved == result.starts_tried) {
    result.starts_failed = 0;
    for (const auto& o : outcomes) result.starts_failed += o.finite ? 0 : 1;
  }
  if (order.empty() || !outcomes[order[0]].finite) {
    detail::set_failed(result, k, outcomes, order);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
  }

  // Polish the best few distinct end points.
  const std::vector<std::size_t> chosen = detail::polish_choice(outcomes, order, k, opt);
  const auto [polished, best] = detail::polish_best(
      outcomes, chosen, opt,
      [&](const std::vector<double>& internal, const SolveSettings& tight) {
        return solve(internal, tight, true);
      },
      [&](std::size_t i) { return origin[i]; });
  const SolveOutcome& win = polished[best];
  result.best_start = static_cast<int>(origin[chosen[best]]);
  result.best_start_point = starts[origin[chosen[best]]];
  result.iterations = win.iterations;
  result.status = win.converged ? FitStatus::kConverged : FitStatus::kNotConverged;
  result.message = win.message;
  result.parameters = detail::natural_parameters(problem, win.internal);
  {
    std::vector<double> x(k);
    for (std::size_t i = 0; i < k; ++i)
      x[i] = to_internal(problem.specs[i].transform, result.parameters[i]);
    Eigen::VectorXd rr;
    if (model.residuals(x.data(), rr)) {
      result.residuals.assign(rr.data(), rr.data() + rr.size());
    } else {
      result.residuals = residuals(problem, result.parameters);
    }
  }
  result.objective_value = problem.objective_function().value(result.residuals, problem.weights);
  result.rss = objective_value(Objective::kSquared, 0.0, result.residuals, problem.weights);

  result.at_lower.assign(k, false);
  result.at_upper.assign(k, false);
  for (std::size_t i = 0; i < k; ++i) {
    if (problem.is_fixed[i]) continue;
    const double x = win.internal[i];
    const double lo = problem.lower_internal[i], hi = problem.upper_internal[i];
    result.at_lower[i] = std::isfinite(lo) && x - lo <= 1e-8 * std::max(1.0, std::abs(lo));
    result.at_upper[i] = std::isfinite(hi) && hi - x <= 1e-8 * std::max(1.0, std::abs(hi));
  }

  if (!opt.covariance) {
    result.covariance =
        Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
    result.covariance_message = "not computed (FitOptions::covariance is off)";
    result.standard_errors.assign(k, std::nan(""));
    for (std::size_t i = 0; i < k; ++i)
      if (problem.is_fixed[i]) result.standard_errors[i] = 0.0;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
  }
  const CovarianceResult cov = covariance(problem, result.parameters, result.residuals);
  result.covariance = cov.covariance;
  result.covariance_ok = cov.ok;
  result.covariance_message = cov.message;
  result.unidentified = cov.unidentified;
  result.standard_errors.assign(k, std::nan(""));
  for (std::size_t i = 0; i < k; ++i) {
    if (problem.is_fixed[i]) {
      result.standard_errors[i] = 0.0;
    } else if (cov.ok) {
      const auto ii = static_cast<Eigen::Index>(i);
      result.standard_errors[i] = std::sqrt(std::max(0.0, cov.covariance(ii, ii)));
    }
  }
  // A scale fitted as a log never reaches its bound 0, it only runs toward it (an irreducible loss
  // the data cannot separate from zero ends at 1e-30). Once it lies a hundred million standard
  // errors' fraction from 0, zero is as good a value and it is reported at its lower bound.
  for (std::size_t i = 0; i < k; ++i) {
    if (problem.is_fixed[i] || problem.specs[i].transform != Transform::kLog) continue;
    if (std::isinf(problem.lower_internal[i]) &&
        result.parameters[i] <= 1e-8 * result.standard_errors[i]) {
      result.at_lower[i] = true;
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

// Fits law L to `table` as `opt` says. Throws slfit::Error on bad input; numerical trouble is
// reported in the result.
template <Law L>
FitResult fit(const L& law, const Table& table, const FitOptions& opt = {}) {
  const auto t0 = std::chrono::steady_clock::now();
  objective_function(opt).check();
  check_counts(opt);
  std::vector<Eigen::Index> dropped;
  const Table* used = &table;
  Table kept;
  if (opt.skip_nonpositive && opt.space == Space::kLog) {
    const std::string target = column_for(opt.columns, opt.target);
    if (table.has(target)) {
      const ColumnView y = table.column(target);
      for (Eigen::Index r = 0; r < y.size(); ++r) {
        if (!std::isfinite(y(r))) {  // not "nonpositive": a NaN must not be dropped silently
          throw DataError("target '" + target + "' is not finite at row " + std::to_string(r + 1) +
                          " of " + table.label());
        }
      }
      const Mask keep = y > 0.0;
      for (Eigen::Index r = 0; r < y.size(); ++r)
        if (!keep(r)) dropped.push_back(r + 1);
      if (!dropped.empty()) {
        kept = table.filter(keep);
        used = &kept;
      }
    }
  }
  FitResult r;
  if (detail::has_levels(law, opt)) {
    r = fit_levels(law, *used, opt);
  } else {
    const FitProblem<L> problem(law, *used, opt);
    r = fit_from_starts(problem, make_starts(problem, opt), opt);
  }
  r.dropped_rows = std::move(dropped);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

template <Law L>
FitResult fit(const Table& table, const FitOptions& opt = {}) {
  return fit(L{}, table, opt);
}

// Fixes, in `opt`, every parameter of `previous` whose name law L also has: the second stage of
// a two-stage fit (a base law on full-precision rows, then a degradation law on top of it).
// Returns the names fixed.
template <Law L>
std::vector<std::string> fix_shared_parameters(FitOptions& opt, const FitResult& previous) {
  std::vector<std::string> fixed;
  for (const auto& spec : L::parameters()) {
    for (std::size_t i = 0; i < previous.names.size(); ++i) {
      if (previous.names[i] != spec.name) continue;
      opt.fixed[spec.name] = previous.parameters[i];
      fixed.push_back(spec.name);
    }
  }
  return fixed;
}

}  // namespace slfit
