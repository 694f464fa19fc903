// Chinchilla: L(N, D) = E + A / N^alpha + B / D^beta   (Hoffmann et al. 2022, arXiv 2203.15556)
//
// N counts all parameters, D training tokens, L is loss in nats per token; training compute is
// C ~ 6 N D. A, B and E are positive scales and are fitted as logs (a = log A, b = log B,
// e = log E), which is Hoffmann et al.'s own parameterization. In log space the law is evaluated in
// their log-sum-exp form, log L = LSE(a - alpha log N, b - beta log D, e), which stays accurate
// where one term dominates by many orders of magnitude (as at the corners of their start grid).
//
//   auto p = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
//   double loss = slfit::evaluate_at<slfit::Chinchilla>(p, {70e9, 1.4e12});  // 1.936645
#pragma once

#include <array>
#include <cmath>
#include <string_view>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/detail/log_sum_exp.hpp"

namespace slfit {

struct Chinchilla {
  static constexpr std::string_view kName = "chinchilla";
  static constexpr std::string_view kDescription =
      "Hoffmann et al. 2022: L = E + A/N^alpha + B/D^beta";
  static constexpr int kNumInputs = 2;
  static constexpr int kNumParameters = 5;
  enum Input : int { kN, kD };
  enum Parameter : int { kE, kA, kB, kAlpha, kBeta };

  static std::array<InputSpec, 2> inputs() {
    return {
        {{"N", "parameters (all, including embeddings)", true}, {"D", "training tokens", true}}};
  }

