// Choosing the next runs: which runs of a pool, bought within a budget, most sharpen a law's
// predictions where they matter (the targets).
//
// The law is linearised around what is believed of its parameters. For a belief theta, row j of
// `pool` is the gradient of the prediction at candidate j with respect to the parameters (in the
// units the optimizer sees, fit/residual space), and row t of `targets` the same at target t.
// With noise variance s^2 per run and information M (in units of 1/s^2: M = prior + sum of
// j j^T over the runs bought), the parameters' covariance is s^2 M^-1 and the expected squared
// error of the prediction at target t is s^2 g_t^T M^-1 g_t. Buying run j adds j j^T to M; by
// the Sherman-Morrison formula the mean squared error over the targets falls by
//
//     s^2 |G M^-1 j|^2 / (T (1 + j^T M^-1 j))          (V-optimal: the targets' variance)
//
// and log det M grows by log(1 + j^T M^-1 j) (D-optimal: all parameters alike). A greedy design
// buys, one at a time, the affordable run with the largest gain per unit cost, until no run fits
// what is left of the budget. A pilot's belief is uncertain and the gradients depend on it, so
// the problem holds several samples of the parameters (the point estimate first): every gain and
// every reported error is the mean over the samples, and a design that is good only if the pilot
// guessed right is not preferred.
//
//   slfit::DesignProblem p;
//   p.samples.push_back({J_pool, G_targets, M_pilot});  // one per parameter sample
//   p.cost = cost_of_each_candidate;
//   p.noise_variance = s2;
//   slfit::DesignOptions o{.strategy = slfit::DesignStrategy::kVOptimal, .budget = 1e21};
//   slfit::DesignResult r = slfit::choose_runs(p, o);
//   for (const auto& step : r.steps) use(step.candidate, step.target_rmse);
//
// Baselines for comparison: kRandom buys runs in a seeded random order (skipping those that no
// longer fit), kCheapest the cheapest first. Results depend only on the inputs and the seed, never
// on the thread count.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/detail/parallel.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

enum class DesignStrategy { kVOptimal, kDOptimal, kRandom, kCheapest };

inline std::string_view to_string(DesignStrategy s) {
  switch (s) {
    case DesignStrategy::kVOptimal:
      return "v-optimal";
    case DesignStrategy::kDOptimal:
      return "d-optimal";
    case DesignStrategy::kRandom:
      return "random";
    case DesignStrategy::kCheapest:
      return "cheapest";
  }
  return "?";
}

inline DesignStrategy parse_design_strategy(std::string_view s) {
  for (auto k : {DesignStrategy::kVOptimal, DesignStrategy::kDOptimal, DesignStrategy::kRandom,
                 DesignStrategy::kCheapest}) {
    if (to_string(k) == s) return k;
  }
  throw UsageError("unknown strategy '" + std::string(s) +
                   "' (option 'strategy'); strategies are: v-optimal, d-optimal, random, cheapest");
}

// The linearised problem at one sample of the parameters.
struct DesignSample {
  Eigen::MatrixXd pool;     // candidates x parameters: the prediction's gradient at each candidate
  Eigen::MatrixXd targets;  // targets x parameters
  Eigen::MatrixXd prior;    // parameters x parameters: information before any new run (x s^2)
};

struct DesignProblem {
  std::vector<DesignSample> samples;  // at least one; the same shapes in each
  Eigen::ArrayXd cost;                // per candidate, finite and > 0
  double noise_variance = 1.0;        // s^2, in the prediction's units squared
};

struct DesignOptions {
  DesignStrategy strategy = DesignStrategy::kVOptimal;
  double budget = 0.0;  // in the units of `cost`
  std::uint64_t seed = 0;
  int threads = 0;  // over the samples (0: all cores); the result does not depend on it
};

struct DesignStep {
  Eigen::Index candidate = 0;  // 0-based row of the pool
  double cost = 0.0, cumulative_cost = 0.0;
  double target_rmse = 0.0;  // root mean squared prediction error over the targets afterwards
};

struct DesignResult {
  DesignStrategy strategy = DesignStrategy::kVOptimal;
  double budget = 0.0;
  double initial_rmse = 0.0;  // with the prior alone
  std::vector<DesignStep> steps;
  double final_mse = 0.0;  // the targets' mean squared prediction error after the last step
  double log_det = 0.0;    // log det of the information after the last step, mean over samples
  std::string rule;  // the greedy that won: "gain per unit cost" or "gain"; baselines "in order"
  double spent() const { return steps.empty() ? 0.0 : steps.back().cumulative_cost; }
};

