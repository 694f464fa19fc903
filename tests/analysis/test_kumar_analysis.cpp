// Precision analyses of Kumar et al.'s law: numerical optima against closed forms and brute force.
#include <cmath>
#include <limits>
#include <vector>

#include "slfit/analysis/chinchilla.hpp"
#include "slfit/analysis/kumar.hpp"
// Catch last: glog (through Ceres elsewhere in the binary) defines its own CHECK.
#include <catch2/catch.hpp>

namespace {

using slfit::KumarQat;

// The law written out again from LAWS.md §2 (all three precisions equal to P), so that brute force
// does not share code with the analyses under test.
double law(const std::vector<double>& p, double N, double D, double P) {
  double f = 1.0;
  for (int i = 0; i < 3; ++i) f *= 1.0 - std::exp(-P / p[5 + i] + p[8 + i]);
  return p[0] * std::pow(N * f, -p[3]) + p[1] * std::pow(D, -p[4]) + p[2];
}

double neff_per_bit(const std::vector<double>& p, double P) {
  return slfit::kumar_neff_fraction(p, P, P, P) / P;
}

constexpr double kK = 6.0 / 16.0;

// Golden section on a smooth minimum pins P down to about sqrt(2 eps / kappa) relative to the
// scale of the objective: with the reducible loss rounded at 1e-16 relative and its log-curvature
// in P near 1e-2 per bit^2, that is under 1e-6 bits. The tests allow 1e-5 bits.
constexpr double kBitsTol = 1e-5;

}  // namespace

TEST_CASE("kumar: the written-out law matches kumar-qat", "[analysis][kumar]") {
  const auto p = slfit::preset_values<KumarQat>("kumar2024");
  CHECK(law(p, 2.2e8, 2.6e10, 8) ==
        Approx(slfit::evaluate_at<KumarQat>(p, {2.2e8, 2.6e10, 8, 8, 8})).epsilon(1e-13));
  CHECK(slfit::kumar_lowest_precision(p) == Approx(1.4072 * 2.2102).epsilon(1e-15));
  CHECK(slfit::kumar_lowest_precision(slfit::preset_values<KumarQat>("kumar2024-main")) == 1.0);
}

TEST_CASE("kumar: joint optimal precision does not move with compute", "[analysis][kumar]") {
  for (const char* preset : {"kumar2024", "kumar2024-main"}) {
    const auto p = slfit::preset_values<KumarQat>(preset);
    REQUIRE(p[KumarQat::kAlpha] == p[KumarQat::kBeta]);
    const auto shortcut = slfit::kumar_optimal_precision_joint(p);
    CHECK_FALSE(shortcut.at_max_bits);
    for (double c : {1e19, 1e21, 1e23}) {
      const auto x = slfit::kumar_optimal_precision_joint(p, c);
      INFO(preset << " C = " << c << " P = " << x.P << " shortcut " << shortcut.P);
      CHECK(std::abs(x.P - shortcut.P) < kBitsTol);
      CHECK_FALSE(x.at_max_bits);
      CHECK(kK * x.N * x.D * x.P == Approx(c).epsilon(1e-12));
      // At the optimal P, the numerically found N is the closed-form allocation's.
      const auto a = slfit::kumar_optimal_allocation_at_precision(p, x.P, c);
      CHECK(x.N == Approx(a.N).epsilon(1e-6));
      CHECK(x.loss == Approx(a.loss).epsilon(1e-13));
    }
  }
}

TEST_CASE("kumar: the shortcut is the argmax of N_eff/P on a dense grid", "[analysis][kumar]") {
  for (const char* preset : {"kumar2024", "kumar2024-main"}) {
    const auto p = slfit::preset_values<KumarQat>(preset);
    const double lo = slfit::kumar_lowest_precision(p);
    double best_p = 0.0, best = -1.0;
    for (double P = lo + 1e-4; P < 16.0; P += 1e-4) {
      const double r = neff_per_bit(p, P);
      if (r > best) {
        best = r;
        best_p = P;
      }
    }
    const auto s = slfit::kumar_optimal_precision_joint(p);
    INFO(preset);
    CHECK(std::abs(s.P - best_p) <= 1e-4);
    CHECK(s.neff_per_bit >= best);
    CHECK(s.neff_per_bit == Approx(neff_per_bit(p, s.P)).epsilon(1e-15));
  }
}

