// IsoFLOP profiles (Hoffmann et al.'s "Approach 2"): the compute-optimal N and D read off runs
// trained at a few fixed compute budgets, without assuming a parametric law.
//
// For each budget C the loss is fitted by a parabola in ln N (and, separately, in ln D); its
// vertex is that budget's optimum. A vertex counts only when the parabola opens upwards and the
// vertex lies inside the range of N (and of D) the budget sampled: a vertex outside it is an
// extrapolation, and a maximum is no optimum, so such budgets are reported with the reason and
// left out, never used silently. Power laws N_opt = k_N C^a and D_opt = k_D C^b are then fitted
// by least squares in log-log space through the kept optima.
//
// Approach 2 is biased when a budget's runs are not centred on its optimum (Open-Athena, "Problems
// with Chinchilla Approach 2", arXiv 2603.22339): a parabola is not the true profile, and the
// error of its vertex grows with the asymmetry. Each budget reports its `offset`, the distance of
// the vertex from the centre of the sampled ln N range in half-ranges (0: centred, 1: at an end),
// and budgets beyond `off_centre` raise a warning.
//
// A bootstrap resamples runs within each budget (every budget keeps its number of runs), refits
// every parabola and both power laws, and gives percentile intervals; a resample with fewer than
// two usable budgets counts as failed.
//
//   slfit::IsoflopOptions o;
//   o.bootstrap = 1000;
//   slfit::IsoflopResult r = slfit::isoflop_profile(C, N, D, loss, o);
//   double a = r.N.exponent;                               // N_opt ~ C^a
//   auto at = slfit::isoflop_at(r, {3.8e25});              // N_opt, D_opt with intervals
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/table.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/uncertainty/intervals.hpp"

