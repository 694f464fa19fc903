// Variable projection and the screening of large start grids.
//
// Many laws are linear in some of their parameters: Chinchilla's E, A and B multiply fixed
// functions of N and D once the exponents are chosen, L = E * 1 + A * N^-alpha + B * D^-beta. For
// each candidate of the nonlinear parameters the best linear ones are then a small least-squares
// problem with a closed-form answer. Projection replaces the linear parameters of a start by that
// answer (within their bounds), so a start grid that varies the linear parameters collapses to its
// distinct nonlinear candidates, each already at its best scales.
//
// Screening uses this to cut a large grid (Hoffmann et al.'s 4500 starts) to a few candidates
// before any solver runs: every start's objective is evaluated (vectorized over the table), every
// distinct nonlinear candidate is projected and evaluated, and only the best `keep` distinct
// points are solved. The least squares are weighted by 1/L^2 when the fit is in log space
// (log L' - log L ~ (L' - L) / L), so the projection is exact for squared linear fits without an
// over-estimate penalty and a first-order answer otherwise. That is safe because projection only
// proposes candidates: every start and every projected candidate is ranked by the fit's own
// objective (penalty and all), and the solver then finishes the job on that objective.
//
// A parameter is taken as linear when its spec says so (ParameterSpec::linear) and the formula is
// verified, at each point, to be affine in those parameters; where it is not, the start is kept
// unprojected.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "slfit/detail/parallel.hpp"
#include "slfit/fit/dense_lm.hpp"
#include "slfit/fit/options.hpp"
#include "slfit/fit/residual_model.hpp"

namespace slfit {

template <Law L>
class LinearProjection {
 public:
  static constexpr int K = L::kNumParameters;

  explicit LinearProjection(const ResidualModel<L>& model) : model_(&model) {
    const FitProblem<L>& pr = model.problem();
    for (int j = 0; j < K; ++j) {
      const auto u = static_cast<std::size_t>(j);
      if (pr.specs[u].linear && !pr.is_fixed[u]) linear_.push_back(j);
    }
    const Eigen::Index n = model.rows();
    const Eigen::Map<const Eigen::VectorXd> t(pr.target.data(), n);
    y_ = pr.space == Space::kLog ? t.array().exp().matrix().eval() : t;
    w_ = pr.weights.empty() ? Eigen::VectorXd::Ones(n)
                            : Eigen::Map<const Eigen::VectorXd>(pr.weights.data(), n).eval();
    if (pr.space == Space::kLog) w_ = w_.cwiseQuotient(y_.cwiseAbs2());
  }

  bool available() const { return !linear_.empty(); }
  const std::vector<int>& linear() const { return linear_; }

  // Replaces the linear parameters of `p` (natural units) by their weighted least-squares values
  // within bounds. False (p unchanged) where the formula is not affine in them at p, or not finite.
  bool project(std::vector<double>& p) const {
    const FitProblem<L>& pr = model_->problem();
    const auto s = static_cast<Eigen::Index>(linear_.size());
    if (s == 0) return false;
    const Eigen::Index n = model_->rows();
    std::vector<double> q = p;
    for (int j : linear_) q[static_cast<std::size_t>(j)] = 0.0;
    const Eigen::VectorXd base = eval(q);
    Eigen::MatrixXd phi(n, s);
    for (Eigen::Index a = 0; a < s; ++a) {
      const auto u = static_cast<std::size_t>(linear_[static_cast<std::size_t>(a)]);
      q[u] = 1.0;
      phi.col(a) = eval(q) - base;
      q[u] = 0.0;
    }
    if (!base.allFinite() || !phi.allFinite()) return false;
    // Affine check at p itself: f(p) = base + phi c.
    Eigen::VectorXd c0(s);
    for (Eigen::Index a = 0; a < s; ++a) c0(a) = p[static_cast<std::size_t>(linear_[a])];
    const Eigen::VectorXd fp = eval(p);
    const Eigen::VectorXd lin = base + phi * c0;
    if (!fp.allFinite() ||
        ((fp - lin).cwiseAbs().array() > 1e-8 * (fp.cwiseAbs().array() + 1e-300)).any())
      return false;

    const Eigen::MatrixXd gram = phi.transpose() * w_.asDiagonal() * phi;
    const Eigen::VectorXd rhs = phi.transpose() * (w_.cwiseProduct(y_ - base));
    std::vector<double> lo(static_cast<std::size_t>(s)), hi(static_cast<std::size_t>(s));
    for (Eigen::Index a = 0; a < s; ++a) {
      const ParameterSpec& spec = pr.specs[static_cast<std::size_t>(linear_[a])];
      lo[static_cast<std::size_t>(a)] = spec.lower;
      hi[static_cast<std::size_t>(a)] = spec.upper;
    }
    Eigen::VectorXd c;
    if (!bounded_least_squares(gram, rhs, lo, hi, c)) return false;
    for (Eigen::Index a = 0; a < s; ++a) {
      const auto u = static_cast<std::size_t>(linear_[a]);
      double v = c(a);
      if (pr.specs[u].transform == Transform::kLog && !(v > 0.0)) {
        // A scale the data do not want at all: the smallest size that still has a log.
        const double typical =
            y_.cwiseAbs().mean() / std::max(phi.col(a).cwiseAbs().mean(), 1e-300);
        v = std::max(1e-12 * typical, std::nextafter(pr.specs[u].lower, kInf));
        if (!(v > 0.0 && std::isfinite(v))) return false;
      }
      q[u] = v;
    }
    for (int j = 0; j < K; ++j)
      if (!pr.specs[static_cast<std::size_t>(j)].linear || pr.is_fixed[static_cast<std::size_t>(j)])
        q[static_cast<std::size_t>(j)] = p[static_cast<std::size_t>(j)];
    p = std::move(q);
    return true;
  }

