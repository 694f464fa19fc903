// Tests of the extrapolation check (holdout), the comparison of laws, prediction intervals'
// bookkeeping, and the errors bad input must raise.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/compare.hpp"
#include "slfit/uncertainty/holdout.hpp"
#include "slfit/uncertainty/prediction.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using slfit::Chinchilla;
using slfit::Expression;
using slfit::FitOptions;
using slfit::Table;

namespace {

// Chinchilla without the data term: loss falls with model size only.
struct SizeOnly {
  static constexpr std::string_view kName = "test-size-only";
  static constexpr std::string_view kDescription = "L = E + A/N^alpha";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParameters = 3;
  static std::array<slfit::InputSpec, 1> inputs() { return {{{"N", "parameters", true}}}; }
  static std::vector<slfit::ParameterSpec> parameters() {
    return {{.name = "E",
             .value = 1.7,
             .lower = 0,
             .transform = slfit::Transform::kLog,
             .grid = {1.0, 2.0, 3.0}},
            {.name = "A",
             .value = 400,
             .lower = 0,
             .transform = slfit::Transform::kLog,
             .grid = {10.0, 1e3, 1e5}},
            {.name = "alpha", .value = 0.3, .lower = 0, .upper = 5, .grid = {0.1, 0.3, 0.6}}};
  }
  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[0] + p[1] * exp(-p[2] * x.log(0));
  }
};
static_assert(slfit::Law<SizeOnly>);

std::vector<double> logspace(double lo, double hi, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(lo * std::pow(hi / lo, i / double(n - 1)));
  return out;
}

std::vector<double> truth() { return slfit::preset_values<Chinchilla>("hoffmann2022"); }

Table simulated(std::uint64_t seed, double noise = 0.01) {
  return slfit::simulate<Chinchilla>(
      {{"N", logspace(1e7, 1e10, 6)}, {"D", logspace(1e8, 1e12, 6)}}, truth(),
      {.noise = noise, .kind = slfit::Noise::kMultiplicative, .seed = seed});
}

FitOptions log_squared() {
  FitOptions o;
  o.space = slfit::Space::kLog;
  o.threads = 2;
  return o;
}

}  // namespace

TEST_CASE("holdout: fit the small models, predict the large ones", "[uncertainty][holdout]") {
  const Table t = simulated(21);
  const auto h = slfit::holdout(t, Expression::parse("N >= 1e9"),
                                slfit::candidate<Chinchilla>("c", log_squared()));
  REQUIRE(h.fit.converged());
  CHECK(h.name == "c");
  CHECK(h.train_rows == 24);
  CHECK(h.fit.points == 24);
  REQUIRE(h.rows.size() == 12);
  const auto loss = t.column("loss");
  const auto n = t.column("N");
  double ss = 0.0, mx = 0.0, ss_log = 0.0;
  for (const auto& r : h.rows) {
    CHECK(n(r.row - 1) >= 1e9);  // 1-based rows of the input table
    CHECK(r.observed == loss(r.row - 1));
    const double pred =
        slfit::evaluate_at<Chinchilla>(h.fit.parameters, {n(r.row - 1), t.column("D")(r.row - 1)});
    CHECK(r.predicted == Approx(pred).epsilon(1e-12));
    CHECK(r.error == Approx(pred - r.observed));
    CHECK(r.fitted_error == Approx(std::log(pred) - std::log(r.observed)));
    ss += r.error * r.error;
    ss_log += r.fitted_error * r.fitted_error;
    mx = std::max(mx, std::abs(r.error));
  }
  CHECK(h.rmse == Approx(std::sqrt(ss / 12)));
  CHECK(h.rmse_fitted == Approx(std::sqrt(ss_log / 12)));
  CHECK(h.max_abs_error == Approx(mx));
  CHECK(h.max_abs_error_fitted >= h.rmse_fitted);
  // The true law extrapolates to within a few times the 1% noise.
  CHECK(h.rmse_fitted < 0.03);

  // A law that cannot represent the data extrapolates worse.
  const auto bad = slfit::holdout<SizeOnly>(
      t, slfit::holdout_mask(t, Expression::parse("N >= 1e9")), log_squared());
  CHECK(bad.rmse_fitted > 3.0 * h.rmse_fitted);
}

