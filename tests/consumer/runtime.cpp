// Fits Chinchilla through the installed compiled catalogue (slfit::runtime): no fitter is
// compiled here, so this file builds in seconds.
#include <cmath>
#include <cstdio>
#include <slfit/core/simulate.hpp>
#include <slfit/fit/report.hpp>
#include <slfit/runtime/catalogue.hpp>

int main() {
  const slfit::LawEntry& law = slfit::find_law("chinchilla");
  const auto truth = law.preset("hoffmann2022");
  slfit::Table table =
      slfit::grid_table({{"N", {1e8, 3e8, 1e9, 3e9, 1e10}}, {"D", {1e9, 1e10, 1e11, 1e12}}});
  table.add_column("loss", law.evaluate(table, truth, {}));
  const slfit::FitResult r = law.fit(table, slfit::FitOptions{});
  std::printf("%s", slfit::brief_report(r).c_str());
  const bool ok = r.converged() && std::abs(r.value("alpha") - 0.34) < 1e-6;
  return ok ? 0 : 1;
}
