// Standard errors of a two-stage fit that carry the first stage's uncertainty.
//
// In a two-stage fit the second stage holds the first stage's parameters fixed (see
// fix_shared_parameters in fit/fit.hpp), so its own covariance treats them as exact and its
// standard errors come out too small (about half, in the recovery tests). To first order the
// second-stage estimate moves with the fixed parameters b as d(theta) = G d(b), with
//   G = -(Jf^T W Jf)^-1 Jf^T W Jb,
// Jf and Jb the Jacobians of the second stage's residuals in its free and fixed parameters, so
//   Cov(theta) = V2 + G V1 G^T,
// V2 the second stage's own covariance and V1 the first stage's over the shared parameters.
//
//   FitResult base = slfit::fit<Chinchilla>(full_precision, o1);
//   slfit::fix_shared_parameters<QatFull>(o2, base);
//   FitResult q = slfit::fit<QatFull>(quantized, o2);
//   slfit::add_first_stage_uncertainty<QatFull>(quantized, o2, base, q);  // updates q's errors
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/fit/covariance.hpp"
#include "slfit/fit/problem.hpp"
#include "slfit/fit/result.hpp"

namespace slfit {

// Updates stage2.covariance and stage2.standard_errors in place; stage1 is the fit whose values
// were fixed in stage 2 (matched by parameter name). Does nothing where either covariance is
// unavailable, and says so in stage2.covariance_message.
template <Law L2>
void add_first_stage_uncertainty(const L2& law, const Table& table2, const FitOptions& opt2,
                                 const FitResult& stage1, FitResult& stage2) {
  if (!stage1.covariance_ok || !stage2.covariance_ok) {
    stage2.covariance_message += (stage2.covariance_message.empty() ? "" : "; ") +
                                 std::string("first-stage uncertainty not added (no covariance)");
    return;
  }
  const FitProblem<L2> problem(law, table2, opt2);
  const Eigen::MatrixXd j = residual_jacobian(problem, stage2.parameters);
  std::vector<Eigen::Index> free, shared, shared_in_1;
  for (std::size_t i = 0; i < stage2.names.size(); ++i) {
    if (!stage2.fixed[i]) {
      free.push_back(static_cast<Eigen::Index>(i));
      continue;
    }
    for (std::size_t k = 0; k < stage1.names.size(); ++k) {
      if (stage1.names[k] == stage2.names[i] && !stage1.fixed[k]) {
        shared.push_back(static_cast<Eigen::Index>(i));
        shared_in_1.push_back(static_cast<Eigen::Index>(k));
      }
    }
  }
  if (free.empty() || shared.empty()) return;
  Eigen::VectorXd w = Eigen::VectorXd::Ones(j.rows());
  if (!problem.weights.empty())
    w = Eigen::Map<const Eigen::VectorXd>(problem.weights.data(), j.rows());
  const Eigen::MatrixXd jf = j(Eigen::all, free), jb = j(Eigen::all, shared);
  const Eigen::MatrixXd jtw = jf.transpose() * w.asDiagonal();
  const Eigen::MatrixXd g = -(jtw * jf).ldlt().solve(jtw * jb);
  const Eigen::MatrixXd v1 = stage1.covariance(shared_in_1, shared_in_1);
  const Eigen::MatrixXd extra = g * v1 * g.transpose();
  if (!extra.allFinite()) {
    stage2.covariance_message += (stage2.covariance_message.empty() ? "" : "; ") +
                                 std::string("first-stage uncertainty not finite; not added");
    return;
  }
  stage2.covariance(free, free) += extra;
  for (Eigen::Index f : free) {
    stage2.standard_errors[static_cast<std::size_t>(f)] =
        std::sqrt(std::max(0.0, stage2.covariance(f, f)));
  }
  stage2.covariance_message += (stage2.covariance_message.empty() ? "" : "; ") +
                               std::string("includes the first stage's uncertainty");
}

template <Law L2>
void add_first_stage_uncertainty(const Table& table2, const FitOptions& opt2,
                                 const FitResult& stage1, FitResult& stage2) {
  add_first_stage_uncertainty(L2{}, table2, opt2, stage1, stage2);
}

}  // namespace slfit