TEST_CASE("holdout: bad input", "[uncertainty][holdout][errors]") {
  const Table t = simulated(22);
  const auto c = slfit::candidate<Chinchilla>("chinchilla", log_squared());
  CHECK_THROWS_AS(slfit::holdout(t, Expression::parse("N > 1e12"), c), slfit::DataError);
  CHECK_THROWS_WITH(slfit::holdout(t, Expression::parse("N > 1e12"), c),
                    Catch::Contains("selects no rows"));
  // Keeping 4 rows (the smallest model's first checkpoints) is too few for 5 free parameters.
  CHECK_THROWS_AS(slfit::holdout(t, Expression::parse("N > 1e7 || D > 3e10"), c), slfit::DataError);
  CHECK_THROWS_WITH(slfit::holdout(t, Expression::parse("N > 1e7 || D > 3e10"), c),
                    Catch::Contains("leaves 4 to fit") && Catch::Contains("5 free parameters"));
  CHECK_THROWS_AS(slfit::holdout(t, Expression::parse("N > 0"), c), slfit::DataError);
  CHECK_THROWS_AS(slfit::holdout(t, Expression::parse("nosuch > 1"), c), slfit::DataError);
  slfit::Mask short_mask = slfit::Mask::Constant(3, true);
  CHECK_THROWS_AS(slfit::holdout(t, short_mask, c), slfit::UsageError);
  // A fixed parameter lowers the count the check uses.
  FitOptions fixed = log_squared();
  fixed.fixed["E"] = 1.69;
  const auto c4 = slfit::candidate<Chinchilla>("fixed E", fixed);
  CHECK(c4.free_parameters == 4);
  CHECK_NOTHROW(slfit::holdout(t, Expression::parse("N > 1e7 || D > 3e10"), c4));
}

TEST_CASE("compare: the law that made the data wins", "[uncertainty][compare]") {
  const Table t = simulated(31);
  FitOptions wrong_beta = log_squared();
  wrong_beta.fixed["beta"] = 0.6;
  const std::vector<slfit::FitCandidate> laws = {
      slfit::candidate<SizeOnly>("size only", log_squared()),
      slfit::candidate<Chinchilla>("chinchilla", log_squared()),
      slfit::candidate<Chinchilla>("chinchilla, beta = 0.6", wrong_beta)};
  slfit::CompareOptions co;
  co.holdout = slfit::holdout_mask(t, Expression::parse("N >= 1e9"));
  const slfit::Comparison c = slfit::compare_laws(t, laws, co);
  REQUIRE(c.scores.size() == 3);
  CHECK(c.best_by_aic == "chinchilla");
  CHECK(c.best_by_bic == "chinchilla");
  CHECK(c.best_by_holdout == "chinchilla");
  CHECK(c.scores[0].name == "chinchilla");  // ranked by BIC by default
  CHECK(c.scores[0].rank_bic == 1);
  CHECK(c.scores[0].delta_bic == 0.0);
  CHECK(c.warnings.empty());
  for (const auto& s : c.scores) {
    INFO(s.name << ": AIC " << s.aic << " BIC " << s.bic << " held-out RMSE "
                << s.holdout->rmse_fitted);
    REQUIRE(s.fit.status != slfit::FitStatus::kFailed);
    const double n = 36.0;
    CHECK(s.n == 36);
    CHECK(s.k == s.fit.free_parameters() + 1);
    CHECK(s.aic == Approx(n * std::log(s.rss / n) + 2.0 * s.k));
    CHECK(s.bic == Approx(n * std::log(s.rss / n) + s.k * std::log(n)));
    CHECK(s.holdout.has_value());
    if (s.name != "chinchilla") CHECK(s.delta_bic > 10.0);
  }
  // Ranking by held-out error orders by it.
  co.rank_by = slfit::RankBy::kHoldout;
  const slfit::Comparison h = slfit::compare_laws(t, laws, co);
  for (std::size_t i = 1; i < h.scores.size(); ++i)
    CHECK(h.scores[i - 1].holdout->rmse_fitted <= h.scores[i].holdout->rmse_fitted);

  CHECK_THROWS_AS(slfit::compare_laws(t, {}), slfit::UsageError);
  CHECK_THROWS_AS(slfit::compare_laws(t, laws, {.rank_by = slfit::RankBy::kHoldout}),
                  slfit::UsageError);
}

