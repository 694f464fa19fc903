// A two-stage quantization fit: Chinchilla on the full-precision runs, then Chen et al.'s QAT law
// (qat-full: Chinchilla + delta_p(N, D, G)) on the quantized runs with the base law held fixed.
//   example_two_stage_quantization        (no arguments: the runs are simulated)
// The study is simulated from published constants with 0.2% noise (no public data set has
// quantized losses): 25 full-precision runs (5 sizes x 5 token counts) and the same 25 trained
// with W4A4 quantization-aware training at group sizes G = 32 ... 256. With real runs, read one
// CSV and split it with table.filter(table.column("G") ...).
#include <fmt/format.h>

#include <slfit/slfit.hpp>

int main() {
  using slfit::Chinchilla, slfit::QatFull;
  const std::vector<double> sizes = {1e8, 2.3e8, 5.5e8, 1.3e9, 3e9},
                            tokens = {1e9, 3e9, 1e10, 3e10, 1e11};
  const auto base_truth = slfit::preset_values<Chinchilla>("hoffmann2022");
  const auto dp_truth = slfit::preset_values<slfit::QatGroup>("chen2025-w4a4");  // k, gammas
  std::vector<double> qat_truth = {base_truth[1], base_truth[2], base_truth[0], base_truth[3],
                                   base_truth[4]};  // A, B, E, alpha, beta: qat-full's order
  qat_truth.insert(qat_truth.end(), dp_truth.begin(), dp_truth.end());
  const slfit::SimulateOptions noise1 = {
      .noise = 0.002, .kind = slfit::Noise::kMultiplicative, .seed = 1};
  const slfit::SimulateOptions noise2 = {
      .noise = 0.002, .kind = slfit::Noise::kMultiplicative, .seed = 2};
  const slfit::Table full =
      slfit::simulate<Chinchilla>({{"N", sizes}, {"D", tokens}}, base_truth, noise1);
  const slfit::Table qat = slfit::simulate<QatFull>(
      {{"N", sizes}, {"D", tokens}, {"G", {32, 64, 128, 256}}}, qat_truth, noise2);

  // Stage 1: the base law alone, on the full-precision runs.
  slfit::FitOptions o1;
  o1.space = slfit::Space::kLog;
  const slfit::FitResult base = slfit::fit<Chinchilla>(full, o1);

  // Stage 2: qat-full with A, B, E, alpha and beta fixed at stage 1's values; only delta_p's four
  // constants are free. Starts away from the truth, to show they are found.
  slfit::FitOptions o2;
  o2.space = slfit::Space::kLog;
  const auto shared = slfit::fix_shared_parameters<QatFull>(o2, base);  // A, B, E, alpha, beta
  o2.starts = slfit::StartSpec::explicit_points(
      {{{"k", 1.0}, {"gamma_N", 0.0}, {"gamma_D", 0.0}, {"gamma_G", 0.0}},
       {{"k", 0.01}, {"gamma_N", 0.5}, {"gamma_D", 0.3}, {"gamma_G", 1.5}}});
  slfit::FitResult q = slfit::fit<QatFull>(qat, o2);
  const std::vector<double> own_errors = q.standard_errors;       // treat stage 1 as exact
  slfit::add_first_stage_uncertainty<QatFull>(qat, o2, base, q);  // adds stage 1's share

  fmt::print("stage 1: {}stage 2: {} parameters fixed from stage 1\n\n", slfit::brief_report(base),
             shared.size());
  fmt::print("{:<10} {:>10} {:>10} {:>14} {:>14}\n", "parameter", "truth", "fitted", "SE (stage 2)",
             "SE (both)");
  for (std::size_t i = 0; i < q.names.size(); ++i) {
    fmt::print("{:<10} {:>10.5g} {:>10.5g} {:>14} {:>14}\n", q.names[i], qat_truth[i],
               q.parameters[i], q.fixed[i] ? "fixed" : slfit::format_value(own_errors[i], 3),
               q.fixed[i] ? "" : slfit::format_value(q.standard_errors[i], 3));
  }
  // What the fit says: a W4A4 model of 1B parameters, 100B tokens, G = 128 behaves like a
  // full-precision model with this fraction of its parameters (Frantar et al.'s multiplier).
  fmt::print(
      "\neffective-parameter multiplier at N = 1e9, D = 1e11, G = 128: {:.4f} (truth {:.4f})\n",
      slfit::qat_effective_multiplier(q.parameters, 1e9, 1e11, 128),
      slfit::qat_effective_multiplier(qat_truth, 1e9, 1e11, 128));
  return base.converged() && q.converged() ? 0 : 1;
}
