// `slfit design`: which runs of a pool to train next, within a budget, for the sharpest
// predictions at the targets.
#include "slfit/runtime/design.hpp"

#include <iostream>

#include "args.hpp"

namespace slfit::tool {

namespace {

struct DesignArgs {
  std::string law, law_file, preset, params, data, candidates, targets, target_where, cost;
  std::string strategy = std::string(to_string(DesignRequest().strategy));
  std::string space = std::string(to_string(DesignRequest().space));
  std::vector<std::string> cols, pilot_cols, derives, wheres, fixes;
  double budget = 0.0, noise = 0.0;
  int samples = DesignRequest().samples, bootstrap = 0, threads = 0;
  std::uint64_t seed = 0;
  OutputArgs output;
};

std::map<std::string, std::string, std::less<>> column_map(const std::vector<std::string>& items) {
  std::map<std::string, std::string, std::less<>> m;
  for (const auto& c : items) {
    auto [name, header] = split_key_value(c, "col");
    m[name] = header;
  }
  return m;
}

int run_design_command(const DesignArgs& a) {
  check_output(a.output);
  DesignRequest q;
  q.law = law_argument(a.law, a.law_file);
  q.preset = a.preset;
  q.params = a.params;
  if (!a.data.empty()) {
    q.pilot.data.path = a.data;
    q.pilot.columns = column_map(a.pilot_cols);
    q.pilot.bootstrap = a.bootstrap;
    q.pilot.options.seed = a.seed;
    q.pilot.options.threads = a.threads;
    for (const auto& f : a.fixes) {
      auto [name, value] = split_key_value(f, "fix");
      q.pilot.options.fixed[name] = parse_number(value, "--fix " + name);
    }
  } else if (!a.pilot_cols.empty() || a.bootstrap > 0 || !a.fixes.empty()) {
    throw UsageError("--pilot-col, --bootstrap and --fix go with --data (the pilot fit)");
  }
  q.candidates = TableRequest{a.candidates, a.derives, a.wheres};
  if (!a.targets.empty()) q.targets = TableRequest{a.targets, a.derives, {}};
  q.target_where = a.target_where;
  q.columns = column_map(a.cols);
  q.cost = a.cost;
  q.budget = a.budget;
  q.strategy = parse_design_strategy(a.strategy);
  q.space = parse_space(a.space);
  q.samples = a.samples;
  q.seed = a.seed;
  q.noise = a.noise;
  q.threads = a.threads;
  return print_run(run_design(q), a.output);
}

}  // namespace

Command add_design_command(CLI::App& app) {
  auto a = std::make_shared<DesignArgs>();
  auto* d = app.add_subcommand(
      "design",
      "choose the next runs to train: the pool rows that, within a budget, most sharpen "
      "the law's predictions at the targets");
  add_law_options(d, a->law, a->law_file);
  d->add_option("--preset", a->preset, "believe a preset's parameters (no uncertainty: --noise)");
  d->add_option("--params", a->params,
                "believe a fit --json file: its parameters, covariance (or bootstrap draws, with "
                "--draws) and the noise of its residuals");
  d->add_option("--data", a->data, "believe a pilot fit of this CSV, run first");
  d->add_option("--pilot-col", a->pilot_cols, "with --data: map a law input to a pilot header");
  d->add_option("--bootstrap", a->bootstrap,
                "with --data: bootstrap the pilot K times and average over its draws");
  d->add_option("--fix", a->fixes, "with --data: hold a parameter fixed in the pilot fit");
  d->add_option("--candidates", a->candidates,
                "CSV of the runs one could train (columns for the law's inputs)")
      ->required();
  d->add_option("--col", a->cols, "map a law input to a header of --candidates and --targets");
  d->add_option("--derive", a->derives, "add a column to --candidates and --targets: NAME=EXPR");
  d->add_option("--where", a->wheres, "keep candidate rows where EXPR holds");
  d->add_option("--targets", a->targets, "CSV of the points whose predictions matter");
  d->add_option("--target-where", a->target_where,
                "the candidate rows where EXPR holds are the targets (and are not bought)");
  d->add_option("--cost", a->cost,
                "the cost of a run, an expression of the candidates' columns (default 6*N*D for "
                "a law of N and D)");
  d->add_option("--budget", a->budget, "what may be spent, in the units of --cost")->required();
  d->add_option("--strategy", a->strategy, "v-optimal | d-optimal | random | cheapest")
      ->capture_default_str();
  d->add_option("--samples", a->samples,
                "parameter samples the choice is averaged over (1: the point estimate only)")
      ->capture_default_str();
  d->add_option("--noise", a->noise,
                "standard deviation of a run's loss (log loss in log space); default: from the "
                "pilot's residuals");
  d->add_option("--space", a->space,
                "with --preset: the space of the predictions (log | linear); a fit brings its own")
      ->capture_default_str();
  d->add_option("--seed", a->seed, "seed of the random strategy, the samples and the pilot")
      ->capture_default_str();
  d->add_option("--threads", a->threads, "threads (0: all cores); results do not depend on it")
      ->capture_default_str();
  add_output_options(d, a->output,
                     "draw the pool, pilot runs, targets and the runs bought (in N and D, or the "
                     "law's first two inputs) to FILE.png or FILE.svg");
  d->footer(
      "Examples:\n"
      "  slfit design --law chinchilla --data pilot.csv --bootstrap 200 --candidates pool.csv "
      "--target-where \"6*N*D >= 1e22\" --budget 1e21\n"
      "  slfit design --law chinchilla --params fit.json --candidates pool.csv --targets "
      "big.csv --budget 5e20 --strategy d-optimal --csv\n"
      "  slfit design --law-file my_law.json --preset mine --noise 0.01 --candidates pool.csv "
      "--cost \"N*D*P/16\" --target-where \"N > 1e10\" --budget 1e20 --plot design.png");
  return {d, [a] { return run_design_command(*a); }};
}

}  // namespace slfit::tool
