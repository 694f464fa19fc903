// Covariance of fitted parameters from the Jacobian at the optimum.
//
// cov = s^2 (J^T W J)^-1 over the free parameters, in natural units, with J the Jacobian of the
// residuals (in the fitted space) and s^2 = sum w r^2 / (n - p) the residual variance. This is the
// Gauss-Newton approximation for least squares; for Huber and absolute objectives it is a rough
// guide (use the bootstrap for those). When J^T W J is singular or nearly so, no covariance is
// formed and the message names the parameters that the data cannot pin down.
#pragma once

#include <ceres/jet.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "slfit/fit/solve.hpp"

namespace slfit {

struct CovarianceResult {
  bool ok = false;
  std::string message;
  Eigen::MatrixXd covariance;  // K x K, zero where a parameter is fixed
  // Free parameters the data do not determine (a singular Jacobian at the optimum): their values
  // are one point of a flat valley of the objective, not estimates.
  std::vector<std::string> unidentified;
};

namespace detail {

// The covariance from R, the k x k triangle of the QR decomposition of the weighted Jacobian over
// the free parameters (natural units), and the weighted residual sum of squares of n rows:
// fills out.covariance (over all parameters, already sized and zero), or says which parameters
// the data do not identify.
inline void covariance_from_triangle(const Eigen::MatrixXd& j, double rss, Eigen::Index n,
                                     const std::vector<int>& free,
                                     const std::vector<std::string>& names, CovarianceResult& out) {
  const auto k = static_cast<Eigen::Index>(free.size());
  // Scale columns so the rank test is about directions, not units (A ~ 1e3, alpha ~ 0.3).
  Eigen::VectorXd scale = j.colwise().norm().transpose();
  auto name_of = [&](Eigen::Index c) {
    return names[static_cast<std::size_t>(free[static_cast<std::size_t>(c)])];
  };
  std::vector<std::string>& unidentified = out.unidentified;
  for (Eigen::Index c = 0; c < k; ++c) {
    if (scale(c) == 0.0) {
      unidentified.push_back(name_of(c));
      scale(c) = 1.0;
    }
  }
  const Eigen::MatrixXd js = j * scale.cwiseInverse().asDiagonal();
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(js, Eigen::ComputeThinV);
  const Eigen::VectorXd sv = svd.singularValues();
  const double cond = sv(0) > 0.0 ? sv(k - 1) / sv(0) : 0.0;
  if (!unidentified.empty() || cond < 1e-10) {
    if (unidentified.empty()) {
      // The culprits are the parameters with a large share in the (near) null space of J: the
      // length of each parameter's unit vector projected onto the span of the weak singular
      // vectors. Unlike the components of a single weak vector, this does not depend on which
      // basis the SVD picks when several directions are free (all rows at one N leave E, A and
      // alpha with two free directions between them).
      Eigen::VectorXd share = Eigen::VectorXd::Zero(k);
      for (Eigen::Index d = 0; d < k; ++d)
        if (d == k - 1 || sv(d) <= 1e-10 * sv(0)) share += svd.matrixV().col(d).cwiseAbs2();
      for (Eigen::Index c = 0; c < k; ++c)
        if (std::sqrt(share(c)) > 0.3) unidentified.push_back(name_of(c));
    }
    std::string listed;
    for (const auto& name : unidentified) listed += (listed.empty() ? "" : ", ") + name;
    char shown[32];
    std::snprintf(shown, sizeof shown, "%.3g", cond);
    out.message = "singular: the data do not identify " + listed +
                  " (smallest/largest singular value of the scaled Jacobian " + shown + ")";
    return;
  }
  const double s2 = rss / static_cast<double>(n - k);
  Eigen::MatrixXd inv = svd.matrixV() * sv.array().square().inverse().matrix().asDiagonal() *
                        svd.matrixV().transpose();
  inv = scale.cwiseInverse().asDiagonal() * inv * scale.cwiseInverse().asDiagonal();
  for (Eigen::Index a = 0; a < k; ++a)
    for (Eigen::Index b = 0; b < k; ++b)
      out.covariance(free[static_cast<std::size_t>(a)], free[static_cast<std::size_t>(b)]) =
          s2 * inv(a, b);
  out.ok = out.covariance.allFinite();
  if (!out.ok) out.message = "the covariance is not finite";
}

// The same from the whole weighted Jacobian (n x k, free parameters only, natural units).
inline void covariance_from_jacobian(const Eigen::MatrixXd& jw, double rss,
                                     const std::vector<int>& free,
                                     const std::vector<std::string>& names, CovarianceResult& out) {
  const auto k = static_cast<Eigen::Index>(free.size());
  if (!jw.allFinite()) {
    out.message = "the Jacobian is not finite at the optimum";
    return;
  }
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(jw);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(k).template triangularView<Eigen::Upper>();
  covariance_from_triangle(r, rss, jw.rows(), free, names, out);
}

}  // namespace detail

// Jacobian of the residuals with respect to the natural parameters (rows x K).
template <Law L>
Eigen::MatrixXd residual_jacobian(const FitProblem<L>& problem, const std::vector<double>& p) {
  constexpr int K = L::kNumParameters;
  using Jet = ceres::Jet<double, K>;
  std::array<Jet, K> pj;
  for (int i = 0; i < K; ++i)
    pj[static_cast<std::size_t>(i)] = Jet(p[static_cast<std::size_t>(i)], i);
  Eigen::MatrixXd j(static_cast<Eigen::Index>(problem.rows.size()), K);
  for (std::size_t r = 0; r < problem.rows.size(); ++r) {
    const Jet res =
        row_residual(problem.law, pj.data(), problem.rows[r], problem.target[r], problem.space);
    j.row(static_cast<Eigen::Index>(r)) = res.v.transpose();
  }
  return j;
}

template <Law L>
CovarianceResult covariance(const FitProblem<L>& problem, const std::vector<double>& p,
                            const std::vector<double>& r) {
  constexpr int K = L::kNumParameters;
  CovarianceResult out;
  out.covariance = Eigen::MatrixXd::Zero(K, K);
  std::vector<int> free;
  for (int i = 0; i < K; ++i)
    if (!problem.is_fixed[static_cast<std::size_t>(i)]) free.push_back(i);
  const auto n = static_cast<Eigen::Index>(r.size());
  const auto k = static_cast<Eigen::Index>(free.size());
  if (k == 0) {
    out.ok = true;
    out.message = "every parameter is fixed";
    return out;
  }
  if (n <= k) {
    out.message = "no residual degrees of freedom (" + std::to_string(n) + " rows, " +
                  std::to_string(k) + " free parameters)";
    return out;
  }
  // J (n x k, each row weighted by sqrt(w)) is reduced block by block to the k x k triangle R of
  // its QR decomposition, which has J's singular values and right singular vectors: a table of a
  // million rows never holds an n x k matrix, and the rank test keeps the accuracy of an SVD of
  // J (forming J^T J instead would square its condition number).
  constexpr Eigen::Index kBlock = 4096;
  using Jet = ceres::Jet<double, K>;
  std::array<Jet, K> pj;
  for (int i = 0; i < K; ++i)
    pj[static_cast<std::size_t>(i)] = Jet(p[static_cast<std::size_t>(i)], i);
  Eigen::MatrixXd stack(kBlock + k, k);  // R on top, then the next block of rows
  Eigen::Index have = 0;                 // rows of R on top of the stack (0 before the first block)
  double rss = 0.0;
  for (Eigen::Index start = 0; start < n; start += kBlock) {
    const Eigen::Index m = std::min(kBlock, n - start);
    for (Eigen::Index i = 0; i < m; ++i) {
      const auto row = static_cast<std::size_t>(start + i);
      const double w = problem.weights.empty() ? 1.0 : problem.weights[row];
      const double sw = std::sqrt(w);
      const Jet res = row_residual(problem.law, pj.data(), problem.rows[row], problem.target[row],
                                   problem.space);
      for (Eigen::Index c = 0; c < k; ++c)
        stack(have + i, c) = sw * res.v(free[static_cast<std::size_t>(c)]);
      rss += w * r[row] * r[row];
    }
    if (!stack.topRows(have + m).allFinite()) {
      out.message = "the Jacobian is not finite at the optimum";
      return out;
    }
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(stack.topRows(have + m));
    have = std::min(have + m, k);
    stack.topRows(have) = qr.matrixQR().topRows(have).template triangularView<Eigen::Upper>();
  }
  std::vector<std::string> names;
  for (const auto& spec : problem.specs) names.push_back(spec.name);
  detail::covariance_from_triangle(stack.topRows(k), rss, n, free, names, out);
  return out;
}

}  // namespace slfit
