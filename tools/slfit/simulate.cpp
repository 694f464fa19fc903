// `slfit simulate`: a law on a grid with seeded noise, as CSV.
#include <iostream>

#include "args.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::tool {

Command add_simulate_command(CLI::App& app) {
  struct Args {
    LawSourceArgs source;
    SimulateRequest q;
  };
  auto a = std::make_shared<Args>();
  auto* sim = app.add_subcommand("simulate", "CSV of a law evaluated on a grid, with seeded noise");
  add_law_source_options(sim, a->source);
  sim->add_option("--noise", a->q.noise, "noise sigma")->capture_default_str();
  sim->add_option("--noise-kind", a->q.noise_kind, "additive | multiplicative")
      ->capture_default_str();
  sim->add_option("--seed", a->q.seed, "seed")->capture_default_str();
  sim->add_option("--target", a->q.target, "name of the simulated column")->capture_default_str();
  sim->footer(
      "Example:\n"
      "  slfit simulate --law chinchilla --preset hoffmann2022 --at N=1e8,1e9,1e10 \\\n"
      "      --at D=1e9,1e10,1e11 --noise 0.01 --noise-kind multiplicative --seed 1 > sim.csv");
  return {sim, [a] {
            SimulateRequest q = a->q;
            q.law = law_argument(a->source.law, a->source.law_file);
            q.preset = a->source.preset;
            q.params = a->source.params;
            q.at = a->source.at;
            std::cout << to_csv(run_simulate(q));
            return 0;
          }};
}

}  // namespace slfit::tool
