// Does `slfit design` pick better runs than the baselines? Side by side, in one run: for simulated
// pools, 20 seeds each and budgets of 1%, 5% and 10% of the pool's cost, every strategy chooses
// runs, the law is fitted to the pilot plus the runs chosen, and the fit's predictions at the
// targets are scored against the truth (RMSE of log loss, and R^2 over the targets). Beside the
// realised RMSE, which depends on the noise the chosen runs happened to draw, it gives each set of
// runs' expected RMSE at the truth (the linearised error of a fit to them at the true parameters
// and noise) and in how many seeds v-optimal's realised RMSE is below each other strategy's (the
// strategies of one seed see the same pilot and pool). Prints one Markdown table (the one in
// docs/design.md) and how often v-optimal's medians are below both baselines'.
//
//   build-bench/bench/slfit_design_study [SEEDS [SET-UP [REFITS]]]
//
// SET-UP keeps the set-ups whose name contains it ("quantization", "overhead"; "" for all). With
// REFITS, instead of the table: for seed 1, each design's expected RMSE beside the root mean
// square and median of its realised RMSE over REFITS fresh noise draws on the same runs (does the
// linearised error mean what it says?).
//
// Set-ups:
//   chinchilla     truth: Chinchilla (hoffmann2022); pool: IsoFLOP profiles at 1e17..1e21 FLOPs
//                  (4 per decade), 15 model sizes each over +-1.5 decades around 20 tokens per
//                  parameter; targets: 7 sizes over +-0.5 decades at 1e23 and 1e24 FLOPs; pilot:
//                  16 runs at 1e16 and 3e16. Runs cost 6ND.
//   quantization   truth: Kumar et al.'s QAT law with one precision P (bench/design/); pool: N in
//                  1e7..1e9 (6 per decade), 5, 10, 20, 40 and 80 tokens per parameter, P in {3,
//                  4, 5, 6, 8, 12, 16}; targets: N of 1e10 and 3e10 at 20 tokens per parameter, P
//                  in {4, 6, 8, 16}; pilot: 18 runs at N of 3e6 and 1e7. Runs cost 6NDP/16.
//   misspecified   the Chinchilla pool and targets, but the truth is Kaplan et al.'s law (no
//                  irreducible loss), fitted and designed for with Chinchilla: the wrong family.
// The first three charge each run a fixed overhead besides its compute (the compute of the pool's
// median run: evaluation, checkpoints, scheduling); the last two are the first two with compute
// alone. Every run's loss carries 1% multiplicative noise (seeded, slfit's own generator).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/design.hpp"
#include "slfit/runtime/formula_entry.hpp"

