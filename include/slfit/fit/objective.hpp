// The objective of a fit, in one place: its name, its value, and what each solver needs of it.
//
// A fit minimizes, over the rows i of the table,
//   F = sum_i w_i c(r_i) rho(r_i),   c(r) = W if r > 0, else 1,
// with r_i the prediction minus the target in the fitted space, w_i the row's weight and W the
// over-estimate penalty (FitOptions::overestimate_penalty, 1 by default: no penalty), and
//   squared   rho(r) = r^2
//   huber     rho(r) = r^2/2 if |r| <= delta, else delta (|r| - delta/2)
//   absolute  rho(r) = |r|
// F is what FitResult::objective_value reports (DESIGN.md, CLI contract).
//
// Solvers never see the absolute objective itself (it has no curvature): they solve a sequence of
// smooth problems, SmoothLoss, each squared or Huber with the same penalty, and the absolute
// objective is reached by shrinking Huber's delta (ObjectiveFunction::stages).
//
// Adding an objective means adding it to the enum, its name, rho() and stages() below.
#pragma once

#include <ceres/loss_function.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

enum class Objective { kSquared, kHuber, kAbsolute };

inline std::string_view to_string(Objective o) {
  switch (o) {
    case Objective::kSquared:
      return "squared";
    case Objective::kHuber:
      return "huber";
    case Objective::kAbsolute:
      return "absolute";
  }
  return "?";
}

inline Objective parse_objective(std::string_view s) {
  if (s == "squared") return Objective::kSquared;
  if (s == "huber") return Objective::kHuber;
  if (s == "absolute") return Objective::kAbsolute;
  throw UsageError("unknown objective '" + std::string(s) + "'; use squared, huber or absolute");
}

// One smooth problem a local solve minimizes: sum_i w_i c(r_i) rho(r_i) with rho squared
// (delta <= 0) or Huber with `delta`, and the over-estimate penalty c of the fit.
struct SmoothLoss {
  double delta = 0.0;    // Huber's threshold; <= 0: squared
  double penalty = 1.0;  // W

  bool huber() const { return delta > 0.0; }

  // The row weights times c(r): `w` itself when there is no penalty (so that unpenalized fits
  // stay bit for bit what they were), else `buffer`, filled.
  const Eigen::VectorXd& penalized(const Eigen::VectorXd& r, const Eigen::VectorXd& w,
                                   Eigen::VectorXd& buffer) const {
    if (penalty == 1.0) return w;
    buffer = (r.array() > 0.0).select(penalty * w.array(), w.array());
    return buffer;
  }

  // The objective of this smooth problem, vectorized: it runs after every trial step.
  double value(const Eigen::VectorXd& r, const Eigen::VectorXd& w, Eigen::VectorXd& buffer) const {
    const Eigen::VectorXd& v = penalized(r, w, buffer);
    if (!huber()) return (v.array() * r.array().square()).sum();
    const auto a = r.array().abs();
    return (v.array() * (a <= delta).select(0.5 * a.square(), delta * (a - 0.5 * delta))).sum();
  }

  // What the dense Levenberg-Marquardt solver needs: with g = scale J^T (omega r) the exact
  // gradient and H = scale J^T diag(curv) J its Gauss-Newton curvature. The penalty is a
  // piecewise constant factor of rho, so it multiplies both. Huber's omega = min(1, delta/|r|)
  // gives the exact gradient; for the curvature, rows in the linear part contribute rho'' = 0
  // once at least `free` rows sit in the quadratic part to determine a step (Newton-like, far
  // fewer iterations near the optimum), and omega before that, as in Ceres' robust correction.
  double gradient_scale() const { return huber() ? 1.0 : 2.0; }  // squared: F = sum w r^2
  void lm_weights(const Eigen::VectorXd& r, const Eigen::VectorXd& w, Eigen::Index free,
                  Eigen::VectorXd& buffer, Eigen::VectorXd& omega, Eigen::VectorXd& curv) const {
    const Eigen::VectorXd& v = penalized(r, w, buffer);
    if (!huber()) {
      omega = v;
      curv = v;
      return;
    }
    omega = v.array() * (delta / r.array().abs()).min(1.0);  // |r| = 0 gives inf, then 1
    const Eigen::Index inside = (r.array().abs() <= delta).count();
    if (inside >= free) {
      curv = (r.array().abs() <= delta).select(v, 0.0);
    } else {
      curv = omega;
    }
  }

