// Extrapolation check: fit on part of a table, predict the rows held out, and measure the error.
//
// Scaling laws are used to extrapolate, so the honest test of a fit is to hold out the largest
// runs (N >= 1e9, say), fit the rest, and compare. Errors are reported per held-out row and as
// RMSE and maximum absolute error, both in the target's natural units (loss) and in the fitted
// space (log loss for a log fit, where they read as relative errors).
//
// The check is type-erased: a FitCandidate bundles a fit function and a prediction function, so
// the tool can run it on any law of its registry; candidate<Law>(name, options) makes one.
//
//   auto c = slfit::candidate<slfit::Chinchilla>("chinchilla", opt);
//   slfit::HoldoutResult h = slfit::holdout(table, slfit::Expression::parse("N >= 1e9"), c);
//   std::printf("held-out RMSE %g (log space %g)\n", h.rmse, h.rmse_fitted);
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/uncertainty/results.hpp"

namespace slfit {

template <Law L>
FitCandidate candidate(const L& law, std::string name, const FitOptions& opt) {
  objective_function(opt).check();  // before compare_laws or holdout fits anything
  FitCandidate c;
  c.name = std::move(name);
  c.fit = [law, opt](const Table& t) { return fit(law, t, opt); };
  c.predict = [law, opt](const Table& t, const FitResult& r) {
    return evaluate_named(law, t, r.names, r.parameters, opt);
  };
  c.target_column = column_for(opt.columns, opt.target);
  c.free_parameters = L::kNumParameters;
  for (const auto& spec : law.parameters()) c.free_parameters -= opt.fixed.count(spec.name) ? 1 : 0;
  return c;
}

template <Law L>
FitCandidate candidate(std::string name, const FitOptions& opt) {
  return candidate(L{}, std::move(name), opt);
}

// Fits `c` on the rows where `held_out` is false and predicts the others. Throws DataError when
// the mask selects no row, or leaves fewer training rows than the candidate's free parameters.
inline HoldoutResult holdout(const Table& table, const Mask& held_out, const FitCandidate& c) {
  if (held_out.size() != table.rows()) {
    throw UsageError("hold-out mask has " + std::to_string(held_out.size()) + " entries but " +
                     table.label() + " has " + std::to_string(table.rows()) + " rows");
  }
  const auto held = static_cast<Eigen::Index>(held_out.count());
  if (held == 0) throw DataError("the hold-out condition selects no rows of " + table.label());
  const Eigen::Index train = table.rows() - held;
  if (train < std::max(c.free_parameters, 1)) {
    throw DataError("holding out " + std::to_string(held) + " of " + std::to_string(table.rows()) +
                    " rows of " + table.label() + " leaves " + std::to_string(train) +
                    " to fit, but '" + c.name + "' has " + std::to_string(c.free_parameters) +
                    " free parameters");
  }
  HoldoutResult out;
  out.name = c.name;
  out.train_rows = train;
  out.fit = c.fit(table.filter(!held_out));
  const Table test = table.filter(held_out);
  std::vector<Eigen::Index> index;
  for (Eigen::Index r = 0; r < table.rows(); ++r)
    if (held_out(r)) index.push_back(r + 1);
  if (out.fit.status == FitStatus::kFailed) {
    for (Eigen::Index r : index) out.rows.push_back({r});
    return out;
  }
  const Array pred = c.predict(test, out.fit);
  const ColumnView obs = test.column(c.target_column);
  const bool log_space = out.fit.space == Space::kLog;
  double ss = 0.0, ss_fit = 0.0, mx = 0.0, mx_fit = 0.0;
  for (Eigen::Index i = 0; i < test.rows(); ++i) {
    HoldoutRow h{index[static_cast<std::size_t>(i)], obs(i), pred(i), pred(i) - obs(i), 0.0};
    if (log_space && !(obs(i) > 0.0 && pred(i) > 0.0)) {
      throw DataError("held-out row " + std::to_string(h.row) + " of " + table.label() +
                      " has no log error: observed and predicted values must be positive");
    }
    h.fitted_error = log_space ? std::log(pred(i)) - std::log(obs(i)) : h.error;
    ss += h.error * h.error;
    ss_fit += h.fitted_error * h.fitted_error;
    mx = std::max(mx, std::abs(h.error));
    mx_fit = std::max(mx_fit, std::abs(h.fitted_error));
    out.rows.push_back(h);
  }
  const double m = static_cast<double>(test.rows());
  out.rmse = std::sqrt(ss / m);
  out.rmse_fitted = std::sqrt(ss_fit / m);
  out.max_abs_error = mx;
  out.max_abs_error_fitted = mx_fit;
  return out;
}

// The rows where `condition` is nonzero are held out (a NaN condition is an error, as in
// filter_rows).
inline Mask holdout_mask(const Table& table, const Expression& condition) {
  const Array v = condition.evaluate(table);
  Mask m(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (std::isnan(v(i))) {
      throw DataError("hold-out condition \"" + condition.text() + "\" is NaN at row " +
                      std::to_string(i + 1) + " of " + table.label());
    }
    m(i) = v(i) != 0.0;
  }
  return m;
}

inline HoldoutResult holdout(const Table& table, const Expression& condition,
                             const FitCandidate& c) {
  return holdout(table, holdout_mask(table, condition), c);
}

// Typed shorthand: holdout<Chinchilla>(table, mask, options).
template <Law L>
HoldoutResult holdout(const Table& table, const Mask& held_out, const FitOptions& opt) {
  return holdout(table, held_out, candidate<L>(std::string(L::kName), opt));
}

}  // namespace slfit
