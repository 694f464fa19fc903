// Compute-optimal allocation for the Chinchilla law (Hoffmann et al. 2022, Approach 3).
//
// Minimizing L(N, D) = E + A/N^alpha + B/D^beta under C = 6 N D gives
//   N_opt = G (C/6)^a,   D_opt = G^-1 (C/6)^b,
//   G = (alpha A / (beta B))^(1/(alpha+beta)),   a = beta/(alpha+beta),   b = alpha/(alpha+beta).
// Works with preset or fitted parameters (in Chinchilla's order: E, A, B, alpha, beta).
//
//   auto p = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
//   slfit::Allocation x = slfit::chinchilla_allocation(p, 5.76e23);  // N 3.219e10, D 2.982e12
#pragma once

#include <cmath>
#include <vector>

#include "slfit/core/law_traits.hpp"
#include "slfit/laws/chinchilla.hpp"

namespace slfit {

struct Allocation {
  double compute = 0.0;  // C, FLOPs
  double N = 0.0;        // compute-optimal parameters
  double D = 0.0;        // compute-optimal tokens
  double loss = 0.0;     // L(N, D) there
  double tokens_per_parameter() const { return D / N; }
};

struct AllocationExponents {
  double G = 0.0;
  double a = 0.0;  // N_opt grows as C^a
  double b = 0.0;  // D_opt grows as C^b
};

inline AllocationExponents chinchilla_exponents(const std::vector<double>& p) {
  check_parameter_values<Chinchilla>(p);
  const double A = p[Chinchilla::kA], B = p[Chinchilla::kB];
  const double alpha = p[Chinchilla::kAlpha], beta = p[Chinchilla::kBeta];
  if (!(A > 0.0 && B > 0.0 && alpha > 0.0 && beta > 0.0)) {
    throw UsageError("compute-optimal allocation needs A, B, alpha and beta all positive");
  }
  const double s = alpha + beta;
  return {std::exp(std::log(alpha * A / (beta * B)) / s), beta / s, alpha / s};
}

inline Allocation chinchilla_allocation(const std::vector<double>& p, double compute) {
  if (!(compute > 0.0) || !std::isfinite(compute)) {
    throw UsageError("compute budget must be positive and finite");
  }
  const AllocationExponents x = chinchilla_exponents(p);
  Allocation out;
  out.compute = compute;
  const double log_c6 = std::log(compute / 6.0);
  out.N = x.G * std::exp(x.a * log_c6);
  out.D = std::exp(x.b * log_c6) / x.G;
  out.loss = evaluate_at<Chinchilla>(p, {out.N, out.D});
  return out;
}

// The compute C = 6 N_opt D_opt at which the compute-optimal model reaches `target` loss; the
// loss along the frontier falls monotonically in C, so bisection on log C is enough.
inline double chinchilla_compute_for_loss(const std::vector<double>& p, double target) {
  check_parameter_values<Chinchilla>(p);
  if (!(target > p[Chinchilla::kE])) {
    throw UsageError("target loss must be above the irreducible loss E = " +
                     std::to_string(p[Chinchilla::kE]));
  }
  double lo = std::log(1e6), hi = std::log(1e60);
  if (chinchilla_allocation(p, std::exp(lo)).loss <= target) return std::exp(lo);
  if (chinchilla_allocation(p, std::exp(hi)).loss > target) {
    throw DataError("the target loss is not reached below 1e60 FLOPs");
  }
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    const double mid = 0.5 * (lo + hi);
    (chinchilla_allocation(p, std::exp(mid)).loss > target ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

// What the catalogue and every front end know of Chinchilla beyond its formula.
template <>
struct LawTraits<Chinchilla> {
  static std::vector<Analysis> analyses() {
    Analysis allocation{
        .quantity = "allocation",
        .required = {"C"},
        .help = "compute-optimal N and D under C = 6ND",
        .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
          const Allocation a = chinchilla_allocation(p, *get(r, "C"));
          return {{"N", a.N},
                  {"D", a.D},
                  {"tokens_per_parameter", a.tokens_per_parameter()},
                  {"loss", a.loss}};
        },
        .plotted = {"N", "D"},
        .plot_label = "compute-optimal N (parameters) and D (tokens)",
        .output_labels = {{"N", "N_opt"}, {"D", "D_opt"}},
        .budget_outputs = {
            {"N", "N_opt"}, {"D", "D_opt"}, {"tokens_per_parameter", "tokens_per_parameter"}}};
    Analysis compute{.quantity = "compute",
                     .required = {"loss"},
                     .help = "compute at which the compute-optimal model reaches a target loss",
                     .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
                       const double c = chinchilla_compute_for_loss(p, *get(r, "loss"));
                       const Allocation a = chinchilla_allocation(p, c);
                       return {{"C", c}, {"N", a.N}, {"D", a.D}};
                     },
                     .plotted = {"C"},
                     .plot_label = "training compute C (FLOP)"};
    return {allocation, compute};
  }
  // The allocation exponents: N_opt grows as C^a, D_opt as C^b.
  static std::vector<Summary> summary() {
    return {{"G", [](const std::vector<double>& p) { return chinchilla_exponents(p).G; }, false},
            {"a", [](const std::vector<double>& p) { return chinchilla_exponents(p).a; }, true},
            {"b", [](const std::vector<double>& p) { return chinchilla_exponents(p).b; }, false}};
  }
};

}  // namespace slfit
