// Tests of the Capybara law (Sun et al. 2025): check values from LAWS.md section 4, float format
// parsing, the optimal exponent/mantissa split, the critical data size, autodiff derivatives,
// vectorized evaluation, recovery of the precision constants, and bad input.
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "support/law_checks.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Capybara;
using slfit::FloatFormat;

namespace {

bool matches_printed(double value, double printed, int decimals) {
  return std::abs(value - printed) <= 0.5 * std::pow(10.0, -decimals);
}

// A row built by hand, so that B = 1 (log2 B = 0, the precision term switched off) can be formed.
slfit::RowView<5> row_of(double n, double d, double e, double m, double b) {
  slfit::RowView<5> row;
  row.values = {n, d, e, m, b};
  row.logs = {std::log(n), std::log(d), 0.0, 0.0, std::log(b)};
  return row;
}

std::vector<double> sun2025() { return slfit::preset_values<Capybara>("sun2025"); }

}  // namespace

TEST_CASE("capybara: check values of LAWS.md section 4", "[capybara]") {
  const auto p = sun2025();
  const double n = 679477248, d = 104857600000;
  const double e4m3 = slfit::evaluate_at<Capybara>(p, {n, d, 4, 3, 128});
  CHECK(matches_printed(e4m3, 2.608669, 6));
  // Without the precision term: the same formula with log2 B = 0.
  const double base = Capybara::formula(p.data(), row_of(n, d, 4, 3, 1));
  CHECK(matches_printed(base, 2.608174, 6));
  // The base part written out independently, and the precision term with gamma dividing it.
  CHECK(base == Approx(69.2343 / std::pow(n, 0.2368) + 68973.0621 / std::pow(d, 0.5162) + 1.9061)
                    .epsilon(1e-14));
  CHECK(e4m3 - base == Approx(std::pow(d, 0.5162) / std::pow(n, 0.2368) * 7.0 /
                              (11334.5197 * std::pow(4.5, 3.1926) * std::pow(3.5, 2.9543)))
                           .epsilon(1e-9));

  const auto e2m1 = slfit::parse_float_format("E2M1");
  CHECK(matches_printed(slfit::evaluate_at<Capybara>(p, {n, d, 1.0 * e2m1.E, 1.0 * e2m1.M, 128}),
                        2.647745, 6));
  CHECK(matches_printed(slfit::evaluate_at<Capybara>(p, {40894464, 10485760000, 1, 1, 32}),
                        3.546307, 6));
}

TEST_CASE("capybara: vectorized evaluation equals evaluate_at", "[capybara]") {
  const auto p = sun2025();
  const std::vector<std::array<double, 5>> xs = {
      {679477248, 104857600000, 4, 3, 128},
      {679477248, 104857600000, 2, 1, 128},
      {40894464, 10485760000, 1, 1, 32},
      {84.9e6, 20 * 1073741824.0, 0, 7, 2},  // E = 0 (an integer format) and the smallest block
      {154.1e6, 50 * 1073741824.0, 5, 0, slfit::kCapybaraChannelwiseBlock},
      {7e9, 1e12, 2.5, 1.5, 64},
  };
  slfit::Table t("<capybara rows>");
  const char* names[] = {"N", "D", "E", "M", "B"};
  for (int c = 0; c < 5; ++c) {
    Eigen::ArrayXd col(static_cast<Eigen::Index>(xs.size()));
    for (std::size_t r = 0; r < xs.size(); ++r)
      col(static_cast<Eigen::Index>(r)) = xs[r][static_cast<std::size_t>(c)];
    t.add_column(names[c], col);
  }
  const Eigen::ArrayXd l = slfit::evaluate<Capybara>(t, p);
  REQUIRE(l.size() == static_cast<Eigen::Index>(xs.size()));
  for (std::size_t r = 0; r < xs.size(); ++r) {
    INFO("row " << r);
    const double at = slfit::evaluate_at<Capybara>(p, xs[r]);
    CHECK(std::isfinite(at));
    CHECK(l(static_cast<Eigen::Index>(r)) == Approx(at).epsilon(1e-14));
  }
  // Channel-wise scaling: log2 B is 13.1567.
  CHECK(std::log2(slfit::kCapybaraChannelwiseBlock) == Approx(13.1567).epsilon(1e-15));
}

