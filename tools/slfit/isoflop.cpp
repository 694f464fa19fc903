// `slfit isoflop`: IsoFLOP profiles (Approach 2): compute-optimal N and D from runs at fixed
// budgets, and the power laws through them.
#include <iostream>

#include "args.hpp"

namespace slfit::tool {

Command add_isoflop_command(CLI::App& app) {
  struct Args {
    std::string data, target = TableRequest().target, by, frontier, law, law_file;
    std::string objective = "squared", space = "log";
    double delta = FitOptions().delta;
    std::vector<std::string> cols, derives, wheres, at;
    IsoflopOptions options;
    OutputArgs output;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "isoflop", "compute-optimal N and D from IsoFLOP profiles (Approach 2), with a frontier");
  cmd->add_option("--data", a->data, "CSV of runs: a compute column C and N or D (or both)")
      ->required();
  cmd->add_option("--col", a->cols,
                  "map C, N, D or target to a CSV header: C=compute_budget (unmapped: columns "
                  "C, N, D; the one of N and D missing is C/(6x))");
  cmd->add_option("--derive", a->derives, "add a column: NAME=EXPR");
  cmd->add_option("--where", a->wheres, "keep rows where EXPR holds");
  cmd->add_option("--target", a->target, "the loss: a column or an expression")
      ->capture_default_str();
  add_law_options(cmd, a->law, a->law_file);
  cmd->add_option("--objective", a->objective,
                  "with --law: the law fit's objective (squared, huber, absolute)")
      ->capture_default_str();
  cmd->add_option("--delta", a->delta, "with --law and --objective huber: its delta")
      ->capture_default_str();
  cmd->add_option("--space", a->space, "with --law: fit in log or linear space")
      ->capture_default_str();
  cmd->add_option("--frontier", a->frontier,
                  "keep, for each distinct value of these columns (C,N), only the run with the "
                  "lowest loss: the tuned frontier of a sweep");
  cmd->add_option("--by", a->by, "one profile per value of this column (text or numbers)");
  cmd->add_option("--bootstrap", a->options.bootstrap,
                  "resample runs within budgets K times for percentile intervals");
  cmd->add_option("--seed", a->options.seed, "seed of the bootstrap")->capture_default_str();
  cmd->add_option("--at", a->at, "budgets to extrapolate to: C=3.8e25,1e26");
  cmd->add_option("--min-points", a->options.min_points,
                  "runs (and distinct sizes) a budget needs for its parabola")
      ->capture_default_str();
  cmd->add_option("--off-centre", a->options.off_centre,
                  "warn when a minimum lies further than this from the centre of its budget's "
                  "sampled log N range, in half-ranges")
      ->capture_default_str();
  add_output_options(cmd, a->output,
                     "draw the profiles with their parabolas and the frontier to FILE.png or "
                     "FILE.svg");
  cmd->footer(
      "Budgets whose parabola has a maximum, whose minimum lies outside the sampled sizes, or\n"
      "with too few runs are reported with the reason and left out.\n"
      "Examples:\n"
      "  slfit isoflop --data isoflops_points.csv --col C=compute_budget --col D=training_tokens "
      "--target validation_loss --at C=3.8e25\n"
      "  slfit isoflop --data isoflops.csv --col C=budget --col N=params --by experiment "
      "--bootstrap 1000 --json\n"
      "  slfit isoflop --data runs.csv --col C=budget --col N=params --law chinchilla "
      "--objective huber --delta 1e-3 --at C=1e24   # Approach 3 beside Approach 2");
  return {cmd, [a] {
            check_output(a->output);
            IsoflopRequest q;
            q.data = TableRequest{a->data, a->derives, a->wheres, a->target};
            if (!a->frontier.empty()) q.data.frontier = parse_frontier(a->frontier);
            for (const auto& c : a->cols) {
              auto [name, header] = split_key_value(c, "columns");
              q.columns[name] = header;
            }
            q.by = a->by;
            if (!a->law.empty() || !a->law_file.empty()) {
              q.law = law_argument(a->law, a->law_file);
              q.fit.objective = parse_objective(a->objective);
              q.fit.delta = a->delta;
              q.fit.space = parse_space(a->space);
            }
            q.options = a->options;
            q.at = a->at;
            return print_run(run_isoflop(q), a->output);
          }};
}

}  // namespace slfit::tool
