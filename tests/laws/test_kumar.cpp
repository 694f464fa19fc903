// Tests of Kumar et al.'s precision laws: check values from LAWS.md section 2, derivatives,
// vectorized evaluation, recovery from simulated tables, and the domain of the offset form.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "support/law_checks.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Kumar;
using slfit::KumarPtq;
using slfit::KumarQat;

namespace {

// Precision so high that exp(n - P/gamma) underflows to 0 for every Table 2 gamma: every
// precision factor is exactly 1, so N_eff = N ("full precision").
constexpr double kFullBits = 1000.0;

template <int K>
slfit::RowView<K> make_row(const std::array<double, K>& v,
                           const std::array<slfit::InputSpec, K>& specs) {
  slfit::RowView<K> row;
  row.values = v;
  for (std::size_t i = 0; i < v.size(); ++i) row.logs[i] = specs[i].positive ? std::log(v[i]) : 0.0;
  return row;
}

// |x - printed| <= half a unit in the last printed digit.
bool within_printed(double x, double printed, double last_digit_unit) {
  return std::abs(x - printed) <= 0.5 * last_digit_unit;
}

}  // namespace

TEST_CASE("kumar-ptq: delta_PTQ check values of LAWS.md section 2", "[kumar]") {
  const auto p = slfit::preset_values<KumarPtq>("kumar2024");
  struct Check {
    double n, d, bits, printed, unit;
  };
  const std::vector<Check> checks = {{30e6, 1.5e9, 4, 0.00822019, 1e-8},
                                     {220e6, 26e9, 4, 0.0175861, 1e-7},
                                     {220e6, 26e9, 3, 0.0955851, 1e-7},
                                     {1e9, 20e9, 4, 0.00914709, 1e-8}};
  const auto qat = slfit::preset_values<KumarQat>("kumar2024");
  const auto unified = slfit::preset_values<Kumar>("kumar2024");
  for (const auto& c : checks) {
    INFO("N=" << c.n << ", D=" << c.d << ", P_post=" << c.bits);
    const double delta = slfit::evaluate_at<KumarPtq>(p, {c.n, c.d, c.bits});
    CHECK(within_printed(delta, c.printed, c.unit));
    // exp(log_formula) is the same law.
    const auto row = make_row<3>({c.n, c.d, c.bits}, KumarPtq::inputs());
    CHECK(std::exp(KumarPtq::log_formula(p.data(), row)) == Approx(delta).epsilon(1e-14));
    // The unified law trained at full precision adds exactly this degradation to kumar-qat.
    const double lu =
        slfit::evaluate_at<Kumar>(unified, {c.n, c.d, kFullBits, kFullBits, kFullBits, c.bits});
    const double lq =
        slfit::evaluate_at<KumarQat>(qat, {c.n, c.d, kFullBits, kFullBits, kFullBits});
    CHECK(within_printed(lu - lq, c.printed, c.unit));
  }
}

TEST_CASE("kumar: D_crit check values of LAWS.md section 2", "[kumar]") {
  const auto ptq = slfit::preset_values<KumarPtq>("kumar2024");
  const auto base = slfit::preset_values<KumarQat>("kumar2024");
  REQUIRE(base[KumarQat::kB] == 1.806e4);
  REQUIRE(base[KumarQat::kBeta] == 0.4965);
  struct Check {
    double n, bits, printed;
  };
  for (const auto& c : std::vector<Check>{
           {30e6, 4, 8.856e10}, {220e6, 4, 1.753e11}, {1e9, 4, 2.946e11}, {1e9, 6, 8.607e12}}) {
    INFO("N=" << c.n << ", P_post=" << c.bits);
    const double d1 = slfit::kumar_dcrit(ptq, 1.806e4, 0.4965, c.n, c.bits);
    const double d2 = slfit::kumar_dcrit(ptq, base, c.n, c.bits);
    // Printed with four significant digits: half a unit of the fourth, relative to the exponent.
    const double unit = std::pow(10.0, std::floor(std::log10(c.printed)) - 3);
    CHECK(within_printed(d1, c.printed, unit));
    CHECK(d2 == d1);
  }
}