namespace slfit {

struct IsoflopOptions {
  int min_points = 3;       // runs a budget needs (and distinct N values) for its parabola
  double off_centre = 0.5;  // warn when a kept vertex's offset exceeds this
  int bootstrap = 0;        // resamples (0: none)
  std::uint64_t seed = 0;   // of the bootstrap
  double level = 0.95;      // of the bootstrap's percentile intervals
};

// A parabola loss = c0 + c1 x + c2 x^2 in x = ln N (or ln D), and the range of x it was fitted on.
struct Parabola {
  std::array<double, 3> c{std::nan(""), std::nan(""), std::nan("")};
  double x_min = std::nan(""), x_max = std::nan("");
  double vertex() const { return -c[1] / (2.0 * c[2]); }
  double at(double x) const { return c[0] + x * (c[1] + x * c[2]); }
};

struct IsoflopBudget {
  double C = std::nan("");
  int points = 0;
  // At the vertex: the optimum of this budget (NaN where there is no parabola).
  double N = std::nan(""), D = std::nan(""), loss = std::nan("");
  double curvature = std::nan("");  // c2 of the parabola in ln N
  double offset = std::nan("");     // |vertex - centre| / half-range, in ln N
  bool interior = false;            // both vertices inside their sampled ranges
  bool used = false;                // kept for the power laws
  bool off_centre = false;          // used, with offset above IsoflopOptions::off_centre
  std::string reason;               // why it was left out (empty when used)
  Parabola in_N, in_D;
};

struct IsoflopPowerLaw {
  double exponent = std::nan(""), coefficient = std::nan("");  // x_opt = coefficient C^exponent
  Interval exponent_ci, coefficient_ci;                        // with a bootstrap
  double at(double c) const { return coefficient * std::pow(c, exponent); }
};

struct IsoflopResult {
  std::vector<IsoflopBudget> budgets;  // in increasing C
  IsoflopPowerLaw N, D;
  int used = 0;  // budgets kept
  int resamples = 0, failed = 0;
  // Per resample: the exponents and coefficients (a, k_N, b, k_D); NaN for a failed one.
  std::vector<std::array<double, 4>> samples;
  double level = 0.95;
  std::vector<std::string> warnings;
};

// The power laws' answer at a budget, with percentile intervals over the bootstrap's resamples.
struct IsoflopPoint {
  double C = std::nan(""), N = std::nan(""), D = std::nan(""), tokens_per_parameter = std::nan("");
  Interval N_ci, D_ci, tokens_per_parameter_ci;
};

namespace detail {

// Least squares parabola of y in x; the fit is made in x scaled to [-1, 1] for conditioning.
inline Parabola fit_parabola(const std::vector<double>& x, const std::vector<double>& y) {
  Parabola p;
  p.x_min = *std::min_element(x.begin(), x.end());
  p.x_max = *std::max_element(x.begin(), x.end());
  const double mid = 0.5 * (p.x_min + p.x_max), half = 0.5 * (p.x_max - p.x_min);
  const auto n = static_cast<Eigen::Index>(x.size());
  Eigen::MatrixXd V(n, 3);
  Eigen::VectorXd b(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double t = (x[static_cast<std::size_t>(i)] - mid) / half;
    V(i, 0) = 1.0;
    V(i, 1) = t;
    V(i, 2) = t * t;
    b(i) = y[static_cast<std::size_t>(i)];
  }
  const Eigen::Vector3d q = V.colPivHouseholderQr().solve(b);
  // Back from t = (x - mid) / half to x.
  const double a2 = q(2) / (half * half), a1 = q(1) / half;
  p.c = {q(0) - a1 * mid + a2 * mid * mid, a1 - 2.0 * a2 * mid, a2};
  return p;
}

inline std::size_t count_distinct(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return static_cast<std::size_t>(std::unique(v.begin(), v.end()) - v.begin());
}

// One budget's parabolas and verdict, from its runs (indices into the columns).
inline IsoflopBudget fit_budget(double c, const std::vector<Eigen::Index>& rows, const Array& n,
                                const Array& d, const Array& loss, const IsoflopOptions& o) {
  IsoflopBudget b;
  b.C = c;
  b.points = static_cast<int>(rows.size());
  std::vector<double> ln_n, ln_d, y;
  for (const Eigen::Index r : rows) {
    ln_n.push_back(std::log(n(r)));
    ln_d.push_back(std::log(d(r)));
    y.push_back(loss(r));
  }
  const auto need = static_cast<std::size_t>(std::max(o.min_points, 3));
  if (rows.size() < need || count_distinct(ln_n) < need || count_distinct(ln_d) < need) {
    b.reason = "too few runs: " + std::to_string(count_distinct(ln_n)) + " distinct N values, " +
               std::to_string(need) + " needed for a parabola";
    return b;
  }
  b.in_N = fit_parabola(ln_n, y);
  b.in_D = fit_parabola(ln_d, y);
  b.curvature = b.in_N.c[2];
  if (!(b.in_N.c[2] > 0.0) || !(b.in_D.c[2] > 0.0)) {
    b.reason = "the parabola has a maximum, not a minimum (curvature " +
               detail::format_g(b.curvature) + ")";
    return b;
  }
  const double vn = b.in_N.vertex(), vd = b.in_D.vertex();
  b.N = std::exp(vn);
  b.D = std::exp(vd);
  b.loss = b.in_N.at(vn);
  const double half = 0.5 * (b.in_N.x_max - b.in_N.x_min);
  b.offset = std::abs(vn - 0.5 * (b.in_N.x_min + b.in_N.x_max)) / half;
  b.interior = vn >= b.in_N.x_min && vn <= b.in_N.x_max && vd >= b.in_D.x_min && vd <= b.in_D.x_max;
  if (!b.interior) {
    b.reason = "the minimum lies outside the sampled range (N = " + detail::format_g(b.N) +
               ", sampled " + detail::format_g(std::exp(b.in_N.x_min)) + " to " +
               detail::format_g(std::exp(b.in_N.x_max)) + ")";
    return b;
  }
  b.used = true;
  b.off_centre = b.offset > o.off_centre;
  return b;
}

// ln x_opt = ln k + e ln C by least squares over the used budgets.
inline IsoflopPowerLaw fit_power_law(const std::vector<double>& c, const std::vector<double>& x) {
  const auto n = static_cast<double>(c.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const double u = std::log(c[i]), v = std::log(x[i]);
    sx += u, sy += v, sxx += u * u, sxy += u * v;
  }
  IsoflopPowerLaw p;
  p.exponent = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  p.coefficient = std::exp((sy - p.exponent * sx) / n);
  return p;
}

// The budgets' fits and the power laws through the used ones; false with fewer than two.
inline bool fit_profile(const std::vector<double>& budgets,
                        const std::vector<std::vector<Eigen::Index>>& rows, const Array& n,
                        const Array& d, const Array& loss, const IsoflopOptions& o,
                        std::vector<IsoflopBudget>& out, IsoflopPowerLaw& pn, IsoflopPowerLaw& pd) {
  out.clear();
  std::vector<double> c, xn, xd;
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    out.push_back(fit_budget(budgets[i], rows[i], n, d, loss, o));
    if (!out.back().used) continue;
    c.push_back(out.back().C);
    xn.push_back(out.back().N);
    xd.push_back(out.back().D);
  }
  if (detail::count_distinct(c) < 2) return false;
  pn = fit_power_law(c, xn);
  pd = fit_power_law(c, xd);
  return true;
}

inline void check_isoflop_columns(const Array& c, const Array& n, const Array& d,
                                  const Array& loss) {
  if (n.size() != c.size() || d.size() != c.size() || loss.size() != c.size())
    throw DataError("isoflop: C, N, D and the loss must have one value per run");
  const std::array<std::pair<const char*, const Array*>, 3> positive = {
      {{"C", &c}, {"N", &n}, {"D", &d}}};
  for (const auto& [name, column] : positive) {
    for (Eigen::Index r = 0; r < column->size(); ++r) {
      if (!(std::isfinite((*column)(r)) && (*column)(r) > 0.0)) {
        throw DataError(std::string("isoflop: ") + name + " must be positive and finite, but row " +
                        std::to_string(r + 1) + " has " + detail::format_g((*column)(r)));
      }
    }
  }
  for (Eigen::Index r = 0; r < loss.size(); ++r) {
    if (!std::isfinite(loss(r))) {
      throw DataError("isoflop: the loss must be finite, but row " + std::to_string(r + 1) +
                      " has " + detail::format_g(loss(r)));
    }
  }
}

inline Interval percentile_interval(std::vector<double> v, double level) {
  return {percentile(v, 0.5 * (1.0 - level)), percentile(std::move(v), 0.5 * (1.0 + level))};
}

}  // namespace detail

