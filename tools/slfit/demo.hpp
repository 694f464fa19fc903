// `slfit demo`: the tour. Fits Chinchilla to a simulated table, predicts QiD at 100T tokens with
// Ouyang et al.'s constants, finds Kumar et al.'s D_crit and Sun et al.'s best float formats, and
// draws each step into a folder. Needs no files; deterministic for a given seed.
#pragma once

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "figures.hpp"
#include "optimal.hpp"
#include "plot.hpp"
#include "slfit/slfit.hpp"

namespace slfit::tool {

// Draws one demo figure into `dir`; returns the path as printed.
inline std::string demo_plot(const plot::Figure& f, const std::string& dir,
                             const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / name).string();
  plot::render(f, path);
  return path;
}

// The --at grid of a law or an optimal quantity from NAME=V1,V2 strings.
inline Table demo_grid(const std::vector<std::string>& at, const std::vector<std::string>& names) {
  return parse_grid(at, names, false);
}

inline int run_demo(std::uint64_t seed, const std::string& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (!std::filesystem::is_directory(out)) {
    throw DataError("cannot create the demo folder '" + out + "'");
  }
  const std::string dir = out;
  std::cout << "slfit demo: fit, predict and optimize scaling laws in four steps; plots go to "
            << dir << "/\n";

  // 1. Chinchilla, fitted back from a simulated table.
  const LawEntry& chin = find_law("chinchilla");
  const auto truth = chin.preset("hoffmann2022");
  std::vector<double> n, d;
  for (int i = 0; i < 7; ++i) n.push_back(4e7 * std::pow(2.7, i));
  for (int i = 0; i < 7; ++i) d.push_back(1e9 * std::pow(3.1, i));
  const Table t = simulate<Chinchilla>(
      {{"N", n}, {"D", d}}, truth, {.noise = 0.01, .kind = Noise::kMultiplicative, .seed = seed});
  FitOptions o;
  o.space = Space::kLog;
  const FitResult r = chin.fit(t, o);
  std::cout << fmt::format(
      "\n1. Fit Chinchilla (Hoffmann et al. 2022) to a simulated table\n"
      "   {} runs from chinchilla/hoffmann2022, N {}..{}, D {}..{}, 1% noise (seed {});\n"
      "   fitted back with a squared objective on log L from {} starts: {}\n",
      t.rows(), short_number("N", n.front()), short_number("N", n.back()),
      short_number("D", d.front()), short_number("D", d.back()), seed, r.starts_tried,
      to_string(r.status));
  std::cout << fmt::format("   {:<8} {:>10} {:>10} {:>10} {:>7}\n", "param", "true", "fitted",
                           "std.err", "z");
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    std::cout << fmt::format("   {:<8} {:>10.5g} {:>10.5g} {:>10.3g} {:>7.2f}\n", r.names[i],
                             truth[i], r.parameters[i], r.standard_errors[i],
                             (r.parameters[i] - truth[i]) / r.standard_errors[i]);
  }
  const Allocation at_true = chinchilla_allocation(truth, 5.76e23);
  const Allocation at_fit = chinchilla_allocation(r.parameters, 5.76e23);
  std::cout << fmt::format("   compute-optimal at 5.76e23 FLOP: N {} and D {} (true: {} and {})\n",
                           short_number("N", at_fit.N), short_number("D", at_fit.D),
                           short_number("N", at_true.N), short_number("D", at_true.D));
  std::vector<FitPart> parts(1);
  for (Eigen::Index i = 0; i < t.rows(); ++i) parts[0].rows.push_back(i);
  parts[0].parameters = r.parameters;
  const std::string p1 =
      demo_plot(fit_figure(chin, t, {}, "loss", parts, "", nullptr,
                           "slfit demo: chinchilla fitted to 49 simulated runs (1% noise)"),
                dir, "fit.png");
  const OptimalSpec& alloc = find_optimal("chinchilla", "allocation");
  const std::string p2 = demo_plot(
      optimal_figure(alloc, r.parameters, demo_grid({"C=1e19,1e21,1e23,5.76e23,1e25"}, {"C"}),
                     "slfit demo: compute-optimal frontier of the fitted chinchilla law"),
      dir, "allocation.png");
  std::cout << "   plots: " << p1 << ", " << p2 << "\n";

  // 2. QiD of 7B, 70B and 405B models trained on 100T tokens.
  const LawEntry& qid = find_law("qid");
  const auto pq = qid.preset("ouyang2024");
  const Table qgrid = demo_grid({"N=7e9,70e9,405e9", "D=1e14", "P=3,4"}, qid.input_names());
  const Array qv = qid.evaluate(qgrid, pq, {});
  std::cout << "\n2. Quantization-induced degradation after 100T training tokens (Ouyang et al. "
               "2024, preset ouyang2024)\n";
  std::cout << fmt::format("   {:>6} {:>10} {:>10}   (QiD: loss increase, nats/token)\n", "N",
                           "3 bits", "4 bits");
  for (Eigen::Index i = 0; i < qgrid.rows(); i += 2) {
    std::cout << fmt::format("   {:>6} {:>10.4g} {:>10.4g}\n",
                             short_number("N", qgrid.column("N")(i)), qv(i), qv(i + 1));
  }
  const std::string p3 = demo_plot(
      predict_figure(qid, pq, qgrid, "slfit demo: QiD of low-bit models against training tokens"),
      dir, "qid.png");
  std::cout << "   plot: " << p3
            << "\n   same as: slfit predict --law qid --preset ouyang2024 --at N=7e9,70e9,405e9 "
               "--at D=1e14 --at P=3,4\n";

  // 3. Kumar et al.'s critical data size.
  const LawEntry& ptq = find_law("kumar-ptq");
  const auto pk = ptq.preset("kumar2024");
  const OptimalSpec& dcrit = find_optimal("kumar-ptq", "dcrit");
  const Table kgrid = demo_grid({"N=30e6,220e6,1e9,7e9", "P_post=3,4,6"}, {"N", "P_post"});
  std::cout << "\n3. Critical data size D_crit after post-training quantization (Kumar et al. "
               "2024, preset kumar2024):\n   training past D_crit tokens makes the quantized "
               "model worse\n";
  std::cout << fmt::format("   {:>6} {:>10} {:>10} {:>10}\n", "N", "3 bits", "4 bits", "6 bits");
  for (Eigen::Index i = 0; i < kgrid.rows(); i += 3) {
    std::cout << fmt::format("   {:>6}", short_number("N", kgrid.column("N")(i)));
    for (Eigen::Index j = i; j < i + 3; ++j) {
      const double v =
          dcrit.run(pk, {{"N", kgrid.column("N")(j)}, {"P_post", kgrid.column("P_post")(j)}})[0]
              .second;
      std::cout << fmt::format(" {:>10}", short_number("D", v));
    }
    std::cout << "\n";
  }
  const std::string p4 =
      demo_plot(optimal_figure(dcrit, pk, kgrid, "slfit demo: Kumar et al.'s critical data size"),
                dir, "dcrit.png");
  std::cout << "   plot: " << p4
            << "\n   same as: slfit optimal --law kumar-ptq --preset kumar2024 --quantity dcrit "
               "--at N=30e6,220e6,1e9,7e9 --at P_post=3,4,6\n";

  // 4. Sun et al.'s best float format for a bit budget.
  const auto pc = find_law("capybara").preset("sun2025");
  const OptimalSpec& fmt_spec = find_optimal("capybara", "format");
  std::cout << "\n4. Best floating-point training format for a bit budget (Sun et al. 2025, "
               "preset sun2025)\n  ";
  for (int bits : {4, 6, 8, 12, 16}) {
    const Outputs f = fmt_spec.run(pc, {{"P", bits}});
    std::cout << fmt::format(" {} bits: E{}M{};", bits, f[0].second, f[1].second);
  }
  const std::string p5 = demo_plot(
      optimal_figure(fmt_spec, pc, demo_grid({"P=4,5,6,7,8,9,10,11,12,13,14,15,16"}, {"P"}),
                     "slfit demo: Sun et al.'s best exponent/mantissa split"),
      dir, "format.png");
  std::cout << "\n   plot: " << p5
            << "\n   same as: slfit optimal --law capybara --preset sun2025 --quantity format "
               "--at P=4,6,8,12,16\n";
  std::cout << "\nThe plots are in " << dir << "/ (fit.png, allocation.png, qid.png, dcrit.png, "
            << "format.png).\n";
  return r.status == FitStatus::kFailed ? 1 : 0;
}

}  // namespace slfit::tool
