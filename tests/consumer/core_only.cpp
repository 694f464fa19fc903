// slfit::core needs Eigen only: evaluate a preset without Ceres or fmt.
#include <cmath>
#include <cstdio>
#include <slfit/laws/chinchilla.hpp>

int main() {
  const auto p = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
  const double loss = slfit::evaluate_at<slfit::Chinchilla>(p, {70e9, 1.4e12});
  std::printf("L(70e9, 1.4e12) = %.6f\n", loss);
  return std::abs(loss - 1.936645) < 5e-7 ? 0 : 1;
}
