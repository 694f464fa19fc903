// Scaling laws for precision (Kumar et al. 2024, arXiv 2411.04330): three laws and two analyses.
//
//   kumar-ptq   delta_PTQ(N, D, P_post) = C_T * D^gamma_D / N^gamma_N * exp(-P_post / gamma_post)
//   kumar-qat   L(N, D, P_w, P_a, P_kv) = A N_eff^-alpha + B D^-beta + E,
//               N_eff = N (1 - exp(-P_w/gamma_w + n_w)) (1 - exp(-P_a/gamma_a + n_a))
//                         (1 - exp(-P_kv/gamma_kv + n_kv))
//   kumar       L = A N_eff^-alpha + B D^-beta + E + delta_PTQ(N_eff, D, P_post)
//
// N counts non-embedding parameters, D training tokens, P_* bits (weights, activations, KV cache
// during training; P_post the bits weights are quantized to after training). delta_PTQ is the
// rise in loss caused by post-training quantization, so kumar-ptq is fitted to a degradation
// column (e.g. --derive 'delta=loss_quantized-loss' --target delta), not to the loss itself.
//
// Two forms of N_eff. Appendix K fits each exponential with an offset, read here as
// 1 - exp(-P/gamma + n) (the "offset form", presets kumar2024); the main text has no offsets
// (n = 0, presets kumar2024-main). Both are the same law: the form of a fit is visible from whether
// n_w, n_a and n_kv were held at 0 (--fix n_w=0 --fix n_a=0 --fix n_kv=0). A positive offset makes
// a factor vanish at P = n gamma bits, below which the law is undefined; domain_error() names the
// factor instead of letting a NaN through.
//
// Not included: the offset b = 1.1277 that Table 2 lists for delta_PTQ (how it enters is not
// stated), and the factor of the paper's full unified form that switches delta_PTQ off when the
// training precision already equals P_post (its constants were not found). Without it, `kumar`
// always charges the full delta_PTQ, also for a model trained at P_post.
//
//   using namespace slfit;
//   auto qat = preset_values<KumarQat>("kumar2024");               // offset form
//   double loss = evaluate_at<KumarQat>(qat, {220e6, 26e9, 8, 8, 8});  // N, D, P_w, P_a, P_kv
//   double d_crit = kumar_dcrit(preset_values<KumarPtq>("kumar2024"), qat, 1e9, 4);
#pragma once

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/law.hpp"
#include "slfit/detail/log_sum_exp.hpp"

namespace slfit {

namespace detail {

// Formulas below keep intermediate results in locals. An Eigen expression returned from a
// function must not refer to a local Array, so every step is made concrete: Eigen expressions
// become Arrays, while doubles and Jets pass through unchanged.
template <class E>
auto kumar_concrete(const E& e) {
  if constexpr (std::is_base_of_v<Eigen::ArrayBase<E>, E>) {
    return Array(e);
  } else {
    return e;
  }
}

// log of one precision factor, 1 - exp(-bits/gamma + n).
template <class T, class V>
auto kumar_log_factor(const T& gamma, const T& n, const V& bits) {
  using std::exp;
  using std::log;
  return kumar_concrete(log(1.0 - exp(n - bits / gamma)));
}

inline std::string kumar_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// Where the precision factors are not positive (so N_eff is not), the reason; else "".
// p and the input indices follow kumar-qat, whose layout `kumar` repeats.
inline std::string kumar_factor_error(const double* p, const std::array<double, 3>& bits) {
  static constexpr const char* kSuffix[3] = {"w", "a", "kv"};
  std::string out;
  for (int i = 0; i < 3; ++i) {
    const double gamma = p[5 + i], n = p[8 + i], b = bits[static_cast<std::size_t>(i)];
    const double factor = 1.0 - std::exp(n - b / gamma);
    if (factor > 0.0) continue;
    const std::string s = kSuffix[i];
    std::string why = "precision factor 1 - exp(-P_" + s + "/gamma_" + s + " + n_" + s +
                      ") for P_" + s + " = " + kumar_num(b) + " is " + kumar_num(factor) +
                      " <= 0 (gamma_" + s + " = " + kumar_num(gamma);
    if (n != 0.0) {
      why += ", under the offset form with n_" + s + " = " + kumar_num(n);
      if (gamma > 0.0)
        why += ", which needs P_" + s + " > n_" + s + " gamma_" + s + " = " + kumar_num(n * gamma) +
               " bits";
    }
    if (!(gamma > 0.0)) why += "; gamma_" + s + " must be positive";
    why += ")";
    out += (out.empty() ? "" : "; ") + why;
  }
  return out;
}

}  // namespace detail

// Post-training quantization degradation alone. A product of powers, so log-linear in its
// parameters: log delta = log C_T + gamma_D log D - gamma_N log N - P_post / gamma_post.
struct KumarPtq {
  static constexpr std::string_view kName = "kumar-ptq";
  static constexpr std::string_view kDescription =
      "Kumar et al. 2024: delta_PTQ = C_T D^gamma_D / N^gamma_N exp(-P_post/gamma_post)";
  static constexpr int kNumInputs = 3;
  static constexpr int kNumParameters = 4;
  enum Input : int { kN, kD, kPpost };
  enum Parameter : int { kCT, kGammaD, kGammaN, kGammaPost };