TEST_CASE("kumar: D_crit minimizes the loss after quantization over D", "[kumar]") {
  const auto unified = slfit::preset_values<Kumar>("kumar2024");
  const auto ptq = slfit::preset_values<KumarPtq>("kumar2024");
  for (double n : {30e6, 1e9}) {
    for (double bits : {3.0, 4.0, 6.0}) {
      const double dc = slfit::kumar_dcrit(ptq, unified[Kumar::kB], unified[Kumar::kBeta], n, bits);
      auto loss = [&](double d) {
        return slfit::evaluate_at<Kumar>(unified, {n, d, kFullBits, kFullBits, kFullBits, bits});
      };
      INFO("N=" << n << ", P_post=" << bits << ", D_crit=" << dc);
      CHECK(loss(dc) < loss(0.9 * dc));
      CHECK(loss(dc) < loss(1.1 * dc));
    }
  }
}

TEST_CASE("kumar: D_crit rejects arguments where it does not exist", "[kumar]") {
  const auto ptq = slfit::preset_values<KumarPtq>("kumar2024");
  CHECK_THROWS_AS(slfit::kumar_dcrit(ptq, 1.806e4, 0.4965, 0.0, 4), slfit::UsageError);
  CHECK_THROWS_AS(slfit::kumar_dcrit(ptq, -1.0, 0.4965, 1e9, 4), slfit::UsageError);
  CHECK_THROWS_AS(slfit::kumar_dcrit(ptq, 1.806e4, 0.0, 1e9, 4), slfit::UsageError);
  auto no_growth = ptq;
  no_growth[KumarPtq::kGammaD] = -0.1;
  CHECK_THROWS_WITH(slfit::kumar_dcrit(no_growth, 1.806e4, 0.4965, 1e9, 4), Contains("gamma_D"));
  CHECK_THROWS_AS(slfit::kumar_dcrit({0.0598, 0.5}, 1.806e4, 0.4965, 1e9, 4), slfit::UsageError);
}

TEST_CASE("kumar-qat: loss at full precision, check value of LAWS.md section 2", "[kumar]") {
  // P = 1000 bits makes each factor 1 - exp(n - 1000/gamma) = 1 exactly in double precision.
  for (const char* preset : {"kumar2024", "kumar2024-main"}) {
    INFO("preset " << preset);
    const auto p = slfit::preset_values<KumarQat>(preset);
    CHECK(slfit::kumar_neff_fraction(p, kFullBits, kFullBits, kFullBits) == 1.0);
    const double l =
        slfit::evaluate_at<KumarQat>(p, {220e6, 26e9, kFullBits, kFullBits, kFullBits});
    CHECK(within_printed(l, 3.196605, 1e-6));
    // The same number from the plain Chinchilla form with Table 2's A, B, E, alpha, beta.
    const std::vector<double> chin = {p[KumarQat::kE], p[KumarQat::kA], p[KumarQat::kB],
                                      p[KumarQat::kAlpha], p[KumarQat::kBeta]};
    CHECK(slfit::evaluate_at<slfit::Chinchilla>(chin, {220e6, 26e9}) == Approx(l).epsilon(1e-14));
  }
}