namespace detail {

inline void check_design_problem(const DesignProblem& p, const DesignOptions& o) {
  if (p.samples.empty()) throw UsageError("a design needs at least one parameter sample");
  const DesignSample& s0 = p.samples.front();
  const Eigen::Index k = s0.pool.cols();
  if (s0.pool.rows() == 0) throw DataError("the pool of candidate runs is empty");
  if (s0.targets.rows() == 0) throw DataError("there are no targets to predict");
  for (const auto& s : p.samples) {
    if (s.pool.rows() != s0.pool.rows() || s.pool.cols() != k || s.targets.cols() != k ||
        s.targets.rows() != s0.targets.rows() || s.prior.rows() != k || s.prior.cols() != k) {
      throw UsageError("the design's parameter samples differ in shape");
    }
    if (!s.pool.allFinite() || !s.targets.allFinite() || !s.prior.allFinite())
      throw DataError("a gradient of the design is not finite");
  }
  if (p.cost.size() != s0.pool.rows())
    throw UsageError("the design needs one cost per candidate run");
  for (Eigen::Index i = 0; i < p.cost.size(); ++i) {
    if (!(std::isfinite(p.cost(i)) && p.cost(i) > 0.0)) {
      throw DataError("the cost of candidate " + std::to_string(i + 1) +
                      " is not a positive number (" + format_g(p.cost(i)) + ")");
    }
  }
  if (!(std::isfinite(p.noise_variance) && p.noise_variance > 0.0))
    throw DataError("the noise variance of the design is not a positive number");
  if (!(std::isfinite(o.budget) && o.budget > 0.0))
    throw UsageError("option 'budget' must be a positive number");
  if (o.budget < p.cost.minCoeff()) {
    throw DataError("option 'budget' (" + format_g(o.budget) +
                    ") is below the cheapest candidate run's cost (" + format_g(p.cost.minCoeff()) +
                    "): no run can be bought");
  }
}

// M^-1 for a symmetric positive definite M; a DataError when the prior leaves it singular.
inline Eigen::MatrixXd information_inverse(const Eigen::MatrixXd& m) {
  Eigen::LLT<Eigen::MatrixXd> llt(m);
  if (llt.info() != Eigen::Success)
    throw DataError("the design's information matrix is not positive definite");
  return llt.solve(Eigen::MatrixXd::Identity(m.rows(), m.cols()));
}

// Per-sample state of a greedy design: the information and its inverse.
struct DesignState {
  std::vector<Eigen::MatrixXd> info, inverse;

  explicit DesignState(const DesignProblem& p) {
    for (const auto& s : p.samples) {
      info.push_back(s.prior);
      inverse.push_back(information_inverse(s.prior));
    }
  }

  // M^-1 is refactored from M after each run rather than updated by Sherman-Morrison: it costs
  // O(K^3) per sample and step, small beside scoring every candidate (O(candidates K^2)), and
  // rounding errors do not pile up over hundreds of rank-one updates.
  void add(const DesignProblem& p, Eigen::Index j) {
    for (std::size_t s = 0; s < info.size(); ++s) {
      const Eigen::VectorXd g = p.samples[s].pool.row(j).transpose();
      info[s] += g * g.transpose();
      inverse[s] = information_inverse(info[s]);
    }
  }

  // Mean over samples of log det M.
  double log_det() const {
    double sum = 0.0;
    for (const auto& m : info)
      sum += 2.0 * Eigen::MatrixXd(m.llt().matrixL()).diagonal().array().log().sum();
    return sum / static_cast<double>(info.size());
  }