namespace {

using slfit::Table;

constexpr double kNoise = 0.01;

struct Setup {
  std::string name;
  const slfit::LawEntry* truth;
  std::vector<double> truth_values;
  std::string law;  // fitted and designed for
  Table pilot, pool, targets;
  std::string cost;
  bool right_family = true;  // the truth is the law fitted
};

Table make_table(const std::vector<std::string>& names,
                 const std::vector<std::vector<double>>& rows) {
  Table t("simulated");
  for (std::size_t c = 0; c < names.size(); ++c) {
    slfit::Array v(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) v(static_cast<Eigen::Index>(r)) = rows[r][c];
    t.add_column(names[c], std::move(v));
  }
  return t;
}

// IsoFLOP profiles: at each budget, `sizes` model sizes spread over 2.4 decades around 20 tokens
// per parameter.
std::vector<std::vector<double>> isoflop(const std::vector<double>& budgets, int sizes,
                                         double decades) {
  std::vector<std::vector<double>> rows;
  for (double c : budgets) {
    const double n_opt = std::sqrt(c / 120.0);
    for (int i = 0; i < sizes; ++i) {
      const double n = n_opt * std::pow(10.0, decades * (2.0 * i / (sizes - 1) - 1.0));
      rows.push_back({n, c / (6.0 * n)});
    }
  }
  return rows;
}

Setup chinchilla_like(const std::string& name, const slfit::LawEntry& truth,
                      std::vector<double> values) {
  Setup s{name, &truth, std::move(values), "chinchilla", {}, {}, {}, "6*N*D"};
  s.pilot = make_table({"N", "D"}, isoflop({1e16, 3e16}, 8, 1.0));
  std::vector<double> budgets;
  for (int k = 0; k <= 16; ++k) budgets.push_back(std::pow(10.0, 17.0 + 0.25 * k));
  s.pool = make_table({"N", "D"}, isoflop(budgets, 15, 1.5));
  s.targets = make_table({"N", "D"}, isoflop({1e23, 1e24}, 7, 0.5));
  return s;
}

Setup quantization(const slfit::LawEntry& law) {
  Setup s{"quantization", &law, law.preset("kumar2024"), law.name, {}, {}, {}, "6*N*D*P/16"};
  std::vector<std::vector<double>> pilot, pool, targets;
  for (double n : {3e6, 1e7})
    for (double r : {5.0, 20.0, 80.0})
      for (double p : {3.0, 6.0, 16.0}) pilot.push_back({n, r * n, p});
  for (int i = 0; i < 13; ++i) {
    const double n = std::pow(10.0, 7.0 + i / 6.0);
    for (double r : {5.0, 10.0, 20.0, 40.0, 80.0})
      for (double p : {3.0, 4.0, 5.0, 6.0, 8.0, 12.0, 16.0}) pool.push_back({n, r * n, p});
  }
  for (double n : {1e10, 3e10})
    for (double p : {4.0, 6.0, 8.0, 16.0}) targets.push_back({n, 20.0 * n, p});
  s.pilot = make_table({"N", "D", "P"}, pilot);
  s.pool = make_table({"N", "D", "P"}, pool);
  s.targets = make_table({"N", "D", "P"}, targets);
  return s;
}

double median(std::vector<double> v);

// The truth at every row of `t`, with 1% multiplicative noise when `rng` is given.
Table observe(const Setup& s, const Table& t, slfit::detail::Rng* rng) {
  Table out = t;
  slfit::Array loss = s.truth->evaluate(t, s.truth_values, {});
  if (rng) {
    for (Eigen::Index i = 0; i < loss.size(); ++i) loss(i) *= std::exp(kNoise * rng->normal());
  }
  out.add_column("loss", std::move(loss));
  return out;
}

struct Score {
  double rmse = NAN, r2 = NAN;
  double expected = NAN;  // the design's RMSE at the truth, averaged over the noise
  int runs = 0;
};

// What a set of runs is worth apart from the luck of its noise: the expected RMSE at the targets
// of a fit to exactly these runs, on the law linearised at the true parameters with the true
// noise (design/design.hpp's error with every run bought).
double expected_rmse(const Setup& s, const Table& runs) {
  slfit::DesignRequest q;
  q.law = s.law;
  for (std::size_t i = 0; i < s.truth_values.size(); ++i)
    q.parameters[s.truth->parameters[i].name] = s.truth_values[i];
  q.candidates.table = std::make_shared<Table>(runs);
  q.targets = slfit::TableRequest{};
  q.targets->table = std::make_shared<Table>(s.targets);
  q.cost = "1";
  q.budget = static_cast<double>(runs.rows());
  q.strategy = slfit::DesignStrategy::kCheapest;
  q.samples = 1;
  q.noise = kNoise;
  return std::sqrt(slfit::run_design(q).result.final_mse);
}

// The runs `strategy` buys from `pool` within `budget`, after the pilot, with their losses.
Table choose(const Setup& s, const Table& pilot, const Table& pool, double budget,
             slfit::DesignStrategy strategy, std::uint64_t seed) {
  slfit::DesignRequest q;
  q.law = s.law;
  q.pilot.data.table = std::make_shared<Table>(pilot);
  q.pilot.data.path = "pilot";
  q.candidates.table = std::make_shared<Table>(pool);
  q.targets = slfit::TableRequest{};
  q.targets->table = std::make_shared<Table>(s.targets);
  q.cost = s.cost;
  q.budget = budget;
  q.strategy = strategy;
  q.seed = seed;
  const slfit::DesignRun run = slfit::run_design(q);
  std::vector<Eigen::Index> rows;
  for (const auto& step : run.result.steps) rows.push_back(run.rows[step.candidate] - 1);
  return pool.select(rows);
}

// The rows of `a`, then those of `b`, in the columns `names`.
Table stack(const std::vector<std::string>& names, const Table& a, const Table& b) {
  std::vector<std::vector<double>> all;
  for (const Table* t : {&a, &b})
    for (Eigen::Index i = 0; i < t->rows(); ++i) {
      std::vector<double> r;
      for (const auto& n : names) r.push_back(t->column(n)(i));
      all.push_back(r);
    }
  return make_table(names, all);
}

// The law fitted to `runs`, scored at the targets against the truth: {RMSE, R^2} in log loss.
std::pair<double, double> fit_and_score(const Setup& s, const Table& runs) {
  slfit::FitRequest f;
  f.law = s.law;
  f.data.table = std::make_shared<Table>(runs);
  const slfit::FitRun fit = slfit::run_fit(f);
  const slfit::Array truth = s.truth->evaluate(s.targets, s.truth_values, {}).log();
  const slfit::Array pred = fit.law->evaluate(s.targets, fit.fit->parameters, {}).log();
  return {std::sqrt((pred - truth).square().mean()),
          1.0 - (pred - truth).square().sum() / (truth - truth.mean()).square().sum()};
}

Score score_design(const Setup& s, const Table& pilot, const Table& pool, double budget,
                   slfit::DesignStrategy strategy, std::uint64_t seed) {
  const Table bought = choose(s, pilot, pool, budget, strategy, seed);
  const Table runs = stack(pool.names(), pilot, bought);
  Score out;
  out.runs = static_cast<int>(bought.rows());
  std::tie(out.rmse, out.r2) = fit_and_score(s, runs);
  if (s.right_family) out.expected = expected_rmse(s, runs);
  return out;
}

// Whether the expected RMSE means what it says: the law refitted to `refits` fresh noise draws on
// the same runs (their inputs), the root mean square and the median of the realised RMSE.
std::pair<double, double> monte_carlo(const Setup& s, const Table& runs, int refits,
                                      std::uint64_t seed) {
  slfit::detail::Rng rng(slfit::detail::stream_mix(seed));
  const Table inputs = stack(s.pool.names(), runs, Table("none"));
  std::vector<double> rmse;
  double mse = 0.0;
  for (int m = 0; m < refits; ++m) {
    rmse.push_back(fit_and_score(s, observe(s, inputs, &rng)).first);
    mse += rmse.back() * rmse.back() / refits;
  }
  return {std::sqrt(mse), median(rmse)};
}

std::vector<double> as_vector(const slfit::Array& a) {
  return std::vector<double>(a.data(), a.data() + a.size());
}

// NaN when any value is (the expected RMSE of a misspecified set-up, which has none).
double median(std::vector<double> v) {
  if (std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); })) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

