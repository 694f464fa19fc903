// Optimal floating-point training precision for Sun et al. 2025's "Capybara" law (arXiv
// 2501.02423): how many bits (and which exponent/mantissa split) to train in when the compute
// budget is fixed and either the data, the model size, or neither is held. Works with preset or
// fitted parameters in the capybara law's order (n, alpha, d, beta, eps, gamma, delta, nu).
//
// Training costs C = k (P + b) N D, k = 6/16; P = E + M + 1 bits. For each P the law prefers
// the real split E + 0.5 = delta P / s, M + 0.5 = nu P / s (s = delta + nu; clamped to E, M >= 0
// for very small P), where (E+0.5)^delta (M+0.5)^nu = K P^s with K = (delta/s)^delta (nu/s)^nu.
// With Q = log2(B) / (gamma K) the loss along that split is
//   L = n N^-alpha + d D^-beta + eps + Q D^beta N^-alpha P^-s.
// With b = 0, setting dL/dP = 0 gives closed forms (LAWS.md §4):
//   fixed D (N = C / (k P D)):   P^s          = (s - alpha) Q D^beta / (alpha n)
//   fixed N (D = C / (k P N)):   P^(s + 2beta) = (s + beta) Q N^-alpha (C / (k N))^(2 beta) / (beta
//   d)
// At fixed D the optimum does not depend on C (C only rescales N, and both N-terms scale alike);
// at fixed N it rises with C. Jointly (N and P free under C) there is no closed form: the
// minimization is numerical, golden section on log N (the loss is convex in it) inside a scan of P
// refined by golden section. The closed forms are used when b = 0 and their P lies where the split
// needs no clamping and inside the search range; otherwise the same numerical search is used.
//
// Each result also names the best integer format under the same constraint: every width from 2 to
// max_bits is tried with its best split (capybara_best_format), which is cheap and avoids assuming
// that the best integer width is a neighbour of the continuous optimum (it normally is).
//
//   auto p = slfit::preset_values<slfit::Capybara>("sun2025");
//   auto x = slfit::capybara_optimal_precision_fixed_d(p, 1e11, 1e21, 128);  // D, C, block size
//   std::string f = slfit::to_string(x.format);                              // e.g. "E2M1"
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
#include "slfit/laws/capybara.hpp"