TEST_CASE("kumar-qat: N_eff/N check values of LAWS.md section 2", "[kumar]") {
  struct Check {
    double bits, printed;
  };
  const std::vector<std::pair<std::string, std::vector<Check>>> by_preset = {
      {"kumar2024",
       {{4, 0.1910}, {6, 0.6113}, {7, 0.7404}, {8, 0.8278}, {12, 0.9671}, {16, 0.9937}}},
      {"kumar2024-main", {{3, 0.4789}, {4, 0.6389}, {6, 0.8331}, {8, 0.9241}, {16, 0.9968}}}};
  for (const auto& [preset, checks] : by_preset) {
    const auto qat = slfit::preset_values<KumarQat>(preset);
    const auto unified = slfit::preset_values<Kumar>(preset);
    for (const auto& c : checks) {
      INFO("preset " << preset << ", P = " << c.bits);
      const double f = slfit::kumar_neff_fraction(qat, c.bits, c.bits, c.bits);
      CHECK(within_printed(f, c.printed, 1e-4));
      CHECK(slfit::kumar_neff_fraction(unified, c.bits, c.bits, c.bits) == f);
      // The law sees N_eff = f N: its loss is the Chinchilla form at f N.
      const std::vector<double> chin = {qat[KumarQat::kE], qat[KumarQat::kA], qat[KumarQat::kB],
                                        qat[KumarQat::kAlpha], qat[KumarQat::kBeta]};
      const double l = slfit::evaluate_at<KumarQat>(qat, {110e6, 6e9, c.bits, c.bits, c.bits});
      CHECK(l ==
            Approx(slfit::evaluate_at<slfit::Chinchilla>(chin, {f * 110e6, 6e9})).epsilon(1e-13));
    }
  }
}

TEST_CASE("kumar: presets", "[kumar]") {
  const auto ptq = slfit::preset_values<KumarPtq>("kumar2024");
  CHECK(ptq == std::vector<double>({0.0598, 0.5068, 0.3439, 0.5907}));
  const std::vector<double> offsets = {4.299e3, 1.806e4, 2.7648, 0.4965, 0.4965, 2.6745,
                                       2.2102,  0.9578,  0.3037, 1.4072, 2.4185};
  CHECK(slfit::preset_values<KumarQat>("kumar2024") == offsets);
  auto main_form = offsets;
  main_form[KumarQat::kNw] = main_form[KumarQat::kNa] = main_form[KumarQat::kNkv] = 0.0;
  CHECK(slfit::preset_values<KumarQat>("kumar2024-main") == main_form);

  auto unified = offsets;
  unified.insert(unified.end(), ptq.begin(), ptq.end());
  CHECK(slfit::preset_values<Kumar>("kumar2024") == unified);
  std::copy(main_form.begin(), main_form.end(), unified.begin());
  CHECK(slfit::preset_values<Kumar>("kumar2024-main") == unified);

  // Presets say which form they are and what they leave out.
  const auto qp = slfit::law_presets<KumarQat>();
  REQUIRE(qp.size() == 2);
  CHECK_THAT(qp[0].note, Contains("offset form"));
  CHECK_THAT(qp[1].note, Contains("main-text form"));
  const auto up = slfit::law_presets<Kumar>();
  REQUIRE(up.size() == 2);
  CHECK_THAT(up[0].note, Contains("offset form") && Contains("not included"));
  CHECK_THAT(up[1].note, Contains("main-text form") && Contains("not included"));
  CHECK_THAT(slfit::law_presets<KumarPtq>()[0].note, Contains("1.1277"));
  for (const auto& p : {qp[0], qp[1], up[0], up[1], slfit::law_presets<KumarPtq>()[0]})
    CHECK(p.certainty == "paper");

  // Every preset value lies within the law's bounds, so a preset is a valid start or fixed value.
  auto within = [](const std::vector<slfit::ParameterSpec>& specs, const std::vector<double>& v) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!(v[i] >= specs[i].lower && v[i] <= specs[i].upper)) return false;
    return true;
  };
  CHECK(within(KumarPtq::parameters(), ptq));
  CHECK(within(KumarQat::parameters(), offsets));
  CHECK(within(Kumar::parameters(), slfit::preset_values<Kumar>("kumar2024")));

  // The unified law repeats kumar-qat's layout, which kumar_neff_fraction relies on.
  const auto qs = KumarQat::parameters();
  const auto us = Kumar::parameters();
  REQUIRE(us.size() == 15);
  for (std::size_t i = 0; i < qs.size(); ++i) CHECK(us[i].name == qs[i].name);
  CHECK(us[Kumar::kCT].name == "C_T");
  CHECK(us[Kumar::kCT].linear);
  CHECK(us[Kumar::kCT].transform == slfit::Transform::kLog);
  CHECK(KumarPtq::parameters()[KumarPtq::kCT].linear);
  CHECK(KumarPtq::parameters()[KumarPtq::kCT].transform == slfit::Transform::kLog);
}

