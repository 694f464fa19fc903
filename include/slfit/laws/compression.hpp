// Compression scaling laws: Frantar et al. 2025 (arXiv 2502.16440).
//
//   L(N, D) = A (N eff(C))^-alpha + B D^-beta + E
//
// A compressed model (quantized weights or activations, sparse weights) trained on D tokens
// behaves like a dense model with eff(C) N parameters, eff in (0, 1] one number per format C. All
// formats share A, B, E, alpha and beta, so the multipliers are only meaningful when fitted
// jointly from runs of every format; fit_compression() in fit/compression.hpp does that
// from a table with a format column.
//
// A law in slfit has a fixed number of inputs and parameters, so the law has kCompressionSlots
// format slots: inputs N, D and indicators f1..f8 (1 where a row uses the slot's format, 0 where
// not), parameters A, B, E, alpha, beta, eff1..eff8, and
//
//   N_eff = N prod_k (1 + f_k (eff_k - 1)),
//
// which is N eff_k on a row of format k and N on a reference (dense) row. The indicators are
// meant to be 0 or 1; values in between are accepted and blend the factor linearly.
// The eff_k are fitted as logs with upper bound 1, so the optimizer sees log eff in (-inf, 0] and
// can neither make a multiplier negative nor above 1 (a format better than its reference would
// show up as eff at its bound, reported in FitResult::at_upper).
//
// No base constants are shipped: the paper's were not found (LAWS.md section 6). The published
// multipliers are listed by frantar2025_multipliers() for comparison, not as a preset.
//
//   slfit::Table t = slfit::read_csv("runs.csv");   // columns N, D, loss, format
//   auto r = slfit::fit_compression(t, "format", "dense", {.space = slfit::Space::kLog});
//   for (auto& [format, eff] : r.multipliers) std::cout << format << " " << eff << "\n";
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/table.hpp"
#include "slfit/detail/log_sum_exp.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/laws/qat_group.hpp"

namespace slfit {

inline constexpr int kCompressionSlots = 8;

struct Compression {
  static constexpr std::string_view kName = "compression";
  static constexpr std::string_view kDescription =
      "Frantar et al. 2025: L = A (N eff)^-alpha + B/D^beta + E, eff per format (f1..f8 slots)";
  static constexpr int kSlots = kCompressionSlots;
  static constexpr int kNumInputs = 2 + kSlots;
  static constexpr int kNumParameters = 5 + kSlots;
  enum Input : int { kN, kD, kF1 };
  enum Parameter : int { kA, kB, kE, kAlpha, kBeta, kEff1 };

  // Appended, not `"f" + std::to_string(...)`: GCC 12 warns falsely (-Wstringop-overflow) on that
  // inlined operator+ at -O3.
  static std::string indicator_name(int slot) {
    return std::string("f").append(std::to_string(slot + 1));
  }
  static std::string multiplier_name(int slot) {
    return std::string("eff").append(std::to_string(slot + 1));
  }

  static std::array<InputSpec, kNumInputs> inputs() {
    std::array<InputSpec, kNumInputs> out;
    out[kN] = {"N", "parameters", true};
    out[kD] = {"D", "training tokens", true};
    for (int k = 0; k < kSlots; ++k) {
      InputSpec in{.name = indicator_name(k), .positive = false, .min = 0.0, .max = 1.0};
      in.meaning = std::string("1 on rows of the format in slot ")
                       .append(std::to_string(k + 1))
                       .append(", else 0");  // appended: see indicator_name
      out[static_cast<std::size_t>(kF1 + k)] = std::move(in);
    }
    return out;
  }

  static std::vector<ParameterSpec> parameters() {
    std::vector<ParameterSpec> out = {
        {.name = "A",
         .value = 400.0,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e1, 1e2, 1e3},
         .meaning = "scale of the model-size term",
         .linear = true},
        {.name = "B",
         .value = 400.0,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {1e1, 1e2, 1e3},
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
         .value = 0.3,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.3},
         .meaning = "exponent of the effective parameter count"},
        {.name = "beta",
         .value = 0.3,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.3},
         .meaning = "exponent of D"},
    };
    // One start per multiplier keeps the default grid at 18 points; the multipliers are well
    // determined once the shared constants are, so more would only multiply the cost.
    for (int k = 0; k < kSlots; ++k) {
      ParameterSpec p{.name = multiplier_name(k),
                      .value = 0.8,
                      .lower = 0.0,
                      .upper = 1.0,
                      .transform = Transform::kLog};
      // Appended, for the same GCC 12 false warning (-Warray-bounds) as the names.
      p.meaning = std::string("effective-parameter multiplier of the format in slot ")
                      .append(std::to_string(k + 1));
      out.push_back(std::move(p));
    }
    return out;
  }

  // log N_eff - log N = sum_k log(1 + f_k (eff_k - 1)), as one expression so that Eigen arrays
  // stay lazy and Jets need no accumulator of a fixed type.
  template <class T, class X>
  static auto log_shrink(const T* p, const X& x) {
    return log_shrink(p, x, std::make_integer_sequence<int, kSlots>{});
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[kA] * exp(-p[kAlpha] * (x.log(kN) + log_shrink(p, x))) +
           p[kB] * exp(-p[kBeta] * x.log(kD)) + p[kE];
  }

  // log L as a log-sum-exp of the three terms' logs, as for Chinchilla: accurate where one term
  // dominates by many orders of magnitude.
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::exp;
    using std::log;
    const T t1 = log(p[kA]) - p[kAlpha] * (x.log(kN) + log_shrink(p, x));
    const T t2 = log(p[kB]) - p[kBeta] * x.log(kD);
    const T t3 = log(p[kE]);
    return detail::log_sum_exp<T, 3>({t1, t2, t3});
  }

 private:
  template <class T, class X, int... K>
  static auto log_shrink(const T* p, const X& x, std::integer_sequence<int, K...>) {
    using std::log;
    return (log(1.0 + x.value(kF1 + K) * (p[kEff1 + K] - 1.0)) + ...);
  }
};

