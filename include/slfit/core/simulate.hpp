// Grids of inputs and simulated tables.
//
// grid_table() builds the Cartesian product of named axes (the last axis varies fastest), which
// is what `--at N=... --at D=...` means in the tool. simulate() evaluates a law on such a table
// and adds seeded Gaussian noise drawn from slfit's own generator, so a seed gives the same table
// on every platform: the basis of recovery tests and of `slfit demo`.
//
//   auto t = slfit::simulate<slfit::Chinchilla>(
//       {{"N", {1e8, 1e9, 1e10}}, {"D", {1e9, 1e10, 1e11}}},
//       slfit::preset_values<slfit::Chinchilla>("hoffmann2022"), {.noise = 0.01, .seed = 7});
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

using Axes = std::vector<std::pair<std::string, std::vector<double>>>;

inline Table grid_table(const Axes& axes, std::string source = "<grid>") {
  Table t(std::move(source));
  std::size_t total = axes.empty() ? 0 : 1;
  for (const auto& [name, values] : axes) {
    if (values.empty()) throw UsageError("grid axis '" + name + "' has no values");
    total *= values.size();
    if (total > 100'000'000) throw UsageError("the grid has more than 1e8 points");
  }
  std::size_t repeat = total;  // how many rows one value of the current axis spans
  for (const auto& [name, values] : axes) {
    repeat /= values.size();
    Array col(static_cast<Eigen::Index>(total));
    for (std::size_t r = 0; r < total; ++r)
      col(static_cast<Eigen::Index>(r)) = values[(r / repeat) % values.size()];
    t.add_column(name, std::move(col));
  }
  return t;
}

enum class Noise {
  kAdditive,        // y + sigma z
  kMultiplicative,  // y exp(sigma z): relative noise, keeps y positive
};

struct SimulateOptions {
  double noise = 0.0;  // sigma
  Noise kind = Noise::kAdditive;
  std::uint64_t seed = 0;
  std::string target = "loss";  // name of the simulated column
};

// Adds seeded noise to values in place. Noise that would make a positive value non-positive, or
// any value infinite, is refused (UsageError): simulated losses stay meaningful.
inline void add_noise(Array& y, const SimulateOptions& opt) {
  if (!(opt.noise >= 0.0) || !std::isfinite(opt.noise)) {
    throw UsageError("noise sigma must be finite and nonnegative");
  }
  detail::Rng rng(opt.seed);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const double z = rng.normal();
    const double clean = y(i);
    y(i) = opt.kind == Noise::kAdditive ? clean + opt.noise * z : clean * std::exp(opt.noise * z);
    // A loss made non-positive or infinite by the noise means nothing: refuse it rather than
    // hand out a table no law could have produced.
    if (!std::isfinite(y(i)) || (clean > 0.0 && !(y(i) > 0.0))) {
      throw UsageError("noise sigma " + detail::format_g(opt.noise) + " makes the simulated " +
                       "value at row " + std::to_string(i + 1) + " " +
                       (std::isfinite(y(i)) ? "non-positive" : "infinite") + " (" +
                       detail::format_g(clean) + " before noise): use a smaller sigma" +
                       (opt.kind == Noise::kAdditive ? " or multiplicative noise" : ""));
    }
  }
}

// The law evaluated on `inputs` (a table holding the law's input columns) plus noise.
template <Law L>
Table simulate(Table inputs, const std::vector<double>& params, const SimulateOptions& opt = {}) {
  Array y = evaluate<L>(inputs, params);
  if (!y.allFinite())
    throw DataError("law '" + std::string(L::kName) + "' is not finite on the grid");
  add_noise(y, opt);
  inputs.set_column(opt.target, std::move(y));
  return inputs;
}

template <Law L>
Table simulate(const Axes& axes, const std::vector<double>& params,
               const SimulateOptions& opt = {}) {
  // Appended rather than concatenated: GCC 12 warns falsely (-Warray-bounds) on the inlined
  // operator+ of a literal and a short string here.
  std::string label = "<simulated ";
  label.append(L::kName).append(">");
  return simulate<L>(grid_table(axes, label), params, opt);
}

}  // namespace slfit
