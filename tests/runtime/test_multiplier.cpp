// The compute multiplier's interval from two fits' bootstrap draws, taken in pairs: from draws in
// memory, from `fit --draws` files, and what it refuses.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "slfit/runtime/output.hpp"
#include "slfit/runtime/requests.hpp"
#include "slfit/slfit.hpp"
#include "support/fuzz_inputs.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

namespace {

std::filesystem::path tmp_dir() {
  const std::filesystem::path dir = std::filesystem::path(SLFIT_TEST_TMP) / "multiplier";
  std::filesystem::create_directories(dir);
  return dir;
}

const slfit::ParameterValues kTruth = {
    {"E", 1.69}, {"A", 406.4}, {"B", 410.7}, {"alpha", 0.34}, {"beta", 0.28}};

// Draws of the truth with alpha spread over [0.30, 0.38], A scaled by `a_scale`, in the order of
// `names`.
slfit::ParameterDraws spread_draws(const std::vector<std::string>& names, double a_scale) {
  slfit::ParameterDraws d;
  d.names = names;
  for (int i = 0; i <= 40; ++i) {
    slfit::ParameterValues p = kTruth;
    p["alpha"] = 0.30 + 0.002 * i;
    p["A"] *= a_scale;
    std::vector<double> row;
    for (const auto& n : names) row.push_back(p.at(n));
    d.rows.push_back(std::move(row));
  }
  return d;
}

slfit::OptimalRequest multiplier_request() {
  slfit::OptimalRequest q;
  q.law = "chinchilla";
  q.quantity = "multiplier";
  q.at = {"C=1e21,1e24"};
  q.parameters = kTruth;
  q.parameters["A"] *= 2.0;
  q.vs_parameters = kTruth;
  return q;
}

}  // namespace

TEST_CASE("multiplier: draw i of one fit is paired with draw i of the other", "[runtime]") {
  slfit::OptimalRequest q = multiplier_request();
  // The first fit's draws in another order than the law's, and one failed resample more.
  q.draws = spread_draws({"alpha", "beta", "E", "A", "B"}, 2.0);
  q.draws->rows.push_back(std::vector<double>(5, std::nan("")));
  q.vs_draws = spread_draws({"E", "A", "B", "alpha", "beta"}, 1.0);
  q.vs_draws->rows.push_back(q.vs_draws->rows.front());
  const slfit::OptimalRun run = slfit::run_optimal(q);
  REQUIRE(run.intervals);
  CHECK(run.intervals->pairs == 42);
  CHECK(run.warnings.empty());
  // With A doubled, each pair needs 2^(1/alpha_i) times the compute at every C: the interval is
  // the percentiles of those 41 numbers.
  std::vector<double> exact;
  for (int i = 0; i <= 40; ++i) exact.push_back(std::pow(2.0, 1.0 / (0.30 + 0.002 * i)));
  const double lo = slfit::percentile(exact, 0.025), hi = slfit::percentile(exact, 0.975);
  for (std::size_t r = 0; r < run.rows.size(); ++r) {
    CHECK(run.intervals->failed[r] == 1);
    const auto& ci = run.intervals->ci95[r];
    REQUIRE(ci.size() == 3);
    CHECK(ci[2].first == "multiplier");
    CHECK(ci[2].second.lower == Approx(lo).epsilon(1e-10));
    CHECK(ci[2].second.upper == Approx(hi).epsilon(1e-10));
    CHECK(ci[1].second.lower == Approx(lo * run.rows[r].front().second).epsilon(1e-10));
  }
  // The point estimate is the values' own: 2^(1/0.34).
  CHECK(run.rows[0][3].second == Approx(std::pow(2.0, 1.0 / 0.34)).epsilon(1e-10));

  // The JSON and CSV carry them.
  const auto j = nlohmann::json::parse(slfit::to_json(run));
  CHECK(j["paired_draws"] == 42);
  CHECK(j["rows"][1]["failed_pairs"] == 1);
  CHECK(j["rows"][1]["ci95"]["multiplier"][0].get<double>() ==
        run.intervals->ci95[1][2].second.lower);
  CHECK(slfit::to_csv(run).rfind("C,loss,C_first,multiplier,loss_lower,loss_upper,", 0) == 0);
}