static_assert(Law<Compression>);
static_assert(HasLogFormula<Compression>);

// The same law with one multiplier per format through a per-level parameter (fit/levels.hpp):
// inputs N and D, parameters A, B, E, alpha, beta and eff, which has one value per level of the
// column `format` (FitOptions::per sets another column and the reference, held at 1). Any number
// of formats; this is the law the catalogue calls "compression". The multipliers' upper bound 1
// is a default (a reference format need not be the best one): FitOptions::bounds["eff"] moves it
// for every format, bounds["eff[w8a8]"] for one.
struct CompressionFormats {
  static constexpr std::string_view kName = "compression";
  static constexpr std::string_view kDescription =
      "Frantar et al. 2025: L = A (N eff[format])^-alpha + B/D^beta + E, one eff per format";
  static constexpr int kNumInputs = 2;
  static constexpr int kNumParameters = 6;
  enum Input : int { kN, kD };
  enum Parameter : int { kA, kB, kE, kAlpha, kBeta, kEff };

  static std::array<InputSpec, kNumInputs> inputs() {
    return {{{"N", "parameters", true}, {"D", "training tokens", true}}};
  }

  static std::vector<ParameterSpec> parameters() {
    std::vector<ParameterSpec> out = Compression::parameters();
    out.resize(kEff);
    out.push_back({.name = "eff",
                   .value = 0.8,
                   .lower = 0.0,
                   .upper = 1.0,
                   .transform = Transform::kLog,
                   .meaning = "effective-parameter multiplier of each format (1 at the reference)",
                   .per = "format"});
    return out;
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    using std::log;
    return p[kA] * exp(-p[kAlpha] * (x.log(kN) + log(p[kEff]))) +
           p[kB] * exp(-p[kBeta] * x.log(kD)) + p[kE];
  }

  // log L as a log-sum-exp of the three terms' logs, as Compression's.
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::log;
    const T t1 = log(p[kA]) - p[kAlpha] * (x.log(kN) + log(p[kEff]));
    const T t2 = log(p[kB]) - p[kBeta] * x.log(kD);
    const T t3 = log(p[kE]);
    return detail::log_sum_exp<T, 3>({t1, t2, t3});
  }
};

static_assert(Law<CompressionFormats>);
static_assert(HasLogFormula<CompressionFormats>);

// A multiplier as published, for comparison with fitted ones.
struct PublishedMultiplier {
  std::string_view format;     // the label used in slfit's examples and tests
  double value;                // eff
  std::string_view meaning;    // what the format is
  std::string_view certainty;  // as in LAWS.md
};

// Frantar et al.'s multipliers as quoted by one secondary source ([second] in LAWS.md section 6):
// not checked against the paper, and tied to the paper's own base constants, which were not found.
inline const std::array<PublishedMultiplier, 4>& frantar2025_multipliers() {
  static constexpr std::array<PublishedMultiplier, 4> kTable = {{
      {"w4a16", 0.923, "4-bit weights, 16-bit activations (weight-only quantization)", "second"},
      {"w4a4", 0.747, "4-bit weights and activations", "second"},
      {"w1a1", 0.067, "1-bit weights and activations", "second"},
      {"sparse50", 0.871, "50% weight sparsity", "second"},
  }};
  return kTable;
}

// The multiplier equivalent to an additive loss increase delta at N (such as Chen et al.'s
// delta_p): eff = (A / (A + delta N^alpha))^(1/alpha). See qat_effective_multiplier().
inline double equivalent_multiplier(double A, double alpha, double N, double delta) {
  return qat_effective_multiplier(A, alpha, N, delta);
}

}  // namespace slfit