namespace {

template <class L>
void check_gradients(const std::vector<std::vector<double>>& param_sets,
                     const std::vector<std::array<double, L::kNumInputs>>& points) {
  const auto natural = slfit::testing::identity_transforms<L>();
  const auto declared = slfit::testing::declared_transforms<L>();
  for (const auto* transforms : {&natural, &declared}) {
    for (bool log_form : {false, true}) {
      for (const auto& p : param_sets) {
        for (const auto& x : points) {
          INFO(L::kName << (transforms == &natural ? ", natural" : ", declared transforms")
                        << (log_form ? ", log_formula" : ", formula") << ", point " << x[0] << " "
                        << x[1] << " " << x[2]);
          slfit::testing::check_gradient<L>(log_form, *transforms, p,
                                            make_row<L::kNumInputs>(x, L::inputs()));
        }
      }
    }
  }
}

}  // namespace

TEST_CASE("kumar: autodiff gradients match central differences", "[kumar]") {
  check_gradients<KumarPtq>(
      {slfit::preset_values<KumarPtq>("kumar2024"), {2.0, 0.1, 0.9, 3.0}, {1e-3, 1.0, 0.05, 0.2}},
      {{30e6, 1.5e9, 3}, {220e6, 26e9, 8}, {1e9, 20e9, 4}, {1e12, 1e13, 16}});

  auto fitted_offsets = slfit::preset_values<KumarQat>("kumar2024");
  fitted_offsets[KumarQat::kNw] = -0.5;  // a negative offset is allowed and defined everywhere
  fitted_offsets[KumarQat::kAlpha] = 0.3;
  check_gradients<KumarQat>({slfit::preset_values<KumarQat>("kumar2024"),
                             slfit::preset_values<KumarQat>("kumar2024-main"), fitted_offsets},
                            {{30e6, 1.5e9, 4, 4, 4},
                             {220e6, 26e9, 8, 6, 3},
                             {1e9, 20e9, 16, 12, 8},
                             {60e6, 3e9, 1e3, 1e3, 1e3}});

  auto unified_fitted = slfit::preset_values<Kumar>("kumar2024");
  unified_fitted[Kumar::kGammaD] = 0.2;
  unified_fitted[Kumar::kCT] = 3.0;
  check_gradients<Kumar>({slfit::preset_values<Kumar>("kumar2024"),
                          slfit::preset_values<Kumar>("kumar2024-main"), unified_fitted},
                         {{30e6, 1.5e9, 4, 4, 4, 3},
                          {220e6, 26e9, 8, 6, 3, 4},
                          {1e9, 20e9, 16, 12, 8, 8},
                          {60e6, 3e9, 1e3, 1e3, 1e3, 2}});
}

