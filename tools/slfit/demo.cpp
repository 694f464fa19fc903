// `slfit demo`: the embedded tour (slfit::run_demo), drawn through gnuplot.
#include "slfit/runtime/demo.hpp"

#include <iostream>

#include "args.hpp"
#include "gnuplot.hpp"

namespace slfit::tool {

Command add_demo_command(CLI::App& app) {
  struct Args {
    std::uint64_t seed = 2024;
    std::string out = "slfit-demo";
  };
  auto a = std::make_shared<Args>();
  auto* demo = app.add_subcommand(
      "demo",
      "the tour: fit, predict QiD, D_crit, best float format; writes plots; needs no files");
  demo->add_option("--seed", a->seed, "seed of the simulated table")->capture_default_str();
  demo->add_option("--out", a->out, "folder for the plots (created if missing)")
      ->type_name("DIR")
      ->capture_default_str();
  demo->footer(
      "Examples:\n"
      "  slfit demo\n"
      "  slfit demo --out /tmp/tour --seed 7");
  return {demo, [a] {
            const DemoResult r = run_demo(a->seed, a->out, std::cout, gnuplot::render);
            return r.fit_failed ? 1 : 0;
          }};
}

}  // namespace slfit::tool
