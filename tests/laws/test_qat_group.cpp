// Tests of Chen et al.'s QAT laws: check values from LAWS.md section 5, the presets and their
// caveat, the weight/activation decomposition, the effective-parameter multiplier, autodiff
// derivatives, vectorized evaluation, recovery from a simulated table, and bad group sizes.
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "support/law_checks.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::QatFull;
using slfit::QatGroup;

namespace {

bool matches_printed(double value, double printed, int decimals) {
  return std::abs(value - printed) <= 0.5 * std::pow(10.0, -decimals);
}

slfit::RowView<3> row_of(double n, double d, double g) {
  slfit::RowView<3> row;
  row.values = {n, d, g};
  row.logs = {std::log(n), std::log(d), std::log(g)};
  return row;
}

const std::vector<std::string> kPresetNames = {"chen2025-w4a4", "chen2025-w4a16", "chen2025-w16a4",
                                               "chen2025-w4a4-fc2int8", "chen2025-w16a4-fc2int8"};

// A qat-full parameter vector: an assumed base law (A, B, E were not published) and a preset.
std::vector<double> full_params(const std::string& preset) {
  std::vector<double> p = {400.0, 1800.0, 1.7, 0.3022, 0.3022};
  for (double v : slfit::preset_values<QatGroup>(preset)) p.push_back(v);
  return p;
}

}  // namespace

TEST_CASE("qat-group: check values of LAWS.md section 5", "[qat]") {
  struct Check {
    const char* preset;
    double n, d, g, printed;
  };
  const std::vector<Check> checks = {
      {"chen2025-w4a4", 595e6, 100e9, 32, 0.044089},
      {"chen2025-w4a4", 74e6, 10e9, 128, 0.076102},
      {"chen2025-w4a4", 973e6, 200e9, 128, 0.054167},
      {"chen2025-w4a16", 595e6, 100e9, 32, 0.018643},
      {"chen2025-w16a4", 595e6, 100e9, 32, 0.028722},
  };
  for (const auto& c : checks) {
    INFO(c.preset << " at N=" << c.n << ", D=" << c.d << ", G=" << c.g);
    const auto p = slfit::preset_values<QatGroup>(c.preset);
    const double dp = slfit::evaluate_at<QatGroup>(p, {c.n, c.d, c.g});
    CHECK(matches_printed(dp, c.printed, 6));
    CHECK(std::exp(QatGroup::log_formula(p.data(), row_of(c.n, c.d, c.g))) ==
          Approx(dp).epsilon(1e-14));
    // qat-full adds delta_p to its base law exactly.
    const auto f = full_params(c.preset);
    const double base = f[0] / std::pow(c.n, f[3]) + f[1] / std::pow(c.d, f[4]) + f[2];
    CHECK(slfit::evaluate_at<QatFull>(f, {c.n, c.d, c.g}) - base == Approx(dp).epsilon(1e-10));
  }
}

TEST_CASE("qat-group: presets are marked second-hand", "[qat]") {
  const auto presets = slfit::law_presets<QatGroup>();
  REQUIRE(presets.size() == kPresetNames.size());
  for (std::size_t i = 0; i < presets.size(); ++i) {
    INFO(presets[i].name);
    CHECK(presets[i].name == kPresetNames[i]);
    CHECK(presets[i].certainty == "second");
    CHECK_THAT(presets[i].note, Contains("not checked against the paper"));
    CHECK_THAT(presets[i].source, Contains("2505.14302"));
  }
  CHECK(slfit::preset_values<QatGroup>("chen2025-w4a4-fc2int8") ==
        std::vector<double>({0.3519, 0.2637, 0.0964, 0.3407}));
  CHECK(slfit::preset_values<QatGroup>("chen2025-w16a4-fc2int8") ==
        std::vector<double>({0.1273, 0.2347, 0.0827, 0.4491}));
  // The full law's base constants were not found, so it ships no preset.
  CHECK(slfit::law_presets<QatFull>().empty());
  CHECK_THROWS_WITH(slfit::preset_values<QatFull>("chen2025-w4a4"), Contains("(none)"));
}