TEST_CASE("compare: Huber fits and mixed spaces are flagged", "[uncertainty][compare]") {
  const Table t = simulated(32);
  FitOptions huber = log_squared();
  huber.objective = slfit::Objective::kHuber;
  FitOptions linear = log_squared();
  linear.space = slfit::Space::kLinear;
  const auto c = slfit::compare_laws(t, {slfit::candidate<Chinchilla>("log huber", huber),
                                         slfit::candidate<Chinchilla>("linear", linear)});
  REQUIRE(c.warnings.size() == 2);
  const std::string all = c.warnings[0] + "\n" + c.warnings[1];
  CHECK_THAT(all, Catch::Contains("not comparable"));
  CHECK_THAT(all, Catch::Contains("huber objective"));
}

TEST_CASE("prediction: intervals widen with extrapolation and contain the prediction",
          "[uncertainty][prediction]") {
  const Table t = simulated(41);
  FitOptions o = log_squared();
  slfit::BootstrapOptions b;
  b.resamples = 200;
  b.seed = 3;
  b.threads = 2;
  const auto boot = slfit::bootstrap<Chinchilla>(t, o, b);
  const Table at = slfit::grid_table({{"N", {1e9, 1e12}}, {"D", {1e11}}});
  const auto pb = slfit::predict_intervals<Chinchilla>(at, o, boot.best, &boot, {.seed = 1});
  const auto pd = slfit::predict_intervals<Chinchilla>(at, o, boot.best, nullptr,
                                                       {.method = slfit::PredictionMethod::kDelta});
  REQUIRE(pb.points.size() == 2);
  REQUIRE(pd.points.size() == 2);
  CHECK(pd.residual_sd == Approx(std::sqrt(boot.best.rss / (36 - 5))));
  CHECK_THAT(pb.method_description, Catch::Contains("bootstrap"));
  CHECK_THAT(pd.method_description, Catch::Contains("delta"));
  for (const auto* p : {&pb, &pd}) {
    for (const auto& q : p->points) {
      CHECK(q.interval.contains(q.prediction));
      CHECK(q.mean_interval.contains(q.prediction));
      // Observation noise makes the prediction interval wider than the mean's.
      CHECK(q.interval.width() > q.mean_interval.width());
      // About +- 2% for 1% log noise near the data.
      CHECK(q.interval.width() / q.prediction > 0.025);
    }
    // Extrapolating 100x beyond the largest model widens the interval of the mean.
    CHECK(p->points[1].mean_interval.width() / p->points[1].prediction >
          p->points[0].mean_interval.width() / p->points[0].prediction);
  }
  // The two methods agree to within sampling error for a least-squares fit.
  for (std::size_t i = 0; i < 2; ++i)
    CHECK(pb.points[i].interval.width() == Approx(pd.points[i].interval.width()).epsilon(0.35));

  CHECK_THROWS_AS(slfit::predict_intervals<Chinchilla>(at, o, boot.best), slfit::UsageError);
  CHECK_THROWS_AS(slfit::predict_intervals<Chinchilla>(at, o, boot.best, &boot, {.level = 0.0}),
                  slfit::UsageError);
  const Table no_d = slfit::grid_table({{"N", {1e9}}});
  CHECK_THROWS_AS(slfit::predict_intervals<Chinchilla>(no_d, o, boot.best, &boot),
                  slfit::DataError);
}
