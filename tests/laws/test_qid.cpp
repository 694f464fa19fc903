// Tests of the QiD law and the 16-bit Pythia base law (Ouyang et al. 2024): check values from
// LAWS.md section 3, the token inversion, autodiff derivatives, vectorized evaluation, recovery of
// the constants from a simulated table, and bad input.
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/qid.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "support/law_checks.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::PythiaKaplan;
using slfit::Qid;

namespace {

// |value - printed| within half a unit of the printed number's last decimal.
bool matches_printed(double value, double printed, int decimals) {
  return std::abs(value - printed) <= 0.5 * std::pow(10.0, -decimals);
}

template <class L>
slfit::RowView<L::kNumInputs> row_of(const std::array<double, L::kNumInputs>& x) {
  const auto specs = L::inputs();
  slfit::RowView<L::kNumInputs> row;
  for (std::size_t i = 0; i < x.size(); ++i) {
    row.values[i] = x[i];
    row.logs[i] = specs[i].positive ? std::log(x[i]) : 0.0;
  }
  return row;
}

}  // namespace

TEST_CASE("qid: check values of LAWS.md section 3", "[qid]") {
  const auto p = slfit::preset_values<Qid>("ouyang2024");
  struct Check {
    double n, d, bits, printed;
    int decimals;
  };
  const std::vector<Check> checks = {
      {160e6, 300e9, 4, 0.12382, 5}, {1e9, 100e9, 3, 0.223386, 6}, {12e9, 200e9, 2, 1.70234, 5},
      {7e9, 15e12, 4, 0.41105, 5},   {7e9, 1e14, 4, 1.113, 3},     {7e9, 1e14, 3, 5.41, 2},
      {70e9, 1e14, 4, 0.661, 3},     {405e9, 1e14, 4, 0.445, 3},
  };
  slfit::Table t("<qid checks>");
  Eigen::ArrayXd n(checks.size()), d(checks.size()), bits(checks.size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    INFO("QiD(" << c.n << ", " << c.d << ", " << c.bits << ")");
    const double q = slfit::evaluate_at<Qid>(p, {c.n, c.d, c.bits});
    CHECK(matches_printed(q, c.printed, c.decimals));
    CHECK(std::exp(Qid::log_formula(p.data(), row_of<Qid>({c.n, c.d, c.bits}))) ==
          Approx(q).epsilon(1e-14));
    const auto r = static_cast<Eigen::Index>(i);
    n(r) = c.n;
    d(r) = c.d;
    bits(r) = c.bits;
  }
  t.add_column("N", n);
  t.add_column("D", d);
  t.add_column("P", bits);
  const Eigen::ArrayXd q = slfit::evaluate<Qid>(t, p);
  REQUIRE(q.size() == static_cast<Eigen::Index>(checks.size()));
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    CHECK(q(static_cast<Eigen::Index>(i)) ==
          Approx(slfit::evaluate_at<Qid>(p, {c.n, c.d, c.bits})).epsilon(1e-14));
  }
}

TEST_CASE("pythia-kaplan: check values of LAWS.md section 3", "[qid][pythia-kaplan]") {
  const auto p = slfit::preset_values<PythiaKaplan>("ouyang2024");
  CHECK(p == std::vector<double>({4.74e19, 0.045, 7.63e10, 0.399}));
  const double a = slfit::evaluate_at<PythiaKaplan>(p, {12e9, 300e9});
  const double b = slfit::evaluate_at<PythiaKaplan>(p, {1e9, 300e9});
  CHECK(matches_printed(a, 2.725557, 6));
  CHECK(matches_printed(b, 3.041889, 6));
  // The printed form ((4.74e19/N)^(0.045/0.399) + 7.63e10/D)^0.399, written out independently.
  CHECK(a == Approx(std::pow(std::pow(4.74e19 / 12e9, 0.045 / 0.399) + 7.63e10 / 300e9, 0.399))
                 .epsilon(1e-14));
  CHECK(std::exp(PythiaKaplan::log_formula(p.data(), row_of<PythiaKaplan>({12e9, 300e9}))) ==
        Approx(a).epsilon(1e-14));

  slfit::Table t("<pythia>");
  t.add_column("N", (Eigen::ArrayXd(3) << 12e9, 1e9, 160e6).finished());
  t.add_column("D", (Eigen::ArrayXd(3) << 300e9, 300e9, 1e9).finished());
  const Eigen::ArrayXd l = slfit::evaluate<PythiaKaplan>(t, p);
  REQUIRE(l.size() == 3);
  CHECK(l(0) == Approx(a).epsilon(1e-14));
  CHECK(l(1) == Approx(b).epsilon(1e-14));
  CHECK(l(2) == Approx(slfit::evaluate_at<PythiaKaplan>(p, {160e6, 1e9})).epsilon(1e-14));
}