TEST_CASE("qat-group: vectorized evaluation equals evaluate_at", "[qat]") {
  const std::vector<std::array<double, 3>> xs = {
      {595e6, 100e9, 32}, {74e6, 10e9, 128}, {973e6, 200e9, 2}, {7e9, 1e12, 4096}, {1e8, 1e9, 2.5}};
  slfit::Table t("<qat rows>");
  for (int c = 0; c < 3; ++c) {
    Eigen::ArrayXd col(static_cast<Eigen::Index>(xs.size()));
    for (std::size_t r = 0; r < xs.size(); ++r)
      col(static_cast<Eigen::Index>(r)) = xs[r][static_cast<std::size_t>(c)];
    t.add_column(c == 0 ? "N" : c == 1 ? "D" : "G", col);
  }
  for (const auto& name : kPresetNames) {
    INFO(name);
    const auto p = slfit::preset_values<QatGroup>(name);
    const Eigen::ArrayXd dp = slfit::evaluate<QatGroup>(t, p);
    const auto f = full_params(name);
    const Eigen::ArrayXd l = slfit::evaluate<QatFull>(t, f);
    for (std::size_t r = 0; r < xs.size(); ++r) {
      const auto i = static_cast<Eigen::Index>(r);
      CHECK(dp(i) == Approx(slfit::evaluate_at<QatGroup>(p, xs[r])).epsilon(1e-14));
      CHECK(l(i) == Approx(slfit::evaluate_at<QatFull>(f, xs[r])).epsilon(1e-14));
    }
  }
  // At G = 2, log2 G = 1: delta_p no longer depends on gamma_G.
  auto p = slfit::preset_values<QatGroup>("chen2025-w4a4");
  const double at2 = slfit::evaluate_at<QatGroup>(p, {595e6, 100e9, 2});
  p[QatGroup::kGammaG] = 3.0;
  CHECK(slfit::evaluate_at<QatGroup>(p, {595e6, 100e9, 2}) == Approx(at2).epsilon(1e-14));
}

TEST_CASE("qat-group: W4A4 against its weight and activation parts", "[qat]") {
  const auto w4a4 = slfit::preset_values<QatGroup>("chen2025-w4a4");
  const auto w4a16 = slfit::preset_values<QatGroup>("chen2025-w4a16");
  const auto w16a4 = slfit::preset_values<QatGroup>("chen2025-w16a4");
  for (double n : {74e6, 595e6, 973e6}) {
    for (double d : {10e9, 100e9}) {
      for (double g : {32.0, 128.0, 256.0}) {
        INFO("N=" << n << " D=" << d << " G=" << g);
        const double ratio = slfit::qat_wa_ratio(w4a4, w4a16, w16a4, n, d, g);
        const std::array<double, 3> x = {n, d, g};
        CHECK(ratio == Approx(slfit::evaluate_at<QatGroup>(w4a4, x) /
                              (slfit::evaluate_at<QatGroup>(w4a16, x) +
                               slfit::evaluate_at<QatGroup>(w16a4, x)))
                           .epsilon(1e-14));
        CHECK(slfit::qat_wa_ratio(n, d, g) == ratio);
        // Over the paper's range the fitted laws agree with the reported average of 0.906.
        CHECK(std::abs(ratio - 0.906) < 0.06);
      }
    }
  }
  // The three sets are not interchangeable: swapping the parts changes the ratio.
  CHECK(slfit::qat_wa_ratio(w4a16, w4a4, w16a4, 595e6, 100e9, 32) !=
        Approx(slfit::qat_wa_ratio(595e6, 100e9, 32)));
}

TEST_CASE("qat-group: effective-parameter multiplier", "[qat]") {
  const double a = 400.0, alpha = 0.3022;
  for (double n : {74e6, 595e6, 7e9}) {
    for (double delta : {1e-4, 0.018643, 0.044089, 0.5}) {
      INFO("N=" << n << " delta=" << delta);
      const double eff = slfit::qat_effective_multiplier(a, alpha, n, delta);
      CHECK(eff > 0.0);
      CHECK(eff < 1.0);
      // Losing delta is the same as having eff times the parameters.
      CHECK(a * std::pow(eff * n, -alpha) ==
            Approx(a * std::pow(n, -alpha) + delta).epsilon(1e-12));
    }
  }
  CHECK(slfit::qat_effective_multiplier(a, alpha, 1e9, 0.0) == 1.0);
  CHECK(slfit::qat_effective_multiplier(a, alpha, 1e9, -0.01) > 1.0);
  // A bigger loss gap is a smaller multiplier.
  CHECK(slfit::qat_effective_multiplier(a, alpha, 1e9, 0.05) <
        slfit::qat_effective_multiplier(a, alpha, 1e9, 0.02));

  // From qat-full parameters: the full law equals the base law at eff N.
  const auto f = full_params("chen2025-w4a4");
  for (const std::array<double, 3> x :
       {std::array<double, 3>{595e6, 100e9, 32}, std::array<double, 3>{74e6, 10e9, 128}}) {
    const double eff = slfit::qat_effective_multiplier(f, x[0], x[1], x[2]);
    const double via_eff = f[0] * std::pow(eff * x[0], -f[3]) + f[1] * std::pow(x[1], -f[4]) + f[2];
    CHECK(via_eff == Approx(slfit::evaluate_at<QatFull>(f, x)).epsilon(1e-12));
  }

  CHECK_THROWS_WITH(slfit::qat_effective_multiplier(a, alpha, 1e9, -10.0),
                    Contains("delta must exceed"));
  CHECK_THROWS_WITH(slfit::qat_effective_multiplier(0.0, alpha, 1e9, 0.01),
                    Contains("A must be positive"));
  CHECK_THROWS_WITH(slfit::qat_effective_multiplier(a, 0.0, 1e9, 0.01),
                    Contains("alpha must be positive"));
  CHECK_THROWS_AS(slfit::qat_effective_multiplier(a, alpha, 1e9, std::nan("")), slfit::DataError);
  CHECK_THROWS_AS(slfit::qat_effective_multiplier({1.0, 2.0}, 1e9, 1e10, 32), slfit::UsageError);
  CHECK_THROWS_WITH(slfit::qat_effective_multiplier(f, 1e9, 1e10, 1), Contains("input 'G'"));
}

