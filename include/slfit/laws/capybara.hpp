// Floating-point quantized training, the "Capybara" law: Sun et al. 2025, "Scaling Laws for
// Floating-Point Quantization Training" (arXiv 2501.02423).
//
//   L(N, D, E, M, B) = n / N^alpha + d / D^beta + eps
//                      + (D^beta / N^alpha) * log2(B) / (gamma * (E + 0.5)^delta * (M + 0.5)^nu)
//
// N parameters, D training tokens, E exponent bits and M mantissa bits of the training format
// (P = E + M + 1 bits with the sign), B the block size (elements sharing one scale). The first
// three terms are a Chinchilla-style base law; the last is the damage from low precision. It grows
// with D^beta, so past a critical data size more tokens raise the loss (capybara_critical_data).
// gamma divides the last term (it is not an exponent on log2 B). Channel-wise scaling behaves like
// log2 B = 13.1567, i.e. B = 2^13.1567 (kCapybaraChannelwiseBlock).
//
//   auto p = slfit::preset_values<slfit::Capybara>("sun2025");
//   double l = slfit::evaluate_at<slfit::Capybara>(p, {6.8e8, 1e11, 4, 3, 128});  // E4M3, B 128
//   slfit::FloatFormat f = slfit::capybara_best_format(p, 8);  // E4M3 again: the best 8-bit split
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/law.hpp"

namespace slfit {

// The block size at which the law's log2 B term equals the effect of channel-wise scaling.
inline const double kCapybaraChannelwiseBlock = std::exp2(13.1567);

struct Capybara {
  static constexpr std::string_view kName = "capybara";
  static constexpr std::string_view kDescription =
      "Sun et al. 2025: L = n/N^alpha + d/D^beta + eps + "
      "D^beta/N^alpha log2(B) / (gamma (E+0.5)^delta (M+0.5)^nu)";
  static constexpr int kNumInputs = 5;
  static constexpr int kNumParameters = 8;
  enum Input : int { kN, kD, kE, kM, kB };
  enum Parameter : int { kSmallN, kAlpha, kSmallD, kBeta, kEps, kGamma, kDelta, kNu };

  static std::array<InputSpec, 5> inputs() {
    return {{
        {"N", "parameters", true},
        {"D", "training tokens", true},
        {.name = "E",
         .meaning = "exponent bits of the training format",
         .positive = false,
         .min = 0.0},
        {.name = "M",
         .meaning = "mantissa bits of the training format",
         .positive = false,
         .min = 0.0},
        // log2 B must be positive; channel-wise scaling acts like B = 2^13.1567.
        {.name = "B",
         .meaning = "block size (elements sharing one scale factor)",
         .positive = true,
         .min = 2.0},
    }};
  }

