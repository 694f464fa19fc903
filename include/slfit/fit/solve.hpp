// One local solve with Ceres from one start, and the residuals of a law at a point.
//
// Each row is its own residual block so that Ceres' robust losses apply row by row; what the
// residual and the loss are for each objective is SmoothLoss's business (fit/objective.hpp). The
// absolute objective is not smooth; it is reached by continuation, solving Huber problems with a
// shrinking delta.
#pragma once

#include <ceres/ceres.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "slfit/detail/parallel.hpp"
#include "slfit/fit/objective.hpp"
#include "slfit/fit/problem.hpp"
#include "slfit/fit/result.hpp"

namespace slfit {

// Residual of one row: prediction minus target in the fitted space; p in natural units.
template <Law L, class T>
T row_residual(const L& law, const T* p, const RowView<L::kNumInputs>& row, double target,
               Space space) {
  using std::log;
  if (space == Space::kLog) {
    if constexpr (HasLogFormula<L>) {
      return law.log_formula(p, row) - target;
    } else {
      return log(law.formula(p, row)) - target;
    }
  }
  return law.formula(p, row) - target;
}

// Residuals of every row at natural parameters p.
template <Law L>
std::vector<double> residuals(const FitProblem<L>& problem, const std::vector<double>& p) {
  std::vector<double> r(problem.rows.size());
  for (std::size_t i = 0; i < r.size(); ++i)
    r[i] = row_residual(problem.law, p.data(), problem.rows[i], problem.target[i], problem.space);
  return r;
}

namespace detail {

template <Law L>
struct RowCost {
  const L* law;
  RowView<L::kNumInputs> row;
  double target;
  Space space;
  std::array<Transform, L::kNumParameters> transforms;

  template <class T>
  bool operator()(const T* internal, T* residual) const {
    std::array<T, L::kNumParameters> p;
    for (std::size_t i = 0; i < p.size(); ++i) {
      p[i] = to_natural(transforms[i], internal[i]);
      // A log-fitted scale that under- or overflows exp() has left the model's domain; refusing
      // here keeps value-only and derivative evaluations in agreement (log(exp(a)) would
      // otherwise be finite in doubles but NaN in its derivative).
      if (transforms[i] == Transform::kLog && !(scalar(p[i]) > 0.0 && scalar(p[i]) < kInf)) {
        return false;
      }
    }
    residual[0] = row_residual(*law, p.data(), row, target, space);
    // Reporting failure (rather than a NaN) makes Ceres shrink the step quietly; far corners of
    // a start grid can overflow exp() or underflow a scale to zero.
    return finite(residual[0]);
  }

  static double scalar(double x) { return x; }
  template <class J>
  static double scalar(const J& x) {
    return x.a;
  }
  static bool finite(double x) { return std::isfinite(x); }
  template <class J>
  static bool finite(const J& x) {
    return std::isfinite(x.a) && x.v.allFinite();
  }
};

// A row's residual as Ceres sees it: with the over-estimate penalty folded in (SmoothLoss).
template <Law L>
struct PenalizedRowCost {
  RowCost<L> row;
  SmoothLoss loss;

