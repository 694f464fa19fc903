// Checks shared by the law tests: the autodiff gradient of a law's formula (or of its log form),
// in the internal units of a parameterization, against central differences.
//
// Include order matters: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's,
// so this header includes the Ceres and slfit headers first and Catch last. A test file that
// includes this header must likewise include any Ceres/slfit header before Catch.
#pragma once

#include <ceres/jet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/parameter.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

namespace slfit::testing {

// One transform per parameter of law L.
template <Law L>
using Transforms = std::array<Transform, L::kNumParameters>;

// Every parameter in natural units.
template <Law L>
Transforms<L> identity_transforms() {
  Transforms<L> out;
  out.fill(Transform::kIdentity);
  return out;
}

// The transforms the law declares in parameters().
template <Law L>
Transforms<L> declared_transforms() {
  Transforms<L> out;
  const auto specs = L::parameters();
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = specs[i].transform;
  return out;
}

// The law's value (or its log_formula when log_form is set) at internal parameters u under the
// given transforms; T is double or a Jet.
template <Law L, class T>
T law_value(bool log_form, const Transforms<L>& transforms, const T* u,
            const RowView<L::kNumInputs>& row) {
  std::array<T, L::kNumParameters> p;
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = to_natural(transforms[i], u[i]);
  if constexpr (HasLogFormula<L>) {
    if (log_form) return T(L::log_formula(p.data(), row));
  }
  return T(L::formula(p.data(), row));
}

// Compares the autodiff gradient of the law's formula (log_form false) or log_formula (log_form
// true) with central differences, in the internal units of the given transforms, at the natural
// parameter values `natural` and the inputs `row`.
template <Law L>
void check_gradient(bool log_form, const Transforms<L>& transforms,
                    const std::vector<double>& natural, const RowView<L::kNumInputs>& row) {
  constexpr int K = L::kNumParameters;
  using Jet = ceres::Jet<double, K>;
  if constexpr (!HasLogFormula<L>) {
    // Asking for a log form the law lacks would silently test the formula instead.
    if (log_form) FAIL(L::kName << " has no log_formula");
  }
  std::array<double, K> u{};
  std::array<Jet, K> uj;
  for (int i = 0; i < K; ++i) {
    const auto s = static_cast<std::size_t>(i);
    u[s] = to_internal(transforms[s], natural[s]);
    uj[s] = Jet(u[s], i);
  }
  const Jet f = law_value<L>(log_form, transforms, uj.data(), row);
  const double f0 = law_value<L>(log_form, transforms, u.data(), row);
  REQUIRE((std::isfinite(f0) && std::isfinite(f.a)));
  CHECK(f.a == Approx(f0).epsilon(1e-15));
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  const auto specs = L::parameters();
  for (int i = 0; i < K; ++i) {
    const auto s = static_cast<std::size_t>(i);
    const double h = 1e-5 * std::max(std::abs(u[s]), 1e-2);
    auto up = u, down = u;
    up[s] += h;
    down[s] -= h;
    const double fd = (law_value<L>(log_form, transforms, up.data(), row) -
                       law_value<L>(log_form, transforms, down.data(), row)) /
                      (up[s] - down[s]);
    const double ad = f.v(i);
    // Relative 1e-6 on the derivative, with a floor for rounding in the difference quotient.
    const double tol = 1e-6 * std::abs(ad) + 64.0 * kEps * std::abs(f0) / h;
    INFO("parameter " << i << " (" << specs[s].name << "): autodiff " << ad
                      << ", central difference " << fd << ", tolerance " << tol);
    CHECK(std::abs(ad - fd) <= tol);
  }
  // A derivative that is identically zero would pass the comparison above trivially.
  double norm = 0.0;
  for (int i = 0; i < K; ++i) norm += std::abs(f.v(i));
  CHECK(norm > 0.0);
}

}  // namespace slfit::testing
