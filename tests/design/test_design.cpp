// Choosing runs (design/design.hpp, runtime/design.hpp): the greedy against brute force on laws
// linear in their parameters, the budget, determinism, and what is refused.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "slfit/runtime/design.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/law_file.hpp"
#include "slfit/runtime/output.hpp"
#include "slfit/slfit.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

namespace {

using slfit::DesignStrategy;

// A polynomial in x of degree k - 1: its gradient is (1, x, ..., x^(k-1)) whatever the belief.
Eigen::MatrixXd powers(const std::vector<double>& x, int k) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(x.size()), k);
  for (std::size_t i = 0; i < x.size(); ++i)
    for (int j = 0; j < k; ++j) m(static_cast<Eigen::Index>(i), j) = std::pow(x[i], j);
  return m;
}

// A small random problem: `n` candidates in [0, 1], targets beyond (extrapolation), a weak prior.
slfit::DesignProblem random_problem(std::uint64_t seed, int n, int k, bool unit_cost) {
  slfit::detail::Rng rng(seed);
  std::vector<double> x(static_cast<std::size_t>(n));
  for (auto& v : x) v = rng.uniform();
  slfit::DesignProblem p;
  slfit::DesignSample s;
  s.pool = powers(x, k);
  s.targets = powers({1.5, 2.0}, k);
  s.prior = Eigen::MatrixXd::Identity(k, k) * 1e-3;
  p.samples.push_back(s);
  p.cost = Eigen::ArrayXd::Ones(n);
  if (!unit_cost)
    for (int i = 0; i < n; ++i) p.cost(i) = rng.uniform(0.5, 3.0);
  p.noise_variance = 0.04;
  return p;
}

// The targets' mean squared error after buying `chosen`, from the full inverse.
double brute_mse(const slfit::DesignProblem& p, const std::vector<Eigen::Index>& chosen) {
  double sum = 0.0;
  for (const auto& s : p.samples) {
    Eigen::MatrixXd m = s.prior;
    for (Eigen::Index j : chosen) m += s.pool.row(j).transpose() * s.pool.row(j);
    const Eigen::MatrixXd inv = m.inverse();
    sum +=
        (s.targets * inv * s.targets.transpose()).trace() / static_cast<double>(s.targets.rows());
  }
  return p.noise_variance * sum / static_cast<double>(p.samples.size());
}

// The greedy by brute force: at each step the affordable candidate with the largest fall of
// brute_mse (per unit cost when asked).
std::vector<Eigen::Index> brute_greedy(const slfit::DesignProblem& p, double budget,
                                       bool per_cost) {
  std::vector<Eigen::Index> chosen;
  double spent = 0.0;
  for (;;) {
    const double now = brute_mse(p, chosen);
    Eigen::Index best = -1;
    double best_gain = 0.0;
    for (Eigen::Index j = 0; j < p.cost.size(); ++j) {
      if (std::find(chosen.begin(), chosen.end(), j) != chosen.end()) continue;
      if (spent + p.cost(j) > budget) continue;
      std::vector<Eigen::Index> with = chosen;
      with.push_back(j);
      double gain = now - brute_mse(p, with);
      if (per_cost) gain /= p.cost(j);
      if (best < 0 || gain > best_gain) best = j, best_gain = gain;
    }
    if (best < 0) return chosen;
    chosen.push_back(best);
    spent += p.cost(best);
  }
}

std::vector<Eigen::Index> candidates(const slfit::DesignResult& r) {
  std::vector<Eigen::Index> out;
  for (const auto& s : r.steps) out.push_back(s.candidate);
  return out;
}

// The best subset of `size` candidates by exhaustive search.
double best_subset_mse(const slfit::DesignProblem& p, int size) {
  const auto n = static_cast<int>(p.cost.size());
  double best = INFINITY;
  std::vector<Eigen::Index> pick;
  std::function<void(int)> rec = [&](int from) {
    if (static_cast<int>(pick.size()) == size) {
      best = std::min(best, brute_mse(p, pick));
      return;
    }
    for (int j = from; j < n; ++j) {
      pick.push_back(j);
      rec(j + 1);
      pick.pop_back();
    }
  };
  rec(0);
  return best;
}

}  // namespace

