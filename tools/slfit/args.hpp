// What the tool's commands share: the fit options of `fit` and `compare` and their translation
// into a FitRequest, the law/preset/params/--at options of predict, optimal and simulate, and the
// rewriting of the library's option names into the tool's flags.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "gnuplot.hpp"
#include "slfit/runtime/figure.hpp"
#include "slfit/runtime/output.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit::tool {

struct FitArgs {
  std::string law, law_file, data, target, objective, space, starts;
  std::vector<std::string> cols, derives, wheres, fixes, bounds, start_points, per;
  std::string weights, by, fix_from, format_column, reference;
  bool skip_nonpositive = false, bootstrap_from_starts = false, draws = false;
  int bootstrap = 0;
  std::string group, holdout, quantity, frontier;
  std::vector<std::string> predict_at, budgets, quantity_at;
  double delta = 0.0, overestimate_penalty = 1.0;
  std::uint64_t seed = 0;
  int threads = 0, screen_keep = 0;
  std::string screening, solver;
  bool json = false, csv = false;
  std::string plot;

  FitArgs();  // the library's defaults (FitRequest, FitOptions): one set for every front end
};

void add_fit_options(CLI::App* cmd, FitArgs& a);
FitRequest fit_request(const FitArgs& a);

// --law NAME and --law-file FILE (one of them), and what the request names for them: the name, or
// the file as a path (resolve_law tells a path from a name by a '/' or a ".json" ending).
void add_law_options(CLI::App* cmd, std::string& law, std::string& law_file);
std::string law_argument(const std::string& law, const std::string& law_file);

// --law, --preset | --params, and --at, shared by predict, optimal and simulate.
struct LawSourceArgs {
  std::string law, law_file, preset, params;
  std::vector<std::string> at;
};
void add_law_source_options(CLI::App* cmd, LawSourceArgs& a, bool at_required = true);

// --json, --csv and --plot of predict and optimal.
struct OutputArgs {
  bool json = false, csv = false;
  std::string plot;
};
void add_output_options(CLI::App* cmd, OutputArgs& o, const std::string& plot_help);
// Refuses --json with --csv and a --plot path gnuplot cannot write, before any work.
void check_output(const OutputArgs& o);

// Draws the run where --plot asks, then prints it as CSV, JSON or text.
template <class Run>
int print_run(const Run& run, const OutputArgs& o) {
  if (!o.plot.empty()) gnuplot::render(figure(run), o.plot);
  std::cout << (o.csv ? to_csv(run) : o.json ? to_json(run) + "\n" : report(run));
  return 0;
}

// A progress bar on stderr, drawn only when stderr is a terminal (so logs and CI stay clean).
std::function<void(int, int)> progress_bar(const std::string& label);

// The library names options as `option 'NAME'` (its field names); the tool says --NAME.
std::string tool_message(const std::string& library_message);

// One command of the tool: adds its subcommand and options, and runs when chosen.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_laws_command(CLI::App& app);
Command add_fit_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_predict_command(CLI::App& app);
Command add_optimal_command(CLI::App& app);
Command add_simulate_command(CLI::App& app);
Command add_isoflop_command(CLI::App& app);
Command add_design_command(CLI::App& app);
Command add_demo_command(CLI::App& app);

}  // namespace slfit::tool
