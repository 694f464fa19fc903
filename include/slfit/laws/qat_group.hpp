// Quantization-aware training with group-wise scales: Chen et al. 2025, "Scaling Law for
// Quantization-Aware Training" (arXiv 2505.14302).
//
//   L(N, D, G) = A / N^alpha + B / D^beta + E + delta_p(N, D, G)                (law "qat-full")
//   delta_p(N, D, G) = k * D^gamma_D * (log2 G)^gamma_G / N^gamma_N             (law "qat-group")
//
// N parameters, D training tokens, G the quantization group size (elements sharing one scale).
// delta_p is the loss a QAT model loses to its full-precision twin: it shrinks with model size and
// grows with tokens and coarser groups. log2 G must be positive, so G >= 2. The shipped delta_p
// constants come from one secondary note written from the paper ([second] in LAWS.md); the base
// law's A, B and E were not found, so qat-full has no preset and must be fitted.
//
//   auto p = slfit::preset_values<slfit::QatGroup>("chen2025-w4a4");
//   double dp = slfit::evaluate_at<slfit::QatGroup>(p, {595e6, 100e9, 32});  // 0.044089
//   double eff = slfit::qat_effective_multiplier(400.0, 0.3022, 595e6, dp);  // A, alpha assumed
#pragma once

#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/law_traits.hpp"

namespace slfit {

struct QatGroup {
  static constexpr std::string_view kName = "qat-group";
  static constexpr std::string_view kDescription =
      "Chen et al. 2025: delta_p = k D^gamma_D (log2 G)^gamma_G / N^gamma_N, QAT loss gap";
  static constexpr int kNumInputs = 3;
  static constexpr int kNumParameters = 4;
  enum Input : int { kN, kD, kG };
  enum Parameter : int { kK, kGammaN, kGammaD, kGammaG };

  static std::array<InputSpec, 3> inputs() {
    return {{{"N", "parameters", true},
             {"D", "training tokens", true},
             // log2(1) = 0 would make the law 0 (or undefined for gamma_G < 0): G >= 2.
             {.name = "G",
              .meaning = "quantization group size (elements sharing one scale)",
              .positive = true,
              .min = 2.0}}};
  }

  static std::vector<ParameterSpec> parameters() {
    return {
        {.name = "k",
         .value = 0.1582,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e-2, 1e-1, 1.0},
         .meaning = "scale of the quantization error",
         .linear = true},
        {.name = "gamma_N",
         .value = 0.2186,
         .lower = -5.0,
         .upper = 5.0,
         .grid = {0.1, 0.4},
         .meaning = "exponent of N (larger models lose less)"},
        {.name = "gamma_D",
         .value = 0.0745,
         .lower = -5.0,
         .upper = 5.0,
         .grid = {0.05, 0.2},
         .meaning = "exponent of D (more tokens lose more)"},
        {.name = "gamma_G",
         .value = 0.7779,
         .lower = -5.0,
         .upper = 5.0,
         .grid = {0.3, 1.0},
         .meaning = "exponent of log2 G (coarser groups lose more)"},
    };
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    using std::log;
    return p[kK] * exp(p[kGammaD] * x.log(kD) - p[kGammaN] * x.log(kN) +
                       p[kGammaG] * log(x.log(kG) * (1.0 / std::numbers::ln2)));
  }

