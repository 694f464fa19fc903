// Predictions from published constants (presets): no data needed.
//   example_presets
// Each law ships its papers' constants as named presets (`slfit laws` lists them with their
// sources); preset_values<Law>(name) returns them in the law's parameter order.
#include <fmt/format.h>

#include <slfit/slfit.hpp>

int main() {
  using namespace slfit;
  // Chinchilla: the loss of two famous models, and the compute-optimal split of Chinchilla's
  // budget.
  for (const char* preset : {"hoffmann2022", "hoffmann2022-tex", "epoch2024"}) {
    const auto p = preset_values<Chinchilla>(preset);
    const Allocation a = chinchilla_allocation(p, 5.76e23);
    fmt::print(
        "{:<17} L(70B, 1.4T) = {:.6f}  L(280B, 300B) = {:.6f}  at 5.76e23 FLOPs: N = {:.4g}, "
        "D = {:.4g}\n",
        preset, evaluate_at<Chinchilla>(p, {70e9, 1.4e12}),
        evaluate_at<Chinchilla>(p, {280e9, 3e11}), a.N, a.D);
  }
  // Ouyang et al.: the loss added by 4-bit quantization after 100T training tokens.
  const auto qid = preset_values<Qid>("ouyang2024");
  for (double n : {7e9, 70e9, 405e9})
    fmt::print("QiD of a {:g}B model at 4 bits after 1e14 tokens: {:.3f} nats\n", n / 1e9,
               evaluate_at<Qid>(qid, {n, 1e14, 4}));
  // Kumar et al.: tokens past which more pretraining hurts a model quantized to 4 bits afterwards.
  const auto ptq = preset_values<KumarPtq>("kumar2024");
  const auto qat = preset_values<KumarQat>("kumar2024");
  fmt::print("D_crit of a 1B model quantized to 4 bits: {:.4g} tokens\n",
             kumar_dcrit(ptq, qat, 1e9, 4));
  fmt::print("training precision that maximizes effective parameters per bit: {:.4f} bits\n",
             kumar_optimal_precision_joint(qat).P);
  // Sun et al.: the best exponent/mantissa split of an 8-bit float for training.
  fmt::print("best 8-bit training format: {}\n",
             to_string(capybara_best_format(preset_values<Capybara>("sun2025"), 8)));
}