  static std::array<InputSpec, 3> inputs() {
    return {{{"N", "non-embedding parameters", true},
             {"D", "training tokens", true},
             {"P_post", "bits of the weights after post-training quantization", false, 1.0}}};
  }

  static std::vector<ParameterSpec> parameters() {
    return {
        {.name = "C_T",
         .value = 0.0598,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {std::exp(-5.0), std::exp(0.0), std::exp(5.0)},
         .meaning = "scale of the degradation",
         .linear = true},
        // Signs are left free: the data may well say that more tokens do not hurt.
        {.name = "gamma_D",
         .value = 0.5068,
         .lower = -5.0,
         .upper = 5.0,
         .grid = {0.0, 0.5, 1.0},
         .meaning = "growth of the degradation with training tokens"},
        {.name = "gamma_N",
         .value = 0.3439,
         .lower = -5.0,
         .upper = 5.0,
         .grid = {0.0, 0.5, 1.0},
         .meaning = "decay of the degradation with model size"},
        {.name = "gamma_post",
         .value = 0.5907,
         .lower = 1e-3,
         .upper = 100.0,
         .grid = {0.5, 1.0, 2.0},
         .meaning = "bits for an e-fold drop of the degradation"},
    };
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return detail::kumar_concrete(p[kCT] * exp(p[kGammaD] * x.log(kD) - p[kGammaN] * x.log(kN) -
                                               x.value(kPpost) / p[kGammaPost]));
  }

  // Exactly linear in (log C_T, gamma_D, gamma_N, 1/gamma_post): log-space fits are easy.
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::log;
    return log(p[kCT]) + p[kGammaD] * x.log(kD) - p[kGammaN] * x.log(kN) -
           x.value(kPpost) / p[kGammaPost];
  }

  static std::vector<Preset> presets() {
    return {{"kumar2024",
             {{"C_T", 0.0598}, {"gamma_D", 0.5068}, {"gamma_N", 0.3439}, {"gamma_post", 0.5907}},
             "Kumar et al. 2024 (arXiv 2411.04330), Appendix K, Table 2",
             "paper",
             "N non-embedding parameters, GPTQ weight quantization to P_post bits; Table 2 also "
             "lists an offset b = 1.1277 for this fit, not used here because the paper does not "
             "say how it enters"}};
  }
};

// Loss after training with weights, activations and KV cache in low precision (no PTQ).
struct KumarQat {
  static constexpr std::string_view kName = "kumar-qat";
  static constexpr std::string_view kDescription =
      "Kumar et al. 2024: L = A N_eff^-alpha + B D^-beta + E, N_eff = N prod(1 - exp(-P/gamma + "
      "n))";
  static constexpr int kNumInputs = 5;
  static constexpr int kNumParameters = 11;
  enum Input : int { kN, kD, kPw, kPa, kPkv };
  enum Parameter : int { kA, kB, kE, kAlpha, kBeta, kGammaW, kGammaA, kGammaKv, kNw, kNa, kNkv };

  static std::array<InputSpec, 5> inputs() {
    return {{{"N", "non-embedding parameters", true},
             {"D", "training tokens", true},
             {"P_w", "bits of the weights during training", false, 1.0},
             {"P_a", "bits of the activations during training", false, 1.0},
             {"P_kv", "bits of the KV cache during training", false, 1.0}}};
  }