TEST_CASE("qat-group and qat-full: autodiff gradients match central differences", "[qat]") {
  const std::vector<std::array<double, 3>> xs = {
      {595e6, 100e9, 32}, {74e6, 10e9, 128}, {7e9, 1e12, 2.5}, {1e11, 1e14, 4096}};
  for (const auto& name : kPresetNames) {
    for (const auto& x : xs) {
      INFO(name << " at N=" << x[0] << " D=" << x[1] << " G=" << x[2]);
      const auto row = row_of(x[0], x[1], x[2]);
      for (bool declared : {false, true}) {
        const auto group_transforms = declared ? slfit::testing::declared_transforms<QatGroup>()
                                               : slfit::testing::identity_transforms<QatGroup>();
        const auto full_transforms = declared ? slfit::testing::declared_transforms<QatFull>()
                                              : slfit::testing::identity_transforms<QatFull>();
        for (bool log_form : {false, true})
          slfit::testing::check_gradient<QatGroup>(log_form, group_transforms,
                                                   slfit::preset_values<QatGroup>(name), row);
        slfit::testing::check_gradient<QatFull>(false, full_transforms, full_params(name), row);
      }
    }
  }
}

TEST_CASE("qat-group: constants recovered from a simulated table", "[qat][fit]") {
  const auto truth = slfit::preset_values<QatGroup>("chen2025-w4a4");
  const slfit::Table t = slfit::simulate<QatGroup>(
      {{"N", {74e6, 145e6, 297e6, 595e6, 973e6}},
       {"D", {10e9, 20e9, 50e9, 100e9}},
       {"G", {32, 64, 128, 256}}},
      truth, {.noise = 0.02, .kind = slfit::Noise::kMultiplicative, .seed = 5, .target = "dp"});
  slfit::FitOptions o;
  o.target = "dp";
  o.space = slfit::Space::kLog;
  o.threads = 1;
  const slfit::FitResult r = slfit::fit<QatGroup>(t, o);
  REQUIRE(r.converged());
  REQUIRE(r.covariance_ok);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    INFO(r.names[i] << ": fitted " << r.parameters[i] << " +- " << r.standard_errors[i] << ", true "
                    << truth[i]);
    CHECK(std::abs(r.parameters[i] - truth[i]) <= 4.0 * r.standard_errors[i]);
  }
}

TEST_CASE("qat-group: group sizes below 2 are refused by name", "[qat]") {
  const auto p = slfit::preset_values<QatGroup>("chen2025-w4a4");
  for (double g : {1.0, 1.5, 0.0, -32.0, std::nan("")}) {
    INFO("G = " << g);
    CHECK_THROWS_AS(slfit::evaluate_at<QatGroup>(p, {595e6, 100e9, g}), slfit::DataError);
    CHECK_THROWS_WITH(slfit::evaluate_at<QatGroup>(p, {595e6, 100e9, g}),
                      Contains("input 'G'") && Contains("[2,"));
    CHECK_THROWS_WITH(slfit::evaluate_at<QatFull>(full_params("chen2025-w4a4"), {595e6, 100e9, g}),
                      Contains("input 'G'"));
  }
  slfit::Table t("qat.csv");
  t.add_column("N", (Eigen::ArrayXd(3) << 595e6, 595e6, 595e6).finished());
  t.add_column("D", (Eigen::ArrayXd(3) << 1e11, 1e11, 1e11).finished());
  t.add_column("G", (Eigen::ArrayXd(3) << 32, 1, 128).finished());
  CHECK_THROWS_WITH(slfit::evaluate<QatGroup>(t, p), Contains("input 'G'") && Contains("row 2") &&
                                                         Contains("qat.csv") &&
                                                         Contains("must lie in [2,"));
  CHECK_THROWS_WITH(slfit::qat_wa_ratio(595e6, 100e9, 1), Contains("input 'G'"));
  CHECK_THROWS_AS(slfit::evaluate_at<QatGroup>({0.1, 0.2, 0.3}, {595e6, 100e9, 32}),
                  slfit::UsageError);
}
