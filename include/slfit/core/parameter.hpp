// Parameters of a law: what each one means, where it may lie, and how the optimizer sees it.
//
// A ParameterSpec is declared once per parameter by each law. The optimizer works on the
// *internal* value: for Transform::kLog that is log(value), which keeps positive scales such as
// Chinchilla's A, B and E positive and makes Hoffmann et al.'s grid (a = log A in {0, 5, ..., 25})
// a plain grid. Everything a user sees (results, presets, bounds, starts) is in natural units.
//
//   ParameterSpec alpha{.name = "alpha", .value = 0.34, .lower = 0.0, .upper = 5.0,
//                       .grid = {0.0, 0.5, 1.0}, .meaning = "exponent of N"};
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"

namespace slfit {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Transform {
  kIdentity,  // the optimizer sees the value itself
  kLog,       // the optimizer sees log(value); the value stays positive
};

inline std::string_view to_string(Transform t) { return t == Transform::kLog ? "log" : "identity"; }

struct ParameterSpec {
  std::string name;
  double value = 0.0;  // a typical value, used as the single default start when grid is empty
  double lower = -kInf;
  double upper = kInf;
  Transform transform = Transform::kIdentity;
  std::vector<double> grid;  // values tried by the default start grid (natural units)
  std::string meaning;       // one line for `slfit laws`
  bool linear = false;       // enters the law linearly (candidates for variable projection)
  // One value per level of this column of the table (a law file's "per"; see fit/levels.hpp),
  // written `name[column]` in a formula and reported as `name[level]`. `reference` names the
  // level held at `reference_value`; empty, every level is fitted.
  std::string per;
  std::string reference;
  double reference_value = 1.0;
};

// Natural value -> what the optimizer sees.
template <class T>
T to_internal(Transform t, const T& natural) {
  using std::log;
  return t == Transform::kLog ? log(natural) : natural;
}

// What the optimizer sees -> natural value. Templated so autodiff Jets pass through.
template <class T>
T to_natural(Transform t, const T& internal) {
  using std::exp;
  return t == Transform::kLog ? exp(internal) : internal;
}

// Position of `name` in `specs`, or a UsageError listing the valid names.
inline std::size_t parameter_index(const std::vector<ParameterSpec>& specs, std::string_view name,
                                   std::string_view law) {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == name) return i;
  std::string msg = "unknown parameter '" + std::string(name) + "' for law '" + std::string(law) +
                    "'; parameters are: ";
  for (std::size_t i = 0; i < specs.size(); ++i) msg += (i ? ", " : "") + specs[i].name;
  throw UsageError(msg);
}

}  // namespace slfit