const std::vector<double> kFractions{0.01, 0.05, 0.10};
const std::vector<slfit::DesignStrategy> kStrategies{
    slfit::DesignStrategy::kVOptimal, slfit::DesignStrategy::kDOptimal,
    slfit::DesignStrategy::kRandom, slfit::DesignStrategy::kCheapest};

// Per budget and strategy, one entry per seed.
struct Cell {
  std::vector<double> rmse, r2, expected, runs;
};
using Cells = std::map<std::pair<std::size_t, std::size_t>, Cell>;

Cells run_setup(const Setup& s, int seeds) {
  const slfit::Array cost = slfit::Expression::parse(s.cost).evaluate(s.pool);
  Cells cells;
  for (int seed = 1; seed <= seeds; ++seed) {
    slfit::detail::Rng rng(slfit::detail::stream_mix(static_cast<std::uint64_t>(seed)));
    const Table pilot = observe(s, s.pilot, &rng);
    const Table pool = observe(s, s.pool, &rng);
    for (std::size_t b = 0; b < kFractions.size(); ++b) {
      for (std::size_t k = 0; k < kStrategies.size(); ++k) {
        const Score sc = score_design(s, pilot, pool, kFractions[b] * cost.sum(), kStrategies[k],
                                      static_cast<std::uint64_t>(seed));
        Cell& c = cells[{b, k}];
        c.rmse.push_back(sc.rmse);
        c.r2.push_back(sc.r2);
        c.expected.push_back(sc.expected);
        c.runs.push_back(sc.runs);
      }
    }
  }
  return cells;
}

// Seeds in which v-optimal's realised RMSE is below `other`'s (the same pilot and pool noise).
int paired_wins(const Cell& v, const Cell& other) {
  int n = 0;
  for (std::size_t i = 0; i < v.rmse.size(); ++i) n += v.rmse[i] < other.rmse[i];
  return n;
}

struct Tally {
  int wins = 0, comparisons = 0;
};