TEST_CASE("capybara: parse_float_format", "[capybara][format]") {
  CHECK(slfit::parse_float_format("E4M3") == FloatFormat{4, 3});
  CHECK(slfit::parse_float_format("E2M1") == FloatFormat{2, 1});
  CHECK(slfit::parse_float_format("e5m2") == FloatFormat{5, 2});
  CHECK(slfit::parse_float_format("E8M23") == FloatFormat{8, 23});
  CHECK(slfit::parse_float_format("E0M7") == FloatFormat{0, 7});
  CHECK(slfit::parse_float_format("E4M3").bits() == 8);
  for (const FloatFormat f : {FloatFormat{4, 3}, FloatFormat{11, 52}, FloatFormat{1, 0}})
    CHECK(slfit::parse_float_format(slfit::to_string(f)) == f);

  for (const char* bad : {"", "E4", "4M3", "E4M", "EM3", "E4M3x", "E-1M3", "E 4M3", "E4 M3", "M3E4",
                          "E999M3", "E4M3.5", "FP8", "E4M99999999999999999999"}) {
    INFO("format '" << bad << "'");
    CHECK_THROWS_AS(slfit::parse_float_format(bad), slfit::UsageError);
    CHECK_THROWS_WITH(
        slfit::parse_float_format(bad),
        Contains("bad float format '" + std::string(bad) + "'") && Contains("e.g. E4M3"));
  }
  CHECK_THROWS_WITH(slfit::parse_float_format("E4"), Contains("expected 'M'"));
  CHECK_THROWS_WITH(slfit::parse_float_format("EM3"), Contains("exponent bits is missing"));
  CHECK_THROWS_WITH(slfit::parse_float_format("E999M3"), Contains("larger than 255"));
  CHECK_THROWS_WITH(slfit::parse_float_format("E4M3x"), Contains("unexpected text"));
}

TEST_CASE("capybara: optimal exponent/mantissa split", "[capybara][format]") {
  const auto p = sun2025();
  // The formats the paper lists.
  CHECK(slfit::capybara_best_format(p, 4) == FloatFormat{2, 1});
  CHECK(slfit::capybara_best_format(p, 8) == FloatFormat{4, 3});
  CHECK(slfit::capybara_best_format(p, 16) == FloatFormat{8, 7});

  const double delta = p[Capybara::kDelta], nu = p[Capybara::kNu];
  for (int bits = 2; bits <= 32; ++bits) {
    INFO(bits << " bits");
    const auto split = slfit::capybara_optimal_split(p, bits);
    CHECK(split.E + split.M + 1.0 == Approx(bits).epsilon(1e-14));
    // The real split is where the precision term is stationary along E + M = const.
    CHECK(delta / (split.E + 0.5) == Approx(nu / (split.M + 0.5)).epsilon(1e-12));

    // The integer choice is the best of every integer split, by the law's own loss.
    const FloatFormat best = slfit::capybara_best_format(p, bits);
    CHECK(best.bits() == bits);
    CHECK(std::abs(best.E - split.E) < 1.0);
    for (const std::array<double, 3> ndb :
         {std::array<double, 3>{40.9e6, 1e10, 32}, std::array<double, 3>{7e9, 1e13, 2}}) {
      const double l_best =
          slfit::evaluate_at<Capybara>(p, {ndb[0], ndb[1], 1.0 * best.E, 1.0 * best.M, ndb[2]});
      for (int e = 0; e <= bits - 1; ++e) {
        const double l = slfit::evaluate_at<Capybara>(
            p, {ndb[0], ndb[1], 1.0 * e, 1.0 * (bits - 1 - e), ndb[2]});
        CHECK(l_best <= l);
      }
    }
  }
  // Different shape constants move the split: mantissa-hungry nu favours more M.
  auto q = p;
  q[Capybara::kNu] = 3 * q[Capybara::kDelta];
  CHECK(slfit::capybara_best_format(q, 8).M > 3);

  CHECK_THROWS_AS(slfit::capybara_best_format(p, 1), slfit::DataError);
  CHECK_THROWS_WITH(slfit::capybara_best_format(p, 0), Contains("at least 2 bits"));
  CHECK_THROWS_AS(slfit::capybara_optimal_split(p, std::nan("")), slfit::DataError);
  auto flat = p;
  flat[Capybara::kDelta] = 0.0;
  CHECK_THROWS_WITH(slfit::capybara_best_format(flat, 8), Contains("delta > 0"));
}