  static std::vector<ParameterSpec> parameters() {
    return {
        {.name = "E",
         .value = 1.69,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {std::exp(-1.0), std::exp(0.0), std::exp(1.0)},
         .meaning = "irreducible loss",
         .linear = true},
        {.name = "A",
         .value = 406.4,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {std::exp(0.0), std::exp(5.0), std::exp(10.0), std::exp(15.0)},
         .meaning = "scale of the model-size term",
         .linear = true},
        {.name = "B",
         .value = 410.7,
         .lower = 0.0,
         .transform = Transform::kLog,
         .grid = {std::exp(0.0), std::exp(5.0), std::exp(10.0), std::exp(15.0)},
         .meaning = "scale of the data term",
         .linear = true},
        {.name = "alpha",
         .value = 0.34,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.0, 0.5, 1.0},
         .meaning = "exponent of N"},
        {.name = "beta",
         .value = 0.28,
         .lower = 0.0,
         .upper = 5.0,
         .grid = {0.0, 0.5, 1.0},
         .meaning = "exponent of D"},
    };
  }

  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[kE] + p[kA] * exp(-p[kAlpha] * x.log(kN)) + p[kB] * exp(-p[kBeta] * x.log(kD));
  }

  // log L as a log-sum-exp of the three terms' logs: exact where a term underflows the others.
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    using std::exp;
    using std::log;
    using std::max;
    const T t1 = log(p[kA]) - p[kAlpha] * x.log(kN);
    const T t2 = log(p[kB]) - p[kBeta] * x.log(kD);
    const T t3 = log(p[kE]);
    return detail::log_sum_exp<T, 3>({t1, t2, t3});
  }

  // The hot path of a fit: the value at every row at once and, when `d` is given, its
  // derivatives by (E, A, B, alpha, beta), each exp taken once and shared. In log space the terms
  // are weighted by their softmax share of L, which stays exact where one term dominates.
  template <class X>
  static void value_and_gradient(const double* p, const X& x, Space space, Array& value,
                                 Eigen::ArrayXXd* d) {
    const auto log_n = x.log(kN);  // a map over the column: no copy
    const auto log_d = x.log(kD);
    const Eigen::Index n = log_n.size();
    if (space == Space::kLinear) {
      if (d == nullptr) {
        value = p[kE] + p[kA] * (-p[kAlpha] * log_n).exp() + p[kB] * (-p[kBeta] * log_d).exp();
        return;
      }
      d->resize(n, kNumParameters);
      d->col(kE).setOnes();
      d->col(kA) = (-p[kAlpha] * log_n).exp();
      d->col(kB) = (-p[kBeta] * log_d).exp();
      value = p[kE] + p[kA] * d->col(kA) + p[kB] * d->col(kB);
      d->col(kAlpha) = -p[kA] * log_n * d->col(kA);
      d->col(kBeta) = -p[kB] * log_d * d->col(kB);
      return;
    }
    // Two exps and a log per row, L = E + A N^-alpha + B D^-beta, wherever L stays inside the
    // range of doubles (everywhere on Hoffmann et al.'s grid); the log-sum-exp form otherwise.
    // The derivative columns double as the buffers, so nothing is allocated once d is sized.
    if (d == nullptr) {
      value = p[kE] + p[kA] * (-p[kAlpha] * log_n).exp() + p[kB] * (-p[kBeta] * log_d).exp();
    } else {
      d->resize(n, kNumParameters);
      d->col(kA) = (-p[kAlpha] * log_n).exp();
      d->col(kB) = (-p[kBeta] * log_d).exp();
      value = p[kE] + p[kA] * d->col(kA) + p[kB] * d->col(kB);
    }
    if (!(value.minCoeff() > 1e-300 && value.maxCoeff() < 1e300)) {
      const Array t1 = std::log(p[kA]) - p[kAlpha] * log_n;
      const Array t2 = std::log(p[kB]) - p[kBeta] * log_d;
      const double t3 = std::log(p[kE]);
      const Array m = t1.max(t2).max(t3);
      const Array e1 = (t1 - m).exp(), e2 = (t2 - m).exp(), e3 = (t3 - m).exp();
      const Array sum = e1 + e2 + e3;
      value = m + sum.log();
      if (d == nullptr) return;
      const Array inv = sum.inverse();
      d->col(kE) = e3 * inv / p[kE];
      d->col(kA) = e1 * inv / p[kA];
      d->col(kB) = e2 * inv / p[kB];
      d->col(kAlpha) = -log_n * e1 * inv;
      d->col(kBeta) = -log_d * e2 * inv;
      return;
    }
    if (d != nullptr) {
      d->col(kE) = value.inverse();
      d->col(kA) *= d->col(kE);
      d->col(kB) *= d->col(kE);
      d->col(kAlpha) = -p[kA] * log_n * d->col(kA);
      d->col(kBeta) = -p[kB] * log_d * d->col(kB);
    }
    value = value.log();
  }

  static std::vector<Preset> presets() {
    return {
        {"hoffmann2022",
         {{"E", 1.69}, {"A", 406.4}, {"B", 410.7}, {"alpha", 0.34}, {"beta", 0.28}},
         "Hoffmann et al. 2022 (arXiv 2203.15556), Approach 3, constants as printed",
         "paper",
         "N all parameters, D tokens, loss in nats on MassiveText"},
        {"hoffmann2022-tex",
         {{"E", std::exp(0.5267228)},
          {"A", std::exp(6.0073404)},
          {"B", std::exp(6.0179186)},
          {"alpha", 0.33917084},
          {"beta", 0.2849083}},
         "Hoffmann et al. 2022 (arXiv 2203.15556), unrounded constants from the paper's TeX source",
         "paper",
         "E = exp(0.5267228), A = exp(6.0073404), B = exp(6.0179186)"},
        {"epoch2024",
         {{"E", 1.81686},
          {"A", 482.00572},
          {"B", 2085.43420},
          {"alpha", 0.34781},
          {"beta", 0.36585}},
         "Besiroglu et al. 2024 (arXiv 2404.10102), refit of Hoffmann et al.'s Figure 4 data",
         "paper",
         "fitted with a Huber likelihood with fitted scale (close to least absolute deviations)"},
    };
  }

  static std::vector<StartGrid> start_grids() {
    std::vector<double> exps, scales, e;
    for (double v = 0.0; v <= 2.0; v += 0.5) exps.push_back(v);
    for (double v = 0.0; v <= 25.0; v += 5.0) scales.push_back(std::exp(v));
    for (double v = -1.0; v <= 1.0; v += 0.5) e.push_back(std::exp(v));
    return {{"hoffmann",
             {{"E", e}, {"A", scales}, {"B", scales}, {"alpha", exps}, {"beta", exps}},
             "Hoffmann et al.'s 4500 starts: alpha, beta in {0, 0.5, ..., 2}; log E in "
             "{-1, -0.5, ..., 1}; log A, log B in {0, 5, ..., 25}"}};
  }
};

static_assert(Law<Chinchilla>);
static_assert(HasLogFormula<Chinchilla>);

}  // namespace slfit