// The IsoFLOP analysis of runs at budgets C (equal values of C form a budget) with N parameters,
// D tokens and their loss. Throws DataError for non-positive or non-finite values and when fewer
// than two budgets give a usable optimum (with each budget's reason).
inline IsoflopResult isoflop_profile(const Array& c, const Array& n, const Array& d,
                                     const Array& loss, const IsoflopOptions& o = {}) {
  detail::check_isoflop_columns(c, n, d, loss);
  check_level(o.level);
  if (o.bootstrap < 0) throw UsageError("option 'bootstrap' must not be negative");
  std::map<double, std::vector<Eigen::Index>> by_budget;
  for (Eigen::Index r = 0; r < c.size(); ++r) by_budget[c(r)].push_back(r);
  std::vector<double> budgets;
  std::vector<std::vector<Eigen::Index>> rows;
  for (auto& [value, members] : by_budget) {
    budgets.push_back(value);
    rows.push_back(std::move(members));
  }
  IsoflopResult out;
  out.level = o.level;
  if (!detail::fit_profile(budgets, rows, n, d, loss, o, out.budgets, out.N, out.D)) {
    std::string why;
    for (const auto& b : out.budgets) {
      if (!b.used) why += "; C = " + detail::format_g(b.C) + ": " + b.reason;
    }
    int used = 0;
    for (const auto& b : out.budgets) used += b.used;
    throw DataError("isoflop: fewer than two budgets give a usable minimum (" +
                    std::to_string(used) + " of " + std::to_string(out.budgets.size()) +
                    "; the power laws need two)" + why);
  }
  for (const auto& b : out.budgets) {
    out.used += b.used;
    if (b.off_centre) {
      out.warnings.push_back("budget C = " + detail::format_g(b.C) +
                             ": the minimum lies off the centre of the sampled N (offset " +
                             detail::format_g(std::round(b.offset * 100) / 100) +
                             " of the half-range); Approach 2 is biased where budgets are not "
                             "centred on their optimum (arXiv 2603.22339)");
    }
  }
  if (o.bootstrap == 0) return out;

  out.resamples = o.bootstrap;
  std::vector<std::vector<Eigen::Index>> drawn(rows.size());
  std::vector<IsoflopBudget> scratch;
  for (int s = 0; s < o.bootstrap; ++s) {
    detail::Rng rng = detail::resample_rng(o.seed, static_cast<std::uint64_t>(s));
    for (std::size_t b = 0; b < rows.size(); ++b) {
      drawn[b].clear();
      for (std::size_t k = 0; k < rows[b].size(); ++k)
        drawn[b].push_back(rows[b][rng.below(rows[b].size())]);
    }
    IsoflopPowerLaw pn, pd;
    if (detail::fit_profile(budgets, drawn, n, d, loss, o, scratch, pn, pd)) {
      out.samples.push_back({pn.exponent, pn.coefficient, pd.exponent, pd.coefficient});
    } else {
      out.samples.push_back({std::nan(""), std::nan(""), std::nan(""), std::nan("")});
      ++out.failed;
    }
  }
  std::array<std::vector<double>, 4> columns;
  for (const auto& s : out.samples)
    for (std::size_t k = 0; k < 4; ++k) columns[k].push_back(s[k]);
  out.N.exponent_ci = detail::percentile_interval(columns[0], o.level);
  out.N.coefficient_ci = detail::percentile_interval(columns[1], o.level);
  out.D.exponent_ci = detail::percentile_interval(columns[2], o.level);
  out.D.coefficient_ci = detail::percentile_interval(columns[3], o.level);
  if (out.failed > 0) {
    out.warnings.push_back(std::to_string(out.failed) + " of " + std::to_string(o.bootstrap) +
                           " resamples had fewer than two usable budgets and were left out");
  }
  return out;
}

