// Precision analyses of Sun et al.'s Capybara law: closed forms and numerical optima against
// brute force, the paper's best formats, and rejection of bad input.
#include <cmath>
#include <limits>
#include <vector>

#include "slfit/analysis/capybara.hpp"
// Catch last: glog (through Ceres elsewhere in the binary) defines its own CHECK.
#include <catch2/catch.hpp>

namespace {

using slfit::Capybara;

// The law written out again from LAWS.md §4, so brute force shares no code with the analyses.
double law(const std::vector<double>& p, double N, double D, double E, double M, double B) {
  const double n = p[0], alpha = p[1], d = p[2], beta = p[3], eps = p[4], gamma = p[5],
               delta = p[6], nu = p[7];
  return n / std::pow(N, alpha) + d / std::pow(D, beta) + eps +
         std::pow(D, beta) / std::pow(N, alpha) * std::log2(B) /
             (gamma * std::pow(E + 0.5, delta) * std::pow(M + 0.5, nu));
}

// The law along the paper's real split of P bits (valid above about 1.04 bits for sun2025).
double law_at_bits(const std::vector<double>& p, double N, double D, double P, double B) {
  const double delta = p[6], nu = p[7];
  return law(p, N, D, delta * P / (delta + nu) - 0.5, nu * P / (delta + nu) - 0.5, B);
}

constexpr double kK = 6.0 / 16.0;

struct Brute {
  double P = 0.0;
  double loss = 1e300;
};

// Dense scan of P in [1.1, 32] bits for a loss that depends on P only.
template <class F>
Brute scan(const F& f, double step = 1e-4) {
  Brute b;
  for (double P = 1.1; P <= 32.0; P += step) {
    const double l = f(P);
    if (l < b.loss) b = {P, l};
  }
  return b;
}

}  // namespace

TEST_CASE("capybara: the paper's best formats at 4, 8 and 16 bits", "[analysis][capybara]") {
  const auto p = slfit::preset_values<Capybara>("sun2025");
  const std::vector<std::pair<int, slfit::FloatFormat>> expected = {
      {4, {2, 1}}, {8, {4, 3}}, {16, {8, 7}}};
  for (const auto& [bits, format] : expected) {
    INFO(bits << " bits");
    CHECK(slfit::capybara_best_format(p, bits) == format);
    const auto split = slfit::capybara_optimal_split(p, bits);  // rounding the real split agrees
    CHECK(std::lround(split.E) == format.E);
    CHECK(std::lround(split.M) == format.M);
  }
}

TEST_CASE("capybara: fixed-D optimum against the closed form and brute force",
          "[analysis][capybara]") {
  const auto p = slfit::preset_values<Capybara>("sun2025");
  for (double B : {32.0, 128.0, slfit::kCapybaraChannelwiseBlock}) {
    for (double D : {1e10, 1e11, 1e12}) {
      const double c = 1e21;
      const auto x = slfit::capybara_optimal_precision_fixed_d(p, D, c, B);
      INFO("B = " << B << " D = " << D << " P = " << x.P);
      CHECK(x.closed_form);
      CHECK(x.D == D);
      CHECK(kK * x.P * x.N * x.D == Approx(c).epsilon(1e-12));
      CHECK(x.E + x.M + 1.0 == Approx(x.P).epsilon(1e-14));
      const auto at = [&](double P) { return law_at_bits(p, c / (kK * P * D), D, P, B); };
      CHECK(x.loss == Approx(at(x.P)).epsilon(1e-13));
      const Brute b = scan(at);
      CHECK(std::abs(x.P - b.P) <= 1e-4);
      CHECK(x.loss <= b.loss + 1e-12);
      CHECK(at(x.P - 0.01) > x.loss);
      CHECK(at(x.P + 0.01) > x.loss);
      // The closed form has no C in it: N absorbs the budget.
      CHECK(slfit::capybara_optimal_precision_fixed_d(p, D, 1e24, B).P ==
            Approx(x.P).epsilon(1e-14));
      // An integer format cannot beat the continuous optimum under the same constraint.
      CHECK(x.format_loss >= x.loss);
      CHECK(x.format_loss == Approx(law(p, x.format_N, D, x.format.E, x.format.M, B)));
      CHECK(std::abs(x.format.bits() - x.P) <= 1.5);
    }
  }
}

TEST_CASE("capybara: fixed-N optimum against the closed form and brute force",
          "[analysis][capybara]") {
  const auto p = slfit::preset_values<Capybara>("sun2025");
  const double B = 128.0;
  double previous = 0.0;
  for (double c : {1e19, 1e21, 1e23}) {
    for (double N : {1e8, 1e9}) {
      const auto x = slfit::capybara_optimal_precision_fixed_n(p, N, c, B);
      INFO("N = " << N << " C = " << c << " P = " << x.P);
      CHECK(x.closed_form);
      CHECK(x.N == N);
      CHECK(kK * x.P * x.N * x.D == Approx(c).epsilon(1e-12));
      const auto at = [&](double P) { return law_at_bits(p, N, c / (kK * P * N), P, B); };
      CHECK(x.loss == Approx(at(x.P)).epsilon(1e-13));
      const Brute b = scan(at);
      CHECK(std::abs(x.P - b.P) <= 1e-4);
      CHECK(x.loss <= b.loss + 1e-12);
      CHECK(at(x.P - 0.01) > x.loss);
      CHECK(at(x.P + 0.01) > x.loss);
      CHECK(x.format_loss >= x.loss);
    }
    const double p9 = slfit::capybara_optimal_precision_fixed_n(p, 1e9, c, B).P;
    CHECK(p9 > previous);  // at fixed N, more compute means more tokens, which favour more bits
    previous = p9;
  }
}