void print_setup(const Setup& s, const Cells& cells, Tally& realised, Tally& expected) {
  for (std::size_t b = 0; b < kFractions.size(); ++b) {
    const Cell& v = cells.at({b, 0});
    for (std::size_t k = 0; k < kStrategies.size(); ++k) {
      const Cell& c = cells.at({b, k});
      const std::string better =
          k == 0 ? "" : std::to_string(paired_wins(v, c)) + " of " + std::to_string(v.rmse.size());
      std::printf("| %s | %g%% | %s | %.0f | %.4g | %.4f | %.4g | %s |\n", s.name.c_str(),
                  100 * kFractions[b], std::string(slfit::to_string(kStrategies[k])).c_str(),
                  median(c.runs), median(c.rmse), median(c.r2), median(c.expected), better.c_str());
    }
    if (b == 0 || s.name.find("overhead") == std::string::npos || !s.right_family) continue;
    for (std::size_t k : {2, 3}) {
      const Cell& c = cells.at({b, k});
      ++realised.comparisons;
      ++expected.comparisons;
      realised.wins += median(v.rmse) < median(c.rmse);
      expected.wins += median(v.expected) < median(c.expected);
    }
  }
}

// For seed 1 of a set-up: each design's expected RMSE beside the RMS and median of the realised
// RMSE over `refits` noise draws.
void print_monte_carlo(const Setup& s, int refits) {
  if (!s.right_family) return;
  slfit::detail::Rng rng(slfit::detail::stream_mix(1));
  const Table pilot = observe(s, s.pilot, &rng);
  const Table pool = observe(s, s.pool, &rng);
  const slfit::Array cost = slfit::Expression::parse(s.cost).evaluate(s.pool);
  for (double fraction : kFractions) {
    for (slfit::DesignStrategy strategy : kStrategies) {
      const Table runs =
          stack(pool.names(), pilot, choose(s, pilot, pool, fraction * cost.sum(), strategy, 1));
      const auto [rms, med] = monte_carlo(s, runs, refits, 7);
      std::printf("| %s | %g%% | %s | %.4g | %.4g | %.4g |\n", s.name.c_str(), 100 * fraction,
                  std::string(slfit::to_string(strategy)).c_str(), expected_rmse(s, runs), rms,
                  med);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    const slfit::LawEntry& chin = slfit::find_law("chinchilla");
    const slfit::LawEntry& kaplan =
        slfit::resolve_law(std::string(SLFIT_SOURCE_DIR) + "/laws/kaplan2020.json");
    const slfit::LawEntry& kumar = slfit::resolve_law(std::string(SLFIT_SOURCE_DIR) +
                                                      "/bench/design/kumar-one-precision.json");
    std::vector<Setup> setups{chinchilla_like("chinchilla", chin, chin.preset("hoffmann2022")),
                              quantization(kumar),
                              chinchilla_like("misspecified", kaplan, kaplan.preset("kaplan2020"))};
    setups[2].right_family = false;
    setups[1].law = std::string(SLFIT_SOURCE_DIR) + "/bench/design/kumar-one-precision.json";
    // Each with a fixed cost per run added (as the pool's median run costs in compute), then the
    // same set-ups with compute alone.
    for (std::size_t i = 0; i < 2; ++i) {
      Setup flops = setups[i];
      flops.name += ", compute only";
      setups.push_back(flops);
    }
    for (std::size_t i = 0; i < 3; ++i) {
      std::vector<double> c =
          as_vector(slfit::Expression::parse(setups[i].cost).evaluate(setups[i].pool));
      setups[i].cost += " + " + slfit::detail::format_g(median(c));
      setups[i].name += ", + overhead";
    }
    const char* only = argc > 2 ? argv[2] : "";
    if (argc > 3) {
      const int refits = std::max(1, std::atoi(argv[3]));
      std::printf("| set-up | budget | strategy | expected RMSE | RMS of %d refits | median |\n",
                  refits);
      std::printf("|---|---|---|---|---|---|\n");
      for (const Setup& s : setups)
        if (s.name.find(only) != std::string::npos) print_monte_carlo(s, refits);
      return 0;
    }
    std::printf(
        "| set-up | budget | strategy | runs | median RMSE | median R^2 | median expected RMSE "
        "| seeds v-optimal better |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    Tally realised, expected;
    for (const Setup& s : setups) {
      if (s.name.find(only) == std::string::npos) continue;
      print_setup(s, run_setup(s, seeds), realised, expected);
    }
    std::printf(
        "\nv-optimal's median below random's and cheapest's at 5%% and 10%% on the two "
        "well-specified set-ups with an overhead per run: %d of %d in realised RMSE, %d of %d in "
        "expected RMSE\n",
        realised.wins, realised.comparisons, expected.wins, expected.comparisons);
    std::printf("%d seeds, %.1f s\n", seeds,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slfit_design_study: %s\n", e.what());
    return 1;
  }
}
