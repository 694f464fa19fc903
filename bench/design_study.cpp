// Does `slfit design` pick better runs than the baselines? Side by side, in one run: for simulated
// pools, 20 seeds each and budgets of 1%, 5% and 10% of the pool's cost, every strategy chooses
// runs, the law is fitted to the pilot plus the runs chosen, and the fit's predictions at the
// targets are scored against the truth (RMSE of log loss, and R^2 over the targets). Prints one
// Markdown table (the one in docs/design.md) and how often v-optimal's median RMSE is below both
// baselines'.
//
//   build-bench/bench/slfit_design_study [SEEDS]
//
// Set-ups:
//   chinchilla     truth: Chinchilla (hoffmann2022); pool: IsoFLOP profiles at 1e17..1e21 FLOPs
//                  (4 per decade), 15 model sizes each over +-1.5 decades around 20 tokens per
//                  parameter; targets: 7 sizes over +-0.5 decades at 1e23 and 1e24 FLOPs; pilot:
//                  16 runs at 1e16 and 3e16. Runs cost 6ND.
//   quantization   truth: Kumar et al.'s QAT law with one precision P (bench/design/); pool: N in
//                  1e7..1e9, 5, 20 and 80 tokens per parameter, P in {3, 4, 6, 8, 16}; targets: N
//                  of 1e10 and 3e10 at 20 tokens per parameter, P in {4, 6, 8, 16}; pilot: 18 runs
//                  at N of 3e6 and 1e7. Runs cost 6NDP/16.
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
  for (int i = 0; i < 7; ++i) {
    const double n = std::pow(10.0, 7.0 + i / 3.0);
    for (double r : {5.0, 20.0, 80.0})
      for (double p : {3.0, 4.0, 6.0, 8.0, 16.0}) pool.push_back({n, r * n, p});
  }
  for (double n : {1e10, 3e10})
    for (double p : {4.0, 6.0, 8.0, 16.0}) targets.push_back({n, 20.0 * n, p});
  s.pilot = make_table({"N", "D", "P"}, pilot);
  s.pool = make_table({"N", "D", "P"}, pool);
  s.targets = make_table({"N", "D", "P"}, targets);
  return s;
}

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
  int runs = 0;
};

Score score_design(const Setup& s, const Table& pilot, const Table& pool, double budget,
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
  const Table bought = pool.select(rows);
  std::vector<std::string> names = pool.names();
  std::vector<std::vector<double>> all;
  for (const Table* t : {&pilot, &bought})
    for (Eigen::Index i = 0; i < t->rows(); ++i) {
      std::vector<double> r;
      for (const auto& n : names) r.push_back(t->column(n)(i));
      all.push_back(r);
    }
  slfit::FitRequest f;
  f.law = s.law;
  f.data.table = std::make_shared<Table>(make_table(names, all));
  const slfit::FitRun fit = slfit::run_fit(f);
  const slfit::Array truth = s.truth->evaluate(s.targets, s.truth_values, {}).log();
  const slfit::Array pred = run.law->evaluate(s.targets, fit.fit->parameters, {}).log();
  Score out;
  out.runs = static_cast<int>(rows.size());
  out.rmse = std::sqrt((pred - truth).square().mean());
  out.r2 = 1.0 - (pred - truth).square().sum() / (truth - truth.mean()).square().sum();
  return out;
}

std::vector<double> as_vector(const slfit::Array& a) {
  return std::vector<double>(a.data(), a.data() + a.size());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
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
    const std::vector<double> fractions{0.01, 0.05, 0.10};
    const std::vector<slfit::DesignStrategy> strategies{
        slfit::DesignStrategy::kVOptimal, slfit::DesignStrategy::kDOptimal,
        slfit::DesignStrategy::kRandom, slfit::DesignStrategy::kCheapest};
    std::printf("| set-up | budget | strategy | runs | median RMSE | median R^2 |\n");
    std::printf("|---|---|---|---|---|---|\n");
    int wins = 0, comparisons = 0;
    for (const Setup& s : setups) {
      const slfit::Array cost = slfit::Expression::parse(s.cost).evaluate(s.pool);
      std::map<std::pair<int, int>, std::vector<double>> rmse, r2, runs;
      for (int seed = 1; seed <= seeds; ++seed) {
        slfit::detail::Rng rng(slfit::detail::stream_mix(static_cast<std::uint64_t>(seed)));
        const Table pilot = observe(s, s.pilot, &rng);
        const Table pool = observe(s, s.pool, &rng);
        for (std::size_t b = 0; b < fractions.size(); ++b) {
          for (std::size_t k = 0; k < strategies.size(); ++k) {
            const Score sc = score_design(s, pilot, pool, fractions[b] * cost.sum(), strategies[k],
                                          static_cast<std::uint64_t>(seed));
            const std::pair<int, int> key{static_cast<int>(b), static_cast<int>(k)};
            rmse[key].push_back(sc.rmse);
            r2[key].push_back(sc.r2);
            runs[key].push_back(sc.runs);
          }
        }
      }
      for (std::size_t b = 0; b < fractions.size(); ++b) {
        for (std::size_t k = 0; k < strategies.size(); ++k) {
          const std::pair<int, int> key{static_cast<int>(b), static_cast<int>(k)};
          std::printf("| %s | %g%% | %s | %.0f | %.4g | %.4f |\n", s.name.c_str(),
                      100 * fractions[b], std::string(slfit::to_string(strategies[k])).c_str(),
                      median(runs[key]), median(rmse[key]), median(r2[key]));
        }
        if (b == 0 || s.name.find("overhead") == std::string::npos ||
            s.name.find("misspecified") != std::string::npos) {
          continue;
        }
        const double v = median(rmse[{static_cast<int>(b), 0}]);
        for (int k : {2, 3}) {
          ++comparisons;
          if (v < median(rmse[{static_cast<int>(b), k}])) ++wins;
        }
      }
    }
    std::printf(
        "\nv-optimal's median RMSE below random's and cheapest's at 5%% and 10%% on the "
        "two well-specified set-ups with an overhead per run: %d of %d\n",
        wins, comparisons);
    std::printf("%d seeds, %.1f s\n", seeds,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slfit_design_study: %s\n", e.what());
    return 1;
  }
}
