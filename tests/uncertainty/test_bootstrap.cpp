// Tests of slfit::bootstrap: what it reports, that the seed alone decides the result, that a group
// bootstrap sees correlation within groups that a row bootstrap misses, and bad input.
#include <Eigen/Core>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "slfit/analysis/chinchilla.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "slfit/uncertainty/bootstrap.hpp"
#include "support/grids.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using slfit::BootstrapOptions;
using slfit::BootstrapResult;
using slfit::Chinchilla;
using slfit::FitOptions;
using slfit::Table;

using slfit::test::logspace;
using slfit::test::truth;

namespace {

// Least squares on log L, started at the truth: the tests are about resampling, not search.
FitOptions fast_options() {
  FitOptions o;
  o.space = slfit::Space::kLog;
  o.threads = 1;
  const auto p = truth();
  o.starts = slfit::StartSpec::explicit_points(
      {{{"E", p[0]}, {"A", p[1]}, {"B", p[2]}, {"alpha", p[3]}, {"beta", p[4]}}});
  return o;
}

Table simulated(std::uint64_t seed, int n = 6) {
  return slfit::simulate<Chinchilla>(
      {{"N", logspace(1e7, 1e10, n)}, {"D", logspace(1e8, 1e12, n)}}, truth(),
      {.noise = 0.01, .kind = slfit::Noise::kMultiplicative, .seed = seed});
}

slfit::DerivedQuantity exponent_a() {
  return {"a", [](const std::vector<double>& p) { return slfit::chinchilla_exponents(p).a; }};
}

}  // namespace

TEST_CASE("bootstrap: parameters and derived quantities, next to the covariance",
          "[uncertainty][bootstrap]") {
  const Table t = simulated(3);
  const FitOptions o = fast_options();
  BootstrapOptions b;
  b.resamples = 200;
  b.seed = 11;
  b.threads = 2;
  b.derived = {exponent_a(), {"tokens_per_param@1e24", [](const std::vector<double>& p) {
                                return slfit::chinchilla_allocation(p, 1e24).tokens_per_parameter();
                              }}};
  const BootstrapResult r = slfit::bootstrap<Chinchilla>(t, o, b);
  REQUIRE(r.best.converged());
  CHECK(r.resamples == 200);
  CHECK(r.failed == 0);
  CHECK(r.groups == 36);
  CHECK(r.group.empty());
  REQUIRE(r.parameters.size() == 5);
  REQUIRE(r.derived.size() == 2);
  REQUIRE(r.samples.size() == 200);
  for (const auto& e : r.parameters) {
    INFO(e.name << ": est " << e.estimate << " boot SE " << e.standard_error << " cov SE "
                << e.covariance_se << " [" << e.percentile.lower << ", " << e.percentile.upper
                << "]");
    CHECK(e.valid == 200);
    CHECK(e.standard_error > 0.0);
    CHECK(e.percentile.lower < e.percentile.upper);
    CHECK(e.percentile.contains(e.estimate));
    CHECK(e.covariance.contains(e.estimate));
    // Least squares on Gaussian log noise: the covariance is the right description, and the
    // bootstrap agrees with it to sampling error (200 resamples, 36 rows).
    CHECK(e.standard_error / e.covariance_se > 0.6);
    CHECK(e.standard_error / e.covariance_se < 1.6);
  }
  const auto& a = r.quantity("a");
  CHECK(a.estimate == Approx(slfit::chinchilla_exponents(r.best.parameters).a));
  CHECK(a.standard_error / a.covariance_se > 0.6);
  CHECK(a.standard_error / a.covariance_se < 1.6);
  CHECK(r.quantity("tokens_per_param@1e24").valid == 200);
  CHECK(r.warnings.empty());
  CHECK_THROWS_AS(r.parameter("gamma"), slfit::UsageError);
}