namespace {

template <class L>
void check_vectorized(const std::vector<double>& p,
                      const std::vector<std::array<double, L::kNumInputs>>& points) {
  const auto specs = L::inputs();
  slfit::Table t("<kumar points>");
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Eigen::ArrayXd col(static_cast<Eigen::Index>(points.size()));
    for (std::size_t r = 0; r < points.size(); ++r)
      col(static_cast<Eigen::Index>(r)) = points[r][i];
    t.add_column(specs[i].name, col);
  }
  const Eigen::ArrayXd v = slfit::evaluate<L>(t, p);
  REQUIRE(v.size() == static_cast<Eigen::Index>(points.size()));
  for (std::size_t r = 0; r < points.size(); ++r) {
    const double at = slfit::evaluate_at<L>(p, points[r]);
    INFO(L::kName << " row " << r);
    CHECK(std::isfinite(at));
    CHECK(v(static_cast<Eigen::Index>(r)) == Approx(at).epsilon(1e-14));
    // log_formula agrees with the formula.
    CHECK(L::log_formula(p.data(), make_row<L::kNumInputs>(points[r], specs)) ==
          Approx(std::log(at)).epsilon(1e-13));
  }
  // Rows differ, so a column mix-up would not go unnoticed.
  CHECK(v.maxCoeff() > v.minCoeff());
}

}  // namespace

TEST_CASE("kumar: vectorized evaluate over a Table equals evaluate_at", "[kumar]") {
  check_vectorized<KumarPtq>(slfit::preset_values<KumarPtq>("kumar2024"),
                             {{30e6, 1.5e9, 4}, {220e6, 26e9, 3}, {1e9, 20e9, 4}, {60e6, 3e9, 8}});
  for (const char* preset : {"kumar2024", "kumar2024-main"}) {
    check_vectorized<KumarQat>(slfit::preset_values<KumarQat>(preset), {{30e6, 1.5e9, 4, 4, 4},
                                                                        {220e6, 26e9, 8, 6, 3},
                                                                        {1e9, 20e9, 16, 12, 8},
                                                                        {60e6, 3e9, 5, 16, 4}});
    check_vectorized<Kumar>(slfit::preset_values<Kumar>(preset), {{30e6, 1.5e9, 4, 4, 4, 3},
                                                                  {220e6, 26e9, 8, 6, 3, 4},
                                                                  {1e9, 20e9, 16, 12, 8, 8},
                                                                  {60e6, 3e9, 5, 16, 4, 6}});
  }
}

TEST_CASE("kumar-ptq: constants are recovered from a simulated table", "[kumar][fit]") {
  const auto truth = slfit::preset_values<KumarPtq>("kumar2024");
  const slfit::Axes axes = {{"N", {30e6, 60e6, 110e6, 220e6}},
                            {"D", {1.5e9, 3e9, 6e9, 13e9, 26e9}},
                            {"P_post", {3, 4, 5, 6, 8}}};
  slfit::FitOptions o;
  o.space = slfit::Space::kLog;
  o.target = "delta";

  SECTION("without noise: exact") {
    const auto t = slfit::simulate<KumarPtq>(axes, truth, {.target = "delta"});
    const auto r = slfit::fit<KumarPtq>(t, o);
    REQUIRE(r.converged());
    for (std::size_t i = 0; i < truth.size(); ++i) {
      INFO(r.names[i]);
      CHECK(r.parameters[i] == Approx(truth[i]).epsilon(1e-6));
    }
  }
  SECTION("with 5% multiplicative noise: within four standard errors") {
    const auto t = slfit::simulate<KumarPtq>(
        axes, truth,
        {.noise = 0.05, .kind = slfit::Noise::kMultiplicative, .seed = 2024, .target = "delta"});
    const auto r = slfit::fit<KumarPtq>(t, o);
    REQUIRE(r.converged());
    REQUIRE(r.covariance_ok);
    for (std::size_t i = 0; i < truth.size(); ++i) {
      INFO(r.names[i] << " = " << r.parameters[i] << " +- " << r.standard_errors[i] << ", truth "
                      << truth[i]);
      CHECK(std::abs(r.parameters[i] - truth[i]) <= 4.0 * r.standard_errors[i]);
      CHECK(r.standard_errors[i] > 0.0);
    }
    // In log space the law is linear in (log C_T, gamma_D, gamma_N, 1/gamma_post), so the
    // least-squares fit must be the ordinary least-squares solution, computed here directly.
    const auto& n = t.column("N");
    const auto& d = t.column("D");
    const auto& bits = t.column("P_post");
    Eigen::MatrixXd x(t.rows(), 4);
    x.col(0).setOnes();
    x.col(1) = d.log().matrix();
    x.col(2) = -n.log().matrix();
    x.col(3) = -bits.matrix();
    const Eigen::VectorXd y = t.column("delta").log().matrix();
    const Eigen::VectorXd beta = x.colPivHouseholderQr().solve(y);
    CHECK(std::log(r.value("C_T")) == Approx(beta(0)).epsilon(1e-6));
    CHECK(r.value("gamma_D") == Approx(beta(1)).epsilon(1e-6));
    CHECK(r.value("gamma_N") == Approx(beta(2)).epsilon(1e-6));
    CHECK(1.0 / r.value("gamma_post") == Approx(beta(3)).epsilon(1e-6));
  }
}

