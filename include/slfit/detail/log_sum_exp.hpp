// log of a sum of positive terms given their logs, for laws evaluated in log space.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

namespace slfit::detail {

// Exact where one term dwarfs the others (as at the corners of a start grid), unlike
// log(sum of exps), which overflows or loses the small terms. Works for doubles and ceres::Jet.
template <class T, std::size_t M>
T log_sum_exp(const std::array<T, M>& t) {
  using std::exp;
  using std::log;
  T m = t[0];
  for (std::size_t i = 1; i < M; ++i)
    if (t[i] > m) m = t[i];
  T s = exp(t[0] - m);
  for (std::size_t i = 1; i < M; ++i) s += exp(t[i] - m);
  return m + log(s);
}

}  // namespace slfit::detail
