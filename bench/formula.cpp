// Side by side, in one run: Hoffmann et al.'s procedure (Huber 1e-3 on log L, 4500 grid starts) on
// Epoch's 240 Chinchilla points, with the compiled Chinchilla law and with Chinchilla written as a
// formula law. Prints each objective, the relative difference of the two, the median time of each
// over several runs and their ratio (the goal: the same objective to 1e-12, at most 3x).
//
//   build-bench/bench/slfit_formula_bench [DATA_DIR] [LAW_FILE] [REPEATS]
//
// DATA_DIR defaults to ../shared/data; LAW_FILE to the shelf's laws/chinchilla.json.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"

namespace {

// Epoch's reconstruction as the published fits use it: the 5 highest losses dropped.
slfit::Table epoch_240(const std::string& dir) {
  slfit::Table t = slfit::read_csv(dir + "/epoch-chinchilla/svg_extracted_data.csv");
  slfit::derive(t, "N", slfit::Expression::parse("\"Model Size\""));
  slfit::derive(t, "D", slfit::Expression::parse("\"Training FLOP\" / (6 * \"Model Size\")"));
  std::vector<double> loss(t.column("loss").data(), t.column("loss").data() + t.rows());
  std::sort(loss.begin(), loss.end());
  return slfit::filter_rows(t, slfit::Expression::parse("loss <= " + std::to_string(loss[239])));
}

struct Timed {
  slfit::FitResult result;
  double median = 0.0;
};

Timed run(const slfit::LawEntry& law, const slfit::Table& t, const slfit::FitOptions& o,
          int repeats) {
  Timed out;
  std::vector<double> seconds;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    out.result = law.fit(t, o);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(seconds.begin(), seconds.end());
  out.median = seconds[seconds.size() / 2];
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data = argc > 1 ? argv[1] : "../shared/data";
  const std::string file =
      argc > 2 ? argv[2] : std::string(SLFIT_SOURCE_DIR) + "/laws/chinchilla.json";
  const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 7;
  try {
    const slfit::Table t = epoch_240(data);
    const slfit::LawEntry& compiled = slfit::find_law("chinchilla");
    const slfit::LawEntry& formula = slfit::law_from_file(file);
    std::printf("Hoffmann et al.'s procedure on %ld rows, %d runs each (median time)\n",
                static_cast<long>(t.rows()), repeats);
    std::printf("formula law %s: %s\n", formula.name.c_str(), formula.formula.c_str());
    for (const int threads : {1, 2}) {
      slfit::FitOptions o;
      o.objective = slfit::Objective::kHuber;
      o.delta = 1e-3;
      o.starts = slfit::StartSpec::grid("hoffmann");
      o.threads = threads;
      const Timed a = run(compiled, t, o, repeats);
      const Timed b = run(formula, t, o, repeats);
      const double rel =
          std::abs(b.result.objective_value - a.result.objective_value) / a.result.objective_value;
      std::printf(
          "threads %d: compiled %.10f in %.4f s; formula %.10f in %.4f s; objectives differ by "
          "%.2e (relative); time ratio formula/compiled %.2f\n",
          threads, a.result.objective_value, a.median, b.result.objective_value, b.median, rel,
          b.median / a.median);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slfit_formula_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