TEST_CASE("kumar-qat: gamma_w is recovered with the other parameters fixed", "[kumar][fit]") {
  const auto truth = slfit::preset_values<KumarQat>("kumar2024");
  const auto t = slfit::simulate<KumarQat>(
      {{"N", {30e6, 60e6, 110e6, 220e6}},
       {"D", {1.5e9, 6e9, 26e9}},
       {"P_w", {3, 4, 5, 6, 8, 12}},
       {"P_a", {16}},
       {"P_kv", {16}}},
      truth, {.noise = 0.003, .kind = slfit::Noise::kMultiplicative, .seed = 7});
  slfit::FitOptions o;
  o.space = slfit::Space::kLog;
  const auto specs = KumarQat::parameters();
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name != "gamma_w") o.fixed[specs[i].name] = truth[i];
  const auto r = slfit::fit<KumarQat>(t, o);
  REQUIRE(r.converged());
  REQUIRE(r.covariance_ok);
  const double g = r.value("gamma_w"), se = r.standard_error("gamma_w");
  INFO("gamma_w = " << g << " +- " << se);
  CHECK(std::abs(g - truth[KumarQat::kGammaW]) <= 4.0 * se);
  CHECK(std::abs(g - truth[KumarQat::kGammaW]) < 0.05);
  // Fixed parameters come back exactly as given.
  CHECK(r.value("n_w") == truth[KumarQat::kNw]);
  CHECK(r.value("alpha") == truth[KumarQat::kAlpha]);
}