  // Mean over samples and targets of the prediction's squared error.
  double target_mse(const DesignProblem& p) const {
    double sum = 0.0;
    for (std::size_t s = 0; s < info.size(); ++s) {
      const Eigen::MatrixXd& g = p.samples[s].targets;
      sum += ((g * inverse[s]).cwiseProduct(g)).sum() / static_cast<double>(g.rows());
    }
    return p.noise_variance * sum / static_cast<double>(info.size());
  }
};

// The gain of every candidate, averaged over the samples (V: fall in the targets' mean squared
// error; D: growth of log det M).
inline Eigen::ArrayXd design_gains(const DesignProblem& p, const DesignState& st, bool v_optimal,
                                   int threads) {
  const std::size_t n = p.samples.size();
  std::vector<Eigen::ArrayXd> per(n);
  detail::parallel_for(n, detail::thread_count(threads, n), [&](std::size_t s) {
    const Eigen::MatrixXd& j = p.samples[s].pool;
    const Eigen::MatrixXd& minv = st.inverse[s];
    const Eigen::ArrayXd q = ((j * minv).cwiseProduct(j)).rowwise().sum().array();
    if (v_optimal) {
      const Eigen::MatrixXd gm = p.samples[s].targets * minv;
      const Eigen::MatrixXd a = gm.transpose() * gm;
      const Eigen::ArrayXd v = ((j * a).cwiseProduct(j)).rowwise().sum().array();
      // Relative to this sample's current error: every plausible truth counts alike, and samples
      // far out in the belief's tails (whose errors are largest) do not decide alone.
      const double mse = (gm.cwiseProduct(p.samples[s].targets)).sum();
      per[s] = v / ((1.0 + q) * mse);
    } else {
      per[s] = (1.0 + q).log();
    }
  });
  Eigen::ArrayXd mean = Eigen::ArrayXd::Zero(p.samples.front().pool.rows());
  for (const auto& a : per) mean += a;  // a fixed order: the same sums on any thread count
  return mean / static_cast<double>(n);
}

// The order in which a baseline buys: seeded shuffle, or cheapest first (ties by row).
inline std::vector<Eigen::Index> baseline_order(const DesignProblem& p, const DesignOptions& o) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(p.cost.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  if (o.strategy == DesignStrategy::kCheapest) {
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index a, Eigen::Index b) { return p.cost(a) < p.cost(b); });
  } else {
    detail::Rng rng(o.seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  }
  return order;
}

// Buys the affordable runs of `order` in turn.
inline void buy_in_order(const DesignProblem& p, const DesignOptions& o,
                         const std::vector<Eigen::Index>& order, DesignResult& r) {
  DesignState st(p);
  double spent = 0.0;
  for (Eigen::Index j : order) {
    if (spent + p.cost(j) > o.budget) continue;
    spent += p.cost(j);
    st.add(p, j);
    r.steps.push_back({j, p.cost(j), spent, std::sqrt(st.target_mse(p))});
  }
  r.final_mse = st.target_mse(p);
  r.log_det = st.log_det();
  r.rule = "in order";
}

// One greedy design: each step buys the affordable run of largest gain (per unit cost when
// `per_cost`), until none is affordable.
inline void greedy_design(const DesignProblem& p, const DesignOptions& o, bool v_optimal,
                          bool per_cost, DesignResult& r) {
  DesignState st(p);
  const Eigen::Index n = p.cost.size();
  std::vector<bool> taken(static_cast<std::size_t>(n), false);
  double spent = 0.0;
  for (;;) {
    Eigen::ArrayXd gain = design_gains(p, st, v_optimal, o.threads);
    if (per_cost) gain /= p.cost;
    Eigen::Index best = -1;
    for (Eigen::Index j = 0; j < n; ++j) {
      if (taken[static_cast<std::size_t>(j)] || spent + p.cost(j) > o.budget) continue;
      if (best < 0 || gain(j) > gain(best)) best = j;
    }
    if (best < 0) break;
    taken[static_cast<std::size_t>(best)] = true;
    spent += p.cost(best);
    st.add(p, best);
    r.steps.push_back({best, p.cost(best), spent, std::sqrt(st.target_mse(p))});
  }
  r.final_mse = st.target_mse(p);
  r.log_det = st.log_det();
  r.rule = per_cost ? "gain per unit cost" : "gain";
}

}  // namespace detail

// The runs to buy, in order, with the predicted error at the targets after each. Throws
// DataError for an empty pool, no targets, a cost that is not positive, a budget below the
// cheapest run, or a prior that is not positive definite.
inline DesignResult choose_runs(const DesignProblem& p, const DesignOptions& o) {
  detail::check_design_problem(p, o);
  DesignResult r;
  r.strategy = o.strategy;
  r.budget = o.budget;
  r.initial_rmse = std::sqrt(detail::DesignState(p).target_mse(p));
  if (o.strategy == DesignStrategy::kRandom || o.strategy == DesignStrategy::kCheapest) {
    detail::buy_in_order(p, o, detail::baseline_order(p, o), r);
    return r;
  }
  // The greedy by gain per unit cost can do badly when one dear run is worth more than many cheap
  // ones, the greedy by gain alone when it is not; as in Leskovec et al. 2007 ("Cost-effective
  // outbreak detection in networks", CELF) both run, and the design with the better criterion at
  // the end is kept.
  const bool v = o.strategy == DesignStrategy::kVOptimal;
  DesignResult by_gain = r;
  detail::greedy_design(p, o, v, true, r);
  detail::greedy_design(p, o, v, false, by_gain);
  const double a = v ? r.final_mse : -r.log_det, b = v ? by_gain.final_mse : -by_gain.log_det;
  return b < a ? by_gain : r;
}

}  // namespace slfit
