// Tests of the Chinchilla law: check values from LAWS.md section 1, derivatives of the formula and
// of its log-sum-exp form in every parameterization, and the presets.
#include <ceres/jet.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/core/table.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "support/law_checks.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Chinchilla;

namespace {

constexpr int K = Chinchilla::kNumParameters;
using Jet = ceres::Jet<double, K>;

slfit::RowView<2> row_at(double n, double d) {
  slfit::RowView<2> row;
  row.values = {n, d};
  row.logs = {std::log(n), std::log(d)};
  return row;
}

// The constants of the third row of LAWS.md's check-value table (not the epoch2024 preset).
std::vector<double> rounded_epoch_constants() {
  // Order of Chinchilla::parameters(): E, A, B, alpha, beta.
  return {1.8172, 482.01, 2085.43, 0.3478, 0.3658};
}

struct CheckRow {
  std::string name;
  std::vector<double> params;
  double at_70b;   // L(70e9, 1.4e12)
  double at_280b;  // L(280e9, 3e11)
};

std::vector<CheckRow> check_rows() {
  return {
      {"hoffmann2022", slfit::preset_values<Chinchilla>("hoffmann2022"), 1.936645, 1.993258},
      {"hoffmann2022-tex", slfit::preset_values<Chinchilla>("hoffmann2022-tex"), 1.920846,
       1.967243},
      {"482.01, 2085.43, 1.8172, 0.3478, 0.3658", rounded_epoch_constants(), 1.973882, 1.999608},
  };
}

// Printed to 6 decimals: exact to the printed digits means within half a unit of the last one.
constexpr double kHalfUlpPrinted = 0.5e-6;

}  // namespace

TEST_CASE("chinchilla: check values of LAWS.md section 1", "[chinchilla]") {
  for (const auto& c : check_rows()) {
    INFO("constants: " << c.name);

    {  // evaluate_at
      const double l1 = slfit::evaluate_at<Chinchilla>(c.params, {70e9, 1.4e12});
      const double l2 = slfit::evaluate_at<Chinchilla>(c.params, {280e9, 3e11});
      CHECK(std::abs(l1 - c.at_70b) <= kHalfUlpPrinted);
      CHECK(std::abs(l2 - c.at_280b) <= kHalfUlpPrinted);
    }

    {  // vectorized evaluate over a Table, and exp(log_formula)
      slfit::Table t("<check values>");
      t.add_column("N", (Eigen::ArrayXd(2) << 70e9, 280e9).finished());
      t.add_column("D", (Eigen::ArrayXd(2) << 1.4e12, 3e11).finished());
      const Eigen::ArrayXd l = slfit::evaluate<Chinchilla>(t, c.params);
      REQUIRE(l.size() == 2);
      CHECK(std::abs(l(0) - c.at_70b) <= kHalfUlpPrinted);
      CHECK(std::abs(l(1) - c.at_280b) <= kHalfUlpPrinted);

      const double lse1 = std::exp(Chinchilla::log_formula(c.params.data(), row_at(70e9, 1.4e12)));
      const double lse2 = std::exp(Chinchilla::log_formula(c.params.data(), row_at(280e9, 3e11)));
      CHECK(std::abs(lse1 - c.at_70b) <= kHalfUlpPrinted);
      CHECK(std::abs(lse2 - c.at_280b) <= kHalfUlpPrinted);

      // The three paths agree with each other far below the printed precision.
      const double p1 = slfit::evaluate_at<Chinchilla>(c.params, {70e9, 1.4e12});
      const double p2 = slfit::evaluate_at<Chinchilla>(c.params, {280e9, 3e11});
      CHECK(l(0) == Approx(p1).epsilon(1e-14));
      CHECK(l(1) == Approx(p2).epsilon(1e-14));
      CHECK(lse1 == Approx(p1).epsilon(1e-14));
      CHECK(lse2 == Approx(p2).epsilon(1e-14));
    }
  }
}

TEST_CASE("chinchilla: the three check-value rows are distinct", "[chinchilla]") {
  // Guards against a preset silently aliasing another one or the rounded Epoch constants.
  const auto epoch = slfit::preset_values<Chinchilla>("epoch2024");
  const auto rounded = rounded_epoch_constants();
  const double a = slfit::evaluate_at<Chinchilla>(epoch, {70e9, 1.4e12});
  const double b = slfit::evaluate_at<Chinchilla>(rounded, {70e9, 1.4e12});
  CHECK(std::abs(a - b) > 1e-6);
  CHECK(std::abs(a - b) < 1e-2);
}

TEST_CASE("chinchilla: log_formula is accurate where one term dominates", "[chinchilla]") {
  // Start-grid corner: A = e^25, alpha = 0 makes the N term e^25 and the others negligible.
  const std::vector<double> p = {std::exp(-1.0), std::exp(25.0), 1.0, 0.0, 2.0};
  const auto row = row_at(1e7, 1e12);
  const double direct = std::log(Chinchilla::formula(p.data(), row));
  CHECK(Chinchilla::log_formula(p.data(), row) == Approx(direct).epsilon(1e-15));
  // log(e^25 + e^-1 + 1e-24) = 25 + log1p(e^-26) to double precision.
  CHECK(Chinchilla::log_formula(p.data(), row) ==
        Approx(25.0 + std::log1p(std::exp(-26.0))).epsilon(1e-15));
}