  static std::vector<ParameterSpec> parameters() {
    // The default grid spans 256 starts; the offsets start at 0 because there every factor is
    // positive for any P > 0, so each start has a finite objective.
    return {
        {.name = "A",
         .value = 4.299e3,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {std::exp(5.0), std::exp(10.0)},
         .meaning = "scale of the model-size term",
         .linear = true},
        {.name = "B",
         .value = 1.806e4,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {std::exp(5.0), std::exp(10.0)},
         .meaning = "scale of the data term",
         .linear = true},
        {.name = "E",
         .value = 2.7648,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {std::exp(0.0), std::exp(1.0)},
         .meaning = "irreducible loss",
         .linear = true},
        {.name = "alpha",
         .value = 0.4965,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.3, 0.6},
         .meaning = "exponent of N_eff (tied to beta in the paper)"},
        {.name = "beta",
         .value = 0.4965,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.3, 0.6},
         .meaning = "exponent of D (tied to alpha in the paper)"},
        {.name = "gamma_w",
         .value = 2.6745,
         .lower = 0.01,
         .upper = 50.0,
         .grid = {1.0, 3.0},
         .meaning = "bits per e-fold of the weight-precision penalty"},
        {.name = "gamma_a",
         .value = 2.2102,
         .lower = 0.01,
         .upper = 50.0,
         .grid = {1.0, 3.0},
         .meaning = "bits per e-fold of the activation-precision penalty"},
        {.name = "gamma_kv",
         .value = 0.9578,
         .lower = 0.01,
         .upper = 50.0,
         .grid = {1.0, 3.0},
         .meaning = "bits per e-fold of the KV-cache-precision penalty"},
        {.name = "n_w",
         .value = 0.0,
         .lower = -10.0,
         .upper = 10.0,
         .meaning = "offset in the weight factor (0: main-text form)"},
        {.name = "n_a",
         .value = 0.0,
         .lower = -10.0,
         .upper = 10.0,
         .meaning = "offset in the activation factor (0: main-text form)"},
        {.name = "n_kv",
         .value = 0.0,
         .lower = -10.0,
         .upper = 10.0,
         .meaning = "offset in the KV-cache factor (0: main-text form)"},
    };
  }

  template <class T, class X>
  static auto log_neff(const T* p, const X& x) {
    return detail::kumar_concrete(x.log(kN) +
                                  detail::kumar_log_factor(p[kGammaW], p[kNw], x.value(kPw)) +
                                  detail::kumar_log_factor(p[kGammaA], p[kNa], x.value(kPa)) +
                                  detail::kumar_log_factor(p[kGammaKv], p[kNkv], x.value(kPkv)));
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    const auto ln_neff = log_neff(p, x);
    return detail::kumar_concrete(p[kE] + p[kA] * exp(-p[kAlpha] * ln_neff) +
                                  p[kB] * exp(-p[kBeta] * x.log(kD)));
  }

  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::log;
    const T ln_neff = log_neff(p, x);
    return detail::log_sum_exp<T, 3>(
        {log(p[kA]) - p[kAlpha] * ln_neff, log(p[kB]) - p[kBeta] * x.log(kD), log(p[kE])});
  }

  template <int K>
  static std::string domain_error(const double* p, const RowView<K>& row) {
    return detail::kumar_factor_error(p, {row.value(kPw), row.value(kPa), row.value(kPkv)});
  }

  static std::vector<std::pair<std::string, double>> table2(bool offsets) {
    return {{"A", 4.299e3},
            {"B", 1.806e4},
            {"E", 2.7648},
            {"alpha", 0.4965},
            {"beta", 0.4965},
            {"gamma_w", 2.6745},
            {"gamma_a", 2.2102},
            {"gamma_kv", 0.9578},
            {"n_w", offsets ? 0.3037 : 0.0},
            {"n_a", offsets ? 1.4072 : 0.0},
            {"n_kv", offsets ? 2.4185 : 0.0}};
  }

  static std::vector<Preset> presets() {
    return {
        {"kumar2024", table2(true), "Kumar et al. 2024 (arXiv 2411.04330), Appendix K, Table 2",
         "paper",
         "offset form, factors 1 - exp(-P/gamma + n); undefined for P_w <= 0.81, P_a <= 3.11, "
         "P_kv <= 2.32 bits. alpha = beta were tied in the paper's fit"},
        {"kumar2024-main", table2(false),
         "Kumar et al. 2024 (arXiv 2411.04330), main-text form with Appendix K, Table 2 gammas",
         "paper",
         "main-text form, factors 1 - exp(-P/gamma) (all n = 0); the gammas were fitted with "
         "offsets, so this is the published gammas without them, not a fit of this form"},
    };
  }

  static std::vector<StartGrid> start_grids() {
    std::vector<double> scales, e, exps, gammas;
    for (double v = 0.0; v <= 15.0; v += 5.0) scales.push_back(std::exp(v));
    for (double v = -1.0; v <= 1.0; v += 1.0) e.push_back(std::exp(v));
    exps = {0.25, 0.5, 1.0};
    gammas = {1.0, 2.5};
    return {{"wide",
             {{"A", scales},
              {"B", scales},
              {"E", e},
              {"alpha", exps},
              {"beta", exps},
              {"gamma_w", gammas},
              {"gamma_a", gammas},
              {"gamma_kv", gammas}},
             "3456 starts: log A, log B in {0, 5, 10, 15}; log E in {-1, 0, 1}; alpha, beta in "
             "{0.25, 0.5, 1}; each gamma in {1, 2.5}; offsets at 0"}};
  }
};