 private:
  Eigen::VectorXd eval(const std::vector<double>& p) const {
    return Array(model_->problem().law.formula(p.data(), model_->view())).matrix();
  }

  // min c'Gc - 2 b'c subject to lo <= c <= hi, by trying every assignment of each variable to
  // free / lower / upper (3^s with s <= 5 linear parameters), else by clamping.
  static bool bounded_least_squares(const Eigen::MatrixXd& g, const Eigen::VectorXd& b,
                                    const std::vector<double>& lo, const std::vector<double>& hi,
                                    Eigen::VectorXd& best) {
    const auto s = static_cast<int>(b.size());
    double best_q = kInf;
    int combos = 1;
    for (int a = 0; a < std::min(s, 5); ++a) combos *= 3;
    for (int code = 0; code < combos; ++code) {
      Eigen::VectorXd c = Eigen::VectorXd::Zero(s);
      std::vector<int> free;
      bool valid = true;
      for (int a = 0, rest = code; a < s; ++a, rest /= 3) {
        const int state = s <= 5 ? rest % 3 : 0;
        const auto u = static_cast<std::size_t>(a);
        if (state == 0) {
          free.push_back(a);
        } else {
          const double v = state == 1 ? lo[u] : hi[u];
          if (!std::isfinite(v)) valid = false;
          c(a) = v;
        }
      }
      if (!valid) continue;
      const auto f = static_cast<Eigen::Index>(free.size());
      if (f > 0) {
        Eigen::MatrixXd gf(f, f);
        Eigen::VectorXd bf(f);
        for (Eigen::Index i = 0; i < f; ++i) {
          bf(i) = b(free[i]) - g.row(free[i]).dot(c);
          for (Eigen::Index j = 0; j < f; ++j) gf(i, j) = g(free[i], free[j]);
        }
        const Eigen::LDLT<Eigen::MatrixXd> ldlt(gf);
        const Eigen::VectorXd cf = ldlt.solve(bf);
        if (ldlt.info() != Eigen::Success || !cf.allFinite()) continue;
        for (Eigen::Index i = 0; i < f; ++i) c(free[i]) = cf(i);
      }
      if (s > 5) {
        for (int a = 0; a < s; ++a)
          c(a) = std::clamp(c(a), lo[static_cast<std::size_t>(a)], hi[static_cast<std::size_t>(a)]);
      }
      bool inside = true;
      for (int a = 0; a < s; ++a) {
        const auto u = static_cast<std::size_t>(a);
        if (c(a) < lo[u] || c(a) > hi[u]) inside = false;
      }
      if (!inside) continue;
      const double q = c.dot(g * c) - 2.0 * b.dot(c);
      if (q < best_q) {
        best_q = q;
        best = c;
      }
    }
    return std::isfinite(best_q);
  }