TEST_CASE("kumar-qat: the offset form is undefined at low precision, and says why", "[kumar]") {
  const auto offset = slfit::preset_values<KumarQat>("kumar2024");
  const auto main_form = slfit::preset_values<KumarQat>("kumar2024-main");

  // P_a = 3 is below n_a gamma_a = 3.11 bits: the activation factor is negative.
  REQUIRE_THROWS_AS(slfit::evaluate_at<KumarQat>(offset, {220e6, 26e9, 8, 3, 8}), slfit::DataError);
  REQUIRE_THROWS_WITH(slfit::evaluate_at<KumarQat>(offset, {220e6, 26e9, 8, 3, 8}),
                      Contains("precision factor") && Contains("P_a = 3") &&
                          Contains("offset form") && Contains("n_a = 1.407") && !Contains("P_w ="));
  CHECK(std::isfinite(slfit::evaluate_at<KumarQat>(main_form, {220e6, 26e9, 8, 3, 8})));

  // With Table 2's constants the weight factor is still positive at P_w = 1 (it vanishes only
  // below n_w gamma_w = 0.81 bits); a larger fitted offset n_w = 0.5 makes P_w = 1 undefined.
  CHECK(slfit::kumar_neff_fraction(offset, 1, 16, 16) > 0.0);
  CHECK(std::isfinite(slfit::evaluate_at<KumarQat>(offset, {220e6, 26e9, 1, 16, 16})));
  auto larger = offset;
  larger[KumarQat::kNw] = 0.5;
  REQUIRE_THROWS_AS(slfit::evaluate_at<KumarQat>(larger, {220e6, 26e9, 1, 16, 16}),
                    slfit::DataError);
  REQUIRE_THROWS_WITH(slfit::evaluate_at<KumarQat>(larger, {220e6, 26e9, 1, 16, 16}),
                      Contains("precision factor") && Contains("P_w = 1") && Contains("n_w = 0.5"));
  CHECK_THROWS_AS(slfit::kumar_neff_fraction(larger, 1, 16, 16), slfit::DataError);

  // All three at 1 bit: both failing factors are named.
  REQUIRE_THROWS_WITH(slfit::evaluate_at<Kumar>(slfit::preset_values<Kumar>("kumar2024"),
                                                {220e6, 26e9, 1, 1, 1, 4}),
                      Contains("P_a = 1") && Contains("P_kv = 1"));

  // Over a table the offending row is named.
  slfit::Table t("<low bits>");
  t.add_column("N", (Eigen::ArrayXd(2) << 30e6, 30e6).finished());
  t.add_column("D", (Eigen::ArrayXd(2) << 1.5e9, 1.5e9).finished());
  t.add_column("P_w", (Eigen::ArrayXd(2) << 8, 8).finished());
  t.add_column("P_a", (Eigen::ArrayXd(2) << 8, 8).finished());
  t.add_column("P_kv", (Eigen::ArrayXd(2) << 8, 2).finished());
  REQUIRE_THROWS_WITH(slfit::evaluate<KumarQat>(t, offset),
                      Contains("row 2") && Contains("P_kv = 2"));
  CHECK(slfit::evaluate<KumarQat>(t, main_form).allFinite());

  // Below one bit is outside the inputs' domain for every law.
  CHECK_THROWS_AS(slfit::evaluate_at<KumarQat>(main_form, {220e6, 26e9, 0.5, 8, 8}),
                  slfit::DataError);
  CHECK_THROWS_AS(
      slfit::evaluate_at<KumarPtq>(slfit::preset_values<KumarPtq>("kumar2024"), {220e6, 26e9, 0.0}),
      slfit::DataError);
}

TEST_CASE("kumar: evaluation never returns NaN silently", "[kumar]") {
  // Over a sweep of precisions, either the value is finite or a DataError is thrown, and it is
  // thrown exactly where some factor 1 - exp(n - P/gamma) is not positive.
  for (const char* preset : {"kumar2024", "kumar2024-main"}) {
    const auto p = slfit::preset_values<Kumar>(preset);
    int thrown = 0, finite = 0;
    for (double pw = 1; pw <= 8; pw += 0.5) {
      for (double pa = 1; pa <= 8; pa += 0.5) {
        for (double pkv = 1; pkv <= 8; pkv += 0.5) {
          bool defined = true;
          const std::array<double, 3> bits = {pw, pa, pkv};
          for (int i = 0; i < 3; ++i)
            defined =
                defined && 1.0 - std::exp(p[static_cast<std::size_t>(Kumar::kNw + i)] -
                                          bits[static_cast<std::size_t>(i)] /
                                              p[static_cast<std::size_t>(Kumar::kGammaW + i)]) >
                               0.0;
          INFO(preset << ": P_w=" << pw << ", P_a=" << pa << ", P_kv=" << pkv);
          try {
            const double l = slfit::evaluate_at<Kumar>(p, {30e6, 1.5e9, pw, pa, pkv, 4});
            CHECK(defined);
            CHECK(std::isfinite(l));
            ++finite;
          } catch (const slfit::DataError&) {
            CHECK_FALSE(defined);
            ++thrown;
          }
        }
      }
    }
    INFO(preset << ": " << finite << " finite, " << thrown << " thrown");
    CHECK(finite > 0);
    if (std::string(preset) == "kumar2024") {
      CHECK(thrown > 0);
    } else {
      CHECK(thrown == 0);  // the main-text form is defined for every P > 0
    }
  }
}
