// Fit Chinchilla to a CSV of checkpoint losses with Hoffmann et al.'s procedure, through the
// compiled catalogue (slfit::runtime): the law's fitter comes prebuilt, so this file compiles in
// seconds. (examples/custom_law.cpp shows the header-only way, for a law of your own.)
//   example_fit_csv runs.csv          (columns N, D, loss)
//   example_fit_csv ../shared/data/kyotakano-chinchilla-llm/df.csv
#include <iostream>
#include <slfit/fit/report.hpp>
#include <slfit/io/csv.hpp>
#include <slfit/runtime/catalogue.hpp>

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::cerr << "usage: example_fit_csv FILE.csv (columns N, D, loss)\n";
    return 2;
  }
  const slfit::Table table = slfit::read_csv(argv[1]);
  slfit::FitOptions options;                     // log space by default, as the tool
  options.objective = slfit::Objective::kHuber;  // Huber, delta 1e-3, on log L
  options.delta = 1e-3;
  options.starts = slfit::StartSpec::grid("hoffmann");  // their 4500 starts
  const slfit::FitResult fit = slfit::find_law("chinchilla").fit(table, options);
  std::cout << slfit::full_report(fit);
  return fit.converged() ? 0 : 1;
} catch (const slfit::Error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}
