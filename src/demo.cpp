// `slfit demo`: the tour, through the catalogue like any front end, so it shows what the library
// offers rather than code of its own.
#include "slfit/runtime/demo.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {

namespace {

// Draws the demo's figures into its folder and remembers which became pictures, so the text
// never claims a picture where only a script was written.
class Drawer {
 public:
  Drawer(std::string dir, const FigureRenderer& render, DemoResult& result)
      : dir_(std::move(dir)), render_(render), result_(result) {}

  // Draws `f` as `name` in the folder; returns the file to name in the text.
  std::string draw(const Figure& f, const std::string& name) {
    const std::string path = (std::filesystem::path(dir_) / name).string();
    const bool picture = render_(f, path);
    ++(picture ? result_.pictures : result_.scripts);
    drawn_.emplace_back(name, picture);
    step_.push_back(picture);
    return picture ? path : path + ".gp";
  }

  // "   plots: A, B" for the files of one step, with a word that says what they are.
  std::string files_line(const std::vector<std::string>& files) {
    int pictures = 0;
    for (bool p : step_) pictures += p ? 1 : 0;
    const bool several = files.size() > 1;
    std::string word = several ? "plots" : "plot";
    if (pictures == 0) word = several ? "gnuplot scripts" : "gnuplot script";
    if (pictures > 0 && pictures < static_cast<int>(step_.size())) word = "files";
    step_.clear();
    return "   " + word + ": " + detail::join(files);
  }

  std::string ending() const;