  // Exact: linear in the parameters other than k, so a log-space fit is linear least squares.
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::log;
    return log(p[kK]) + p[kGammaD] * x.log(kD) - p[kGammaN] * x.log(kN) +
           p[kGammaG] * log(x.log(kG) / std::numbers::ln2);
  }

  static std::vector<Preset> presets() {
    const std::string src = "Chen et al. 2025 (arXiv 2505.14302), as quoted by a secondary note";
    const std::string caveat =
        "[second]: from one public note written from the paper, not checked against the paper "
        "itself. ";
    const auto make = [&](const char* name, double k, double gn, double gd, double gg,
                          const char* what) {
      return Preset{name,
                    {{"k", k}, {"gamma_N", gn}, {"gamma_D", gd}, {"gamma_G", gg}},
                    src,
                    "second",
                    caveat + what};
    };
    return {
        make("chen2025-w4a4", 0.1582, 0.2186, 0.0745, 0.7779, "4-bit weights and activations"),
        make("chen2025-w4a16", 0.2522, 0.3589, 0.1610, 0.3533,
             "4-bit weights, 16-bit activations (the weight part of the W4A4 error)"),
        make("chen2025-w16a4", 0.1004, 0.1816, 0.0331, 0.9812,
             "16-bit weights, 4-bit activations (the activation part of the W4A4 error)"),
        make("chen2025-w4a4-fc2int8", 0.3519, 0.2637, 0.0964, 0.3407,
             "W4A4 with the FC2 layer's input activations kept at INT8"),
        make("chen2025-w16a4-fc2int8", 0.1273, 0.2347, 0.0827, 0.4491,
             "W16A4 with the FC2 layer's input activations kept at INT8"),
    };
  }
};

static_assert(Law<QatGroup>);
static_assert(HasLogFormula<QatGroup>);

// The whole QAT loss: a Chinchilla-style base law plus delta_p. Parameters A, B, E, alpha, beta are
// the base law's; k, gamma_N, gamma_D, gamma_G are delta_p's, in QatGroup's order.
struct QatFull {
  static constexpr std::string_view kName = "qat-full";
  static constexpr std::string_view kDescription =
      "Chen et al. 2025: L = A/N^alpha + B/D^beta + E + k D^gamma_D (log2 G)^gamma_G / N^gamma_N";
  static constexpr int kNumInputs = 3;
  static constexpr int kNumParameters = 9;
  enum Input : int { kN, kD, kG };
  enum Parameter : int { kA, kB, kE, kAlpha, kBeta, kK, kGammaN, kGammaD, kGammaG };

  static std::array<InputSpec, 3> inputs() { return QatGroup::inputs(); }

  static std::vector<ParameterSpec> parameters() {
    std::vector<ParameterSpec> out = {
        {.name = "A",
         .value = 400.0,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e1, 1e3},
         .meaning = "scale of the model-size term",
         .linear = true},
        {.name = "B",
         .value = 400.0,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e1, 1e3},
         .meaning = "scale of the data term",
         .linear = true},
        {.name = "E",
         .value = 1.7,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1.0, 2.0},
         .meaning = "irreducible loss",
         .linear = true},
        {.name = "alpha",
         .value = 0.3022,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.3},
         .meaning = "exponent of N in the base law"},
        {.name = "beta",
         .value = 0.3022,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.3},
         .meaning = "exponent of D in the base law"},
    };
    for (auto& s : QatGroup::parameters()) {
      s.grid = {s.value};  // keeps the default grid small; the base terms dominate the loss
      out.push_back(std::move(s));
    }
    return out;
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[kA] * exp(-p[kAlpha] * x.log(kN)) + p[kB] * exp(-p[kBeta] * x.log(kD)) + p[kE] +
           QatGroup::formula(p + kK, x);
  }
};

static_assert(Law<QatFull>);

namespace detail {

inline void qat_require(bool ok, const std::string& what, double got) {
  if (!ok) throw DataError(what + ", got " + BoundInputs<QatGroup>::fmt_double(got));
}

}  // namespace detail