// N_opt, D_opt and tokens per parameter at each budget from the power laws, with intervals from
// the bootstrap's resamples where there are any.
inline std::vector<IsoflopPoint> isoflop_at(const IsoflopResult& r,
                                            const std::vector<double>& budgets) {
  std::vector<IsoflopPoint> out;
  for (const double c : budgets) {
    if (!(std::isfinite(c) && c > 0.0)) {
      throw UsageError("isoflop: a budget C must be positive and finite, got " +
                       detail::format_g(c));
    }
    IsoflopPoint p;
    p.C = c;
    p.N = r.N.at(c);
    p.D = r.D.at(c);
    p.tokens_per_parameter = p.D / p.N;
    if (!r.samples.empty()) {
      std::vector<double> ns, ds, ratios;
      for (const auto& s : r.samples) {
        const double n = s[1] * std::pow(c, s[0]), d = s[3] * std::pow(c, s[2]);
        ns.push_back(n);
        ds.push_back(d);
        ratios.push_back(d / n);
      }
      p.N_ci = detail::percentile_interval(ns, r.level);
      p.D_ci = detail::percentile_interval(ds, r.level);
      p.tokens_per_parameter_ci = detail::percentile_interval(ratios, r.level);
    }
    out.push_back(p);
  }
  return out;
}

}  // namespace slfit