  static std::vector<ParameterSpec> parameters() {
    return {
        {.name = "n",
         .value = 69.2343,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e1, 1e2, 1e3},
         .meaning = "scale of the model-size term",
         .linear = true},
        {.name = "alpha",
         .value = 0.2368,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.2, 0.5},
         .meaning = "exponent of N"},
        {.name = "d",
         .value = 68973.0621,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e3, 1e5},
         .meaning = "scale of the data term",
         .linear = true},
        {.name = "beta",
         .value = 0.5162,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.3, 0.6},
         .meaning = "exponent of D (also the growth of the precision term with D)"},
        {.name = "eps",
         .value = 1.9061,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1.0, 2.0},
         .meaning = "irreducible loss",
         .linear = true},
        {.name = "gamma",
         .value = 11334.5197,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e2, 1e4, 1e6},
         .meaning = "divides the precision term (larger: less damage)"},
        {.name = "delta",
         .value = 3.1926,
         .lower = 0.0,
         .upper = 20.0,
         .grid = {1.0, 3.0},
         .meaning = "exponent of E + 0.5 (exponent bits)"},
        {.name = "nu",
         .value = 2.9543,
         .lower = 0.0,
         .upper = 20.0,
         .grid = {1.0, 3.0},
         .meaning = "exponent of M + 0.5 (mantissa bits)"},
    };
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    using std::log;
    // One exp for the precision term; log2 B = log B / ln 2 with log B precomputed for the table.
    return p[kSmallN] * exp(-p[kAlpha] * x.log(kN)) + p[kSmallD] * exp(-p[kBeta] * x.log(kD)) +
           p[kEps] +
           exp(p[kBeta] * x.log(kD) - p[kAlpha] * x.log(kN) - p[kDelta] * log(x.value(kE) + 0.5) -
               p[kNu] * log(x.value(kM) + 0.5)) *
               (x.log(kB) / (std::numbers::ln2 * p[kGamma]));
  }

  static std::vector<Preset> presets() {
    return {{"sun2025",
             {{"n", 69.2343},
              {"alpha", 0.2368},
              {"d", 68973.0621},
              {"beta", 0.5162},
              {"eps", 1.9061},
              {"gamma", 11334.5197},
              {"delta", 3.1926},
              {"nu", 2.9543}},
             "Sun et al. 2025 (arXiv 2501.02423), Table 2",
             "paper",
             "fitted on N in {40.9M, 84.9M, 154.1M, 679.5M} and D in {10, 20, 50, 100} x 2^30 "
             "tokens (358 runs); channel-wise scaling corresponds to B = 2^13.1567"}};
  }
};

static_assert(Law<Capybara>);

// A floating-point format with E exponent and M mantissa bits plus a sign bit.
struct FloatFormat {
  int E = 0;
  int M = 0;
  int bits() const { return E + M + 1; }
  bool operator==(const FloatFormat&) const = default;
};

inline std::string to_string(const FloatFormat& f) {
  // Appended, not `"E" + std::to_string(...)`: GCC 12 warns falsely (-Wstringop-overflow) on that
  // inlined operator+ at -O3.
  std::string out = "E";
  out.append(std::to_string(f.E)).append("M").append(std::to_string(f.M));
  return out;
}

// Parses "E4M3" (or "e4m3") into {E = 4, M = 3}. Each count is a whole number from 0 to 255.
inline FloatFormat parse_float_format(std::string_view text) {
  const std::string shown(text);
  const auto fail = [&](const std::string& why) -> FloatFormat {
    throw UsageError("bad float format '" + shown + "': " + why +
                     "; write E<exponent bits>M<mantissa bits>, e.g. E4M3 or E2M1");
  };
  std::size_t pos = 0;
  const auto count = [&](char letter, const char* what) -> int {
    if (pos >= text.size() || std::toupper(static_cast<unsigned char>(text[pos])) != letter) {
      fail(std::string("expected '") + letter + "' at position " + std::to_string(pos + 1));
    }
    ++pos;
    const std::size_t start = pos;
    int v = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      v = v * 10 + (text[pos] - '0');
      if (v > 255) fail(std::string("the number of ") + what + " bits is larger than 255");
      ++pos;
    }
    if (pos == start) fail(std::string("the number of ") + what + " bits is missing");
    return v;
  };
  if (text.empty()) return fail("the text is empty");
  FloatFormat f;
  f.E = count('E', "exponent");
  f.M = count('M', "mantissa");
  if (pos != text.size()) fail("unexpected text after the mantissa bits");
  return f;
}

// The real-valued split of P bits (sign included) between exponent and mantissa that minimizes the
// law: E = delta P / (delta + nu) - 0.5, M = nu P / (delta + nu) - 0.5, so that E + M + 1 = P.
struct CapybaraSplit {
  double E = 0.0;
  double M = 0.0;
};