TEST_CASE("pythia-kaplan: log_formula stays finite where a ratio overflows", "[pythia-kaplan]") {
  // (N_c/N)^(alpha_N/alpha_D) = e^(2000): the direct formula overflows, the log form does not.
  const std::vector<double> p = {std::exp(100.0), 1.0, 1.0, 0.05};
  const auto row = row_of<PythiaKaplan>({1.0, 1.0});
  const double ll = PythiaKaplan::log_formula(p.data(), row);
  CHECK(std::isfinite(ll));
  CHECK(ll == Approx(0.05 * (2000.0 + std::log1p(std::exp(-2000.0)))).epsilon(1e-14));
}

TEST_CASE("qid: qid_tokens inverts the law", "[qid]") {
  const auto preset = slfit::preset_values<Qid>("ouyang2024");
  const std::vector<std::vector<double>> params = {
      preset, {0.3, 0.5, 0.7, 2.0}, {2e-4, 0.1, 1.3, 9.0}};
  for (const auto& p : params) {
    for (double n : {70e6, 7e9, 405e9}) {
      for (double d : {1e8, 3e11, 1e14}) {
        for (double bits : {2.0, 3.0, 4.0, 8.0}) {
          INFO("k=" << p[0] << " N=" << n << " D=" << d << " P=" << bits);
          const double q = slfit::evaluate_at<Qid>(p, {n, d, bits});
          CHECK(slfit::qid_tokens(p, n, bits, q) == Approx(d).epsilon(1e-12));
        }
      }
    }
  }
  // The other direction: the law at the returned D gives back the QiD asked for.
  const double d02 = slfit::qid_tokens(preset, 7e9, 4, 0.2);
  CHECK(slfit::evaluate_at<Qid>(preset, {7e9, d02, 4}) == Approx(0.2).epsilon(1e-13));
  // More bits tolerate more training before the same damage.
  CHECK(slfit::qid_tokens(preset, 7e9, 3, 0.2) < d02);
  CHECK(slfit::qid_tokens(preset, 70e9, 4, 0.2) > d02);
}

TEST_CASE("qid: training fraction", "[qid]") {
  const auto p = slfit::preset_values<Qid>("ouyang2024");
  const double n = 1e9, bits = 3, trained = 2e11;
  // A model that degrades like one trained on a quarter of its tokens is a quarter along.
  const double q_quarter = slfit::evaluate_at<Qid>(p, {n, trained / 4, bits});
  CHECK(slfit::qid_training_fraction(p, n, bits, q_quarter, trained) ==
        Approx(0.25).epsilon(1e-12));
  // Equal to (measured / QiD at the reference)^(1/beta) for any measured value.
  const double q_ref = slfit::evaluate_at<Qid>(p, {n, trained, bits});
  for (double measured : {0.01, 0.3, 2.5}) {
    INFO("measured QiD " << measured);
    CHECK(slfit::qid_training_fraction(p, n, bits, measured, trained) ==
          Approx(std::pow(measured / q_ref, 1.0 / p[Qid::kBeta])).epsilon(1e-12));
  }
  CHECK(slfit::qid_training_fraction(p, n, bits, 2 * q_ref, trained) > 1.0);
  CHECK_THROWS_AS(slfit::qid_training_fraction(p, n, bits, 0.2, 0.0), slfit::DataError);
  CHECK_THROWS_WITH(slfit::qid_training_fraction(p, n, bits, 0.2, -1.0),
                    Contains("reference token count must be positive"));
}