TEST_CASE("multiplier: draws of one fit only, of different counts, or incomplete", "[runtime]") {
  slfit::OptimalRequest q = multiplier_request();
  q.draws = spread_draws({"E", "A", "B", "alpha", "beta"}, 2.0);
  const slfit::OptimalRun one = slfit::run_optimal(q);
  CHECK_FALSE(one.intervals);
  REQUIRE(one.warnings.size() == 1);
  CHECK_THAT(one.warnings[0], Catch::Contains("only the first fit (option 'params')"));

  q.vs_draws = spread_draws({"E", "A", "B", "alpha", "beta"}, 1.0);
  q.vs_draws->rows.resize(30);
  const slfit::OptimalRun fewer = slfit::run_optimal(q);
  REQUIRE(fewer.intervals);
  CHECK(fewer.intervals->pairs == 30);
  CHECK_THAT(fewer.warnings.at(0), Catch::Contains("41 and 30 bootstrap draws"));

  q.vs_draws->names = {"E", "A", "B", "alpha", "gamma"};
  CHECK_THROWS_WITH(slfit::run_optimal(q),
                    "option 'vs': the bootstrap draws do not give parameter 'beta' of law "
                    "'chinchilla'");
  q.vs_draws = spread_draws({"E", "A", "B", "alpha", "beta"}, 1.0);
  q.vs_draws->rows[2].pop_back();
  CHECK_THROWS_WITH(slfit::run_optimal(q), Catch::Contains("bootstrap draw 2 has 4 values"));

  // Draws belong to the multiplier: an allocation with them is refused.
  q.quantity = "allocation";
  q.vs_parameters.clear();
  q.vs_draws.reset();
  CHECK_THROWS_AS(slfit::run_optimal(q), slfit::UsageError);
}

TEST_CASE("multiplier: fit --draws files give the same draws back", "[runtime]") {
  const auto truth = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
  const slfit::Table t = slfit::simulate<slfit::Chinchilla>(
      {{"N", {1e8, 3e8, 1e9, 3e9, 1e10}}, {"D", {1e9, 1e10, 1e11, 1e12}}}, truth,
      {.noise = 0.01, .kind = slfit::Noise::kMultiplicative, .seed = 3});
  const std::string csv = (tmp_dir() / "runs.csv").string();
  std::ofstream(csv) << slfit::to_csv(t);
  slfit::FitRequest fq;
  fq.law = "chinchilla";
  fq.data.path = csv;
  fq.bootstrap = 20;
  fq.draws = true;
  const slfit::FitRun fit = slfit::run_fit(fq);
  const std::string file = (tmp_dir() / "fit.json").string();
  std::ofstream(file) << slfit::to_json(fit);
  const auto draws = slfit::read_parameter_draws(file);
  REQUIRE(draws);
  CHECK(draws->names == std::vector<std::string>{"E", "A", "B", "alpha", "beta"});
  REQUIRE(draws->rows.size() == fit.bootstrap->samples.size());
  for (std::size_t i = 0; i < draws->rows.size(); ++i) {
    for (std::size_t k = 0; k < 5; ++k) {
      const double a = draws->rows[i][k], b = fit.bootstrap->samples[i][k];
      CHECK((a == b || (std::isnan(a) && std::isnan(b))));
    }
  }
  // A fit against itself: every pair gives exactly the point estimate's multiplier.
  slfit::OptimalRequest q;
  q.law = "chinchilla";
  q.quantity = "multiplier";
  q.at = {"C=1e22"};
  q.params = q.vs = file;
  const slfit::OptimalRun self = slfit::run_optimal(q);
  REQUIRE(self.intervals);
  CHECK(self.intervals->pairs == 20);
  CHECK(self.intervals->ci95[0][2].second.lower == Approx(1.0).epsilon(1e-12));
  CHECK(self.intervals->ci95[0][2].second.upper == Approx(1.0).epsilon(1e-12));

  // Without --draws the file has none; a draws object of the wrong shape is a DataError.
  fq.draws = false;
  const std::string plain = (tmp_dir() / "plain.json").string();
  std::ofstream(plain) << slfit::to_json(slfit::run_fit(fq));
  CHECK_FALSE(slfit::read_parameter_draws(plain));
  fq.bootstrap = 0;
  fq.draws = true;
  CHECK_THROWS_WITH(slfit::run_fit(fq),
                    "option 'draws' goes with option 'bootstrap' K (it keeps the resamples)");
  auto j = nlohmann::json::parse(std::ifstream(file));
  const std::string bad = (tmp_dir() / "bad.json").string();
  j["bootstrap"]["draws"]["values"][1][0] = "x";
  std::ofstream(bad) << j.dump();
  CHECK_THROWS_WITH(slfit::read_parameter_draws(bad),
                    Catch::Contains("bootstrap.draws.values[1]: expected numbers, or null"));
  j["bootstrap"]["draws"] = {{"parameters", {"E"}}};
  std::ofstream(bad) << j.dump();
  CHECK_THROWS_WITH(slfit::read_parameter_draws(bad),
                    Catch::Contains("expected an object with arrays 'parameters' and 'values'"));
}

TEST_CASE("multiplier: every parameter-file fuzz input reads or throws slfit::Error",
          "[runtime][fuzz]") {
  const auto files = slfit::testing::fuzz_inputs("parameter_file");
  REQUIRE(files.size() >= 4);
  int with_draws = 0, fits = 0;
  for (const auto& file : files) {
    INFO(file.string());
    try {
      const auto draws = slfit::read_parameter_draws(file.string());
      if (draws) {
        ++with_draws;
        for (const auto& row : draws->rows) CHECK(row.size() == draws->names.size());
      }
      const slfit::FitResult r = slfit::read_fit_json(file.string());
      fits += !r.names.empty();
      CHECK(r.parameters.size() == r.names.size());
    } catch (const slfit::Error& e) {
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
  CHECK(with_draws > 0);
  CHECK(fits > 0);
}