TEST_CASE("kumar: joint optimum against a brute-force grid over (N, P)", "[analysis][kumar]") {
  const auto p = slfit::preset_values<KumarQat>("kumar2024");
  const double c = 1e21;
  const auto x = slfit::kumar_optimal_precision_joint(p, c);
  double best = 1e300, best_p = 0.0, best_n = 0.0;
  for (double P = 3.2; P <= 16.0; P += 2e-3) {
    for (double t = std::log(x.N) - 1.0; t <= std::log(x.N) + 1.0; t += 2e-3) {
      const double n = std::exp(t);
      const double l = law(p, n, c / (kK * n * P), P);
      if (l < best) {
        best = l;
        best_p = P;
        best_n = n;
      }
    }
  }
  CHECK(x.loss <= best + 1e-12);
  CHECK(std::abs(x.P - best_p) <= 2e-2);
  CHECK(std::abs(std::log(x.N / best_n)) <= 1e-2);
}

TEST_CASE("kumar: with alpha != beta the f(P)/P shortcut still gives the joint optimum",
          "[analysis][kumar]") {
  // The derivation in analysis/kumar.hpp does not need alpha = beta; check it numerically.
  auto p = slfit::preset_values<KumarQat>("kumar2024");
  p[KumarQat::kAlpha] = 0.30;
  p[KumarQat::kBeta] = 0.55;
  const double shortcut = slfit::kumar_optimal_precision_joint(p).P;
  for (double c : {1e19, 1e23}) {
    INFO("C = " << c);
    CHECK(std::abs(slfit::kumar_optimal_precision_joint(p, c).P - shortcut) < kBitsTol);
    CHECK(std::abs(slfit::kumar_optimal_precision_fixed_d(p, 1e11, c).P - shortcut) < kBitsTol);
  }
}

TEST_CASE("kumar: allocation at fixed precision is Chinchilla's in N_eff", "[analysis][kumar]") {
  const auto p = slfit::preset_values<KumarQat>("kumar2024");
  for (double P : {4.0, 8.0, 16.0}) {
    for (double c : {1e19, 1e22}) {
      const auto a = slfit::kumar_optimal_allocation_at_precision(p, P, c);
      INFO("P = " << P << " C = " << c);
      CHECK(kK * a.N * a.D * P == Approx(c).epsilon(1e-12));
      CHECK(a.N_eff == Approx(a.N * slfit::kumar_neff_fraction(p, P, P, P)).epsilon(1e-14));
      // The same problem as Chinchilla's with A' = A f^-alpha and 6 N D = 6 C / (k P).
      const double f = slfit::kumar_neff_fraction(p, P, P, P);
      const std::vector<double> chin = {p[KumarQat::kE],
                                        p[KumarQat::kA] * std::pow(f, -p[KumarQat::kAlpha]),
                                        p[KumarQat::kB], p[KumarQat::kAlpha], p[KumarQat::kBeta]};
      const auto ch = slfit::chinchilla_allocation(chin, 6.0 * c / (kK * P));
      CHECK(a.N == Approx(ch.N).epsilon(1e-12));
      CHECK(a.D == Approx(ch.D).epsilon(1e-12));
      CHECK(a.loss == Approx(ch.loss).epsilon(1e-13));
      // Brute force along the budget.
      double best = 1e300, best_n = 0.0;
      for (double t = std::log(1e6); t < std::log(1e13); t += 1e-4) {
        const double n = std::exp(t);
        const double l = law(p, n, c / (kK * n * P), P);
        if (l < best) {
          best = l;
          best_n = n;
        }
      }
      CHECK(a.N == Approx(best_n).epsilon(2e-4));
      CHECK(a.loss <= best + 1e-12);
    }
  }
}

