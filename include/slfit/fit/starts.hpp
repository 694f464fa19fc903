// The list of starting points a fit runs from.
//
// Grids are Cartesian products, enumerated with the last parameter varying fastest, so start k is
// the same point whatever the machine. Random starts are drawn uniformly in internal units (so a
// log-transformed scale is drawn log-uniformly) over the box spanned by the default grid, clipped
// to the bounds, from slfit's own generator: the same seed gives the same starts everywhere.
// Fixed parameters take their fixed value in every start.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "slfit/detail/random.hpp"
#include "slfit/fit/problem.hpp"

namespace slfit {

inline constexpr std::size_t kMaxStarts = 10'000'000;

template <Law L>
std::vector<std::vector<double>> make_starts(const FitProblem<L>& problem, const FitOptions& opt) {
  const auto& specs = problem.specs;
  const std::string law = law_name(problem.law);
  const std::size_t k = specs.size();

  // Per-parameter candidate values: the spec grid (or its single typical value), replaced by a
  // named grid's values where it lists the parameter.
  std::vector<std::vector<double>> axes(k);
  for (std::size_t i = 0; i < k; ++i) {
    axes[i] = specs[i].grid.empty() ? std::vector<double>{specs[i].value} : specs[i].grid;
  }
  if (opt.starts.kind == StartSpec::Kind::kGrid) {
    const auto grids = law_start_grids(problem.law);
    auto it = std::find_if(grids.begin(), grids.end(),
                           [&](const StartGrid& g) { return g.name == opt.starts.grid_name; });
    if (it == grids.end()) {
      std::string msg = "unknown start grid '" + opt.starts.grid_name + "' for law '" + law +
                        "'; use default, random:K";
      for (const auto& g : grids) msg += ", " + g.name;
      throw UsageError(msg);
    }
    for (const auto& [name, values] : it->values) axes[parameter_index(specs, name, law)] = values;
  }
  // Grid values outside the (possibly user-narrowed) bounds are dropped; an axis left empty
  // falls back to its bound nearest the typical value. Explicit starts are not adjusted: a point
  // the user wrote outside the bounds is an error.
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<double> inside;
    for (double v : axes[i])
      if (v >= specs[i].lower && v <= specs[i].upper) inside.push_back(v);
    if (inside.empty())
      inside.push_back(std::clamp(specs[i].value, specs[i].lower, specs[i].upper));
    axes[i] = std::move(inside);
    if (problem.is_fixed[i]) axes[i] = {problem.fixed_values[i]};
  }

  std::vector<std::vector<double>> starts;
  switch (opt.starts.kind) {
    case StartSpec::Kind::kDefault:
    case StartSpec::Kind::kGrid: {
      std::size_t total = 1;
      for (const auto& a : axes) {
        total *= a.size();
        if (total > kMaxStarts) throw UsageError("the start grid has more than 1e7 points");
      }
      starts.reserve(total);
      std::vector<std::size_t> idx(k, 0);
      for (std::size_t n = 0; n < total; ++n) {
        std::vector<double> p(k);
        for (std::size_t i = 0; i < k; ++i) p[i] = axes[i][idx[i]];
        starts.push_back(std::move(p));
        for (std::size_t i = k; i-- > 0;) {
          if (++idx[i] < axes[i].size()) break;
          idx[i] = 0;
        }
      }
      break;
    }
    case StartSpec::Kind::kRandom: {
      if (opt.starts.count < 1) throw UsageError("random starts need a count of at least 1");
      detail::Rng rng(opt.seed);
      for (int n = 0; n < opt.starts.count; ++n) {
        std::vector<double> p(k);
        for (std::size_t i = 0; i < k; ++i) {
          const Transform t = specs[i].transform;
          double lo = to_internal(t, *std::min_element(axes[i].begin(), axes[i].end()));
          double hi = to_internal(t, *std::max_element(axes[i].begin(), axes[i].end()));
          lo = std::max(lo, problem.lower_internal[i]);
          hi = std::min(hi, problem.upper_internal[i]);
          if (!(lo <= hi)) lo = hi = to_internal(t, specs[i].value);
          const double u = rng.uniform(lo, hi);  // drawn for fixed ones too: keeps streams aligned
          p[i] = problem.is_fixed[i] ? problem.fixed_values[i] : to_natural(t, u);
        }
        starts.push_back(std::move(p));
      }
      break;
    }
    case StartSpec::Kind::kExplicit: {
      if (opt.starts.points.empty()) throw UsageError("explicit starts: the list is empty");
      for (const auto& point : opt.starts.points) {
        std::vector<double> p(k);
        for (std::size_t i = 0; i < k; ++i) p[i] = specs[i].value;
        for (const auto& [name, v] : point) p[parameter_index(specs, name, law)] = v;
        for (std::size_t i = 0; i < k; ++i)
          if (problem.is_fixed[i]) p[i] = problem.fixed_values[i];
        starts.push_back(std::move(p));
      }
      break;
    }
  }

  for (std::size_t n = 0; n < starts.size(); ++n) {
    for (std::size_t i = 0; i < k; ++i) {
      // A grid value of 0 for a log-transformed scale would be log(0): refuse it clearly.
      FitProblem<L>::check_value(specs[i], starts[n][i],
                                 "start " + std::to_string(n + 1) + " value");
    }
  }
  return starts;
}

}  // namespace slfit