  // What Ceres needs: the residual a row's cost function returns, and the loss applied to it
  // (null: squared). Ceres' loss sees only r^2, not the sign of r, so the penalty goes into the
  // residual: for r > 0 a residual g(r) with huber_delta(g) = W huber_delta(r), that is
  // g = sqrt(W) r while that stays within delta, then g = W h(r) / delta + delta / 2 with h the
  // Huber value of r (quadratic up to r = delta, linear past it); g and its derivative are
  // continuous. Squared: g = sqrt(W) r. Ceres' cost, half the sum of its loss, is then the
  // objective (Huber) or half of it (squared).
  template <class T>
  T residual(const T& r) const {
    if (penalty == 1.0 || !(r > 0.0)) return r;
    const double s = std::sqrt(penalty);
    if (!huber() || s * r <= delta) return s * r;
    const T h = r <= delta ? T(0.5 * r * r) : T(delta * (r - 0.5 * delta));
    return penalty * h / delta + 0.5 * delta;
  }
  std::unique_ptr<ceres::LossFunction> ceres_loss() const {
    if (!huber()) return nullptr;
    return std::make_unique<ceres::HuberLoss>(delta);
  }
};

// A fit's objective: the kind, Huber's delta and the over-estimate penalty W.
struct ObjectiveFunction {
  Objective kind = Objective::kSquared;
  double delta = 1e-3;                // Huber's threshold (used by kHuber only)
  double overestimate_penalty = 1.0;  // W >= 1

  // Throws UsageError for a delta or W no fit can use. Called before anything runs.
  void check() const {
    if (kind == Objective::kHuber && !(delta > 0.0 && std::isfinite(delta))) {
      throw UsageError("Huber's delta must be positive and finite");
    }
    if (!(overestimate_penalty >= 1.0 && std::isfinite(overestimate_penalty))) {
      throw UsageError("option 'overestimate_penalty' must be a finite number of at least 1, got " +
                       detail::format_g(overestimate_penalty));
    }
  }

  double factor(double r) const { return r > 0.0 ? overestimate_penalty : 1.0; }
  bool penalized() const { return overestimate_penalty != 1.0; }
  // What AIC, BIC and the covariance's residual variance assume.
  bool least_squares() const { return kind == Objective::kSquared && !penalized(); }
  // Huber's delta where the objective has one, else 0 (as results report it).
  double used_delta() const { return kind == Objective::kHuber ? delta : 0.0; }

  // "squared", "huber(delta=0.001)", "absolute with over-estimate penalty 10".
  std::string label() const {
    std::string s(to_string(kind));
    if (kind == Objective::kHuber) s += "(delta=" + detail::format_g(delta) + ")";
    if (penalized()) s += " with over-estimate penalty " + detail::format_g(overestimate_penalty);
    return s;
  }

  // rho(r) of the contract, without the penalty.
  double rho(double r) const {
    const double a = std::abs(r);
    switch (kind) {
      case Objective::kSquared:
        return a * a;
      case Objective::kHuber:
        return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
      case Objective::kAbsolute:
        return a;
    }
    return std::nan("");
  }

  // F for residuals r and weights w (empty: all 1), summed in row order: the reported value.
  double value(const std::vector<double>& r, const std::vector<double>& w = {}) const {
    double sum = 0.0;
    for (std::size_t i = 0; i < r.size(); ++i)
      sum += (w.empty() ? 1.0 : w[i]) * factor(r[i]) * rho(r[i]);
    return sum;
  }

  // F vectorized (screening, the dense solver's end points); `buffer` avoids allocations.
  double value(const Eigen::VectorXd& r, const Eigen::VectorXd& w, Eigen::VectorXd& buffer) const {
    if (kind != Objective::kAbsolute)
      return smooth(kind == Objective::kHuber ? delta : 0.0).value(r, w, buffer);
    const Eigen::VectorXd& v = smooth(0.0).penalized(r, w, buffer);
    return (v.array() * r.array().abs()).sum();
  }

  SmoothLoss smooth(double huber_delta) const { return {huber_delta, overestimate_penalty}; }

  // The smooth problems whose solutions, each started where the previous one ended, solve this
  // objective. Squared and Huber are smooth already. Absolute: Huber with delta shrinking tenfold
  // per round from `typical` (the median |r| at the start); the Huber minimizer approaches the
  // least-absolute-deviation one as delta -> 0.
  std::vector<SmoothLoss> stages(double typical) const {
    switch (kind) {
      case Objective::kSquared:
        return {smooth(0.0)};
      case Objective::kHuber:
        return {smooth(delta)};
      case Objective::kAbsolute:
        break;
    }
    std::vector<SmoothLoss> out;
    double d = std::isfinite(typical) ? std::max(typical, 1e-12) : 1.0;
    for (int round = 0; round < 10; ++round, d *= 0.1) out.push_back(smooth(d));
    return out;
  }
  // Whether stages() needs the typical residual at the start.
  bool needs_typical_residual() const { return kind == Objective::kAbsolute; }
};

// F of the contract for residuals r and weights w (empty: all 1), without a penalty.
inline double objective_value(Objective kind, double delta, const std::vector<double>& r,
                              const std::vector<double>& w = {}) {
  return ObjectiveFunction{kind, delta, 1.0}.value(r, w);
}

inline double objective_value(const ObjectiveFunction& f, const std::vector<double>& r,
                              const std::vector<double>& w = {}) {
  return f.value(r, w);
}

}  // namespace slfit