TEST_CASE("bootstrap: the seed alone decides the result, whatever the threads",
          "[uncertainty][bootstrap]") {
  const Table t = simulated(5, 5);
  const FitOptions o = fast_options();
  BootstrapOptions b;
  b.resamples = 40;
  b.seed = 1234;
  b.derived = {exponent_a()};
  b.threads = 1;
  const BootstrapResult one = slfit::bootstrap<Chinchilla>(t, o, b);
  b.threads = 2;
  const BootstrapResult two = slfit::bootstrap<Chinchilla>(t, o, b);
  CHECK(one.samples == two.samples);
  CHECK(one.derived_samples == two.derived_samples);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(one.parameters[i].standard_error == two.parameters[i].standard_error);
    CHECK(one.parameters[i].percentile.lower == two.parameters[i].percentile.lower);
  }
  b.seed = 1235;
  const BootstrapResult other = slfit::bootstrap<Chinchilla>(t, o, b);
  CHECK(other.samples != one.samples);

  // From the start list instead of the best fit: the same optimum is found here, so the spread
  // agrees closely.
  b.seed = 1234;
  b.from_starts = true;
  FitOptions grid = o;
  grid.starts = slfit::StartSpec::random(6);
  const BootstrapResult starts = slfit::bootstrap<Chinchilla>(t, grid, b, &one.best);
  for (std::size_t i = 0; i < 5; ++i)
    CHECK(starts.parameters[i].standard_error ==
          Approx(one.parameters[i].standard_error).epsilon(0.05));
}

TEST_CASE("bootstrap: a resample weighted by its counts refits like its repeated rows",
          "[uncertainty][bootstrap]") {
  // A resample is fitted on its distinct rows, each weighted by how often it was drawn
  // (FitProblem::with_counts); that must be the fit of the table with the drawn rows repeated.
  // Rows carry weights of their own too, which the counts multiply.
  Table t = simulated(8, 5);
  Eigen::ArrayXd w(t.rows());
  for (Eigen::Index r = 0; r < w.size(); ++r) w(r) = 0.5 + 0.1 * static_cast<double>(r % 4);
  t.add_column("w", w);
  FitOptions o = fast_options();
  o.weights = "w";
  o.objective = slfit::Objective::kHuber;
  o.delta = 0.005;
  o.function_tolerance = 1e-15;
  o.parameter_tolerance = 1e-15;
  BootstrapOptions b;
  b.resamples = 6;
  b.seed = 77;
  const BootstrapResult r = slfit::bootstrap<Chinchilla>(t, o, b);
  REQUIRE(r.failed == 0);

  FitOptions repeated = o;
  repeated.polish = 0;
  repeated.solver = slfit::Solver::kDense;
  repeated.starts = slfit::StartSpec::explicit_points({{{"E", r.best.parameters[0]},
                                                        {"A", r.best.parameters[1]},
                                                        {"B", r.best.parameters[2]},
                                                        {"alpha", r.best.parameters[3]},
                                                        {"beta", r.best.parameters[4]}}});
  for (std::size_t s = 0; s < 6; ++s) {
    slfit::detail::Rng rng = slfit::detail::resample_rng(77, s);
    std::vector<Eigen::Index> picks;
    for (Eigen::Index g = 0; g < t.rows(); ++g)
      picks.push_back(static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(t.rows()))));
    const slfit::FitResult f = slfit::fit<Chinchilla>(t.select(picks), repeated);
    REQUIRE(f.converged());
    for (std::size_t i = 0; i < 5; ++i) {
      INFO("resample " << s << ", parameter " << f.names[i]);
      CHECK(r.samples[s][i] == Approx(f.parameters[i]).epsilon(1e-7));
    }
  }
}

TEST_CASE("bootstrap: the progress callback counts every resample once, in order",
          "[uncertainty][bootstrap]") {
  const Table t = simulated(6, 4);
  BootstrapOptions b;
  b.resamples = 25;
  b.threads = 2;
  std::vector<int> seen;
  int total = 0;
  b.progress = [&](int done, int n) {
    seen.push_back(done);
    total = n;
  };
  (void)slfit::bootstrap<Chinchilla>(t, fast_options(), b);
  REQUIRE(seen.size() == 25);
  for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == static_cast<int>(i) + 1);
  CHECK(total == 25);
}