// The effective-parameter multiplier equivalent to an additive loss increase `delta` (Frantar et
// al. 2025): the eff with A (eff N)^-alpha = A N^-alpha + delta, i.e.
// eff = (A / (A + delta N^alpha))^(1/alpha). A and alpha are the base law's model-size constants.
// A positive delta gives eff in (0, 1); a negative one (an improvement) gives eff > 1.
inline double qat_effective_multiplier(double A, double alpha, double N, double delta) {
  detail::qat_require(std::isfinite(A) && A > 0.0, "qat_effective_multiplier: A must be positive",
                      A);
  detail::qat_require(std::isfinite(alpha) && alpha > 0.0,
                      "qat_effective_multiplier: alpha must be positive", alpha);
  detail::qat_require(std::isfinite(N) && N > 0.0, "qat_effective_multiplier: N must be positive",
                      N);
  detail::qat_require(std::isfinite(delta), "qat_effective_multiplier: delta must be finite",
                      delta);
  const double x = delta * std::exp(alpha * std::log(N)) / A;  // delta relative to A N^-alpha
  detail::qat_require(x > -1.0,
                      "qat_effective_multiplier: delta must exceed -A/N^alpha (the loss cannot "
                      "fall below the base law's irreducible part), delta",
                      delta);
  return std::exp(-std::log1p(x) / alpha);
}

// The same from qat-full parameters: delta_p(N, D, G) converted with the fit's own A and alpha.
inline double qat_effective_multiplier(const std::vector<double>& full_params, double N, double D,
                                       double G) {
  check_parameter_values<QatFull>(full_params);
  const std::vector<double> dp(full_params.begin() + QatFull::kK, full_params.end());
  const double delta = evaluate_at<QatGroup>(dp, {N, D, G});
  return qat_effective_multiplier(full_params[QatFull::kA], full_params[QatFull::kAlpha], N, delta);
}

// delta_W4A4 / (delta_W4A16 + delta_W16A4) at one point, from three qat-group parameter sets.
// Chen et al. report the W4A4 error as about 0.906 times the sum of its weight-only and
// activation-only parts; this gives the ratio the fitted laws imply at (N, D, G).
inline double qat_wa_ratio(const std::vector<double>& w4a4, const std::vector<double>& w4a16,
                           const std::vector<double>& w16a4, double N, double D, double G) {
  const std::array<double, 3> x = {N, D, G};
  const double both = evaluate_at<QatGroup>(w4a4, x);
  const double parts = evaluate_at<QatGroup>(w4a16, x) + evaluate_at<QatGroup>(w16a4, x);
  if (!(parts > 0.0) || !std::isfinite(parts)) {
    throw DataError("qat_wa_ratio: delta_W4A16 + delta_W16A4 is not a positive finite number (" +
                    BoundInputs<QatGroup>::fmt_double(parts) + ")");
  }
  return both / parts;
}

// The same with the chen2025-w4a4, -w4a16 and -w16a4 presets.
inline double qat_wa_ratio(double N, double D, double G) {
  return qat_wa_ratio(preset_values<QatGroup>("chen2025-w4a4"),
                      preset_values<QatGroup>("chen2025-w4a16"),
                      preset_values<QatGroup>("chen2025-w16a4"), N, D, G);
}

template <>
struct LawTraits<QatGroup> {
  static std::vector<Analysis> analyses() {
    return {{.quantity = "wa-ratio",
             .required = {"N", "D", "G"},
             .help = "delta_W4A4 / (delta_W4A16 + delta_W16A4) from the chen2025 presets (about "
                     "0.906)",
             .run = [](const std::vector<double>&, const Row& r) -> Outputs {
               return {{"wa_ratio", qat_wa_ratio(*get(r, "N"), *get(r, "D"), *get(r, "G"))}};
             },
             .plotted = {"wa_ratio"},
             .plot_label = "delta_W4A4 / (delta_W4A16 + delta_W16A4)"}};
  }
  static Presentation presentation() {
    return {.value_label = "QAT loss gap delta_p (nats/token)"};
  }
};

template <>
struct LawTraits<QatFull> {
  static std::vector<Analysis> analyses() {
    return {{.quantity = "multiplier",
             .required = {"N", "D", "G"},
             .help = "Frantar et al.'s equivalent effective-parameter multiplier of the QAT "
                     "degradation",
             .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
               const double n = *get(r, "N"), d = *get(r, "D"), g = *get(r, "G");
               return {{"multiplier", qat_effective_multiplier(p, n, d, g)}};
             },
             .plotted = {"multiplier"},
             .plot_label = "effective-parameter multiplier"}};
  }
};

}  // namespace slfit
