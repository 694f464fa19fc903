// Quantization-induced degradation (QiD): Ouyang et al. 2024, "Low-Bit Quantization Favors
// Undertrained LLMs" (arXiv 2411.17691), and the 16-bit Pythia base law fitted in the same paper.
//
//   QiD(N, D, P) = k * D^beta / (N^alpha * P^gamma)          (law "qid")
//   L16(N, D)    = ((N_c / N)^(alpha_N / alpha_D) + D_c / D)^alpha_D   (law "pythia-kaplan")
//
// QiD is loss(quantized) - loss(16-bit) after post-training quantization (GPTQ on Pythia), N is the
// non-embedding parameter count, D training tokens and P the bit width. The law says that the more
// a model is trained, the more low-bit quantization hurts it, so QiD read backwards tells how far
// along its training a model is: qid_tokens() inverts the law for D, qid_training_fraction()
// compares that with a token count of your choice. In log space QiD is linear in the logs of its
// inputs (log k + beta log D - alpha log N - gamma log P), which log_formula() states exactly.
//
// Fitting one bit width alone: P is then constant, so k and P^gamma are a single constant and gamma
// is not identifiable; fix gamma (e.g. FitOptions::fixed["gamma"]) when fitting per bit width.
//
//   auto p = slfit::preset_values<slfit::Qid>("ouyang2024");
//   double q = slfit::evaluate_at<slfit::Qid>(p, {7e9, 1e14, 4});  // 1.113: a 7B 4-bit model
//   double d = slfit::qid_tokens(p, 7e9, 4, 0.2);                   // tokens at which QiD hits 0.2
#pragma once

#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/law_traits.hpp"
#include "slfit/detail/log_sum_exp.hpp"

namespace slfit {

struct Qid {
  static constexpr std::string_view kName = "qid";
  static constexpr std::string_view kDescription =
      "Ouyang et al. 2024: QiD = k D^beta / (N^alpha P^gamma), loss increase from quantization";
  static constexpr int kNumInputs = 3;
  static constexpr int kNumParameters = 4;
  enum Input : int { kN, kD, kP };
  enum Parameter : int { kK, kAlpha, kBeta, kGamma };

  static std::array<InputSpec, 3> inputs() {
    return {
        {{"N", "non-embedding parameters", true},
         {"D", "training tokens", true},
         {.name = "P", .meaning = "bit width after quantization", .positive = true, .min = 1.0}}};
  }

  static std::vector<ParameterSpec> parameters() {
    return {
        {.name = "k",
         .value = 0.017,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e-3, 1e-2, 1e-1},
         .meaning = "scale of the degradation",
         .linear = true},
        {.name = "alpha",
         .value = 0.2261,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.1, 0.5},
         .meaning = "exponent of N (larger models degrade less)"},
        {.name = "beta",
         .value = 0.5251,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.2, 0.8},
         .meaning = "exponent of D (more training degrades more)"},
        {.name = "gamma",
         .value = 5.4967,
         .lower = 0.0,
         .upper = 30.0,
         .grid = {2.0, 6.0},
         .meaning = "exponent of P (more bits degrade less)"},
    };
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[kK] * exp(p[kBeta] * x.log(kD) - p[kAlpha] * x.log(kN) - p[kGamma] * x.log(kP));
  }

  // Exact in log space: a log-transformed k makes a log-space fit a linear least-squares problem.
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::log;
    return log(p[kK]) + p[kBeta] * x.log(kD) - p[kAlpha] * x.log(kN) - p[kGamma] * x.log(kP);
  }

  static std::vector<Preset> presets() {
    return {
        {"ouyang2024",
         {{"k", 0.017}, {"alpha", 0.2261}, {"beta", 0.5251}, {"gamma", 5.4967}},
         "Ouyang et al. 2024 (arXiv 2411.17691 v1), unified law of figure 6",
         "paper",
         "GPTQ on Pythia 160M-12B at 2-4 bits; N non-embedding parameters, QiD in nats. "
         "Exponents fitted one factor at a time in the same paper: beta = 0.5316 (D alone), "
         "alpha = 0.2276 (N alone), gamma = 5.4812 (P alone). The paper's per-bit-width Table 1 "
         "is not reproduced by this unified fit at 3 and 4 bits"}};
  }
};

static_assert(Law<Qid>);
static_assert(HasLogFormula<Qid>);

// Kaplan et al.'s joint form, L = ((N_c/N)^(alpha_N/alpha_D) + D_c/D)^alpha_D, with the constants
// Ouyang et al. fitted to the 16-bit Pythia checkpoints. The parameter names are Kaplan's; alpha_D
// is the outer exponent and alpha_N/alpha_D the exponent of the model-size ratio.
struct PythiaKaplan {
  static constexpr std::string_view kName = "pythia-kaplan";
  static constexpr std::string_view kDescription =
      "Kaplan form fitted to 16-bit Pythia by Ouyang et al. 2024: "
      "L = ((N_c/N)^(alpha_N/alpha_D) + D_c/D)^alpha_D";
  static constexpr int kNumInputs = 2;
  static constexpr int kNumParameters = 4;
  enum Input : int { kN, kD };
  enum Parameter : int { kNc, kAlphaN, kDc, kAlphaD };

  static std::array<InputSpec, 2> inputs() {
    return {{{"N", "parameters (as counted for Pythia in the paper)", true},
             {"D", "training tokens", true}}};
  }

