// Fit Chinchilla to a CSV of checkpoint losses with Hoffmann et al.'s procedure.
//   example_fit_csv runs.csv          (columns N, D, loss)
//   example_fit_csv ../shared/data/kyotakano-chinchilla-llm/df.csv
#include <iostream>
#include <slfit/slfit.hpp>

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::cerr << "usage: example_fit_csv FILE.csv (columns N, D, loss)\n";
    return 2;
  }
  const slfit::Table table = slfit::read_csv(argv[1]);
  slfit::FitOptions options;
  options.objective = slfit::Objective::kHuber;  // Huber, delta 1e-3, on log L
  options.delta = 1e-3;
  options.space = slfit::Space::kLog;
  options.starts = slfit::StartSpec::grid("hoffmann");  // their 4500 starts
  const slfit::FitResult fit = slfit::fit<slfit::Chinchilla>(table, options);
  std::cout << slfit::full_report(fit);
  return fit.converged() ? 0 : 1;
} catch (const slfit::Error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}