namespace {

std::vector<std::vector<double>> derivative_parameter_sets() {
  return {
      slfit::preset_values<Chinchilla>("hoffmann2022"),
      slfit::preset_values<Chinchilla>("hoffmann2022-tex"),
      slfit::preset_values<Chinchilla>("epoch2024"),
      // Corners of Hoffmann et al.'s start grid, where terms differ by many orders of magnitude.
      {std::exp(-1.0), std::exp(25.0), std::exp(0.0), 2.0, 0.5},
      {std::exp(1.0), std::exp(0.0), std::exp(25.0), 0.5, 2.0},
      {std::exp(-1.0), std::exp(5.0), std::exp(5.0), 1e-3, 1e-3},
  };
}

std::vector<std::pair<double, double>> derivative_points() {
  return {{70e9, 1.4e12}, {280e9, 3e11}, {1e3, 1e3}, {1e7, 1e15}, {1e13, 1e8}, {1e13, 1e15}};
}

}  // namespace

TEST_CASE("chinchilla: autodiff gradients match central differences", "[chinchilla]") {
  using slfit::Transform;
  constexpr auto I = Transform::kIdentity;
  constexpr auto L = Transform::kLog;
  struct Parameterization {
    const char* name;
    bool log_form;
    std::array<Transform, K> transforms;
  };
  const std::vector<Parameterization> parameterizations = {
      {"natural, formula", false, {I, I, I, I, I}},
      {"natural, log_formula", true, {I, I, I, I, I}},
      {"log scales (law default), formula", false, {L, L, L, I, I}},
      {"log scales (law default), log_formula", true, {L, L, L, I, I}},
      {"everything in logs, formula", false, {L, L, L, L, L}},
      {"everything in logs, log_formula", true, {L, L, L, L, L}},
  };
  // The law's own declared transforms are one of the parameterizations above.
  const auto specs = Chinchilla::parameters();
  for (int i = 0; i < K; ++i)
    CHECK(specs[static_cast<std::size_t>(i)].transform == parameterizations[2].transforms[i]);

  for (const auto& par : parameterizations) {
    for (const auto& p : derivative_parameter_sets()) {
      for (const auto& [n, d] : derivative_points()) {
        INFO(par.name << " at N=" << n << ", D=" << d << ", E=" << p[0] << ", A=" << p[1]
                      << ", B=" << p[2] << ", alpha=" << p[3] << ", beta=" << p[4]);
        slfit::testing::check_gradient<Chinchilla>(par.log_form, par.transforms, p, row_at(n, d));
      }
    }
  }
}

TEST_CASE("chinchilla: gradient of log_formula is gradient of formula over L", "[chinchilla]") {
  for (const auto& p : derivative_parameter_sets()) {
    for (const auto& [n, d] : derivative_points()) {
      INFO("N=" << n << ", D=" << d << ", A=" << p[1] << ", alpha=" << p[3]);
      std::array<Jet, K> pj;
      for (int i = 0; i < K; ++i)
        pj[static_cast<std::size_t>(i)] = Jet(p[static_cast<std::size_t>(i)], i);
      const auto row = row_at(n, d);
      const Jet l = Chinchilla::formula(pj.data(), row);
      const Jet ll = Chinchilla::log_formula(pj.data(), row);
      CHECK(ll.a == Approx(std::log(l.a)).epsilon(1e-14));
      for (int i = 0; i < K; ++i) {
        const double expected = l.v(i) / l.a;
        CHECK(std::abs(ll.v(i) - expected) <= 1e-12 * std::abs(expected) + 1e-300);
      }
    }
  }
}

TEST_CASE("chinchilla: presets", "[chinchilla]") {
  const auto presets = slfit::law_presets<Chinchilla>();
  REQUIRE(presets.size() == 3);
  for (const auto& name : {"hoffmann2022", "hoffmann2022-tex", "epoch2024"}) {
    INFO("preset " << name);
    const auto p = slfit::preset_values<Chinchilla>(name);
    REQUIRE(p.size() == static_cast<std::size_t>(K));
    for (double v : p) CHECK(std::isfinite(v));
    // Every preset sets every parameter within the law's bounds.
    const auto specs = Chinchilla::parameters();
    for (std::size_t i = 0; i < p.size(); ++i) {
      CHECK(p[i] >= specs[i].lower);
      CHECK(p[i] <= specs[i].upper);
    }
  }
  // Values as printed in LAWS.md, in the order E, A, B, alpha, beta.
  CHECK(slfit::preset_values<Chinchilla>("hoffmann2022") ==
        std::vector<double>{1.69, 406.4, 410.7, 0.34, 0.28});
  CHECK(slfit::preset_values<Chinchilla>("epoch2024") ==
        std::vector<double>{1.81686, 482.00572, 2085.43420, 0.34781, 0.36585});
  const auto tex = slfit::preset_values<Chinchilla>("hoffmann2022-tex");
  CHECK(std::log(tex[0]) == Approx(0.5267228).epsilon(1e-15));
  CHECK(std::log(tex[1]) == Approx(6.0073404).epsilon(1e-15));
  CHECK(std::log(tex[2]) == Approx(6.0179186).epsilon(1e-15));
  CHECK(tex[3] == 0.33917084);
  CHECK(tex[4] == 0.2849083);
}

TEST_CASE("chinchilla: unknown preset lists the presets", "[chinchilla]") {
  REQUIRE_THROWS_AS(slfit::preset_values<Chinchilla>("hoffmann2023"), slfit::UsageError);
  REQUIRE_THROWS_WITH(slfit::preset_values<Chinchilla>("hoffmann2023"),
                      Contains("unknown preset 'hoffmann2023'") && Contains("chinchilla") &&
                          Contains("hoffmann2022, hoffmann2022-tex, epoch2024"));
  // Names are matched exactly.
  REQUIRE_THROWS_AS(slfit::preset_values<Chinchilla>("Hoffmann2022"), slfit::UsageError);
  REQUIRE_THROWS_AS(slfit::preset_values<Chinchilla>(""), slfit::UsageError);
}
