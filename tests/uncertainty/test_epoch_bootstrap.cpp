// Bootstrap of Hoffmann et al.'s procedure (Huber 1e-3 on log L) on the Chinchilla Figure 4
// points digitized by Epoch AI, against the bootstrap SEs Besiroglu et al. (2024) published.
//
// Theirs came from a different objective (a Huber likelihood with a fitted scale, in effect least
// absolute deviations on log L; see the data's SOURCE.md) and 4000 resamples; ours are 200
// resamples of the plain Huber sum, so only the order of magnitude is compared (a factor of 3).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "slfit/analysis/chinchilla.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "slfit/uncertainty/bootstrap.hpp"
#include "support/epoch_data.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using slfit::Chinchilla;
using slfit::Expression;
using slfit::Table;

namespace {

using slfit::testing::epoch_240;
const char* const kPath = slfit::testing::kEpochPath;

}  // namespace

TEST_CASE("bootstrap: Epoch's Chinchilla points, SEs of the order Epoch published",
          "[uncertainty][bootstrap][real-data]") {
  if (!std::filesystem::exists(kPath)) {
    WARN("skipped: " << kPath << " is absent");
    return;
  }
  const Table t = epoch_240();
  REQUIRE(t.rows() == 240);
  slfit::FitOptions o;
  o.objective = slfit::Objective::kHuber;
  o.delta = 1e-3;
  o.space = slfit::Space::kLog;
  o.threads = 2;
  // Starts at Hoffmann et al.'s and Epoch's estimates rather than the 4500-point grid, to keep the
  // test short; tests/fit/test_real_data.cpp shows the grid reaches the same optimum.
  o.starts = slfit::StartSpec::explicit_points(
      {{{"E", 1.69}, {"A", 406.4}, {"B", 410.7}, {"alpha", 0.34}, {"beta", 0.28}},
       {{"E", 1.81686}, {"A", 482.0}, {"B", 2085.4}, {"alpha", 0.34781}, {"beta", 0.36585}}});
  const slfit::FitResult best = slfit::fit<Chinchilla>(t, o);
  REQUIRE(best.converged());
  // L-BFGS-B from the full grid reached 0.0010182740 (SOURCE.md).
  CHECK(best.objective_value <= 0.0010182740 + 1e-9);

  slfit::BootstrapOptions b;
  b.resamples = 200;
  b.seed = 42;
  b.threads = 2;
  b.derived = {{"a", [](const std::vector<double>& p) { return slfit::chinchilla_exponents(p).a; }},
               {"tokens_per_param@5.76e23", [](const std::vector<double>& p) {
                  return slfit::chinchilla_allocation(p, 5.76e23).tokens_per_parameter();
                }}};
  const slfit::BootstrapResult r = slfit::bootstrap<Chinchilla>(t, o, b, &best);
  CHECK(r.failed == 0);

  const std::vector<std::pair<std::string, double>> epoch = {
      {"A", 124.52}, {"B", 1293.28}, {"E", 0.02566}, {"alpha", 0.01540}, {"beta", 0.02060}};
  for (const auto& [name, se] : epoch) {
    const auto& e = r.parameter(name);
    INFO(name << ": estimate " << e.estimate << ", bootstrap SE " << e.standard_error << " (Epoch "
              << se << "), 95% [" << e.percentile.lower << ", " << e.percentile.upper
              << "], covariance SE " << e.covariance_se);
    CHECK(e.valid == 200);
    CHECK(e.standard_error > se / 3.0);
    CHECK(e.standard_error < se * 3.0);
    CHECK(e.percentile.contains(e.estimate));
  }
  const auto& tpp = r.quantity("tokens_per_param@5.76e23");
  INFO("tokens per parameter at 5.76e23: " << tpp.estimate << " [" << tpp.percentile.lower << ", "
                                           << tpp.percentile.upper << "]");
  // The closed form at Epoch's headline parameters gives 18.3; SOURCE.md quotes Epoch's ~25.7 and
  // 72.9 for Hoffmann et al.'s printed law. The interval holds the first two, not the third.
  CHECK(tpp.percentile.lower < 18.3);
  CHECK(tpp.percentile.upper > 25.7);
  CHECK(tpp.percentile.upper < 72.9);
  // Huber on 240 points: the covariance is only a rough guide; its SEs are reported regardless.
  for (const auto& e : r.parameters) CHECK(std::isfinite(e.covariance_se));
}
