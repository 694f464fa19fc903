// Compute-optimal allocation: LAWS.md §1 check values and agreement with brute force.
#include <cmath>
#include <vector>

#include "slfit/analysis/chinchilla.hpp"
// Catch last: glog (through Ceres elsewhere in the binary) defines its own CHECK.
#include <catch2/catch.hpp>

namespace {

// |x - printed| within half a unit of the printed value's last digit (relative to `unit`).
bool matches(double x, double printed, double unit) { return std::abs(x - printed) <= 0.5 * unit; }

}  // namespace

TEST_CASE("chinchilla allocation: LAWS.md check values at C = 5.76e23", "[analysis]") {
  struct Row {
    std::vector<double> p;  // E, A, B, alpha, beta
    double n, d, g, a;
  };
  const std::vector<Row> rows = {
      {slfit::preset_values<slfit::Chinchilla>("hoffmann2022"), 3.219e10, 2.982e12, 1.34471,
       0.451613},
      {slfit::preset_values<slfit::Chinchilla>("hoffmann2022-tex"), 4.036e10, 2.379e12, 1.30005,
       0.456526},
      {{1.8172, 482.01, 2085.43, 0.3478, 0.3658}, 7.225e10, 1.329e12, 0.11963, 0.512612},
  };
  for (const auto& r : rows) {
    const auto x = slfit::chinchilla_allocation(r.p, 5.76e23);
    const auto e = slfit::chinchilla_exponents(r.p);
    CHECK(matches(x.N, r.n, 1e7));
    CHECK(matches(x.D, r.d, 1e9));
    CHECK(matches(e.G, r.g, 1e-5));
    CHECK(matches(e.a, r.a, 1e-6));
    CHECK(e.a + e.b == Approx(1.0).epsilon(1e-15));
    CHECK(6.0 * x.N * x.D == Approx(5.76e23).epsilon(1e-12));
  }
}

TEST_CASE("chinchilla allocation agrees with a brute-force search along C = 6ND", "[analysis]") {
  const auto p = slfit::preset_values<slfit::Chinchilla>("epoch2024");
  for (double c : {1e20, 5.76e23, 1e26}) {
    const auto x = slfit::chinchilla_allocation(p, c);
    double best_n = 0.0, best_loss = 1e300;
    for (double t = std::log(1e6); t < std::log(1e14); t += 1e-4) {
      const double n = std::exp(t);
      const double loss = slfit::evaluate_at<slfit::Chinchilla>(p, {n, c / (6.0 * n)});
      if (loss < best_loss) {
        best_loss = loss;
        best_n = n;
      }
    }
    CHECK(x.N == Approx(best_n).epsilon(2e-4));
    CHECK(x.loss <= best_loss + 1e-12);
  }
}

TEST_CASE("compute needed for a target loss inverts the frontier", "[analysis]") {
  const auto p = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
  const double c = slfit::chinchilla_compute_for_loss(p, 2.0);
  CHECK(slfit::chinchilla_allocation(p, c).loss == Approx(2.0).epsilon(1e-10));
  CHECK_THROWS_AS(slfit::chinchilla_compute_for_loss(p, 1.5), slfit::UsageError);
  CHECK_THROWS_AS(slfit::chinchilla_allocation(p, -1.0), slfit::UsageError);
}