 private:
  std::string dir_;
  const FigureRenderer& render_;
  DemoResult& result_;
  std::vector<std::pair<std::string, bool>> drawn_;  // name, drawn as a picture
  std::vector<bool> step_;
};

std::string Drawer::ending() const {
  std::vector<std::string> pictures, scripts;
  std::string first_script;
  for (const auto& [name, picture] : drawn_) {
    if (picture) {
      pictures.push_back(name);
      continue;
    }
    scripts.push_back(name + ".gp and " + name + ".dat");
    if (first_script.empty()) first_script = dir_ + "/" + name + ".gp";
  }
  if (scripts.empty()) {
    return "The plots are in " + dir_ + "/ (" + detail::join(pictures) + ").\n";
  }
  const std::string what = pictures.empty()
                               ? "gnuplot was not found, so no pictures were drawn: "
                               : "The plots " + detail::join(pictures) + " are in " + dir_ +
                                     "/; for the others gnuplot was not found: ";
  return what + dir_ + "/ holds gnuplot scripts and data (" + detail::join(scripts) +
         ") instead; install gnuplot (apt-get install gnuplot-nox) and run `gnuplot " +
         first_script + "` for each, or rerun slfit demo.\n";
}

double output(const Outputs& outputs, const std::string& name) {
  for (const auto& [n, v] : outputs)
    if (n == name) return v;
  throw Error("no output '" + name + "'");
}

// Chinchilla's table: 7 x 7 runs of the law with multiplicative noise, as simulate() makes it.
Table simulated_table(const LawEntry& law, const std::vector<double>& truth,
                      const std::vector<double>& n, const std::vector<double>& d,
                      std::uint64_t seed) {
  Table t = grid_table({{"N", n}, {"D", d}}, "<simulated " + law.name + ">");
  Array y = law.evaluate(t, truth, {});
  if (!y.allFinite()) throw DataError("law '" + law.name + "' is not finite on the grid");
  add_noise(y, {.noise = 0.01, .kind = Noise::kMultiplicative, .seed = seed});
  t.set_column("loss", std::move(y));
  return t;
}

OptimalRun optimal_run(const LawEntry& law, const std::string& quantity,
                       std::vector<double> parameters, const std::vector<std::string>& at) {
  OptimalRun run;
  run.law = &law;
  run.analysis = &law.analysis(quantity);
  run.parameters = std::move(parameters);
  run.grid = analysis_grid(at, law, *run.analysis);
  return run;
}

// 1. Chinchilla, fitted back from a simulated table. Returns whether the fit failed.
bool fit_step(std::uint64_t seed, Drawer& drawer, std::ostream& out) {
  const LawEntry& chin = find_law("chinchilla");
  const auto truth = chin.preset("hoffmann2022");
  std::vector<double> n, d;
  for (int i = 0; i < 7; ++i) n.push_back(4e7 * std::pow(2.7, i));
  for (int i = 0; i < 7; ++i) d.push_back(1e9 * std::pow(3.1, i));
  FitRun run;
  run.law = &chin;
  run.data.table = simulated_table(chin, truth, n, d, seed);
  run.data.target = "loss";
  run.options.space = Space::kLog;
  const Table& t = run.data.table;
  const FitResult& r = run.fit.emplace(chin.fit(t, run.options));
  out << fmt::format(
      "\n1. Fit Chinchilla (Hoffmann et al. 2022) to a simulated table\n"
      "   {} runs from chinchilla/hoffmann2022, N {}..{}, D {}..{}, 1% noise (seed {});\n"
      "   fitted back with a squared objective on log L from {} starts: {}\n",
      t.rows(), short_number("N", n.front()), short_number("N", n.back()),
      short_number("D", d.front()), short_number("D", d.back()), seed, r.starts_tried,
      to_string(r.status));
  out << fmt::format("   {:<8} {:>10} {:>10} {:>10} {:>7}\n", "param", "true", "fitted", "std.err",
                     "z");
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    out << fmt::format("   {:<8} {:>10.5g} {:>10.5g} {:>10.3g} {:>7.2f}\n", r.names[i], truth[i],
                       r.parameters[i], r.standard_errors[i],
                       (r.parameters[i] - truth[i]) / r.standard_errors[i]);
  }
  const Analysis& alloc = chin.analysis("allocation");
  const Outputs at_true = alloc.run(truth, {{"C", 5.76e23}});
  const Outputs at_fit = alloc.run(r.parameters, {{"C", 5.76e23}});
  out << fmt::format("   compute-optimal at 5.76e23 FLOP: N {} and D {} (true: {} and {})\n",
                     short_number("N", output(at_fit, "N")), short_number("D", output(at_fit, "D")),
                     short_number("N", output(at_true, "N")),
                     short_number("D", output(at_true, "D")));
  const std::string p1 = drawer.draw(
      figure(run, "slfit demo: chinchilla fitted to 49 simulated runs (1% noise)"), "fit.png");
  const std::string p2 = drawer.draw(
      figure(optimal_run(chin, "allocation", r.parameters, {"C=1e19,1e21,1e23,5.76e23,1e25"}),
             "slfit demo: compute-optimal frontier of the fitted chinchilla law"),
      "allocation.png");
  out << drawer.files_line({p1, p2}) << "\n";
  return r.status == FitStatus::kFailed;
}

// 2. QiD of 7B, 70B and 405B models trained on 100T tokens.
void qid_step(Drawer& drawer, std::ostream& out) {
  const LawEntry& qid = find_law("qid");
  PredictRun run;
  run.law = &qid;
  run.preset = "ouyang2024";
  run.parameters = qid.preset(run.preset);
  run.inputs = law_grid({"N=7e9,70e9,405e9", "D=1e14", "P=3,4"}, qid);
  run.values = qid.evaluate(run.inputs, run.parameters, {});
  const Table& qgrid = run.inputs;
  const Array& qv = run.values;
  out << "\n2. Quantization-induced degradation after 100T training tokens (Ouyang et al. "
         "2024, preset ouyang2024)\n";
  out << fmt::format("   {:>6} {:>10} {:>10}   (QiD: loss increase, nats/token)\n", "N", "3 bits",
                     "4 bits");
  for (Eigen::Index i = 0; i < qgrid.rows(); i += 2) {
    out << fmt::format("   {:>6} {:>10.4g} {:>10.4g}\n", short_number("N", qgrid.column("N")(i)),
                       qv(i), qv(i + 1));
  }
  const std::string p3 = drawer.draw(
      figure(run, "slfit demo: QiD of low-bit models against training tokens"), "qid.png");
  out << drawer.files_line({p3})
      << "\n   same as: slfit predict --law qid --preset ouyang2024 --at N=7e9,70e9,405e9 "
         "--at D=1e14 --at P=3,4\n";
}