TEST_CASE("design: the greedy V-optimal step is the brute-force best step", "[design]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const bool unit = seed % 2 == 0;
    const slfit::DesignProblem p = random_problem(seed, 9, 3, unit);
    slfit::DesignOptions o;
    o.budget = unit ? 4.0 : 5.0;
    const slfit::DesignResult r = slfit::choose_runs(p, o);
    const auto by_ratio = brute_greedy(p, o.budget, true);
    const auto by_gain = brute_greedy(p, o.budget, false);
    // Of the two greedy designs the one with the lower error is kept.
    const auto& expect = brute_mse(p, by_gain) < brute_mse(p, by_ratio) ? by_gain : by_ratio;
    INFO("seed " << seed << ", rule " << r.rule);
    CHECK(candidates(r) == expect);
    // The reported errors are the brute-force ones.
    std::vector<Eigen::Index> so_far;
    for (const auto& step : r.steps) {
      so_far.push_back(step.candidate);
      CHECK(step.target_rmse == Approx(std::sqrt(brute_mse(p, so_far))).epsilon(1e-9));
    }
    CHECK(r.initial_rmse == Approx(std::sqrt(brute_mse(p, {}))).epsilon(1e-9));
  }
}

TEST_CASE("design: on a straight line the greedy finds the best subset of small pools",
          "[design]") {
  // With unit costs and room for `size` runs, the greedy's design is the best of all subsets.
  int matched = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (int size : {1, 2, 3}) {
      const slfit::DesignProblem p = random_problem(100 + seed, 8, 2, true);
      slfit::DesignOptions o;
      o.budget = size;
      const slfit::DesignResult r = slfit::choose_runs(p, o);
      REQUIRE(static_cast<int>(r.steps.size()) == size);
      const double best = best_subset_mse(p, size);
      INFO("seed " << seed << ", " << size << " runs");
      CHECK(r.final_mse >= best * (1 - 1e-12));
      CHECK(r.final_mse == Approx(best).epsilon(1e-9));
      matched += std::abs(r.final_mse - best) <= 1e-9 * best;
    }
  }
  CHECK(matched == 60);
}

TEST_CASE("design: the budget is never exceeded and is spent while any run fits", "[design]") {
  for (auto st : {DesignStrategy::kVOptimal, DesignStrategy::kDOptimal, DesignStrategy::kRandom,
                  DesignStrategy::kCheapest}) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      const slfit::DesignProblem p = random_problem(seed, 12, 3, false);
      slfit::DesignOptions o;
      o.strategy = st;
      o.seed = seed;
      o.budget = 1.0 + static_cast<double>(seed);
      const slfit::DesignResult r = slfit::choose_runs(p, o);
      INFO(slfit::to_string(st) << ", seed " << seed);
      REQUIRE(!r.steps.empty());
      CHECK(r.spent() <= o.budget);
      double sum = 0.0;
      std::vector<bool> taken(12, false);
      for (const auto& s : r.steps) {
        CHECK_FALSE(taken[static_cast<std::size_t>(s.candidate)]);
        taken[static_cast<std::size_t>(s.candidate)] = true;
        sum += p.cost(s.candidate);
        CHECK(s.cumulative_cost == Approx(sum));
      }
      for (Eigen::Index j = 0; j < 12; ++j)
        if (!taken[static_cast<std::size_t>(j)]) CHECK(r.spent() + p.cost(j) > o.budget);
    }
  }
}

TEST_CASE("design: cheapest buys in order of cost; random depends on its seed only", "[design]") {
  const slfit::DesignProblem p = random_problem(7, 12, 3, false);
  slfit::DesignOptions o;
  o.budget = 6.0;
  o.strategy = DesignStrategy::kCheapest;
  const slfit::DesignResult c = slfit::choose_runs(p, o);
  for (std::size_t i = 1; i < c.steps.size(); ++i) CHECK(c.steps[i - 1].cost <= c.steps[i].cost);
  o.strategy = DesignStrategy::kRandom;
  o.seed = 3;
  const auto a = candidates(slfit::choose_runs(p, o));
  o.threads = 1;
  CHECK(candidates(slfit::choose_runs(p, o)) == a);
  o.seed = 4;
  CHECK(candidates(slfit::choose_runs(p, o)) != a);
}