namespace detail {

inline void capybara_require(bool ok, const std::string& what, double got) {
  if (!ok) throw DataError(what + ", got " + BoundInputs<Capybara>::fmt_double(got));
}

inline void capybara_require_shape(const std::vector<double>& params, const char* who) {
  check_parameter_values<Capybara>(params);
  if (!(params[Capybara::kDelta] > 0.0) || !(params[Capybara::kNu] > 0.0)) {
    throw UsageError(std::string(who) + " needs delta > 0 and nu > 0 (got delta = " +
                     BoundInputs<Capybara>::fmt_double(params[Capybara::kDelta]) +
                     ", nu = " + BoundInputs<Capybara>::fmt_double(params[Capybara::kNu]) + ")");
  }
}

}  // namespace detail

inline CapybaraSplit capybara_optimal_split(const std::vector<double>& params, double P) {
  detail::capybara_require_shape(params, "capybara_optimal_split");
  detail::capybara_require(std::isfinite(P) && P >= 1.0,
                           "capybara_optimal_split: P must be at least 1 bit", P);
  const double delta = params[Capybara::kDelta], nu = params[Capybara::kNu];
  return {delta * P / (delta + nu) - 0.5, nu * P / (delta + nu) - 0.5};
}

// The integer format with E + M + 1 = P that gives the lowest loss. Only (E+0.5)^delta (M+0.5)^nu
// depends on the format, and it enters the loss through a positive multiplier, so the answer is
// the same for every N, D and B. The log of that product is concave in E, so the best integer is
// the floor or the ceiling of the real optimum; both are compared (ties go to more exponent bits).
inline FloatFormat capybara_best_format(const std::vector<double>& params, int P) {
  detail::capybara_require_shape(params, "capybara_best_format");
  if (P < 2) {
    throw DataError("capybara_best_format: P must be at least 2 bits (a sign and one more), got " +
                    std::to_string(P));
  }
  const double delta = params[Capybara::kDelta], nu = params[Capybara::kNu];
  const double e_real = capybara_optimal_split(params, P).E;
  const auto score = [&](int e) {  // log of the precision term's denominator: larger is better
    return delta * std::log(e + 0.5) + nu * std::log(P - 1 - e + 0.5);
  };
  const auto clamp_e = [&](double e) { return static_cast<int>(std::clamp(e, 0.0, P - 1.0)); };
  const int lo = clamp_e(std::floor(e_real)), hi = clamp_e(std::ceil(e_real));
  const int e = score(hi) >= score(lo) ? hi : lo;
  return {e, P - 1 - e};
}

// The data size beyond which more tokens raise the loss at fixed N and format, where the data
// term's fall d/D^beta and the precision term's rise (proportional to D^beta) balance:
// D_crit = (d gamma N^alpha (E+0.5)^delta (M+0.5)^nu / log2 B)^(1/(2 beta)).
inline double capybara_critical_data(const std::vector<double>& params, double N, double E,
                                     double M, double B) {
  check_parameter_values<Capybara>(params);
  detail::capybara_require(std::isfinite(N) && N > 0.0,
                           "capybara_critical_data: N must be positive", N);
  detail::capybara_require(std::isfinite(E) && E >= 0.0,
                           "capybara_critical_data: E (exponent bits) must be >= 0", E);
  detail::capybara_require(std::isfinite(M) && M >= 0.0,
                           "capybara_critical_data: M (mantissa bits) must be >= 0", M);
  detail::capybara_require(std::isfinite(B) && B >= 2.0,
                           "capybara_critical_data: B (block size) must be at least 2", B);
  const double* p = params.data();
  if (!(p[Capybara::kSmallD] > 0.0) || !(p[Capybara::kGamma] > 0.0) ||
      !(p[Capybara::kBeta] > 0.0)) {
    throw UsageError("capybara_critical_data needs d > 0, gamma > 0 and beta > 0");
  }
  const double log_inner = std::log(p[Capybara::kSmallD]) + std::log(p[Capybara::kGamma]) +
                           p[Capybara::kAlpha] * std::log(N) +
                           p[Capybara::kDelta] * std::log(E + 0.5) +
                           p[Capybara::kNu] * std::log(M + 0.5) - std::log(std::log2(B));
  return std::exp(log_inner / (2.0 * p[Capybara::kBeta]));
}

}  // namespace slfit