namespace slfit {

// C = k (P + b) N D and the search range for P (continuous, in bits, sign included).
struct CapybaraCompute {
  double k = 6.0 / 16.0;  // FLOPs per parameter, token and bit
  double b = 0.0;         // extra bits of cost per parameter-token (0 in the closed forms)
  double max_bits = 32.0;
};

struct CapybaraPrecisionOptimum {
  double compute = 0.0;  // C, FLOPs
  double block = 0.0;    // B, elements per scale factor
  // Continuous optimum: P with its real split E + M + 1 = P, and N, D under the constraint.
  double P = 0.0;
  double E = 0.0;
  double M = 0.0;
  double N = 0.0;
  double D = 0.0;
  double loss = 0.0;
  bool closed_form = false;  // P came from the closed form rather than the numerical search
  bool at_max_bits = false;  // P sits on max_bits: the law would prefer more bits
  // The best integer format under the same constraint (N or D held, the other from C; both
  // re-optimized for the joint problem), with its N, D and loss.
  FloatFormat format;
  double format_N = 0.0;
  double format_D = 0.0;
  double format_loss = 0.0;
};

namespace detail {

// The real split of P bits that the law prefers, clamped so that E, M >= 0 (the log-score is
// concave in E, so clamping the stationary point gives the constrained maximum).
inline CapybaraSplit capybara_clamped_split(const std::vector<double>& p, double P) {
  const double s = p[Capybara::kDelta] + p[Capybara::kNu];
  const double e = std::clamp(p[Capybara::kDelta] * P / s - 0.5, 0.0, P - 1.0);
  return {e, P - 1.0 - e};
}

// log((E+0.5)^delta (M+0.5)^nu): larger means less precision damage.
inline double capybara_score(const std::vector<double>& p, double E, double M) {
  return p[Capybara::kDelta] * std::log(E + 0.5) + p[Capybara::kNu] * std::log(M + 0.5);
}

// L - eps from logs of N and D and the format score.
inline double capybara_reducible(const std::vector<double>& p, double log_n, double log_d,
                                 double score, double log2_b) {
  const double alpha = p[Capybara::kAlpha], beta = p[Capybara::kBeta];
  return p[Capybara::kSmallN] * std::exp(-alpha * log_n) +
         p[Capybara::kSmallD] * std::exp(-beta * log_d) +
         std::exp(beta * log_d - alpha * log_n - score) * log2_b / p[Capybara::kGamma];
}

inline void capybara_check_all(const std::vector<double>& p, double C, double B,
                               const CapybaraCompute& cost, const char* who) {
  capybara_require_shape(p, who);
  if (!(p[Capybara::kSmallN] > 0.0 && p[Capybara::kAlpha] > 0.0 && p[Capybara::kSmallD] > 0.0 &&
        p[Capybara::kBeta] > 0.0 && p[Capybara::kGamma] > 0.0)) {
    throw UsageError(std::string(who) + " needs n, alpha, d, beta and gamma all positive");
  }
  const auto fmt = BoundInputs<Capybara>::fmt_double;
  if (!(C > 0.0) || !std::isfinite(C)) {
    throw UsageError(std::string(who) + ": the compute budget C must be positive and finite, got " +
                     fmt(C));
  }
  if (!(B >= 2.0) || !std::isfinite(B)) {
    throw UsageError(std::string(who) + ": the block size B must be at least 2, got " + fmt(B));
  }
  if (!(cost.k > 0.0) || !std::isfinite(cost.k) || !std::isfinite(cost.b) || !(cost.b > -1.0)) {
    throw UsageError(std::string(who) + ": the cost C = k (P + b) N D needs k > 0 and b > -1 " +
                     "(so that every P >= 1 bit costs something), got k = " + fmt(cost.k) +
                     ", b = " + fmt(cost.b));
  }
  if (!(cost.max_bits >= 2.0) || !std::isfinite(cost.max_bits)) {
    throw UsageError(
        std::string(who) + ": the precision range [1, max_bits] is empty or holds " +
        "no integer format (max_bits must be at least 2), got max_bits = " + fmt(cost.max_bits));
  }
}

inline void capybara_check_size(double v, const char* what, const char* who) {
  if (!(v > 0.0) || !std::isfinite(v)) {
    throw UsageError(std::string(who) + ": " + what + " must be positive and finite, got " +
                     BoundInputs<Capybara>::fmt_double(v));
  }
}

// log K, so that the unclamped best split scores log K + s log P.
inline double capybara_log_k(const std::vector<double>& p) {
  const double delta = p[Capybara::kDelta], nu = p[Capybara::kNu], s = delta + nu;
  return delta * std::log(delta / s) + nu * std::log(nu / s);
}

// Smallest P at which the real split needs no clamping (both E and M at least 0).
inline double capybara_unclamped_from(const std::vector<double>& p) {
  const double delta = p[Capybara::kDelta], nu = p[Capybara::kNu], s = delta + nu;
  return std::max(0.5 * s / delta, 0.5 * s / nu);
}

// Which of N, D the caller holds; the other follows from C.
enum class CapybaraHeld { kD, kN, kNeither };

// log N minimizing the loss for a given format score and cost-bits (P + b), N from 1 up to the
// size that leaves a single token; the loss is convex in log N.
inline double capybara_best_log_n(const std::vector<double>& p, double log_nd, double score,
                                  double log2_b) {
  const auto f = [&](double t) { return capybara_reducible(p, t, log_nd - t, score, log2_b); };
  return golden_section(f, 0.0, std::max(log_nd, 1e-9)).x;
}

// N, D for a width of `bits` and format score under the constraint.
struct CapybaraPoint {
  double N = 0.0, D = 0.0, reducible = 0.0;
};

inline CapybaraPoint capybara_point(const std::vector<double>& p, CapybaraHeld held, double held_v,
                                    double C, const CapybaraCompute& cost, double bits,
                                    double score, double log2_b) {
  const double log_nd = std::log(C / (cost.k * (bits + cost.b)));
  double log_n = 0.0, log_d = 0.0;
  switch (held) {
    case CapybaraHeld::kD:
      log_d = std::log(held_v);
      log_n = log_nd - log_d;
      break;
    case CapybaraHeld::kN:
      log_n = std::log(held_v);
      log_d = log_nd - log_n;
      break;
    case CapybaraHeld::kNeither:
      log_n = capybara_best_log_n(p, log_nd, score, log2_b);
      log_d = log_nd - log_n;
      break;
  }
  // The held size is returned as given, not as exp(log(.)), which may differ in the last bit.
  return {held == CapybaraHeld::kN ? held_v : std::exp(log_n),
          held == CapybaraHeld::kD ? held_v : std::exp(log_d),
          capybara_reducible(p, log_n, log_d, score, log2_b)};
}

inline CapybaraPrecisionOptimum capybara_optimize(const std::vector<double>& p, CapybaraHeld held,
                                                  double held_v, double C, double B,
                                                  const CapybaraCompute& cost,
                                                  double closed_form_p) {
  const double log2_b = std::log2(B), lo = 1.0, hi = cost.max_bits;
  const auto at = [&](double P) {
    const CapybaraSplit sp = capybara_clamped_split(p, P);
    return capybara_point(p, held, held_v, C, cost, P, capybara_score(p, sp.E, sp.M), log2_b);
  };
  CapybaraPrecisionOptimum out;
  out.compute = C;
  out.block = B;
  if (cost.b == 0.0 && closed_form_p >= capybara_unclamped_from(p) && closed_form_p <= hi) {
    out.P = closed_form_p;
    out.closed_form = true;
  } else {
    out.P = scan_minimize([&](double P) { return at(P).reducible; }, lo, hi).x;
  }
  out.at_max_bits = out.P >= hi - 1e-7 * (hi - lo);
  const CapybaraSplit sp = capybara_clamped_split(p, out.P);
  const CapybaraPoint x = at(out.P);
  out.E = sp.E;
  out.M = sp.M;
  out.N = x.N;
  out.D = x.D;
  out.loss = evaluate_at<Capybara>(p, {x.N, x.D, sp.E, sp.M, B});

  double best = std::numeric_limits<double>::infinity();
  for (int bits = 2; bits <= static_cast<int>(std::floor(hi)); ++bits) {
    const FloatFormat f = capybara_best_format(p, bits);
    const CapybaraPoint y =
        capybara_point(p, held, held_v, C, cost, bits, capybara_score(p, f.E, f.M), log2_b);
    if (y.reducible < best) {
      best = y.reducible;
      out.format = f;
      out.format_N = y.N;
      out.format_D = y.D;
    }
  }
  out.format_loss =
      evaluate_at<Capybara>(p, {out.format_N, out.format_D, static_cast<double>(out.format.E),
                                static_cast<double>(out.format.M), B});
  return out;
}

}  // namespace detail

// P minimizing the loss when D tokens are fixed and N = C / (k (P + b) D). B: block size.
inline CapybaraPrecisionOptimum capybara_optimal_precision_fixed_d(
    const std::vector<double>& params, double D, double C, double B, CapybaraCompute cost = {}) {
  const char* who = "capybara_optimal_precision_fixed_d";
  detail::capybara_check_all(params, C, B, cost, who);
  detail::capybara_check_size(D, "D", who);
  const double alpha = params[Capybara::kAlpha], beta = params[Capybara::kBeta];
  const double s = params[Capybara::kDelta] + params[Capybara::kNu];
  double closed = std::numeric_limits<double>::quiet_NaN();
  if (s > alpha) {  // otherwise the loss only grows with P and the search finds the lower end
    const double log_q = std::log(std::log2(B)) - std::log(params[Capybara::kGamma]) -
                         detail::capybara_log_k(params);
    closed = std::exp((std::log(s - alpha) + log_q + beta * std::log(D) - std::log(alpha) -
                       std::log(params[Capybara::kSmallN])) /
                      s);
  }
  return detail::capybara_optimize(params, detail::CapybaraHeld::kD, D, C, B, cost, closed);
}

// P minimizing the loss when the model has N parameters and D = C / (k (P + b) N).
inline CapybaraPrecisionOptimum capybara_optimal_precision_fixed_n(
    const std::vector<double>& params, double N, double C, double B, CapybaraCompute cost = {}) {
  const char* who = "capybara_optimal_precision_fixed_n";
  detail::capybara_check_all(params, C, B, cost, who);
  detail::capybara_check_size(N, "N", who);
  const double alpha = params[Capybara::kAlpha], beta = params[Capybara::kBeta];
  const double s = params[Capybara::kDelta] + params[Capybara::kNu];
  const double log_q =
      std::log(std::log2(B)) - std::log(params[Capybara::kGamma]) - detail::capybara_log_k(params);
  const double closed = std::exp((std::log(s + beta) + log_q - alpha * std::log(N) +
                                  2.0 * beta * std::log(C / (cost.k * N)) - std::log(beta) -
                                  std::log(params[Capybara::kSmallD])) /
                                 (s + 2.0 * beta));
  return detail::capybara_optimize(params, detail::CapybaraHeld::kN, N, C, B, cost, closed);
}

// N, D and P minimizing the loss under C = k (P + b) N D; numerical (no closed form exists).
inline CapybaraPrecisionOptimum capybara_optimal_precision_joint(const std::vector<double>& params,
                                                                 double C, double B,
                                                                 CapybaraCompute cost = {}) {
  detail::capybara_check_all(params, C, B, cost, "capybara_optimal_precision_joint");
  return detail::capybara_optimize(params, detail::CapybaraHeld::kNeither, 0.0, C, B, cost,
                                   std::numeric_limits<double>::quiet_NaN());
}

template <>
struct LawTraits<Capybara> {
  static std::vector<Analysis> analyses() {
    Analysis dcrit{.quantity = "dcrit",
                   .required = {"N", "E", "M", "B"},
                   .help = "tokens past which more data hurts",
                   .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
                     return {{"dcrit", capybara_critical_data(p, *get(r, "N"), *get(r, "E"),
                                                              *get(r, "M"), *get(r, "B"))}};
                   },
                   .plotted = {"dcrit"},
                   .plot_label = "critical data size D_crit (tokens)",
                   .output_labels = {{"dcrit", "D_crit"}}};
    Analysis format{.quantity = "format",
                    .required = {"P"},
                    .help = "best exponent/mantissa split of P bits (sign included)",
                    .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
                      const double bits = *get(r, "P");
                      if (bits != std::floor(bits))
                        throw UsageError("P must be whole bits for format");
                      const FloatFormat f = capybara_best_format(p, static_cast<int>(bits));
                      const CapybaraSplit s = capybara_optimal_split(p, bits);
                      return {{"E", f.E}, {"M", f.M}, {"E_real", s.E}, {"M_real", s.M}};
                    },
                    .plotted = {"E", "M"},
                    .plot_label = "best exponent bits E and mantissa bits M",
                    .input_meanings = {{"P", "bit budget (sign, exponent, mantissa)"}}};
    Analysis precision{
        .quantity = "precision",
        .required = {"C", "B"},
        .optional = {"N", "D"},
        .help =
            "training bits minimizing loss under C = (6/16) P N D (joint, or with N or D given)",
        .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
          const double c = *get(r, "C"), b = *get(r, "B");
          if (get(r, "N") && get(r, "D")) throw UsageError("give at most one of N and D");
          CapybaraPrecisionOptimum o;
          if (auto n = get(r, "N")) {
            o = capybara_optimal_precision_fixed_n(p, *n, c, b);
          } else if (auto d = get(r, "D")) {
            o = capybara_optimal_precision_fixed_d(p, *d, c, b);
          } else {
            o = capybara_optimal_precision_joint(p, c, b);
          }
          return {{"P", o.P},
                  {"E", o.E},
                  {"M", o.M},
                  {"N", o.N},
                  {"D", o.D},
                  {"loss", o.loss},
                  {"format_E", o.format.E},
                  {"format_M", o.format.M},
                  {"format_loss", o.format_loss}};
        },
        .plotted = {"P"},
        .plot_label = "optimal training precision P (bits)"};
    return {dcrit, format, precision};
  }
  // Channel-wise scaling acts as a block of 2^13.1567 elements in Sun et al.'s law.
  static std::vector<NamedValue> named_values() {
    return {{"B", "channel", kCapybaraChannelwiseBlock}};
  }
};

}  // namespace slfit
