// Coverage: over many simulated experiments with known parameters, 95% intervals must contain the
// truth about 95% of the time, and 95% prediction intervals must contain a fresh observation
// about 95% of the time. Asserted within 3 binomial standard deviations of 0.95.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "slfit/core/simulate.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/intervals.hpp"
#include "slfit/uncertainty/prediction.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

namespace {

// A cheap three-parameter law, L = E + A x^-alpha, so that hundreds of fits take seconds.
struct PowerLaw {
  static constexpr std::string_view kName = "test-power";
  static constexpr std::string_view kDescription = "L = E + A x^-alpha";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParameters = 3;
  static std::array<slfit::InputSpec, 1> inputs() { return {{{"x", "size", true}}}; }
  static std::vector<slfit::ParameterSpec> parameters() {
    return {{.name = "E", .value = 1.7, .lower = 0, .transform = slfit::Transform::kLog},
            {.name = "A", .value = 10, .lower = 0, .transform = slfit::Transform::kLog},
            {.name = "alpha", .value = 0.3, .lower = 0, .upper = 3}};
  }
  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[0] + p[1] * exp(-p[2] * x.log(0));
  }
};
static_assert(slfit::Law<PowerLaw>);

const std::vector<double> kTruth = {1.7, 10.0, 0.3};
const double kNoise = 0.01;  // multiplicative: Gaussian with this SD in log L

std::vector<double> logspace(double lo, double hi, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(lo * std::pow(hi / lo, i / double(n - 1)));
  return out;
}

// `rows` rows, x from 10 to 1e5 (the power term falls from 5 to 0.3 against E = 1.7).
slfit::Table experiment(std::uint64_t seed, int rows = 25) {
  return slfit::simulate<PowerLaw>(
      {{"x", logspace(10, 1e5, rows)}}, kTruth,
      {.noise = kNoise, .kind = slfit::Noise::kMultiplicative, .seed = seed});
}

slfit::FitOptions options() {
  slfit::FitOptions o;
  o.space = slfit::Space::kLog;
  o.threads = 1;
  o.starts = slfit::StartSpec::explicit_points({{{"E", 1.7}, {"A", 10}, {"alpha", 0.3}}});
  return o;
}

// |coverage - p| within 3 binomial SDs of n experiments.
void check_coverage(const std::string& what, int hits, int n, double p = 0.95) {
  const double rate = static_cast<double>(hits) / n;
  const double tol = 3.0 * std::sqrt(p * (1 - p) / n);
  INFO(what << ": " << hits << " of " << n << " = " << rate << ", expected " << p << " +- " << tol);
  CHECK(std::abs(rate - p) <= tol);
}

// A fresh observation at x, in the simulation's noise model.
double fresh(double x, slfit::detail::Rng& rng) {
  return slfit::evaluate_at<PowerLaw>(kTruth, {x}) * std::exp(kNoise * rng.normal());
}

}  // namespace

TEST_CASE("coverage: covariance and delta-method prediction intervals, 1000 experiments",
          "[uncertainty][coverage]") {
  const int n = 1000;
  std::array<int, 3> hits{};
  int predicted = 0, extrapolated = 0;
  slfit::detail::Rng rng(2024);
  const slfit::Table at = slfit::grid_table({{"x", {300.0, 1e6}}});
  for (int s = 0; s < n; ++s) {
    const slfit::FitResult r = slfit::fit<PowerLaw>(experiment(1000 + s), options());
    REQUIRE(r.converged());
    REQUIRE(r.covariance_ok);
    const auto ci = slfit::covariance_intervals(r, 0.95);
    for (std::size_t i = 0; i < 3; ++i) hits[i] += ci[i].contains(kTruth[i]) ? 1 : 0;
    const auto p = slfit::predict_intervals<PowerLaw>(at, options(), r, nullptr,
                                                      {.method = slfit::PredictionMethod::kDelta});
    predicted += p.points[0].interval.contains(fresh(300.0, rng)) ? 1 : 0;
    extrapolated += p.points[1].interval.contains(fresh(1e6, rng)) ? 1 : 0;
  }
  check_coverage("E", hits[0], n);
  check_coverage("A", hits[1], n);
  check_coverage("alpha", hits[2], n);
  check_coverage("prediction at x = 300", predicted, n);
  check_coverage("prediction at x = 1e6 (extrapolated)", extrapolated, n);
}

// Bootstrap intervals at 25 rows and 3 parameters. Two kinds: estimate +- z (bootstrap SE), which
// covers as it should (measured 0.94-0.95 over 500 experiments), and the percentile interval,
// which falls a little short in samples this small (measured 0.92-0.93 over the same 500: the
// sampling distribution is skewed and the percentile method only partly corrects for it). The
// percentile check therefore allows that documented 3% shortfall on top of the binomial tolerance.
TEST_CASE("coverage: bootstrap intervals and prediction intervals, 200 experiments",
          "[uncertainty][coverage][bootstrap]") {
  const int n = 200;
  std::array<int, 3> hits{}, normal_hits{};
  int predicted = 0;
  slfit::detail::Rng rng(77);
  const slfit::Table at = slfit::grid_table({{"x", {300.0}}});
  const double z = slfit::normal_quantile(0.975);
  for (int s = 0; s < n; ++s) {
    const slfit::Table t = experiment(5000 + s);
    slfit::BootstrapOptions b;
    b.resamples = 200;
    b.seed = static_cast<std::uint64_t>(s);
    b.threads = 2;
    const slfit::BootstrapResult r = slfit::bootstrap<PowerLaw>(t, options(), b);
    REQUIRE(r.failed == 0);
    for (std::size_t i = 0; i < 3; ++i) {
      const auto& e = r.parameters[i];
      hits[i] += e.percentile.contains(kTruth[i]) ? 1 : 0;
      normal_hits[i] += std::abs(e.estimate - kTruth[i]) <= z * e.standard_error ? 1 : 0;
    }
    const auto p = slfit::predict_intervals<PowerLaw>(at, options(), r.best, &r,
                                                      {.seed = static_cast<std::uint64_t>(s)});
    predicted += p.points[0].interval.contains(fresh(300.0, rng)) ? 1 : 0;
  }
  const char* names[] = {"E", "A", "alpha"};
  for (std::size_t i = 0; i < 3; ++i) {
    check_coverage(std::string(names[i]) + " (estimate +- z bootstrap SE)", normal_hits[i], n);
    const double rate = static_cast<double>(hits[i]) / n;
    const double tol = 3.0 * std::sqrt(0.95 * 0.05 / n);
    INFO(names[i] << " (percentile): " << hits[i] << " of " << n << " = " << rate);
    CHECK(rate >= 0.95 - 0.03 - tol);
    CHECK(rate <= 0.95 + tol);
  }
  check_coverage("bootstrap prediction at x = 300", predicted, n);
}