// The unified law: low-precision training through N_eff plus post-training quantization.
// Parameters and inputs begin with those of kumar-qat, in the same order.
struct Kumar {
  static constexpr std::string_view kName = "kumar";
  static constexpr std::string_view kDescription =
      "Kumar et al. 2024: L = A N_eff^-alpha + B D^-beta + E + delta_PTQ(N_eff, D, P_post)";
  static constexpr int kNumInputs = 6;
  static constexpr int kNumParameters = 15;
  enum Input : int { kN, kD, kPw, kPa, kPkv, kPpost };
  enum Parameter : int {
    kA,
    kB,
    kE,
    kAlpha,
    kBeta,
    kGammaW,
    kGammaA,
    kGammaKv,
    kNw,
    kNa,
    kNkv,
    kCT,
    kGammaD,
    kGammaN,
    kGammaPost
  };

  static std::array<InputSpec, 6> inputs() {
    const auto q = KumarQat::inputs();
    return {{q[0], q[1], q[2], q[3], q[4], KumarPtq::inputs()[KumarPtq::kPpost]}};
  }

  static std::vector<ParameterSpec> parameters() {
    auto out = KumarQat::parameters();
    // Only the base law's parameters span the default grid; the PTQ constants start at their
    // typical values so the grid stays at 256 starts.
    for (auto s : KumarPtq::parameters()) {
      s.grid.clear();
      out.push_back(std::move(s));
    }
    return out;
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    const auto ln_neff = KumarQat::log_neff(p, x);
    return detail::kumar_concrete(p[kE] + p[kA] * exp(-p[kAlpha] * ln_neff) +
                                  p[kB] * exp(-p[kBeta] * x.log(kD)) +
                                  p[kCT] * exp(p[kGammaD] * x.log(kD) - p[kGammaN] * ln_neff -
                                               x.value(kPpost) / p[kGammaPost]));
  }

  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::log;
    const T ln_neff = KumarQat::log_neff(p, x);
    return detail::log_sum_exp<T, 4>({log(p[kA]) - p[kAlpha] * ln_neff,
                                      log(p[kB]) - p[kBeta] * x.log(kD), log(p[kE]),
                                      log(p[kCT]) + p[kGammaD] * x.log(kD) - p[kGammaN] * ln_neff -
                                          x.value(kPpost) / p[kGammaPost]});
  }

  template <int K>
  static std::string domain_error(const double* p, const RowView<K>& row) {
    return KumarQat::domain_error(p, row);
  }

  static std::vector<Preset> presets() {
    const auto ptq = KumarPtq::presets()[0].values;
    auto with_ptq = [&](bool offsets) {
      auto v = KumarQat::table2(offsets);
      v.insert(v.end(), ptq.begin(), ptq.end());
      return v;
    };
    return {
        {"kumar2024", with_ptq(true), "Kumar et al. 2024 (arXiv 2411.04330), Appendix K, Table 2",
         "paper",
         "offset form for N_eff (as kumar-qat kumar2024), delta_PTQ without its offset b = "
         "1.1277; the paper's factor that removes delta_PTQ when training precision equals "
         "P_post is not included"},
        {"kumar2024-main", with_ptq(false),
         "Kumar et al. 2024 (arXiv 2411.04330), main-text form with Appendix K, Table 2 constants",
         "paper",
         "main-text form for N_eff (all n = 0, as kumar-qat kumar2024-main), delta_PTQ without its "
         "offset b; the factor that removes delta_PTQ when training precision equals P_post is not "
         "included"},
    };
  }

  static std::vector<StartGrid> start_grids() { return KumarQat::start_grids(); }
};

