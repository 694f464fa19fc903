// Fits to the real Chinchilla Figure 4 points digitized by Epoch AI (Besiroglu et al. 2024),
// reproducing the published results listed in LAWS.md section 1 and the data's SOURCE.md.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "support/epoch_data.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using slfit::Chinchilla;
using slfit::Expression;
using slfit::FitOptions;
using slfit::FitResult;
using slfit::Table;

namespace {

using slfit::testing::epoch_240;
const char* const kPath = slfit::testing::kEpochPath;

void check_relative(const FitResult& r, const std::string& name, double expected, double rel) {
  INFO(name << " = " << r.value(name) << ", expected " << expected << " within " << rel * 100
            << "%");
  CHECK(std::abs(r.value(name) - expected) <= rel * std::abs(expected));
}

}  // namespace

TEST_CASE("real data: Epoch's Chinchilla points, Hoffmann et al.'s procedure", "[fit][real-data]") {
  if (!std::filesystem::exists(kPath)) {
    WARN("skipped: " << kPath << " is absent");
    return;
  }
  const Table t = epoch_240();
  REQUIRE(t.rows() == 240);
  // The dropped rows are the highest losses: every kept loss is below every dropped one.
  const Table all = slfit::read_csv(kPath);
  REQUIRE(all.rows() == 245);
  const auto all_loss = all.column("loss");
  std::vector<double> sorted(all_loss.data(), all_loss.data() + all_loss.size());
  std::sort(sorted.begin(), sorted.end());
  CHECK(t.column("loss").maxCoeff() == sorted[239]);

  FitOptions opt;
  opt.objective = slfit::Objective::kHuber;
  opt.delta = 1e-3;
  opt.space = slfit::Space::kLog;
  opt.starts = slfit::StartSpec::grid("hoffmann");
  opt.threads = 2;
  const FitResult r = slfit::fit<Chinchilla>(t, opt);
  INFO("objective " << r.objective_value << ", " << r.seconds << " s, status "
                    << slfit::to_string(r.status) << ": " << r.message);
  REQUIRE(r.status != slfit::FitStatus::kFailed);
  CHECK(r.converged());
  CHECK(r.starts_tried == 4500);
  CHECK(r.points == 240);
  // SciPy's L-BFGS-B reached 0.0010182740; a better optimizer may go lower, never higher.
  CHECK(r.objective_value <= 0.0010182740 + 1e-10);
  check_relative(r, "A", 477.83, 0.005);
  check_relative(r, "B", 2143.4, 0.005);
  check_relative(r, "E", 1.81722, 0.005);
  check_relative(r, "alpha", 0.347311, 0.005);
  check_relative(r, "beta", 0.367173, 0.005);
}

TEST_CASE("real data: Epoch's Chinchilla points, least squares on scaled inputs",
          "[fit][real-data]") {
  if (!std::filesystem::exists(kPath)) {
    WARN("skipped: " << kPath << " is absent");
    return;
  }
  Table t = slfit::filter_rows(epoch_240(), Expression::parse("\"Training FLOP\" < 1e21"));
  REQUIRE(t.rows() == 217);
  slfit::derive(t, "N", Expression::parse("\"Model Size\" / 1e6"));
  slfit::derive(t, "D", Expression::parse("\"Training FLOP\" / (6 * \"Model Size\") / 1e9"));

  FitOptions opt;  // squared objective on L itself, the law's default start grid
  opt.objective = slfit::Objective::kSquared;
  opt.space = slfit::Space::kLinear;
  opt.threads = 2;
  const FitResult r = slfit::fit<Chinchilla>(t, opt);
  INFO("RSS " << r.rss << ", objective " << r.objective_value << ", E " << r.value("E") << ", A "
              << r.value("A") << ", B " << r.value("B") << ", alpha " << r.value("alpha")
              << ", beta " << r.value("beta") << ", best start " << r.best_start << ", "
              << r.seconds << " s");
  REQUIRE(r.status != slfit::FitStatus::kFailed);
  CHECK(r.converged());
  CHECK(r.points == 217);
  CHECK(r.objective_value == r.rss);
  CHECK(std::abs(r.rss - 0.062414) <= 1e-5);
  check_relative(r, "E", 1.9051, 1e-3);
  check_relative(r, "A", 4.0005, 1e-3);
  check_relative(r, "B", 1.0509, 1e-3);
  check_relative(r, "alpha", 0.3511, 1e-3);
  check_relative(r, "beta", 0.4587, 1e-3);
  CHECK(r.covariance_ok);
}