  template <class T>
  bool operator()(const T* internal, T* residual) const {
    if (!row(internal, residual)) return false;
    residual[0] = loss.residual(residual[0]);
    return RowCost<L>::finite(residual[0]);
  }
};

}  // namespace detail

struct SolveSettings {
  int max_iterations = 200;
  double function_tolerance = 1e-10;
  double parameter_tolerance = 1e-10;
  double gradient_tolerance = 1e-14;
};

struct SolveOutcome {
  std::vector<double> internal;  // where the solver stopped
  double objective = std::nan("");
  bool converged = false;
  bool finite = false;
  int iterations = 0;
  std::string message;
};

namespace detail {

// The tolerances of the solve from each start (the polish uses tight ones of its own).
inline SolveSettings start_settings(const FitOptions& opt) {
  return {opt.max_iterations, opt.function_tolerance, opt.parameter_tolerance, 1e-14};
}

// The ranking of end points: finite first, then by objective, ties to the earlier start.
inline bool better(const SolveOutcome& a, std::size_t ia, const SolveOutcome& b, std::size_t ib) {
  if (a.finite != b.finite) return a.finite;
  if (a.objective != b.objective) return a.objective < b.objective;
  return ia < ib;
}

// A fit where no start gave a finite objective.
inline void set_failed(FitResult& result, std::size_t k, const std::vector<SolveOutcome>& outcomes,
                       const std::vector<std::size_t>& order) {
  result.status = FitStatus::kFailed;
  result.message = "no start gave a finite objective" +
                   (outcomes.empty() ? std::string() : ": " + outcomes[order[0]].message);
  result.parameters.assign(k, std::nan(""));
  result.standard_errors.assign(k, std::nan(""));
  result.at_lower.assign(k, false);
  result.at_upper.assign(k, false);
  result.covariance_message = "no fit";
}

// The best few distinct end points (`order` ranks them) to polish: at most opt.polish, none whose
// objective is more than opt.polish_within times the best's.
inline std::vector<std::size_t> polish_choice(const std::vector<SolveOutcome>& outcomes,
                                              const std::vector<std::size_t>& order, std::size_t k,
                                              const FitOptions& opt) {
  std::vector<std::size_t> chosen;
  for (std::size_t idx : order) {
    if (static_cast<int>(chosen.size()) >= std::max(opt.polish, 1)) break;
    if (!outcomes[idx].finite) break;
    if (!chosen.empty() &&
        outcomes[idx].objective > opt.polish_within * outcomes[chosen.front()].objective)
      break;  // `order` is by objective: every later end point is further above the best
    bool distinct = true;
    for (std::size_t c : chosen) {
      double diff = 0.0;
      for (std::size_t i = 0; i < k; ++i)
        diff = std::max(diff, std::abs(outcomes[idx].internal[i] - outcomes[c].internal[i]) /
                                  (1.0 + std::abs(outcomes[c].internal[i])));
      if (diff < 1e-6) distinct = false;
    }
    if (distinct) chosen.push_back(idx);
  }
  return chosen;
}

// The chosen end points polished with tight tolerances by `solve_tight(internal, settings)` (when
// opt.polish > 0; each keeps its coarse answer where polishing made it worse, else counts both
// solves' iterations), and which of them is best: {polished, index into `chosen`}. Ties go to the
// earlier start, `origin(outcome index)`.
template <class SolveTight, class Origin>
std::pair<std::vector<SolveOutcome>, std::size_t> polish_best(
    const std::vector<SolveOutcome>& outcomes, const std::vector<std::size_t>& chosen,
    const FitOptions& opt, SolveTight&& solve_tight, Origin&& origin) {
  const SolveSettings tight{std::max(opt.max_iterations, 1000), 1e-15, 1e-15, 1e-16};
  std::vector<SolveOutcome> polished(chosen.size());
  parallel_for(chosen.size(), thread_count(opt.threads, chosen.size()), [&](std::size_t c) {
    const SolveOutcome& o = outcomes[chosen[c]];
    polished[c] = opt.polish > 0 ? solve_tight(o.internal, tight) : o;
    if (!polished[c].finite || polished[c].objective > o.objective) {
      polished[c] = o;
    } else if (opt.polish > 0) {
      polished[c].iterations += o.iterations;
    }
  });
  std::size_t best = 0;
  for (std::size_t c = 1; c < chosen.size(); ++c)
    if (better(polished[c], origin(chosen[c]), polished[best], origin(chosen[best]))) best = c;
  return {std::move(polished), best};
}

}  // namespace detail

// Solves the smooth problem `loss` from `internal` (optimizer units).
template <Law L>
SolveOutcome solve_once(const FitProblem<L>& problem, std::vector<double> internal,
                        const SmoothLoss& loss, const SolveSettings& settings) {
  constexpr int K = L::kNumParameters;
  std::array<Transform, K> transforms;
  for (std::size_t i = 0; i < static_cast<std::size_t>(K); ++i)
    transforms[i] = problem.specs[i].transform;
  {
    // A start where the law or its derivatives are not finite is dropped here: Ceres would only
    // log to stderr and give up.
    using Jet = ceres::Jet<double, K>;
    std::array<Jet, K> x;
    for (int i = 0; i < K; ++i)
      x[static_cast<std::size_t>(i)] = Jet(internal[static_cast<std::size_t>(i)], i);
    for (std::size_t r = 0; r < problem.rows.size(); ++r) {
      const detail::RowCost<L> cost{&problem.law, problem.rows[r], problem.target[r], problem.space,
                                    transforms};
      Jet res;
      if (!cost(x.data(), &res)) {
        SolveOutcome out;
        out.internal = std::move(internal);
        out.message = "the law or its derivatives are not finite at this start";
        return out;
      }
    }
  }

  ceres::Problem::Options popt;
  popt.loss_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
  popt.enable_fast_removal = false;
  ceres::Problem cp(popt);
  std::vector<std::unique_ptr<ceres::LossFunction>> losses;
  const std::unique_ptr<ceres::LossFunction> shared = loss.ceres_loss();
  double* x = internal.data();
  for (std::size_t r = 0; r < problem.rows.size(); ++r) {
    auto* cost = new ceres::AutoDiffCostFunction<detail::PenalizedRowCost<L>, 1, K>(
        new detail::PenalizedRowCost<L>{
            {&problem.law, problem.rows[r], problem.target[r], problem.space, transforms}, loss});
    ceres::LossFunction* loss = shared.get();
    if (!problem.weights.empty()) {
      // ScaledLoss with a null base scales the squared loss; it must own nothing we own.
      losses.push_back(std::make_unique<ceres::ScaledLoss>(shared.get(), problem.weights[r],
                                                           ceres::DO_NOT_TAKE_OWNERSHIP));
      loss = losses.back().get();
    }
    cp.AddResidualBlock(cost, loss, x);
  }
  std::vector<int> constant;
  for (int i = 0; i < K; ++i)
    if (problem.is_fixed[static_cast<std::size_t>(i)]) constant.push_back(i);
  if (static_cast<int>(constant.size()) == K) {
    cp.SetParameterBlockConstant(x);
  } else if (!constant.empty()) {
    cp.SetManifold(x, new ceres::SubsetManifold(K, constant));
  }
  for (int i = 0; i < K; ++i) {
    const auto u = static_cast<std::size_t>(i);
    if (problem.is_fixed[u]) continue;
    if (std::isfinite(problem.lower_internal[u]))
      cp.SetParameterLowerBound(x, i, problem.lower_internal[u]);
    if (std::isfinite(problem.upper_internal[u]))
      cp.SetParameterUpperBound(x, i, problem.upper_internal[u]);
  }

  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.logging_type = ceres::SILENT;
  so.minimizer_progress_to_stdout = false;
  so.num_threads = 1;
  so.max_num_iterations = settings.max_iterations;
  so.function_tolerance = settings.function_tolerance;
  so.parameter_tolerance = settings.parameter_tolerance;
  so.gradient_tolerance = settings.gradient_tolerance;
  ceres::Solver::Summary summary;
  SolveOutcome out;
  if (static_cast<int>(constant.size()) == K) {
    out.converged = true;
    out.message = "every parameter is fixed";
  } else {
    ceres::Solve(so, &cp, &summary);
    out.converged = summary.termination_type == ceres::CONVERGENCE;
    out.iterations = static_cast<int>(summary.iterations.size());
    out.message = summary.message;
  }
  out.internal = std::move(internal);
  std::vector<double> p(out.internal.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = to_natural(transforms[i], out.internal[i]);
  const auto r = residuals(problem, p);
  out.objective = problem.objective_function().value(r, problem.weights);
  out.finite = std::isfinite(out.objective);
  if (!out.finite) out.converged = false;
  return out;
}

// Solves the problem's own objective from `internal` with `once(internal, loss)`, a local solve
// of one smooth problem, for each of the objective's stages in turn. `problem` is a FitProblem
// or another problem with `specs`, objective_function() and residuals(problem, natural values).
template <class Problem, class Once>
SolveOutcome solve_objective(const Problem& problem, const std::vector<double>& internal,
                             Once&& once) {
  const ObjectiveFunction f = problem.objective_function();
  if (!f.needs_typical_residual()) return once(internal, f.stages(0.0).front());
  std::vector<double> p(internal.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = to_natural(problem.specs[i].transform, internal[i]);
  auto r = residuals(problem, p);
  for (auto& v : r) v = std::abs(v);
  std::nth_element(r.begin(), r.begin() + static_cast<long>(r.size() / 2), r.end());
  SolveOutcome out;
  out.internal = internal;
  int iterations = 0;
  for (const SmoothLoss& stage : f.stages(r[r.size() / 2])) {
    out = once(out.internal, stage);
    iterations += out.iterations;
    if (!out.finite) break;
  }
  out.iterations = iterations;
  return out;
}

// Solves the problem's own objective from `internal` with Ceres.
template <Law L>
SolveOutcome solve_from(const FitProblem<L>& problem, const std::vector<double>& internal,
                        const SolveSettings& settings) {
  return solve_objective(problem, internal,
                         [&](const std::vector<double>& x, const SmoothLoss& loss) {
                           return solve_once(problem, x, loss, settings);
                         });
}

}  // namespace slfit
