// Comparison of laws on one table: information criteria on the full fit, and held-out error.
//
// Every candidate is fitted to the same rows. Information criteria use the Gaussian likelihood of
// the fitted-space residuals with the noise variance profiled out, RSS/n, so that up to a
// constant shared by every candidate:
//   AIC = n log(RSS/n) + 2k,   BIC = n log(RSS/n) + k log n,   k = free parameters + 1,
// the +1 counting the noise variance, which is estimated too (it does not change the ranking, but
// keeps the numbers comparable with other software). RSS is the weighted sum of squares, also
// after a Huber or absolute fit: there the criteria are a rough guide. They compare laws only
// when all are fitted in the same space to the same target; a warning says when they are not.
// With a hold-out mask, each candidate is also fitted without the held-out rows and ranked by the
// RMSE of its predictions there (in the fitted space).
//
//   std::vector<slfit::FitCandidate> laws = {
//       slfit::candidate<slfit::Chinchilla>("chinchilla", opt),
//       slfit::candidate<MyLaw>("mine", opt)};
//   slfit::Comparison c = slfit::compare_laws(table, laws, {.holdout = mask});
//   for (const auto& s : c.scores) std::printf("%s %g %g\n", s.name.c_str(), s.aic, s.bic);
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "slfit/uncertainty/holdout.hpp"
#include "slfit/uncertainty/results.hpp"

namespace slfit {

namespace detail {

// 1-based ranks by increasing key; entries with a NaN key get rank 0.
inline std::vector<int> ranks(const std::vector<double>& key) {
  std::vector<std::size_t> order(key.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool fa = std::isfinite(key[a]), fb = std::isfinite(key[b]);
    return fa != fb ? fa : (fa && key[a] < key[b]);
  });
  std::vector<int> out(key.size(), 0);
  int next = 1;
  for (std::size_t i : order)
    if (std::isfinite(key[i])) out[i] = next++;
  return out;
}

}  // namespace detail

inline Comparison compare_laws(const Table& table, const std::vector<FitCandidate>& candidates,
                               const CompareOptions& co = {}) {
  if (candidates.empty()) throw UsageError("compare_laws needs at least one candidate law");
  if (co.rank_by == RankBy::kHoldout && !co.holdout) {
    throw UsageError("ranking by held-out error needs a hold-out mask");
  }
  Comparison out;
  for (const auto& c : candidates) {
    LawScore s;
    s.name = c.name;
    s.fit = c.fit(table);
    s.n = s.fit.points;
    s.k = s.fit.free_parameters() + 1;
    if (s.fit.status != FitStatus::kFailed) {
      s.rss = s.fit.rss;
      const double n = static_cast<double>(s.n);
      // A perfect fit has RSS 0 and log 0 = -inf: keep it finite so ranks stay defined.
      const double lik = n * std::log(std::max(s.rss / n, 1e-300));
      s.aic = lik + 2.0 * s.k;
      s.bic = lik + s.k * std::log(n);
    } else {
      out.warnings.push_back("'" + c.name + "' could not be fitted: " + s.fit.message);
    }
    if (co.holdout) s.holdout = holdout(table, *co.holdout, c);
    out.scores.push_back(std::move(s));
  }
  for (const auto& s : out.scores) {
    const auto& first = out.scores.front();
    if (s.fit.space != first.fit.space || s.n != first.n) {
      out.warnings.push_back("'" + s.name + "' and '" + first.name +
                             "' were fitted in different spaces or to different rows: their "
                             "information criteria are not comparable");
    }
    if (!s.fit.objective_function().least_squares() && s.fit.status != FitStatus::kFailed) {
      const ObjectiveFunction f = s.fit.objective_function();
      out.warnings.push_back(
          "'" + s.name + "' was fitted with a " + std::string(to_string(f.kind)) + " objective" +
          (f.penalized()
               ? " and an over-estimate penalty of " + detail::format_g(f.overestimate_penalty)
               : std::string()) +
          "; AIC and BIC assume least squares");
    }
  }
  std::vector<double> aic, bic, held;
  for (const auto& s : out.scores) {
    aic.push_back(s.aic);
    bic.push_back(s.bic);
    held.push_back(s.holdout ? s.holdout->rmse_fitted : std::nan(""));
  }
  const auto ra = detail::ranks(aic), rb = detail::ranks(bic), rh = detail::ranks(held);
  double min_aic = kInf, min_bic = kInf;
  for (std::size_t i = 0; i < out.scores.size(); ++i) {
    auto& s = out.scores[i];
    s.rank_aic = ra[i];
    s.rank_bic = rb[i];
    s.rank_holdout = rh[i];
    if (ra[i] == 1) out.best_by_aic = s.name, min_aic = s.aic;
    if (rb[i] == 1) out.best_by_bic = s.name, min_bic = s.bic;
    if (rh[i] == 1) out.best_by_holdout = s.name;
  }
  for (auto& s : out.scores) {
    s.delta_aic = s.aic - min_aic;
    s.delta_bic = s.bic - min_bic;
  }
  auto key = [&](const LawScore& s) {
    const int r = co.rank_by == RankBy::kAic   ? s.rank_aic
                  : co.rank_by == RankBy::kBic ? s.rank_bic
                                               : s.rank_holdout;
    return r == 0 ? 1 << 30 : r;
  };
  std::stable_sort(out.scores.begin(), out.scores.end(),
                   [&](const LawScore& a, const LawScore& b) { return key(a) < key(b); });
  return out;
}

}  // namespace slfit