TEST_CASE("capybara: joint optimum against a brute-force grid over (N, P)",
          "[analysis][capybara]") {
  const auto p = slfit::preset_values<Capybara>("sun2025");
  for (double c : {1e19, 1e23}) {
    const double B = 128.0;
    const auto x = slfit::capybara_optimal_precision_joint(p, c, B);
    INFO("C = " << c << " P = " << x.P << " N = " << x.N);
    CHECK_FALSE(x.closed_form);
    CHECK(kK * x.P * x.N * x.D == Approx(c).epsilon(1e-12));
    Brute best;
    double best_n = 0.0;
    for (double P = 1.1; P <= 12.0; P += 5e-3) {
      for (double t = std::log(x.N) - 1.0; t <= std::log(x.N) + 1.0; t += 2e-3) {
        const double n = std::exp(t);
        const double l = law_at_bits(p, n, c / (kK * P * n), P, B);
        if (l < best.loss) {
          best = {P, l};
          best_n = n;
        }
      }
    }
    CHECK(x.loss <= best.loss + 1e-12);
    CHECK(std::abs(x.P - best.P) <= 1e-2);  // a few grid steps
    CHECK(std::abs(std::log(x.N / best_n)) <= 1e-2);
    // A genuine minimum in P once N is re-optimized on either side.
    const auto profile = [&](double P) {
      double m = 1e300;
      for (double t = std::log(x.N) - 0.5; t <= std::log(x.N) + 0.5; t += 1e-5)
        m = std::min(m, law_at_bits(p, std::exp(t), c / (kK * P * std::exp(t)), P, B));
      return m;
    };
    CHECK(profile(x.P - 0.05) > x.loss);
    CHECK(profile(x.P + 0.05) > x.loss);
    // The integer format: its own N is re-optimized, and it is the best integer width.
    CHECK(x.format_loss >= x.loss);
    for (int bits = 2; bits <= 12; ++bits) {
      const auto f = slfit::capybara_best_format(p, bits);
      double m = 1e300;
      for (double t = std::log(x.N) - 1.0; t <= std::log(x.N) + 1.0; t += 1e-3) {
        const double n = std::exp(t);
        m = std::min(m, law(p, n, c / (kK * bits * n), f.E, f.M, B));
      }
      CHECK(x.format_loss <= m + 1e-12);
    }
  }
}

TEST_CASE("capybara: extra cost bits b use the numerical search", "[analysis][capybara]") {
  const auto p = slfit::preset_values<Capybara>("sun2025");
  slfit::CapybaraCompute cost;
  cost.b = 1.0;
  const double D = 1e11, c = 1e21, B = 128.0;
  const auto x = slfit::capybara_optimal_precision_fixed_d(p, D, c, B, cost);
  CHECK_FALSE(x.closed_form);
  CHECK(kK * (x.P + 1.0) * x.N * x.D == Approx(c).epsilon(1e-12));
  const Brute b = scan([&](double P) { return law_at_bits(p, c / (kK * (P + 1.0) * D), D, P, B); });
  CHECK(std::abs(x.P - b.P) <= 1e-4);
  CHECK(x.loss <= b.loss + 1e-12);
  // Charging the sign-and-overhead bit makes each extra bit relatively cheaper.
  CHECK(x.P > slfit::capybara_optimal_precision_fixed_d(p, D, c, B).P);
}

TEST_CASE("capybara: the search stops at max_bits and says so", "[analysis][capybara]") {
  const auto p = slfit::preset_values<Capybara>("sun2025");
  slfit::CapybaraCompute cost;
  cost.max_bits = 6.0;
  const auto x = slfit::capybara_optimal_precision_fixed_n(p, 1e8, 1e24, 128.0, cost);
  CHECK_FALSE(x.closed_form);
  CHECK(x.at_max_bits);
  CHECK(x.P == Approx(6.0).epsilon(1e-9));
  CHECK(x.format.bits() <= 6);
}

TEST_CASE("capybara analyses reject bad input", "[analysis][capybara]") {
  const auto p = slfit::preset_values<Capybara>("sun2025");
  using slfit::UsageError;
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_joint(p, 0.0, 128.0), UsageError);
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_joint(p, inf, 128.0), UsageError);
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_joint(p, 1e21, 1.0), UsageError);
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_fixed_d(p, 0.0, 1e21, 128.0), UsageError);
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_fixed_n(p, -1.0, 1e21, 128.0), UsageError);
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_fixed_n(p, std::nan(""), 1e21, 128.0),
                  UsageError);
  slfit::CapybaraCompute cost;
  cost.max_bits = 1.5;  // no integer format fits
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_fixed_d(p, 1e11, 1e21, 128.0, cost),
                  UsageError);
  cost = {};
  cost.k = 0.0;
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_fixed_d(p, 1e11, 1e21, 128.0, cost),
                  UsageError);
  cost = {};
  cost.b = -2.0;
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_joint(p, 1e21, 128.0, cost), UsageError);
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_joint({1.0, 2.0}, 1e21, 128.0), UsageError);
  auto bad = p;
  bad[Capybara::kGamma] = 0.0;
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_joint(bad, 1e21, 128.0), UsageError);
  bad = p;
  bad[Capybara::kNu] = -1.0;
  CHECK_THROWS_AS(slfit::capybara_optimal_precision_fixed_n(bad, 1e9, 1e21, 128.0), UsageError);
}