TEST_CASE("kumar: fixed-N and fixed-D optima are genuine minima", "[analysis][kumar]") {
  const auto p = slfit::preset_values<KumarQat>("kumar2024");
  const double joint = slfit::kumar_optimal_precision_joint(p).P;
  double previous = 0.0;
  for (double c : {1e19, 1e21, 1e23}) {
    const double n = 1e9;
    const auto x = slfit::kumar_optimal_precision_fixed_n(p, n, c);
    INFO("fixed N, C = " << c << " P = " << x.P);
    REQUIRE_FALSE(x.at_max_bits);
    CHECK(x.N == n);
    CHECK(kK * x.N * x.D * x.P == Approx(c).epsilon(1e-12));
    const auto at = [&](double P) { return law(p, n, c / (kK * n * P), P); };
    CHECK(at(x.P - 0.01) > x.loss);
    CHECK(at(x.P + 0.01) > x.loss);
    CHECK(x.loss == Approx(at(x.P)).epsilon(1e-13));
    double best = 1e300, best_p = 0.0;
    for (double P = 3.2; P <= 32.0; P += 1e-4) {
      if (at(P) < best) {
        best = at(P);
        best_p = P;
      }
    }
    CHECK(std::abs(x.P - best_p) <= 1e-4);
    CHECK(x.loss <= best + 1e-12);
    CHECK(x.P > previous);  // more compute at fixed N buys tokens, and they favour more bits
    previous = x.P;

    const auto y = slfit::kumar_optimal_precision_fixed_d(p, 2e10, c);
    INFO("fixed D, P = " << y.P);
    CHECK(y.D == 2e10);
    CHECK(kK * y.N * y.D * y.P == Approx(c).epsilon(1e-12));
    const auto at_d = [&](double P) { return law(p, c / (kK * 2e10 * P), 2e10, P); };
    CHECK(at_d(y.P - 0.01) > y.loss);
    CHECK(at_d(y.P + 0.01) > y.loss);
    CHECK(std::abs(y.P - joint) < kBitsTol);  // N_eff proportional to f(P)/P, as in the joint case
  }
}

TEST_CASE("kumar: the search stops at max_bits and says so", "[analysis][kumar]") {
  const auto p = slfit::preset_values<KumarQat>("kumar2024");
  const auto x = slfit::kumar_optimal_precision_fixed_n(p, 1e8, 1e25, 16.0);
  CHECK(x.at_max_bits);
  CHECK(x.P == Approx(16.0).epsilon(1e-9));
  CHECK(slfit::kumar_max_neff_per_bit(p, 6.0).at_max_bits);
}

TEST_CASE("kumar analyses reject bad input", "[analysis][kumar]") {
  const auto p = slfit::preset_values<KumarQat>("kumar2024");
  using slfit::DataError;
  using slfit::UsageError;
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_joint(p, 0.0), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_joint(p, -1e20), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_joint(p, std::nan("")), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_joint(p, 1e21, 3.0), UsageError);  // < 3.11
  CHECK_THROWS_AS(slfit::kumar_max_neff_per_bit(p, 2.0), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_fixed_n(p, 0.0, 1e21), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_fixed_n(p, 1e9, -1.0), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_fixed_d(p, -5.0, 1e21), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_fixed_d(p, 1e10, 1e21,
                                                         std::numeric_limits<double>::infinity()),
                  UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_allocation_at_precision(p, 0.0, 1e21), UsageError);
  CHECK_THROWS_AS(slfit::kumar_optimal_allocation_at_precision(p, 8.0, 0.0), UsageError);
  // Below 3.11 bits the activation factor of the offset form is not positive.
  CHECK_THROWS_AS(slfit::kumar_optimal_allocation_at_precision(p, 3.0, 1e21), DataError);
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_joint(std::vector<double>(p.begin(), p.end() - 1)),
                  UsageError);
  auto bad = p;
  bad[KumarQat::kAlpha] = 0.0;
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_joint(bad), UsageError);
  bad = p;
  bad[KumarQat::kGammaKv] = -1.0;
  CHECK_THROWS_AS(slfit::kumar_optimal_precision_fixed_n(bad, 1e9, 1e21), UsageError);
}
