// A small dense Levenberg-Marquardt solver for the many local solves of a multi-start fit.
//
// Ceres is built for large sparse problems; a scaling law has a handful of parameters and a few
// hundred rows, and then Ceres' per-row residual blocks and per-solve setup cost more than the
// arithmetic. This solver works on the whole Jacobian at once (ResidualModel), forms the k x k
// normal equations, and takes the same steps Ceres' LM would:
//   - the objective enters as row weights on the Gauss-Newton model (SmoothLoss::lm_weights:
//     Huber's min(1, delta/|r|), which Ceres' robust correction reduces to, times the over-estimate
//     penalty), while steps are accepted on the exact objective of the CLI contract;
//   - damping lambda * diag(J^T W J), the diagonal clamped to [1e-6, 1e32] as in Ceres;
//   - bounds by projection, with parameters held at a bound (and pushed outward by the gradient)
//     left out of the step;
//   - stopping on function, parameter and projected-gradient tolerances with Ceres' meanings.
// The fitter polishes the best end points with Ceres, so the final answer is Ceres' own.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/fit/residual_model.hpp"
#include "slfit/fit/solve.hpp"

namespace slfit {

// Solves the smooth problem `loss` from `internal`. A model is a ResidualModel<L> (K parameters)
// or one whose parameter count is set at run time (K = Eigen::Dynamic; fit/levels.hpp): its
// problem() has is_fixed, lower_internal, upper_internal, weights and objective_function(), and
// it evaluates residuals_and_jacobian(internal, r, jac, scratch).
template <class Model>
SolveOutcome solve_dense(const Model& model, std::vector<double> internal, const SmoothLoss& loss,
                         const SolveSettings& settings) {
  const auto& problem = model.problem();
  constexpr int K = Model::K;
  const Eigen::Index n = model.rows();
  const auto k_all = static_cast<Eigen::Index>(internal.size());
  SolveOutcome out;

  // Index lists on the stack for a compiled law, on the heap for a run-time count.
  using Indices = Eigen::Matrix<Eigen::Index, Eigen::Dynamic, 1, Eigen::ColMajor, K, 1>;
  Indices free(k_all);
  Eigen::Index kf = 0;
  for (Eigen::Index j = 0; j < k_all; ++j) {
    const auto u = static_cast<std::size_t>(j);
    if (problem.is_fixed[u]) continue;
    free(kf++) = j;
    internal[u] = std::clamp(internal[u], problem.lower_internal[u], problem.upper_internal[u]);
  }
  Eigen::VectorXd w = problem.weights.empty()
                          ? Eigen::VectorXd::Ones(n)
                          : Eigen::Map<const Eigen::VectorXd>(problem.weights.data(), n).eval();

  typename Model::Scratch scratch;
  Eigen::VectorXd r, rn, penalized;
  Eigen::MatrixXd jac, jn;
  // `r` always holds the residuals at `internal`, so the end point needs no extra evaluation.
  auto finish = [&](bool converged, std::string message) {
    out.internal = internal;
    out.converged = converged;
    out.message = std::move(message);
    out.finite = true;
    out.objective = problem.objective_function().value(r, w, penalized);
    return out;
  };
  if (!model.residuals_and_jacobian(internal.data(), r, jac, scratch)) {
    out.internal = internal;
    out.message = "the law or its derivatives are not finite at this start";
    return out;
  }
  if (kf == 0) return finish(true, "every parameter is fixed");

  const double scale = loss.gradient_scale();
  double cost = loss.value(r, w, penalized);
  double lambda = 1e-4, nu = 2.0;
  Eigen::MatrixXd wj(n, kf);
  Eigen::VectorXd omega(n), curv(n), wr(n);
  // Every buffer is sized here and reused: an iteration allocates nothing (a bootstrap runs
  // thousands of short solves). Eigen reuses storage when an assignment or resize keeps the size.
  // The k x k matrices live on the stack (at most K x K): a heap-sized 5 x 5 LDLT costs more in
  // bookkeeping than in arithmetic.
  using SmallMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, K, K>;
  SmallMatrix h(kf, kf), hm(kf, kf), damped(kf, kf);
  Eigen::VectorXd g(kf), gm(kf), dm(kf), step(kf), hs(kf);
  Eigen::LDLT<SmallMatrix> ldlt(kf);
  Indices moving(kf);
  std::vector<double> trial(internal);
  while (out.iterations < settings.max_iterations) {
    loss.lm_weights(r, w, kf, penalized, omega, curv);
    // g = J^T (omega r) and the lower triangle of H = J^T diag(curv) J, column by column: each
    // entry is one vectorized dot product over the rows.
    wr = omega.cwiseProduct(r);
    for (Eigen::Index c = 0; c < kf; ++c) {
      const auto col = jac.col(free(c));
      wj.col(c) = curv.cwiseProduct(col);
      g(c) = scale * col.dot(wr);
      for (Eigen::Index a = 0; a <= c; ++a)
        h(c, a) = h(a, c) = scale * jac.col(free(a)).dot(wj.col(c));
    }

    // Parameters at a bound that the gradient pushes outward stay put this iteration.
    Eigen::Index km = 0;
    double gmax = 0.0;
    for (Eigen::Index c = 0; c < kf; ++c) {
      const auto u = static_cast<std::size_t>(free(c));
      const double x = internal[u], lo = problem.lower_internal[u], hi = problem.upper_internal[u];
      const bool held = (x <= lo && g(c) > 0.0) || (x >= hi && g(c) < 0.0);
      if (!held) {
        moving(km++) = c;
        gmax = std::max(gmax, std::abs(g(c)));
      }
    }
    if (km == 0 || gmax <= settings.gradient_tolerance)
      return finish(true, "gradient tolerance reached");
    hm.resize(km, km);
    gm.resize(km);
    for (Eigen::Index a = 0; a < km; ++a) {
      gm(a) = g(moving(a));
      for (Eigen::Index b = 0; b < km; ++b) hm(a, b) = h(moving(a), moving(b));
    }

    bool accepted = false;
    while (!accepted && out.iterations < settings.max_iterations) {
      ++out.iterations;
      damped = hm;
      for (Eigen::Index a = 0; a < km; ++a)
        damped(a, a) += lambda * std::clamp(hm(a, a), 1e-6, 1e32);
      ldlt.compute(damped);
      dm = ldlt.solve(gm);
      dm = -dm;
      step.setZero();
      if (ldlt.info() == Eigen::Success && dm.allFinite()) {
        for (Eigen::Index a = 0; a < km; ++a) step(moving(a)) = dm(a);
      }
      double xnorm = 0.0, snorm = 0.0;
      trial = internal;
      for (Eigen::Index c = 0; c < kf; ++c) {
        const auto u = static_cast<std::size_t>(free(c));
        trial[u] =
            std::clamp(internal[u] + step(c), problem.lower_internal[u], problem.upper_internal[u]);
        step(c) = trial[u] - internal[u];
        xnorm += internal[u] * internal[u];
        snorm += step(c) * step(c);
      }
      if (std::sqrt(snorm) <=
          settings.parameter_tolerance * (std::sqrt(xnorm) + settings.parameter_tolerance)) {
        return finish(true, "parameter tolerance reached");
      }
      hs.noalias() = h * step;
      const double predicted = -(g.dot(step) + 0.5 * step.dot(hs));
      if (predicted > 0.0 && model.residuals_and_jacobian(trial.data(), rn, jn, scratch)) {
        const double trial_cost = loss.value(rn, w, penalized);
        const double rho = (cost - trial_cost) / predicted;
        if (rho > 1e-3) {
          accepted = true;
          const double change = cost - trial_cost;
          internal.swap(trial);
          r.swap(rn);
          jac.swap(jn);
          cost = trial_cost;
          lambda *= std::max(1.0 / 3.0, 1.0 - std::pow(2.0 * rho - 1.0, 3));
          nu = 2.0;
          if (change <= settings.function_tolerance * cost)
            return finish(true, "function tolerance reached");
          break;
        }
      }
      lambda *= nu;
      nu *= 2.0;
      if (lambda > 1e32) return finish(true, "no step reduces the objective further");
    }
  }
  return finish(false, "maximum number of iterations reached");
}

// Solves the problem's own objective (absolute by Huber continuation) from `internal`.
template <class Model>
SolveOutcome solve_dense_from(const Model& model, const std::vector<double>& internal,
                              const SolveSettings& settings) {
  return solve_objective(model.problem(), internal,
                         [&](const std::vector<double>& x, const SmoothLoss& loss) {
                           return solve_dense(model, x, loss, settings);
                         });
}

}  // namespace slfit