TEST_CASE("qid: autodiff gradients match central differences", "[qid]") {
  const std::vector<std::vector<double>> params = {slfit::preset_values<Qid>("ouyang2024"),
                                                   {0.5, 0.05, 1.2, 0.5}};
  for (const auto& p : params) {
    for (const auto& x :
         std::vector<std::array<double, 3>>{{160e6, 300e9, 4}, {12e9, 1e9, 2}, {405e9, 1e14, 3}}) {
      INFO("k=" << p[0] << " at N=" << x[0] << ", D=" << x[1] << ", P=" << x[2]);
      for (bool log_form : {false, true}) {
        slfit::testing::check_gradient<Qid>(log_form, slfit::testing::identity_transforms<Qid>(), p,
                                            row_of<Qid>(x));
        slfit::testing::check_gradient<Qid>(log_form, slfit::testing::declared_transforms<Qid>(), p,
                                            row_of<Qid>(x));
      }
    }
  }
}

TEST_CASE("pythia-kaplan: autodiff gradients match central differences", "[pythia-kaplan]") {
  const std::vector<std::vector<double>> params = {slfit::preset_values<PythiaKaplan>("ouyang2024"),
                                                   {1e14, 0.076, 5.4e13, 0.095}};
  for (const auto& p : params) {
    for (const auto& x :
         std::vector<std::array<double, 2>>{{12e9, 300e9}, {70e6, 1e9}, {1e12, 1e14}}) {
      INFO("N_c=" << p[0] << " at N=" << x[0] << ", D=" << x[1]);
      for (bool log_form : {false, true}) {
        slfit::testing::check_gradient<PythiaKaplan>(
            log_form, slfit::testing::identity_transforms<PythiaKaplan>(), p,
            row_of<PythiaKaplan>(x));
        slfit::testing::check_gradient<PythiaKaplan>(
            log_form, slfit::testing::declared_transforms<PythiaKaplan>(), p,
            row_of<PythiaKaplan>(x));
      }
    }
  }
}

namespace {

slfit::Table simulated_qid(std::uint64_t seed, double sigma) {
  return slfit::simulate<Qid>(
      {{"N", {70e6, 160e6, 410e6, 1e9, 2.8e9, 6.9e9, 12e9}},
       {"D", {1e9, 5e9, 2e10, 1e11, 3e11}},
       {"P", {2, 3, 4}}},
      slfit::preset_values<Qid>("ouyang2024"),
      {.noise = sigma, .kind = slfit::Noise::kMultiplicative, .seed = seed, .target = "qid"});
}

}  // namespace

TEST_CASE("qid: constants recovered from a simulated table", "[qid][fit]") {
  const auto truth = slfit::preset_values<Qid>("ouyang2024");
  const slfit::Table t = simulated_qid(2024, 0.03);
  // The noise really is there: the table differs from the noiseless law.
  const Eigen::ArrayXd exact = slfit::evaluate<Qid>(t, truth);
  CHECK((t.column("qid") / exact).log().abs().maxCoeff() > 0.03);

  slfit::FitOptions o;
  o.target = "qid";
  o.space = slfit::Space::kLog;
  o.threads = 1;
  const slfit::FitResult r = slfit::fit<Qid>(t, o);
  REQUIRE(r.converged());
  REQUIRE(r.covariance_ok);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    INFO(r.names[i] << ": fitted " << r.parameters[i] << " +- " << r.standard_errors[i] << ", true "
                    << truth[i]);
    CHECK(std::abs(r.parameters[i] - truth[i]) <= 4.0 * r.standard_errors[i]);
    CHECK(std::abs(r.parameters[i] / truth[i] - 1.0) < 0.1);
  }
  // Log-space residuals of a correct fit have the size of the noise.
  CHECK(std::sqrt(r.rss / static_cast<double>(r.points)) == Approx(0.03).epsilon(0.25));
}

