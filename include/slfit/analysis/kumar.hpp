// Optimal training precision for Kumar et al. 2024's law of low-precision training (kumar-qat,
// arXiv 2411.04330): which bit width to train in, and how to split a compute budget between
// parameters and tokens once a bit width is chosen. Works with preset or fitted parameters, given
// in kumar-qat's own order (A, B, E, alpha, beta, gamma_w, gamma_a, gamma_kv, n_w, n_a, n_kv).
//
// Weights, activations and KV cache are all trained at the same P bits, and training costs
//   C = k N D P,   k = 6/16   (6 N D FLOPs at 16 bits, scaled linearly with the bit width).
// With f(P) = N_eff / N = prod_i (1 - exp(-P/gamma_i + n_i)) the loss is
//   L(N, D, P) = E + A (N f(P))^-alpha + B D^-beta.
//
// At a fixed P this is Chinchilla's problem in N_eff with N D = C / (k P), so
//   N_opt = G (C/(kP))^(beta/s),   D_opt = G^-1 (C/(kP))^(alpha/s),   s = alpha + beta,
//   G = (alpha A f(P)^-alpha / (beta B))^(1/s),
// and the loss there is E + const * (P / f(P))^(alpha beta / s) * C^(-alpha beta / s). Hence the
// jointly optimal P maximizes f(P)/P (effective parameters per bit) and does not move with C.
// LAWS.md states this for alpha = beta, the paper's tied fit; the derivation above never uses it,
// and the tests confirm it numerically for alpha != beta too. The same holds at a fixed D: there
// N = C/(kDP), so N_eff is proportional to f(P)/P. At a fixed N there is no such shortcut: more
// compute buys more tokens, and the optimal P rises with C.
//
// Domain. Under the offset form a factor 1 - exp(-P/gamma + n) is zero at P = n gamma and negative
// below, where the law is undefined. Every search therefore runs over P in (P_low, max_bits] with
// P_low = max(1, max_i n_i gamma_i): 3.11 bits for the kumar2024 preset (set by the activations),
// 1 bit (the law's smallest input) for the main-text form. max_bits defaults to 32.
//
// The numerical searches are deterministic: a scan of the range followed by golden-section
// refinement around the best scanned point, with N (where free) found by golden section on log N,
// along which the loss is convex. They minimize L - E, which avoids rounding the small reducible
// part against E.
//
//   auto qat = slfit::preset_values<slfit::KumarQat>("kumar2024");
//   double p = slfit::kumar_optimal_precision_joint(qat).P;                 // any C
//   auto x = slfit::kumar_optimal_allocation_at_precision(qat, p, 1e21);   // x.N, x.D, x.loss
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/law_traits.hpp"
#include "slfit/detail/minimize.hpp"
#include "slfit/laws/kumar.hpp"

