// A law of your own in about twenty lines: L(C) = L_inf + A * C^-alpha, fitted to simulated data.
//   example_custom_law        (no arguments; see docs/extending.md)
#include <iostream>
#include <slfit/slfit.hpp>

struct ComputeLaw {
  static constexpr std::string_view kName = "compute-power";
  static constexpr std::string_view kDescription = "L = L_inf + A C^-alpha";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParameters = 3;
  static std::array<slfit::InputSpec, 1> inputs() { return {{{"C", "training FLOPs", true}}}; }
  static std::vector<slfit::ParameterSpec> parameters() {
    using slfit::Transform;
    return {{.name = "L_inf", .value = 1.5, .lower = 0, .transform = Transform::kLog},
            {.name = "A",
             .value = 1e3,
             .lower = 0,
             .transform = Transform::kLog,
             .grid = {1e1, 1e3, 1e5}},
            {.name = "alpha", .value = 0.1, .lower = 0, .upper = 2, .grid = {0.05, 0.1, 0.3}}};
  }
  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[0] + p[1] * exp(-p[2] * x.log(0));  // L_inf + A C^-alpha
  }
};
static_assert(slfit::Law<ComputeLaw>);

int main() {
  const std::vector<double> truth = {1.8, 2e3, 0.15};
  const auto table = slfit::simulate<ComputeLaw>({{"C", {1e18, 1e19, 1e20, 1e21, 1e22, 1e23}}},
                                                 truth, {.noise = 0.002, .seed = 1});
  slfit::FitOptions options;
  options.space = slfit::Space::kLog;
  const slfit::FitResult fit = slfit::fit<ComputeLaw>(table, options);
  std::cout << slfit::full_report(fit);
  return fit.converged() ? 0 : 1;
}
