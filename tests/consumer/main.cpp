// Fits Chinchilla to a small simulated table through the installed package.
#include <cmath>
#include <cstdio>
#include <slfit/slfit.hpp>

int main() {
  const auto truth = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
  const auto table = slfit::simulate<slfit::Chinchilla>(
      {{"N", {1e8, 3e8, 1e9, 3e9, 1e10}}, {"D", {1e9, 1e10, 1e11, 1e12}}}, truth);
  slfit::FitOptions options;
  options.space = slfit::Space::kLog;
  const slfit::FitResult r = slfit::fit<slfit::Chinchilla>(table, options);
  std::printf("%s", slfit::brief_report(r).c_str());
  const bool ok = r.converged() && std::abs(r.value("alpha") - 0.34) < 1e-6;
  return ok ? 0 : 1;
}
