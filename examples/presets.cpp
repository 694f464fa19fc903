// Predictions from published constants: no data needed.
#include <fmt/format.h>

#include <slfit/slfit.hpp>

int main() {
  for (const char* preset : {"hoffmann2022", "hoffmann2022-tex", "epoch2024"}) {
    const auto p = slfit::preset_values<slfit::Chinchilla>(preset);
    fmt::print("{:<18} L(70B, 1.4T) = {:.6f}   L(280B, 300B) = {:.6f}\n", preset,
               slfit::evaluate_at<slfit::Chinchilla>(p, {70e9, 1.4e12}),
               slfit::evaluate_at<slfit::Chinchilla>(p, {280e9, 3e11}));
  }
}