TEST_CASE("capybara: critical data size", "[capybara]") {
  const auto p = sun2025();
  for (const std::array<double, 5> x :
       {std::array<double, 5>{679477248, 0, 4, 3, 128}, std::array<double, 5>{40.9e6, 0, 1, 1, 32},
        std::array<double, 5>{7e9, 0, 2, 1, slfit::kCapybaraChannelwiseBlock}}) {
    const double dc = slfit::capybara_critical_data(p, x[0], x[2], x[3], x[4]);
    INFO("N=" << x[0] << " E" << x[2] << "M" << x[3] << " B=" << x[4] << ": D_crit " << dc);
    REQUIRE(std::isfinite(dc));
    const auto loss = [&](double d) {
      return slfit::evaluate_at<Capybara>(p, {x[0], d, x[2], x[3], x[4]});
    };
    // The loss is lowest at D_crit along D: lower than slightly fewer or more tokens.
    CHECK(loss(dc) < loss(dc * 0.99));
    CHECK(loss(dc) < loss(dc * 1.01));
    // Its slope in log D vanishes there (relative to the size of either D term's slope).
    const double h = 1e-4;
    const double slope = (loss(dc * std::exp(h)) - loss(dc * std::exp(-h))) / (2 * h);
    const double scale =
        p[Capybara::kBeta] * p[Capybara::kSmallD] * std::pow(dc, -p[Capybara::kBeta]);
    CHECK(std::abs(slope) < 1e-6 * scale);
  }
  // More mantissa bits push the critical size out.
  CHECK(slfit::capybara_critical_data(p, 1e9, 4, 3, 128) >
        slfit::capybara_critical_data(p, 1e9, 4, 2, 128));

  CHECK_THROWS_WITH(slfit::capybara_critical_data(p, 1e9, 4, 3, 1), Contains("B (block size)"));
  CHECK_THROWS_WITH(slfit::capybara_critical_data(p, 1e9, -1, 3, 128), Contains("E (exponent"));
  CHECK_THROWS_WITH(slfit::capybara_critical_data(p, 1e9, 4, -1, 128), Contains("M (mantissa"));
  CHECK_THROWS_AS(slfit::capybara_critical_data(p, 0, 4, 3, 128), slfit::DataError);
}

TEST_CASE("capybara: autodiff gradients match central differences", "[capybara]") {
  const auto identity = slfit::testing::identity_transforms<Capybara>();
  const auto declared = slfit::testing::declared_transforms<Capybara>();
  const std::vector<std::vector<double>> params = {sun2025(),
                                                   {10, 0.4, 1e3, 0.3, 1.5, 50, 1.0, 1.5}};
  const std::vector<std::array<double, 5>> xs = {{679477248, 104857600000, 4, 3, 128},
                                                 {40894464, 10485760000, 1, 1, 32},
                                                 {7e9, 1e13, 0, 2, 4096},
                                                 {1e8, 1e9, 2.5, 0, 2}};
  for (const auto& p : params) {
    for (const auto& x : xs) {
      INFO("n=" << p[0] << " at N=" << x[0] << " D=" << x[1] << " E=" << x[2] << " M=" << x[3]
                << " B=" << x[4]);
      const auto row = row_of(x[0], x[1], x[2], x[3], x[4]);
      slfit::testing::check_gradient<Capybara>(false, identity, p, row);
      slfit::testing::check_gradient<Capybara>(false, declared, p, row);
    }
  }
}