  const ResidualModel<L>* model_;
  std::vector<int> linear_;
  Eigen::VectorXd y_, w_;
};

// One point to solve from after screening: where it is, which start it came from, its objective.
struct ScreenedStart {
  std::vector<double> point;  // natural units
  std::size_t origin = 0;     // index into the full start list
  bool projected = false;
  double objective = std::nan("");
};

struct ScreenOutcome {
  std::vector<ScreenedStart> kept;  // best first
  int evaluated = 0;                // starts whose objective was evaluated
  int not_finite = 0;               // of those, how many gave no finite objective
  int projected = 0;                // distinct nonlinear candidates projected
};

// Ranks every start (and, with projection, every distinct nonlinear candidate at its projected
// linear parameters) by the objective and keeps the best `keep` distinct points. Deterministic:
// ties go to the lower start index, then to the unprojected point.
template <Law L>
ScreenOutcome screen_starts(const ResidualModel<L>& model,
                            const std::vector<std::vector<double>>& starts, int keep, bool project,
                            unsigned threads) {
  const FitProblem<L>& pr = model.problem();
  const std::size_t k = pr.specs.size();
  const Eigen::VectorXd w =
      pr.weights.empty()
          ? Eigen::VectorXd::Ones(model.rows())
          : Eigen::Map<const Eigen::VectorXd>(pr.weights.data(), model.rows()).eval();
  const ObjectiveFunction f = pr.objective_function();
  auto objective_at = [&](const std::vector<double>& natural) {
    std::vector<double> internal(k);
    for (std::size_t i = 0; i < k; ++i)
      internal[i] = to_internal(pr.specs[i].transform, natural[i]);
    Eigen::VectorXd r, buffer;
    if (!model.residuals(internal.data(), r)) return std::nan("");
    return f.value(r, w, buffer);
  };

  std::vector<ScreenedStart> pool(starts.size());
  detail::parallel_for(starts.size(), threads, [&](std::size_t s) {
    pool[s] = {starts[s], s, false, objective_at(starts[s])};
  });
  ScreenOutcome out;
  out.evaluated = static_cast<int>(starts.size());
  for (const auto& c : pool) out.not_finite += std::isfinite(c.objective) ? 0 : 1;

  const LinearProjection<L> projection(model);
  if (project && projection.available()) {
    // Distinct nonlinear coordinates, each represented by its first start.
    std::map<std::vector<double>, std::size_t> first;
    std::vector<bool> linear(k, false);
    for (int j : projection.linear()) linear[static_cast<std::size_t>(j)] = true;
    for (std::size_t s = 0; s < starts.size(); ++s) {
      std::vector<double> key;
      for (std::size_t i = 0; i < k; ++i)
        if (!linear[i]) key.push_back(starts[s][i]);
      first.emplace(std::move(key), s);
    }
    std::vector<std::size_t> reps;
    for (const auto& [key, s] : first) reps.push_back(s);
    std::sort(reps.begin(), reps.end());
    std::vector<ScreenedStart> projected(reps.size());
    detail::parallel_for(reps.size(), threads, [&](std::size_t i) {
      std::vector<double> p = starts[reps[i]];
      if (projection.project(p)) {
        projected[i] = {p, reps[i], true, objective_at(p)};
      }
    });
    for (auto& c : projected) {
      if (c.point.empty()) continue;
      ++out.projected;
      pool.push_back(std::move(c));
    }
  }

  std::stable_sort(pool.begin(), pool.end(), [](const ScreenedStart& a, const ScreenedStart& b) {
    const bool fa = std::isfinite(a.objective), fb = std::isfinite(b.objective);
    if (fa != fb) return fa;
    if (fa && a.objective != b.objective) return a.objective < b.objective;
    if (a.origin != b.origin) return a.origin < b.origin;
    return !a.projected && b.projected;
  });
  for (auto& c : pool) {
    if (static_cast<int>(out.kept.size()) >= std::max(keep, 1)) break;
    if (!std::isfinite(c.objective) && !out.kept.empty()) break;
    bool distinct = true;
    for (const auto& o : out.kept) {
      double diff = 0.0;
      for (std::size_t i = 0; i < k; ++i) {
        const double a = to_internal(pr.specs[i].transform, c.point[i]);
        const double b = to_internal(pr.specs[i].transform, o.point[i]);
        diff = std::max(diff, std::abs(a - b) / (1.0 + std::abs(b)));
      }
      if (diff < 1e-9) distinct = false;
    }
    if (distinct) out.kept.push_back(std::move(c));
  }
  return out;
}

}  // namespace slfit