namespace slfit {

// FLOPs per parameter, token and bit of training precision: 6 FLOPs per parameter-token at 16.
inline constexpr double kKumarFlopsPerBit = 6.0 / 16.0;

// An optimum of training precision and/or allocation under a compute budget.
struct KumarOptimum {
  double compute = 0.0;  // C, FLOPs
  double P = 0.0;        // training precision in bits (weights, activations and KV cache)
  double N = 0.0;        // parameters
  double D = 0.0;        // tokens
  double N_eff = 0.0;    // N f(P)
  double loss = 0.0;     // L(N, D, P)
  // The optimum lies on max_bits: the law would prefer more bits than the search allowed.
  bool at_max_bits = false;
};

// The compute-free joint optimum: the P that maximizes N_eff / (N P).
struct KumarJointPrecision {
  double P = 0.0;              // bits
  double neff_fraction = 0.0;  // f(P) = N_eff / N there
  double neff_per_bit = 0.0;   // f(P) / P, the quantity maximized
  bool at_max_bits = false;
};

namespace detail {

template <class F>
Minimum1d kumar_scan_minimize(const F& fn, double lo, double hi, const char* who) {
  const Minimum1d m = scan_minimize(fn, lo, hi);
  if (!std::isfinite(m.f)) {
    throw DataError(std::string(who) + ": the loss is not finite anywhere in the precision range");
  }
  return m;
}

inline void kumar_check_qat(const std::vector<double>& p, const char* who) {
  check_parameter_values<KumarQat>(p);
  if (!(p[KumarQat::kA] > 0.0 && p[KumarQat::kB] > 0.0 && p[KumarQat::kAlpha] > 0.0 &&
        p[KumarQat::kBeta] > 0.0)) {
    throw UsageError(std::string(who) + " needs A, B, alpha and beta all positive");
  }
  if (!(p[KumarQat::kGammaW] > 0.0 && p[KumarQat::kGammaA] > 0.0 && p[KumarQat::kGammaKv] > 0.0)) {
    throw UsageError(std::string(who) + " needs gamma_w, gamma_a and gamma_kv all positive");
  }
}

inline void kumar_check_positive(double v, const char* what, const char* who) {
  if (!(v > 0.0) || !std::isfinite(v)) {
    throw UsageError(std::string(who) + ": " + what + " must be positive and finite, got " +
                     kumar_num(v));
  }
}

// log f(P); -inf at a factor's zero and NaN below it.
inline double kumar_log_fraction(const std::vector<double>& p, double P) {
  double s = 0.0;
  for (int i = 0; i < 3; ++i)
    s += std::log1p(-std::exp(p[static_cast<std::size_t>(KumarQat::kNw + i)] -
                              P / p[static_cast<std::size_t>(KumarQat::kGammaW + i)]));
  return s;
}

// L - E from logs of N and D.
inline double kumar_reducible(const std::vector<double>& p, double log_n, double log_d, double P) {
  return p[KumarQat::kA] * std::exp(-p[KumarQat::kAlpha] * (log_n + kumar_log_fraction(p, P))) +
         p[KumarQat::kB] * std::exp(-p[KumarQat::kBeta] * log_d);
}

// Lower edge of the search: every precision factor is positive strictly above it.
inline double kumar_low_bits(const std::vector<double>& p) {
  double lo = 1.0;
  for (int i = 0; i < 3; ++i)
    lo = std::max(lo, p[static_cast<std::size_t>(KumarQat::kNw + i)] *
                          p[static_cast<std::size_t>(KumarQat::kGammaW + i)]);
  return lo;
}

inline void kumar_check_range(const std::vector<double>& p, double max_bits, const char* who) {
  const double lo = kumar_low_bits(p);
  if (!std::isfinite(max_bits) || !(max_bits > lo)) {
    throw UsageError(std::string(who) + ": the precision range is empty: the law is defined only " +
                     "above " + kumar_num(lo) + " bits, and max_bits is " + kumar_num(max_bits));
  }
}

inline bool kumar_at_max(double P, double lo, double hi) { return P >= hi - 1e-7 * (hi - lo); }

inline KumarOptimum kumar_finish(const std::vector<double>& p, double C, double P, double N,
                                 double D, double lo, double hi) {
  KumarOptimum out;
  out.compute = C;
  out.P = P;
  out.N = N;
  out.D = D;
  out.N_eff = N * kumar_neff_fraction(p, P, P, P);
  out.loss = evaluate_at<KumarQat>(p, {N, D, P, P, P});
  out.at_max_bits = kumar_at_max(P, lo, hi);
  return out;
}

// log N minimizing the loss at precision P under C, by golden section (the loss is convex in
// log N); N is kept between 1 and the size that leaves a single token.
inline double kumar_best_log_n(const std::vector<double>& p, double log_c, double P) {
  const double log_nd = log_c - std::log(kKumarFlopsPerBit * P);  // log(N D)
  const auto f = [&](double t) { return kumar_reducible(p, t, log_nd - t, P); };
  return golden_section(f, 0.0, std::max(log_nd, 1e-9)).x;
}

}  // namespace detail

// The lowest training precision at which the law is defined (all factors positive), or 1 bit.
inline double kumar_lowest_precision(const std::vector<double>& qat) {
  detail::kumar_check_qat(qat, "kumar_lowest_precision");
  return detail::kumar_low_bits(qat);
}

// The P that maximizes effective parameters per bit, f(P)/P, over (P_low, max_bits]. By the
// derivation in the header comment this is the optimal P under any fixed C with N and D free, and
// at any fixed D.
inline KumarJointPrecision kumar_max_neff_per_bit(const std::vector<double>& qat,
                                                  double max_bits = 32.0) {
  const char* who = "kumar_max_neff_per_bit";
  detail::kumar_check_qat(qat, who);
  detail::kumar_check_range(qat, max_bits, who);
  const double lo = detail::kumar_low_bits(qat);
  const auto f = [&](double P) { return std::log(P) - detail::kumar_log_fraction(qat, P); };
  const detail::Minimum1d m = detail::kumar_scan_minimize(f, lo, max_bits, who);
  KumarJointPrecision out;
  out.P = m.x;
  out.neff_fraction = kumar_neff_fraction(qat, m.x, m.x, m.x);
  out.neff_per_bit = out.neff_fraction / m.x;
  out.at_max_bits = detail::kumar_at_max(m.x, lo, max_bits);
  return out;
}

// Jointly optimal precision for every budget at once (search range up to 32 bits).
inline KumarJointPrecision kumar_optimal_precision_joint(const std::vector<double>& qat) {
  return kumar_max_neff_per_bit(qat, 32.0);
}

// N, D and P minimizing the loss under C = (6/16) N D P, found numerically in both N and P (it
// does not use the f(P)/P shortcut, so comparing the two checks the shortcut).
inline KumarOptimum kumar_optimal_precision_joint(const std::vector<double>& qat, double C,
                                                  double max_bits = 32.0) {
  const char* who = "kumar_optimal_precision_joint";
  detail::kumar_check_qat(qat, who);
  detail::kumar_check_positive(C, "the compute budget C", who);
  detail::kumar_check_range(qat, max_bits, who);
  const double lo = detail::kumar_low_bits(qat), log_c = std::log(C);
  const auto profile = [&](double P) {
    const double t = detail::kumar_best_log_n(qat, log_c, P);
    return detail::kumar_reducible(qat, t, log_c - std::log(kKumarFlopsPerBit * P) - t, P);
  };
  const double P = detail::kumar_scan_minimize(profile, lo, max_bits, who).x;
  const double N = std::exp(detail::kumar_best_log_n(qat, log_c, P));
  return detail::kumar_finish(qat, C, P, N, C / (kKumarFlopsPerBit * N * P), lo, max_bits);
}

// P minimizing the loss for a model of N parameters trained on D = C / ((6/16) N P) tokens.
inline KumarOptimum kumar_optimal_precision_fixed_n(const std::vector<double>& qat, double N,
                                                    double C, double max_bits = 32.0) {
  const char* who = "kumar_optimal_precision_fixed_n";
  detail::kumar_check_qat(qat, who);
  detail::kumar_check_positive(N, "N", who);
  detail::kumar_check_positive(C, "the compute budget C", who);
  detail::kumar_check_range(qat, max_bits, who);
  const double lo = detail::kumar_low_bits(qat), log_n = std::log(N);
  const double log_nd = std::log(C / kKumarFlopsPerBit);  // log(N D P)
  const auto f = [&](double P) {
    return detail::kumar_reducible(qat, log_n, log_nd - log_n - std::log(P), P);
  };
  const double P = detail::kumar_scan_minimize(f, lo, max_bits, who).x;
  return detail::kumar_finish(qat, C, P, N, C / (kKumarFlopsPerBit * N * P), lo, max_bits);
}

// P minimizing the loss for D tokens with a model of N = C / ((6/16) D P) parameters.
inline KumarOptimum kumar_optimal_precision_fixed_d(const std::vector<double>& qat, double D,
                                                    double C, double max_bits = 32.0) {
  const char* who = "kumar_optimal_precision_fixed_d";
  detail::kumar_check_qat(qat, who);
  detail::kumar_check_positive(D, "D", who);
  detail::kumar_check_positive(C, "the compute budget C", who);
  detail::kumar_check_range(qat, max_bits, who);
  const double lo = detail::kumar_low_bits(qat), log_d = std::log(D);
  const double log_ndp = std::log(C / kKumarFlopsPerBit);
  const auto f = [&](double P) {
    return detail::kumar_reducible(qat, log_ndp - log_d - std::log(P), log_d, P);
  };
  const double P = detail::kumar_scan_minimize(f, lo, max_bits, who).x;
  return detail::kumar_finish(qat, C, P, C / (kKumarFlopsPerBit * D * P), D, lo, max_bits);
}

// N and D minimizing the loss at a fixed training precision P under C = (6/16) N D P, in closed
// form (see the header comment). Throws DataError where the law is undefined at P.
inline KumarOptimum kumar_optimal_allocation_at_precision(const std::vector<double>& qat, double P,
                                                          double C) {
  const char* who = "kumar_optimal_allocation_at_precision";
  detail::kumar_check_qat(qat, who);
  detail::kumar_check_positive(P, "the precision P", who);
  detail::kumar_check_positive(C, "the compute budget C", who);
  const double f = kumar_neff_fraction(qat, P, P, P);  // DataError where a factor is <= 0
  const double A = qat[KumarQat::kA], B = qat[KumarQat::kB];
  const double alpha = qat[KumarQat::kAlpha], beta = qat[KumarQat::kBeta], s = alpha + beta;
  const double log_g = (std::log(alpha * A / (beta * B)) - alpha * std::log(f)) / s;
  const double log_nd = std::log(C / (kKumarFlopsPerBit * P));
  const double N = std::exp(log_g + beta / s * log_nd);
  const double D = std::exp(alpha / s * log_nd - log_g);
  KumarOptimum out;
  out.compute = C;
  out.P = P;
  out.N = N;
  out.D = D;
  out.N_eff = N * f;
  out.loss = evaluate_at<KumarQat>(qat, {N, D, P, P, P});
  return out;
}

namespace detail {

// Kumar's unified law starts with kumar-qat's 11 parameters and continues with kumar-ptq's 4.
inline std::vector<double> kumar_qat_part(const std::vector<double>& p) {
  return {p.begin(), p.begin() + KumarQat::kNumParameters};
}

inline Outputs kumar_outputs(const KumarOptimum& o) {
  return {{"P", o.P}, {"N", o.N}, {"D", o.D}, {"N_eff", o.N_eff}, {"loss", o.loss}};
}

// The analyses kumar-qat and kumar share; both read kumar-qat's parameters at the front.
inline std::vector<Analysis> kumar_qat_analyses() {
  Analysis precision{
      .quantity = "precision",
      .required = {"C"},
      .optional = {"N", "D"},
      .help = "training bits minimizing loss under C = (6/16) N D P (joint, or with N or D given)",
      .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
        const auto qat = kumar_qat_part(p);
        const double c = *get(r, "C");
        if (get(r, "N") && get(r, "D")) throw UsageError("give at most one of N and D");
        if (auto n = get(r, "N")) return kumar_outputs(kumar_optimal_precision_fixed_n(qat, *n, c));
        if (auto d = get(r, "D")) return kumar_outputs(kumar_optimal_precision_fixed_d(qat, *d, c));
        return kumar_outputs(kumar_optimal_precision_joint(qat, c));
      },
      .plotted = {"P"},
      .plot_label = "optimal training precision P (bits)"};
  Analysis allocation{.quantity = "allocation",
                      .required = {"C", "P"},
                      .help = "N and D minimizing loss at precision P",
                      .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
                        return kumar_outputs(kumar_optimal_allocation_at_precision(
                            kumar_qat_part(p), *get(r, "P"), *get(r, "C")));
                      },
                      .plotted = {"N", "D"},
                      .plot_label = "compute-optimal N (parameters) and D (tokens)",
                      .output_labels = {{"N", "N_opt"}, {"D", "D_opt"}}};
  return {precision, allocation};
}