TEST_CASE("design: errors of the problem", "[design]") {
  slfit::DesignProblem p = random_problem(1, 5, 2, false);
  slfit::DesignOptions o;
  o.budget = 0.1;
  CHECK_THROWS_WITH(slfit::choose_runs(p, o),
                    Catch::Contains("below the cheapest candidate run's cost"));
  o.budget = 10;
  p.cost(2) = 0.0;
  CHECK_THROWS_WITH(slfit::choose_runs(p, o),
                    Catch::Contains("the cost of candidate 3 is not a positive number"));
  p.cost(2) = 1.0;
  p.samples[0].pool.resize(0, 2);
  p.cost.resize(0);
  CHECK_THROWS_WITH(slfit::choose_runs(p, o), Catch::Contains("pool of candidate runs is empty"));
  CHECK_THROWS_WITH(slfit::parse_design_strategy("a-optimal"),
                    Catch::Contains("strategies are: v-optimal, d-optimal, random, cheapest"));
}

// --- through the run-time layer -------------------------------------------------------------

namespace {

std::shared_ptr<const slfit::LawEntry> line_law() {
  const slfit::FormulaSpec spec = slfit::parse_law_json(R"({
    "name": "line", "inputs": [{"name": "x", "positive": false}], "formula": "a + b * x",
    "parameters": {"a": {"value": 1}, "b": {"value": 2}},
    "presets": {"truth": {"values": {"a": 1, "b": 2}, "source": "test"}}})",
                                                        "test");
  return std::make_shared<slfit::LawEntry>(slfit::formula_law_entry(spec));
}

std::shared_ptr<slfit::Table> column_table(const std::string& name, std::vector<double> v) {
  auto t = std::make_shared<slfit::Table>("pool.csv");
  t->add_column(name, Eigen::Map<Eigen::ArrayXd>(v.data(), static_cast<Eigen::Index>(v.size())));
  return t;
}

slfit::DesignRequest line_request() {
  slfit::DesignRequest q;
  q.entry = line_law();
  q.preset = "truth";
  q.noise = 0.1;
  q.space = slfit::Space::kLinear;
  q.candidates.table = column_table("x", {0.0, 0.1, 0.25, 0.4, 0.5, 0.7, 0.9, 1.0, 3.0, 4.0});
  q.target_where = "x >= 3";
  q.cost = "1 + x";
  q.budget = 4.0;
  return q;
}

std::filesystem::path tmp_file(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::path(SLFIT_TEST_TMP) / "design";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << text;
  return dir / name;
}

}  // namespace

TEST_CASE("design run: a law linear in its parameters gives the brute-force design",
          "[design][runtime]") {
  const slfit::DesignRequest q = line_request();
  const slfit::DesignRun run = slfit::run_design(q);
  REQUIRE(run.pool.rows() == 8);
  REQUIRE(run.targets.rows() == 2);
  CHECK(run.uncertainty == "none: the point estimate alone");
  // The same problem written by hand: gradient (1, x), the vague prior (sd 10), cost 1 + x.
  const std::vector<double> x{0.0, 0.1, 0.25, 0.4, 0.5, 0.7, 0.9, 1.0};
  slfit::DesignProblem p;
  p.samples.push_back(
      {powers(x, 2), powers({3.0, 4.0}, 2), Eigen::MatrixXd::Identity(2, 2) * (0.01 / 100.0)});
  p.cost = Eigen::Map<const Eigen::ArrayXd>(x.data(), 8) + 1.0;
  p.noise_variance = 0.01;
  const auto by_ratio = brute_greedy(p, 4.0, true);
  const auto by_gain = brute_greedy(p, 4.0, false);
  const auto& expect = brute_mse(p, by_gain) < brute_mse(p, by_ratio) ? by_gain : by_ratio;
  CHECK(candidates(run.result) == expect);
  CHECK(run.result.steps.back().target_rmse ==
        Approx(std::sqrt(brute_mse(p, expect))).epsilon(1e-6));
  // Rows are those of the candidates table; the targets were taken out.
  CHECK(run.rows.front() == 1);
  CHECK(run.target_rows == std::vector<Eigen::Index>{9, 10});
  const auto j = nlohmann::json::parse(slfit::to_json(run));
  CHECK(j["steps"].size() == run.result.steps.size());
  CHECK(j["steps"][0]["row"] == run.rows[static_cast<std::size_t>(expect[0])]);
  CHECK(j["candidates"] == 8);
}