TEST_CASE("qid: one bit width at a time with gamma fixed", "[qid][fit]") {
  const auto truth = slfit::preset_values<Qid>("ouyang2024");
  const slfit::Table all = simulated_qid(7, 0.02);
  slfit::Mask three = all.column("P") == 3.0;
  const slfit::Table t = all.filter(three);
  REQUIRE(t.rows() == 35);
  slfit::FitOptions o;
  o.target = "qid";
  o.space = slfit::Space::kLog;
  o.fixed["gamma"] = truth[Qid::kGamma];
  o.threads = 1;
  const slfit::FitResult r = slfit::fit<Qid>(t, o);
  REQUIRE(r.converged());
  CHECK(r.parameters[Qid::kGamma] == truth[Qid::kGamma]);
  CHECK(r.parameters[Qid::kK] == Approx(truth[Qid::kK]).epsilon(0.1));
  CHECK(r.parameters[Qid::kAlpha] == Approx(truth[Qid::kAlpha]).epsilon(0.1));
  CHECK(r.parameters[Qid::kBeta] == Approx(truth[Qid::kBeta]).epsilon(0.1));
}

TEST_CASE("qid: bad input gives clear errors, never NaN", "[qid]") {
  const auto p = slfit::preset_values<Qid>("ouyang2024");
  CHECK_THROWS_AS(slfit::evaluate_at<Qid>(p, {7e9, 1e12, 0.5}), slfit::DataError);
  CHECK_THROWS_WITH(slfit::evaluate_at<Qid>(p, {7e9, 1e12, 0.5}), Contains("input 'P'"));
  CHECK_THROWS_WITH(slfit::evaluate_at<Qid>(p, {-7e9, 1e12, 4}), Contains("input 'N'"));
  CHECK_THROWS_AS(slfit::evaluate_at<Qid>({0.017, 0.2}, {7e9, 1e12, 4}), slfit::UsageError);

  CHECK_THROWS_AS(slfit::qid_tokens(p, 7e9, 4, 0.0), slfit::DataError);
  CHECK_THROWS_WITH(slfit::qid_tokens(p, 7e9, 4, -0.1), Contains("QiD must be positive"));
  CHECK_THROWS_AS(slfit::qid_tokens(p, 7e9, 4, std::nan("")), slfit::DataError);
  CHECK_THROWS_WITH(slfit::qid_tokens(p, 0.0, 4, 0.2), Contains("N must be positive"));
  CHECK_THROWS_WITH(slfit::qid_tokens(p, 7e9, 0.0, 0.2), Contains("P must be at least 1"));
  CHECK_THROWS_WITH(slfit::qid_tokens({0.017, 0.2261, 0.0, 5.4967}, 7e9, 4, 0.2),
                    Contains("beta != 0"));
  // A token count beyond a double is an error rather than inf.
  CHECK_THROWS_WITH(slfit::qid_tokens({0.017, 0.2261, 1e-3, 5.4967}, 7e9, 4, 0.2),
                    Contains("outside the range of a double"));

  slfit::Table t("runs.csv");
  t.add_column("N", (Eigen::ArrayXd(2) << 1e9, 1e9).finished());
  t.add_column("D", (Eigen::ArrayXd(2) << 1e10, 1e10).finished());
  t.add_column("P", (Eigen::ArrayXd(2) << 4, 0).finished());
  CHECK_THROWS_WITH(slfit::evaluate<Qid>(t, p), Contains("input 'P'") && Contains("row 2"));
}