static_assert(Law<KumarPtq>);
static_assert(Law<KumarQat>);
static_assert(Law<Kumar>);
static_assert(HasLogFormula<KumarPtq>);
static_assert(HasLogFormula<KumarQat>);
static_assert(HasLogFormula<Kumar>);
static_assert(HasDomainCheck<KumarQat>);
static_assert(HasDomainCheck<Kumar>);

// Pretraining tokens beyond which more data raises the loss after post-training quantization
// to P_post bits: the zero of dL/dD for L = B D^-beta + delta_PTQ(N, D, P_post),
//   D_crit = (beta B N^gamma_N exp(P_post/gamma_post) / (gamma_D C_T))^(1/(gamma_D + beta)).
// ptq: parameters of kumar-ptq; B and beta: the data term of the base law (kumar-qat or any
// Chinchilla-form fit). For a model trained in low precision pass N_eff = N *
// kumar_neff_fraction(...) as N, since the unified law evaluates delta_PTQ at N_eff.
inline double kumar_dcrit(const std::vector<double>& ptq, double B, double beta, double N,
                          double P_post) {
  check_parameter_values<KumarPtq>(ptq);
  const double ct = ptq[KumarPtq::kCT], gd = ptq[KumarPtq::kGammaD];
  if (!(N > 0.0) || !std::isfinite(N) || !std::isfinite(P_post)) {
    throw UsageError("D_crit needs a finite N > 0 and a finite P_post");
  }
  if (!(ct > 0.0 && gd > 0.0 && B > 0.0 && beta > 0.0) || !std::isfinite(B) ||
      !std::isfinite(beta)) {
    // Otherwise dL/dD has no zero: more data never turns the loss after quantization upwards.
    throw UsageError("D_crit exists only for C_T, gamma_D, B and beta all positive");
  }
  // In logs: the power of a huge base (N^gamma_N e^(P/gamma_post)) would overflow first.
  const double log_dcrit = (std::log(beta * B / (gd * ct)) + ptq[KumarPtq::kGammaN] * std::log(N) +
                            P_post / ptq[KumarPtq::kGammaPost]) /
                           (gd + beta);
  return std::exp(log_dcrit);
}

// The same with B and beta read from parameters of kumar-qat.
inline double kumar_dcrit(const std::vector<double>& ptq, const std::vector<double>& base, double N,
                          double P_post) {
  check_parameter_values<KumarQat>(base);
  return kumar_dcrit(ptq, base[KumarQat::kB], base[KumarQat::kBeta], N, P_post);
}

// N_eff / N: the product of the three precision factors. params: parameters of kumar-qat or of
// kumar (whose first eleven are kumar-qat's). Throws DataError where a factor is not positive.
inline double kumar_neff_fraction(const std::vector<double>& params, double P_w, double P_a,
                                  double P_kv) {
  if (params.size() == static_cast<std::size_t>(Kumar::kNumParameters)) {
    check_parameter_values<Kumar>(params);
  } else {
    check_parameter_values<KumarQat>(params);
  }
  const std::string why = detail::kumar_factor_error(params.data(), {P_w, P_a, P_kv});
  if (!why.empty()) throw DataError("N_eff is undefined: " + why);
  double f = 1.0;
  const std::array<double, 3> bits = {P_w, P_a, P_kv};
  for (int i = 0; i < 3; ++i)
    f *= 1.0 - std::exp(params[static_cast<std::size_t>(KumarQat::kNw + i)] -
                        bits[static_cast<std::size_t>(i)] /
                            params[static_cast<std::size_t>(KumarQat::kGammaW + i)]);
  return f;
}

}  // namespace slfit