  static std::vector<ParameterSpec> parameters() {
    return {
        {.name = "N_c",
         .value = 4.74e19,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e13, 1e16, 1e19},
         .meaning = "model-size scale"},
        {.name = "alpha_N",
         .value = 0.045,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.03, 0.1},
         .meaning = "model-size exponent (the N ratio is raised to alpha_N/alpha_D)"},
        {.name = "D_c",
         .value = 7.63e10,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e9, 1e11, 1e13},
         .meaning = "data scale"},
        {.name = "alpha_D",
         .value = 0.399,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.1, 0.4},
         .meaning = "outer exponent (the data exponent)"},
    };
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    using std::log;
    return exp(p[kAlphaD] * log(exp(p[kAlphaN] / p[kAlphaD] * (log(p[kNc]) - x.log(kN))) +
                                exp(log(p[kDc]) - x.log(kD))));
  }

  // alpha_D times a log-sum-exp of the two terms' logs: stays finite where one ratio overflows.
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::exp;
    using std::log;
    const T t1 = p[kAlphaN] / p[kAlphaD] * (log(p[kNc]) - x.log(kN));
    const T t2 = log(p[kDc]) - x.log(kD);
    return p[kAlphaD] * detail::log_sum_exp<T, 2>({t1, t2});
  }

  static std::vector<Preset> presets() {
    return {{"ouyang2024",
             {{"N_c", 4.74e19}, {"alpha_N", 0.045}, {"D_c", 7.63e10}, {"alpha_D", 0.399}},
             "Ouyang et al. 2024 (arXiv 2411.17691), 16-bit Pythia base law",
             "paper",
             "printed as L16 = ((4.74e19/N)^(0.045/0.399) + 7.63e10/D)^0.399; loss in nats on the "
             "paper's validation data"}};
  }
};

static_assert(Law<PythiaKaplan>);
static_assert(HasLogFormula<PythiaKaplan>);

namespace detail {

inline void qid_require(bool ok, const std::string& what, double got) {
  if (!ok) throw DataError(what + ", got " + BoundInputs<Qid>::fmt_double(got));
}

}  // namespace detail

// Training tokens at which a model of N parameters quantized to P bits reaches the given QiD:
// D = (QiD N^alpha P^gamma / k)^(1/beta). params are Qid's, in the order of Qid::parameters().
inline double qid_tokens(const std::vector<double>& params, double N, double P, double qid) {
  check_parameter_values<Qid>(params);
  detail::qid_require(std::isfinite(N) && N > 0.0, "qid_tokens: N must be positive", N);
  detail::qid_require(std::isfinite(P) && P >= 1.0, "qid_tokens: P must be at least 1 bit", P);
  detail::qid_require(std::isfinite(qid) && qid > 0.0,
                      "qid_tokens: the QiD must be positive (the law never reaches 0 or below)",
                      qid);
  const double k = params[Qid::kK], beta = params[Qid::kBeta];
  if (!(k > 0.0) || beta == 0.0) {
    throw UsageError("qid_tokens needs k > 0 and beta != 0 to invert the law (k = " +
                     BoundInputs<Qid>::fmt_double(k) +
                     ", beta = " + BoundInputs<Qid>::fmt_double(beta) + ")");
  }
  // In logs: no overflow of N^alpha P^gamma on the way to a finite answer.
  const double log_d = (std::log(qid) + params[Qid::kAlpha] * std::log(N) +
                        params[Qid::kGamma] * std::log(P) - std::log(k)) /
                       beta;
  const double d = std::exp(log_d);
  if (!std::isfinite(d) || d <= 0.0) {
    throw DataError(
        "qid_tokens: the token count for QiD " + BoundInputs<Qid>::fmt_double(qid) +
        " is outside the range of a double (log D = " + BoundInputs<Qid>::fmt_double(log_d) + ")");
  }
  return d;
}

// How far along its training a model looks, judged by its quantization damage: the tokens at
// which the law predicts the measured QiD (qid_tokens), divided by `reference_tokens` (the tokens
// the model was actually trained on, or a planned budget). 1 means the model degrades exactly as
// the law expects at the reference; 0.25 means it degrades like a model that has seen a quarter of
// them. Because QiD grows as D^beta, this equals (measured / QiD(N, reference, P))^(1/beta), so
// the scale k cancels and only the exponent beta matters.
inline double qid_training_fraction(const std::vector<double>& params, double N, double P,
                                    double measured_qid, double reference_tokens) {
  detail::qid_require(std::isfinite(reference_tokens) && reference_tokens > 0.0,
                      "qid_training_fraction: the reference token count must be positive",
                      reference_tokens);
  return qid_tokens(params, N, P, measured_qid) / reference_tokens;
}

template <>
struct LawTraits<Qid> {
  static std::vector<Analysis> analyses() {
    return {{.quantity = "tokens",
             .required = {"N", "P", "qid"},
             .optional = {"D"},
             .help = "tokens at which a model reaches a QiD (with D: that as a fraction of D)",
             .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
               const double t = qid_tokens(p, *get(r, "N"), *get(r, "P"), *get(r, "qid"));
               Outputs out = {{"tokens", t}};
               if (auto d = get(r, "D")) out.emplace_back("fraction_of_D", t / *d);
               return out;
             },
             .plotted = {"tokens"},
             .plot_label = "training tokens D reaching the QiD (tokens)"}};
  }
  // As in Ouyang et al.'s Figure 1: QiD against D over 1e9..1e14 tokens, on log axes.
  static Presentation presentation() {
    return {.value_label = "QiD: loss increase from quantization (nats/token)",
            .sweep_input = "D",
            .sweep_from = 1e9,
            .sweep_to = 1e14,
            .log_value = true};
  }
};

}  // namespace slfit