inline Analysis kumar_dcrit_analysis(
    std::vector<std::string> optional, std::string help,
    std::function<Outputs(const std::vector<double>&, const Row&)> run) {
  return {.quantity = "dcrit",
          .required = {"N", "P_post"},
          .optional = std::move(optional),
          .help = std::move(help),
          .run = std::move(run),
          .plotted = {"dcrit"},
          .plot_label = "critical data size D_crit (tokens)",
          .output_labels = {{"dcrit", "D_crit"}}};
}

}  // namespace detail

template <>
struct LawTraits<KumarQat> {
  static std::vector<Analysis> analyses() { return detail::kumar_qat_analyses(); }
};

template <>
struct LawTraits<KumarPtq> {
  static std::vector<Analysis> analyses() {
    return {detail::kumar_dcrit_analysis(
        {"B", "beta"},
        "tokens past which more data hurts after PTQ (base B, beta default to kumar-qat/kumar2024)",
        [](const std::vector<double>& p, const Row& r) -> Outputs {
          const auto base = preset_values<KumarQat>("kumar2024");
          const double b = get(r, "B").value_or(base[KumarQat::kB]);
          const double beta = get(r, "beta").value_or(base[KumarQat::kBeta]);
          return {{"dcrit", kumar_dcrit(p, b, beta, *get(r, "N"), *get(r, "P_post"))}};
        })};
  }
  static Presentation presentation() {
    return {.value_label = "PTQ loss degradation delta_PTQ (nats/token)"};
  }
};

template <>
struct LawTraits<Kumar> {
  static std::vector<Analysis> analyses() {
    auto out = detail::kumar_qat_analyses();
    out.push_back(detail::kumar_dcrit_analysis(
        {}, "tokens past which more data hurts after PTQ",
        [](const std::vector<double>& p, const Row& r) -> Outputs {
          const std::vector<double> ptq(p.begin() + KumarQat::kNumParameters, p.end());
          return {{"dcrit", kumar_dcrit(ptq, p[KumarQat::kB], p[KumarQat::kBeta], *get(r, "N"),
                                        *get(r, "P_post"))}};
        }));
    return out;
  }
};

}  // namespace slfit
