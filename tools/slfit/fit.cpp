// `slfit fit`: one request to the library, then the report, JSON or CSV, and the --plot figure.
#include <iostream>

#include "args.hpp"
#include "gnuplot.hpp"
#include "slfit/runtime/figure.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::tool {

namespace {

int run_fit(const FitArgs& a) {
  if (!a.plot.empty()) gnuplot::check_plot_path(a.plot);
  if (a.json && a.csv) throw UsageError("give at most one of --json and --csv");
  const FitRun run = run_fit(fit_request(a));
  // The figure first: a run it cannot draw is refused before anything is printed.
  std::optional<Figure> figure;
  // A failed single fit has no curve to draw; groups are drawn where they were fitted.
  if (!a.plot.empty() && (!run.groups.empty() || !run.failed())) figure = slfit::figure(run);
  std::cout << (a.csv ? to_csv(run) : a.json ? to_json(run) + "\n" : report(run));
  if (figure) gnuplot::render(*figure, a.plot);
  for (const auto& w : run.warnings()) std::cerr << "slfit: warning: " << w << "\n";
  if (run.failed()) {
    std::cerr << "slfit: error: "
              << (run.groups.empty() ? "the fit failed: " + run.fit->message
                                     : std::string("the fit failed for at least one group"))
              << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

Command add_fit_command(CLI::App& app) {
  auto a = std::make_shared<FitArgs>();
  auto* fit = app.add_subcommand("fit", "fit a law to a CSV table");
  add_law_options(fit, a->law, a->law_file);
  add_fit_options(fit, *a);
  fit->add_flag("--csv", a->csv, "print the parameter table as CSV (with --by: one row per group)");
  fit->add_option("--plot", a->plot,
                  "draw the fit to FILE.png or FILE.svg: the target against D (or the most "
                  "varied input) with the fitted curves, and predicted against observed")
      ->type_name("FILE");
  fit->footer(
      "Examples:\n"
      "  slfit fit --law chinchilla --data runs.csv --col N=params --col D=tokens --plot fit.png\n"
      "  slfit fit --law chinchilla --data epoch.csv --col N=\"Model Size\" \\\n"
      "      --derive 'D=\"Training FLOP\"/(6*\"Model Size\")' --where 'loss < 3.44' \\\n"
      "      --objective huber --delta 1e-3 --space log --starts hoffmann --json\n"
      "  slfit fit --law qid --data qid.csv --by P --fix gamma=5.4967 --csv\n"
      "  slfit fit --law-file my_law.json --data runs.csv --bootstrap 200 --seed 1\n"
      "  slfit fit --law chinchilla --data runs.csv --bootstrap 1000 --seed 1 --budget 5.76e23\n"
      "  slfit fit --law chinchilla --data runs.csv --objective huber --overestimate-penalty 10");
  return {fit, [a] {
            law_argument(a->law, a->law_file);  // one of them is needed: say so before reading
            return run_fit(*a);
          }};
}

}  // namespace slfit::tool