TEST_CASE("capybara: gamma, delta and nu recovered with the base law fixed", "[capybara][fit]") {
  const auto truth = sun2025();
  const double gib = 1073741824.0;
  const slfit::Table t = slfit::simulate<Capybara>(
      {{"N", {40894464, 84.9e6, 154.1e6, 679477248}},
       {"D", {10 * gib, 20 * gib, 50 * gib, 100 * gib}},
       {"E", {1, 2, 3, 4}},
       {"M", {0, 1, 2, 3}},
       {"B", {32, 128}}},
      truth, {.noise = 0.002, .kind = slfit::Noise::kMultiplicative, .seed = 2501});
  REQUIRE(t.rows() == 4 * 4 * 4 * 4 * 2);

  slfit::FitOptions o;
  o.space = slfit::Space::kLog;
  o.threads = 1;
  for (const char* name : {"n", "alpha", "d", "beta", "eps"})
    o.fixed[name] = truth[slfit::parameter_index(Capybara::parameters(), name, "capybara")];
  const slfit::FitResult r = slfit::fit<Capybara>(t, o);
  REQUIRE(r.converged());
  REQUIRE(r.covariance_ok);
  for (int i :
       {Capybara::kSmallN, Capybara::kAlpha, Capybara::kSmallD, Capybara::kBeta, Capybara::kEps})
    CHECK(r.parameters[static_cast<std::size_t>(i)] == truth[static_cast<std::size_t>(i)]);
  for (int i : {Capybara::kGamma, Capybara::kDelta, Capybara::kNu}) {
    const auto s = static_cast<std::size_t>(i);
    INFO(r.names[s] << ": fitted " << r.parameters[s] << " +- " << r.standard_errors[s] << ", true "
                    << truth[s]);
    CHECK(std::abs(r.parameters[s] - truth[s]) <= 4.0 * r.standard_errors[s]);
    CHECK(r.parameters[s] == Approx(truth[s]).epsilon(0.05));
  }
  CHECK(std::sqrt(r.rss / static_cast<double>(r.points)) == Approx(0.002).epsilon(0.25));
}

TEST_CASE("capybara: bad input gives clear errors, never NaN", "[capybara]") {
  const auto p = sun2025();
  CHECK_THROWS_AS(slfit::evaluate_at<Capybara>(p, {1e9, 1e11, 4, 3, 1}), slfit::DataError);
  CHECK_THROWS_WITH(slfit::evaluate_at<Capybara>(p, {1e9, 1e11, 4, 3, 1}),
                    Contains("input 'B'") && Contains("[2,"));
  CHECK_THROWS_WITH(slfit::evaluate_at<Capybara>(p, {1e9, 1e11, -1, 3, 128}),
                    Contains("input 'E'"));
  CHECK_THROWS_WITH(slfit::evaluate_at<Capybara>(p, {1e9, 1e11, 4, -0.5, 128}),
                    Contains("input 'M'"));
  CHECK_THROWS_WITH(slfit::evaluate_at<Capybara>(p, {1e9, 1e11, std::nan(""), 3, 128}),
                    Contains("input 'E'"));

  // E = 0 is allowed (no log is taken of E itself): finite, and worse than E = 1.
  const double e0 = slfit::evaluate_at<Capybara>(p, {1e9, 1e11, 0, 3, 128});
  CHECK(std::isfinite(e0));
  CHECK(e0 > slfit::evaluate_at<Capybara>(p, {1e9, 1e11, 1, 3, 128}));

  slfit::Table t("fp8.csv");
  t.add_column("N", (Eigen::ArrayXd(3) << 1e9, 1e9, 1e9).finished());
  t.add_column("D", (Eigen::ArrayXd(3) << 1e11, 1e11, 1e11).finished());
  t.add_column("E", (Eigen::ArrayXd(3) << 4, 4, 4).finished());
  t.add_column("M", (Eigen::ArrayXd(3) << 3, 3, 3).finished());
  t.add_column("B", (Eigen::ArrayXd(3) << 128, 32, 1).finished());
  CHECK_THROWS_WITH(slfit::evaluate<Capybara>(t, p),
                    Contains("input 'B'") && Contains("row 3") && Contains("fp8.csv"));
  t.set_column("B", (Eigen::ArrayXd(3) << 128, 32, 16).finished());
  t.set_column("E", (Eigen::ArrayXd(3) << 4, -2, 4).finished());
  CHECK_THROWS_WITH(slfit::evaluate<Capybara>(t, p), Contains("input 'E'") && Contains("row 2"));
  t.set_column("E", (Eigen::ArrayXd(3) << 4, 2, 4).finished());
  CHECK(slfit::evaluate<Capybara>(t, p).allFinite());
}