TEST_CASE("bootstrap: a stop request ends it between resamples with Interrupted",
          "[uncertainty][bootstrap]") {
  const Table t = simulated(6, 4);
  for (const int threads : {1, 2}) {
    BootstrapOptions b;
    b.resamples = 1000;
    b.threads = threads;
    std::atomic<int> done{0};
    b.progress = [&](int d, int) { done = d; };
    b.stop = [&] { return done.load() >= 10; };  // as after Ctrl-C
    CHECK_THROWS_MATCHES(
        slfit::bootstrap<Chinchilla>(t, fast_options(), b), slfit::Interrupted,
        Catch::Matchers::Predicate<slfit::Interrupted>([](const slfit::Interrupted& e) {
          return std::string(e.what()).find("the bootstrap was stopped after ") == 0 &&
                 std::string(e.what()).find(" of 1000 resamples") != std::string::npos;
        }));
    // Resamples under way finish; no new one starts (one per thread at most after the 10th).
    CHECK(done.load() >= 10);
    CHECK(done.load() <= 10 + threads);
  }
  BootstrapOptions never;
  never.resamples = 20;
  never.stop = [] { return false; };
  CHECK(slfit::bootstrap<Chinchilla>(t, fast_options(), never).samples.size() == 20);
}

TEST_CASE("bootstrap: whole groups see the correlation within runs that rows miss",
          "[uncertainty][bootstrap][group]") {
  // 12 runs (one N each), 6 checkpoints (D) per run. Each run's losses share a random offset of
  // 3% in log L, the checkpoints add only 0.2%: the runs, not the rows, are the independent units.
  const auto ns = logspace(1e7, 1e10, 12);
  const auto ds = logspace(1e9, 1e12, 6);
  Table t = slfit::grid_table({{"N", ns}, {"D", ds}});
  const Eigen::ArrayXd mean = slfit::evaluate<Chinchilla>(t, truth());
  Eigen::ArrayXd loss(t.rows()), run(t.rows());
  slfit::detail::Rng rng(99);
  std::vector<double> offset(ns.size());
  for (auto& o : offset) o = 0.03 * rng.normal();
  for (Eigen::Index r = 0; r < t.rows(); ++r) {
    const auto g = static_cast<std::size_t>(r / 6);
    run(r) = static_cast<double>(g);
    loss(r) = mean(r) * std::exp(offset[g] + 0.002 * rng.normal());
  }
  t.add_column("run", run);
  t.add_column("loss", loss);

  FitOptions o = fast_options();
  BootstrapOptions b;
  b.resamples = 150;
  b.seed = 7;
  b.threads = 2;
  const BootstrapResult rows = slfit::bootstrap<Chinchilla>(t, o, b);
  b.group = "run";
  const BootstrapResult groups = slfit::bootstrap<Chinchilla>(t, o, b, &rows.best);
  CHECK(groups.groups == 12);
  CHECK(groups.group == "run");
  for (const char* name : {"A", "alpha"}) {
    const double se_rows = rows.parameter(name).standard_error;
    const double se_groups = groups.parameter(name).standard_error;
    INFO(name << ": row SE " << se_rows << ", group SE " << se_groups);
    CHECK(se_groups > 3.0 * se_rows);
  }
  // A text column groups just as well as a numeric one.
  Table labelled = t;
  std::vector<std::string> names;
  for (Eigen::Index r = 0; r < t.rows(); ++r) names.push_back("run-" + std::to_string(r / 6));
  labelled.add_text_column("name", names);
  b.group = "name";
  const BootstrapResult by_text = slfit::bootstrap<Chinchilla>(labelled, o, b, &rows.best);
  CHECK(by_text.samples == groups.samples);
}

TEST_CASE("bootstrap: bad input", "[uncertainty][bootstrap][errors]") {
  const Table t = simulated(8, 4);
  const FitOptions o = fast_options();
  BootstrapOptions b;
  b.resamples = 0;
  CHECK_THROWS_AS(slfit::bootstrap<Chinchilla>(t, o, b), slfit::UsageError);
  CHECK_THROWS_WITH(slfit::bootstrap<Chinchilla>(t, o, b), Catch::Contains("at least 1 resample"));
  b.resamples = 5;
  b.group = "run";
  CHECK_THROWS_AS(slfit::bootstrap<Chinchilla>(t, o, b), slfit::DataError);
  CHECK_THROWS_WITH(slfit::bootstrap<Chinchilla>(t, o, b),
                    Catch::Contains("no column 'run' to resample groups by"));
  b.group.reset();
  b.level = 1.0;
  CHECK_THROWS_AS(slfit::bootstrap<Chinchilla>(t, o, b), slfit::UsageError);
}
