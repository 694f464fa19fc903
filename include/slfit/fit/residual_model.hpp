// Residuals and their Jacobian over a whole table at once: the hot path of every fit.
//
// The inputs (and their logs) are laid out once as columns. A law may provide a hand-written
// Jacobian, evaluated with Eigen's vectorized exp/log over all rows:
//
//   template <class X>
//   static void value_and_gradient(const double* p, const X& x, Space space, Array& value,
//                                  Eigen::ArrayXXd* d);
//
// which sets `value` to the formula (Space::kLinear) or its log (Space::kLog) at every row and,
// unless d is null, column j of `*d` to the derivative of that value by parameter j in natural
// units. Laws without it
// are differentiated row by row with ceres::Jet, exactly as the Ceres cost functions are; no row
// allocates. Derivatives are returned in the optimizer's internal units (log-transformed
// parameters are differentiated by their log).
#pragma once

#include <ceres/jet.h>

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <vector>

#include "slfit/fit/problem.hpp"
#include "slfit/fit/solve.hpp"

namespace slfit {

template <class L>
concept HasHandJacobian = requires(const L& law, const double* p, const ArrayView<L::kNumInputs>& x,
                                   Space s, Array& v, Eigen::ArrayXXd* d) {
  law.value_and_gradient(p, x, s, v, d);
};

template <Law L>
class ResidualModel {
 public:
  static constexpr int K = L::kNumParameters;
  static constexpr int M = L::kNumInputs;

  explicit ResidualModel(const FitProblem<L>& problem) : problem_(&problem) {
    const auto n = static_cast<Eigen::Index>(problem.rows.size());
    const std::size_t used = problem.law.inputs().size();
    view_.rows = n;
    for (std::size_t i = 0; i < used; ++i) {
      values_[i].resize(n);
      logs_[i].resize(n);
      for (Eigen::Index r = 0; r < n; ++r) {
        values_[i](r) = problem.rows[static_cast<std::size_t>(r)].values[i];
        logs_[i](r) = problem.rows[static_cast<std::size_t>(r)].logs[i];
      }
      view_.values[i] = values_[i].data();
      view_.logs[i] = logs_[i].data();
    }
    target_ = Eigen::Map<const Eigen::VectorXd>(problem.target.data(), n);
    for (std::size_t i = 0; i < static_cast<std::size_t>(K); ++i)
      transforms_[i] = problem.specs[i].transform;
  }

  Eigen::Index rows() const { return target_.size(); }
  const FitProblem<L>& problem() const { return *problem_; }
  const ArrayView<M>& view() const { return view_; }

  // Natural parameters from internal ones; false where a log-fitted scale left (0, inf).
  bool natural(const double* internal, std::array<double, K>& p) const {
    for (std::size_t i = 0; i < static_cast<std::size_t>(K); ++i) {
      p[i] = to_natural(transforms_[i], internal[i]);
      if (transforms_[i] == Transform::kLog && !(p[i] > 0.0 && p[i] < kInf)) return false;
    }
    return true;
  }

  // Residuals only. False if any is not finite.
  bool residuals(const double* internal, Eigen::VectorXd& r) const {
    std::array<double, K> p;
    if (!natural(internal, p)) return false;
    if constexpr (HasHandJacobian<L>) {
      Array value;
      problem_->law.value_and_gradient(p.data(), view_, problem_->space, value, nullptr);
      r = value.matrix() - target_;
      return std::isfinite(r.sum());  // a NaN or inf anywhere makes the sum non-finite
    }
    if constexpr (HasLogFormula<L>) {
      if (problem_->space == Space::kLog) {
        r.resize(rows());
        for (Eigen::Index i = 0; i < rows(); ++i)
          r(i) = problem_->law.log_formula(p.data(), problem_->rows[static_cast<std::size_t>(i)]) -
                 target_(i);
        return r.allFinite();
      }
    }
    Array f = problem_->law.formula(p.data(), view_);
    if (problem_->space == Space::kLog) f = f.log();
    r = f.matrix() - target_;
    return r.allFinite();
  }

  // Buffers of one evaluation; one per thread, reused from iteration to iteration.
  struct Scratch {
    Array value;
    Eigen::ArrayXXd grad;
  };

  // Residuals and Jacobian (rows x K, internal units). False if anything is not finite.
  bool residuals_and_jacobian(const double* internal, Eigen::VectorXd& r, Eigen::MatrixXd& jac,
                              Scratch& scratch) const {
    std::array<double, K> p;
    if (!natural(internal, p)) return false;
    const Eigen::Index n = rows();
    if constexpr (HasHandJacobian<L>) {
      problem_->law.value_and_gradient(p.data(), view_, problem_->space, scratch.value,
                                       &scratch.grad);
      r = scratch.value.matrix() - target_;
      jac = scratch.grad.matrix();
      for (Eigen::Index j = 0; j < K; ++j)
        if (transforms_[static_cast<std::size_t>(j)] == Transform::kLog)
          jac.col(j) *= p[static_cast<std::size_t>(j)];
    } else {
      (void)scratch;
      using Jet = ceres::Jet<double, K>;
      std::array<Jet, K> x;
      for (int i = 0; i < K; ++i) x[static_cast<std::size_t>(i)] = Jet(internal[i], i);
      r.resize(n);
      jac.resize(n, K);
      for (Eigen::Index i = 0; i < n; ++i) {
        const auto u = static_cast<std::size_t>(i);
        const detail::RowCost<L> cost{&problem_->law, problem_->rows[u], problem_->target[u],
                                      problem_->space, transforms_};
        Jet res;
        if (!cost(x.data(), &res)) return false;
        r(i) = res.a;
        jac.row(i) = res.v.transpose();
      }
    }
    return std::isfinite(r.sum()) && std::isfinite(jac.sum());
  }

 private:
  const FitProblem<L>* problem_;
  std::array<Array, M> values_, logs_;
  ArrayView<M> view_;
  Eigen::VectorXd target_;
  std::array<Transform, K> transforms_{};
};

}  // namespace slfit