TEST_CASE("design run: a pilot fit, its covariance samples, and determinism", "[design][runtime]") {
  const slfit::LawEntry& chin = slfit::find_law("chinchilla");
  slfit::SimulateRequest sim;
  sim.law = "chinchilla";
  sim.preset = "hoffmann2022";
  sim.at = {"N=1e7,3e7,1e8", "D=1e9,3e9,1e10"};
  sim.noise = 0.01;
  sim.noise_kind = "multiplicative";
  sim.seed = 3;
  slfit::DesignRequest q;
  q.law = "chinchilla";
  q.pilot.data.table = std::make_shared<slfit::Table>(slfit::run_simulate(sim));
  q.candidates.table = std::make_shared<slfit::Table>(
      slfit::law_grid({"N=1e7,1e8,1e9,1e10", "D=1e9,1e10,1e11,1e12"}, chin));
  q.target_where = "N >= 1e10 && D >= 1e12";
  q.budget = 1e20;
  q.seed = 5;
  q.threads = 1;
  const slfit::DesignRun one = slfit::run_design(q);
  CHECK(one.samples == 16);
  CHECK(one.uncertainty.find("covariance") != std::string::npos);
  CHECK(one.noise_source.find("pilot's residuals") != std::string::npos);
  CHECK(one.pilot.rows() == 9);
  CHECK(one.result.spent() <= 1e20);
  CHECK(one.result.steps.back().target_rmse < one.result.initial_rmse);
  q.threads = 0;
  const slfit::DesignRun all = slfit::run_design(q);
  CHECK(candidates(all.result) == candidates(one.result));
  CHECK(all.result.final_mse == one.result.final_mse);
  // From a parameter file with the pilot's fit: the same belief.
  slfit::FitRequest f;
  f.law = "chinchilla";
  f.data.table = q.pilot.data.table;
  const auto file = tmp_file("pilot-fit.json", slfit::to_json(slfit::run_fit(f)));
  slfit::DesignRequest from_file = q;
  from_file.pilot = {};
  from_file.params = file.string();
  const slfit::DesignRun r = slfit::run_design(from_file);
  CHECK(r.noise == Approx(one.noise).epsilon(1e-9));
  CHECK(r.parameters == one.parameters);
}

TEST_CASE("design run: errors name what and where", "[design][runtime]") {
  slfit::DesignRequest q = line_request();
  SECTION("empty pool") {
    q.candidates = {};
    q.candidates.path = tmp_file("empty.csv", "x\n").string();
    CHECK_THROWS_AS(slfit::run_design(q), slfit::DataError);
    CHECK_THROWS_WITH(slfit::run_design(q),
                      Catch::Contains("the pool of candidate runs (option 'candidates'): ") &&
                          Catch::Contains("empty.csv' has a header but no data rows"));
  }
  SECTION("every row a target") {
    q.target_where = "x >= 0";
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("selects every row"));
  }
  SECTION("budget below the cheapest run") {
    q.budget = 0.5;
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("below the cheapest candidate"));
  }
  SECTION("a cost that is not positive") {
    q.cost = "x - 0.2";
    CHECK_THROWS_WITH(slfit::run_design(q),
                      Catch::Contains("option 'cost' \"x - 0.2\" is not a positive number at row "
                                      "1 of table 'pool.csv' (-0.2)"));
  }
  SECTION("targets outside the law's domain") {
    slfit::DesignRequest c;
    c.law = "chinchilla";
    c.preset = "hoffmann2022";
    c.noise = 0.01;
    c.candidates.table = std::make_shared<slfit::Table>(
        slfit::law_grid({"N=1e8,1e9", "D=1e10"}, slfit::find_law("chinchilla")));
    c.targets = slfit::TableRequest{};
    c.targets->path = tmp_file("targets.csv", "N,D\n1e10,1e12\n-1e10,1e12\n").string();
    c.budget = 1e21;
    CHECK_THROWS_WITH(slfit::run_design(c),
                      Catch::Contains("the target at row 2 (N=-1e+10, D=1e+12) is outside the "
                                      "law's domain: input 'N' must be positive"));
  }
  SECTION("no noise without a pilot") {
    q.noise = 0.0;
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("give option 'noise'"));
  }
  SECTION("no targets, or two kinds") {
    q.target_where.clear();
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("give the runs whose predictions"));
    q.target_where = "x > 3";
    q.targets = slfit::TableRequest{};
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("not both"));
  }
  SECTION("two beliefs") {
    q.params = "fit.json";
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("give exactly one of"));
  }
  SECTION("no default cost for a law without N and D") {
    q.cost.clear();
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("give option 'cost'"));
  }
  SECTION("samples out of range") {
    q.samples = 0;
    CHECK_THROWS_WITH(slfit::run_design(q), Catch::Contains("option 'samples'"));
  }
}