// 3. Kumar et al.'s critical data size.
void dcrit_step(Drawer& drawer, std::ostream& out) {
  const LawEntry& ptq = find_law("kumar-ptq");
  const OptimalRun run =
      optimal_run(ptq, "dcrit", ptq.preset("kumar2024"), {"N=30e6,220e6,1e9,7e9", "P_post=3,4,6"});
  const Table& kgrid = run.grid;
  out << "\n3. Critical data size D_crit after post-training quantization (Kumar et al. "
         "2024, preset kumar2024):\n   training past D_crit tokens makes the quantized "
         "model worse\n";
  out << fmt::format("   {:>6} {:>10} {:>10} {:>10}\n", "N", "3 bits", "4 bits", "6 bits");
  for (Eigen::Index i = 0; i < kgrid.rows(); i += 3) {
    out << fmt::format("   {:>6}", short_number("N", kgrid.column("N")(i)));
    for (Eigen::Index j = i; j < i + 3; ++j) {
      const Row row = {{"N", kgrid.column("N")(j)}, {"P_post", kgrid.column("P_post")(j)}};
      out << fmt::format(
          " {:>10}", short_number("D", output(run.analysis->run(run.parameters, row), "dcrit")));
    }
    out << "\n";
  }
  const std::string p4 =
      drawer.draw(figure(run, "slfit demo: Kumar et al.'s critical data size"), "dcrit.png");
  out << drawer.files_line({p4})
      << "\n   same as: slfit optimal --law kumar-ptq --preset kumar2024 --quantity dcrit "
         "--at N=30e6,220e6,1e9,7e9 --at P_post=3,4,6\n";
}

// 4. Sun et al.'s best float format for a bit budget.
void format_step(Drawer& drawer, std::ostream& out) {
  const LawEntry& capybara = find_law("capybara");
  const OptimalRun run = optimal_run(capybara, "format", capybara.preset("sun2025"),
                                     {"P=4,5,6,7,8,9,10,11,12,13,14,15,16"});
  out << "\n4. Best floating-point training format for a bit budget (Sun et al. 2025, "
         "preset sun2025)\n  ";
  for (int bits : {4, 6, 8, 12, 16}) {
    const Outputs f = run.analysis->run(run.parameters, {{"P", bits}});
    out << fmt::format(" {} bits: E{}M{};", bits, output(f, "E"), output(f, "M"));
  }
  const std::string p5 = drawer.draw(
      figure(run, "slfit demo: Sun et al.'s best exponent/mantissa split"), "format.png");
  out << "\n"
      << drawer.files_line({p5})
      << "\n   same as: slfit optimal --law capybara --preset sun2025 --quantity format "
         "--at P=4,6,8,12,16\n";
}

}  // namespace

DemoResult run_demo(std::uint64_t seed, const std::string& folder, std::ostream& out,
                    const FigureRenderer& render) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (!std::filesystem::is_directory(folder)) {
    throw DataError("cannot create the demo folder '" + folder + "'");
  }
  out << "slfit demo: fit, predict and optimize scaling laws in four steps; plots go to " << folder
      << "/\n";
  DemoResult result;
  Drawer drawer(folder, render, result);
  result.fit_failed = fit_step(seed, drawer, out);
  qid_step(drawer, out);
  dcrit_step(drawer, out);
  format_step(drawer, out);
  out << "\n" << drawer.ending();
  return result;
}

}  // namespace slfit
