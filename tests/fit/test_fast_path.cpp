// The fast path of a fit: the vectorized residual model and its hand-written Jacobian, the dense
// Levenberg-Marquardt solver, variable projection and the screening of large start grids.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "slfit/core/simulate.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/fit/projection.hpp"
#include "slfit/fit/residual_model.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/qid.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "support/epoch_data.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using slfit::Chinchilla;
using slfit::FitOptions;
using slfit::FitResult;
using slfit::Table;

namespace {

// Chinchilla without its hand-written Jacobian: differentiated row by row with ceres::Jet.
struct ChinchillaByJets {
  static constexpr std::string_view kName = "chinchilla-jets";
  static constexpr std::string_view kDescription = "Chinchilla through autodiff";
  static constexpr int kNumInputs = 2;
  static constexpr int kNumParameters = 5;
  static auto inputs() { return Chinchilla::inputs(); }
  static auto parameters() { return Chinchilla::parameters(); }
  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    return Chinchilla::formula(p, x);
  }
  template <class T, class X>
  static T log_formula(const T* p, const X& x) {
    return Chinchilla::log_formula(p, x);
  }
};
static_assert(slfit::Law<ChinchillaByJets>);
static_assert(!slfit::HasHandJacobian<ChinchillaByJets>);
static_assert(slfit::HasHandJacobian<Chinchilla>);

const std::vector<double> kEpoch = {1.81686, 482.00572, 2085.43420, 0.34781, 0.36585};

Table simulated(double noise, std::uint64_t seed) {
  slfit::SimulateOptions so;
  so.noise = noise;
  so.kind = slfit::Noise::kMultiplicative;
  so.seed = seed;
  return slfit::simulate<Chinchilla>(
      {{"N", {7e7, 2e8, 6e8, 1.6e9, 4e9, 1.6e10}}, {"D", {5e9, 2e10, 6e10, 2e11, 5e11}}}, kEpoch,
      so);
}

FitOptions huber_log() {
  FitOptions o;
  o.objective = slfit::Objective::kHuber;
  o.delta = 1e-3;
  o.space = slfit::Space::kLog;
  return o;
}

}  // namespace

TEST_CASE("residual model: the hand Jacobian equals autodiff in both spaces", "[fit][fast]") {
  const Table t = simulated(0.01, 3);
  // The last point puts the scales at Hoffmann et al.'s grid corners, where the log-sum-exp form
  // takes over from the direct one (N^-alpha underflows).
  const std::vector<std::vector<double>> points = {
      {std::log(1.8), std::log(480.0), std::log(2100.0), 0.35, 0.37},
      {std::log(0.4), std::log(3.0), std::log(9e4), 1.5, 0.1},
      {1.0, 25.0, 0.0, 2.0, 45.0}};
  for (const auto space : {slfit::Space::kLinear, slfit::Space::kLog}) {
    FitOptions o;
    o.space = space;
    const slfit::FitProblem<Chinchilla> hand_problem(t, o);
    const slfit::FitProblem<ChinchillaByJets> jet_problem(t, o);
    const slfit::ResidualModel<Chinchilla> hand(hand_problem);
    const slfit::ResidualModel<ChinchillaByJets> jets(jet_problem);
    for (const auto& x : points) {
      Eigen::VectorXd r1, r2, r3;
      Eigen::MatrixXd j1, j2;
      slfit::ResidualModel<Chinchilla>::Scratch s1;
      slfit::ResidualModel<ChinchillaByJets>::Scratch s2;
      const bool ok1 = hand.residuals_and_jacobian(x.data(), r1, j1, s1);
      const bool ok2 = jets.residuals_and_jacobian(x.data(), r2, j2, s2);
      INFO("space " << slfit::to_string(space) << ", point " << x[0] << " " << x[3]);
      REQUIRE(ok1 == ok2);
      if (!ok1) continue;
      REQUIRE(hand.residuals(x.data(), r3));
      for (Eigen::Index i = 0; i < r1.size(); ++i) {
        CHECK(std::abs(r1(i) - r2(i)) <= 1e-12 * (1.0 + std::abs(r2(i))));
        CHECK(r3(i) == r1(i));
        for (Eigen::Index j = 0; j < 5; ++j)
          CHECK(std::abs(j1(i, j) - j2(i, j)) <= 1e-10 * (1.0 + std::abs(j2(i, j))));
      }
    }
  }
}

TEST_CASE("dense solver: same optimum as Ceres for every objective", "[fit][fast]") {
  const Table t = simulated(0.02, 11);
  for (const auto objective :
       {slfit::Objective::kSquared, slfit::Objective::kHuber, slfit::Objective::kAbsolute}) {
    FitOptions o = huber_log();
    o.objective = objective;
    o.delta = 1e-2;
    o.starts = slfit::StartSpec::explicit_points(
        {{{"E", 2.5}, {"A", 100.0}, {"B", 500.0}, {"alpha", 0.2}, {"beta", 0.5}}});
    o.polish = 0;
    o.solver = slfit::Solver::kDense;
    const FitResult dense = slfit::fit<Chinchilla>(t, o);
    o.solver = slfit::Solver::kCeres;
    const FitResult ceres = slfit::fit<Chinchilla>(t, o);
    INFO("objective " << slfit::to_string(objective) << ": dense " << dense.objective_value << " ("
                      << dense.message << "), ceres " << ceres.objective_value << " ("
                      << ceres.message << ")");
    if (objective == slfit::Objective::kAbsolute) {
      // Not smooth: both reach it by continuation and may stop short; the dense solver must do
      // at least as well as Ceres.
      REQUIRE(dense.status != slfit::FitStatus::kFailed);
      CHECK(dense.objective_value <= ceres.objective_value * (1 + 1e-6));
      continue;
    }
    REQUIRE(dense.status == slfit::FitStatus::kConverged);
    REQUIRE(ceres.status == slfit::FitStatus::kConverged);
    CHECK(std::abs(dense.objective_value - ceres.objective_value) <= 1e-7 * ceres.objective_value);
    // The optimum is flat along E-B on this small table (its covariance is singular), so the
    // two stopping rules may end at different points of the valley; the fitted losses agree.
    double worst = 0.0;
    for (std::size_t i = 0; i < dense.residuals.size(); ++i)
      worst = std::max(worst, std::abs(dense.residuals[i] - ceres.residuals[i]));
    CHECK(worst <= 1e-4);
    CHECK(std::abs(dense.value("alpha") - ceres.value("alpha")) <= 1e-2 * ceres.value("alpha"));
  }
}

TEST_CASE("dense solver: bounds and fixed parameters", "[fit][fast]") {
  const Table t = simulated(0.01, 5);
  FitOptions o = huber_log();
  o.solver = slfit::Solver::kDense;
  o.polish = 0;
  o.fixed["E"] = 1.9;
  o.bounds["alpha"] = {0.0, 0.3};  // the truth (0.348) lies above: alpha must end on its bound
  const FitResult r = slfit::fit<Chinchilla>(t, o);
  REQUIRE(r.status != slfit::FitStatus::kFailed);
  CHECK(r.value("E") == 1.9);
  CHECK(r.value("alpha") <= 0.3);
  CHECK(r.at_upper[Chinchilla::kAlpha]);
  CHECK_FALSE(r.at_upper[Chinchilla::kBeta]);
}

TEST_CASE("projection: exact linear parameters for squared linear fits", "[fit][fast]") {
  const Table t = simulated(0.0, 1);
  FitOptions o;
  o.space = slfit::Space::kLinear;
  const slfit::FitProblem<Chinchilla> problem(t, o);
  const slfit::ResidualModel<Chinchilla> model(problem);
  const slfit::LinearProjection<Chinchilla> projection(model);
  REQUIRE(projection.available());
  CHECK(projection.linear() == std::vector<int>{Chinchilla::kE, Chinchilla::kA, Chinchilla::kB});
  // At the true exponents, any scales project onto the true ones (noise-free data).
  std::vector<double> p = {5.0, 1.0, 1e5, kEpoch[3], kEpoch[4]};
  REQUIRE(projection.project(p));
  for (std::size_t i = 0; i < 3; ++i) CHECK(std::abs(p[i] - kEpoch[i]) <= 1e-7 * kEpoch[i]);
  CHECK(p[3] == kEpoch[3]);
  CHECK(p[4] == kEpoch[4]);
}

TEST_CASE("projection: the linear parameters' gradient vanishes, bounds are kept", "[fit][fast]") {
  const Table t = simulated(0.02, 9);
  FitOptions o;
  o.space = slfit::Space::kLinear;
  o.objective = slfit::Objective::kSquared;
  const slfit::FitProblem<Chinchilla> problem(t, o);
  const slfit::ResidualModel<Chinchilla> model(problem);
  const slfit::LinearProjection<Chinchilla> projection(model);
  std::vector<double> p = {1.0, 1.0, 1.0, 0.3, 0.4};
  REQUIRE(projection.project(p));
  std::vector<double> x(5);
  for (std::size_t i = 0; i < 5; ++i) x[i] = slfit::to_internal(problem.specs[i].transform, p[i]);
  Eigen::VectorXd r;
  Eigen::MatrixXd jac;
  slfit::ResidualModel<Chinchilla>::Scratch s;
  REQUIRE(model.residuals_and_jacobian(x.data(), r, jac, s));
  const Eigen::VectorXd g = jac.transpose() * r;
  for (int j : {Chinchilla::kE, Chinchilla::kA, Chinchilla::kB})
    CHECK(std::abs(g(j)) <= 1e-9 * r.norm() * jac.col(j).norm());

  // Exponents far too small: the best E would be negative, so it lands on its bound (0, kept
  // just above it since E is fitted as a log).
  std::vector<double> q = {1.0, 1.0, 1.0, 0.01, 0.01};
  REQUIRE(projection.project(q));
  CHECK(q[Chinchilla::kE] > 0.0);
  CHECK(q[Chinchilla::kE] < 1e-6);
}

TEST_CASE("screening: Hoffmann's grid cut to a few starts finds the same optimum", "[fit][fast]") {
  const Table t = simulated(0.01, 21);
  FitOptions o = huber_log();
  o.starts = slfit::StartSpec::grid("hoffmann");
  const FitResult screened = slfit::fit<Chinchilla>(t, o);
  CHECK(screened.starts_tried == 4500);
  CHECK(screened.starts_solved == o.screen_keep);
  CHECK(screened.starts_projected == 25);  // 5 x 5 distinct (alpha, beta)
  o.screening = slfit::Screening::kObjective;
  const FitResult ranked = slfit::fit<Chinchilla>(t, o);
  CHECK(ranked.starts_projected == 0);
  // Solving every start from a coarse subgrid (every 8th start) reaches the same optimum.
  o.screening = slfit::Screening::kOff;
  const slfit::FitProblem<Chinchilla> problem(t, o);
  const auto all = slfit::make_starts(problem, o);
  std::vector<std::vector<double>> some;
  for (std::size_t i = 0; i < all.size(); i += 8) some.push_back(all[i]);
  const FitResult every = slfit::fit_from_starts(problem, some, o);
  CHECK(every.starts_solved == static_cast<int>(some.size()));
  INFO("screened " << screened.objective_value << ", ranked " << ranked.objective_value
                   << ", every start " << every.objective_value);
  CHECK(screened.objective_value <= every.objective_value * (1 + 1e-9));
  CHECK(ranked.objective_value <= every.objective_value * (1 + 1e-9));
  for (const auto& name : {"E", "A", "B", "alpha", "beta"})
    CHECK(std::abs(screened.value(name) - every.value(name)) <= 1e-4 * std::abs(every.value(name)));
}

TEST_CASE("screening: results do not depend on the number of threads", "[fit][fast]") {
  const Table t = simulated(0.01, 4);
  FitOptions o = huber_log();
  o.starts = slfit::StartSpec::random(3000);
  o.seed = 17;
  o.threads = 1;
  const FitResult one = slfit::fit<Chinchilla>(t, o);
  o.threads = 2;
  const FitResult two = slfit::fit<Chinchilla>(t, o);
  CHECK(one.best_start == two.best_start);
  CHECK(one.parameters == two.parameters);
  CHECK(one.objective_value == two.objective_value);
}

TEST_CASE("screening: a law whose linear scale enters a power law (qid's k)", "[fit][fast]") {
  // QiD = k N^alpha D^beta / P^gamma (signs as in the law): k is linear, the rest are not.
  const auto params = slfit::preset_values<slfit::Qid>("ouyang2024");
  slfit::SimulateOptions so;
  so.noise = 0.02;
  so.kind = slfit::Noise::kMultiplicative;
  so.seed = 8;
  so.target = "qid";
  const Table t = slfit::simulate<slfit::Qid>({{"N", {1.6e8, 4e8, 1e9, 2.8e9, 6.9e9, 1.2e10}},
                                               {"D", {2e10, 1e11, 3e11}},
                                               {"P", {2.0, 3.0, 4.0}}},
                                              params, so);
  FitOptions o;
  o.space = slfit::Space::kLog;
  o.target = "qid";
  o.starts = slfit::StartSpec::random(500);
  o.seed = 3;
  const FitResult r = slfit::fit<slfit::Qid>(t, o);
  REQUIRE(r.converged());
  CHECK(r.starts_solved == o.screen_keep);
  CHECK(r.starts_projected > 0);
  o.screening = slfit::Screening::kOff;
  const FitResult every = slfit::fit<slfit::Qid>(t, o);
  CHECK(std::abs(r.objective_value - every.objective_value) <= 1e-9 * every.objective_value);
}

TEST_CASE("real data: Hoffmann's procedure with and without screening", "[fit][fast][real-data]") {
  if (!slfit::testing::have_epoch_data()) {
    WARN("skipped: " << slfit::testing::kEpochPath << " is absent");
    return;
  }
  const Table t = slfit::testing::epoch_240();
  FitOptions o = huber_log();
  o.starts = slfit::StartSpec::grid("hoffmann");
  const FitResult r = slfit::fit<Chinchilla>(t, o);
  // LAWS.md section 1: the best published objective of this procedure is 0.0010182740.
  INFO("objective " << r.objective_value << " in " << r.seconds << " s");
  CHECK(r.objective_value <= 0.0010182740 + 1e-10);
  CHECK(r.starts_solved < 100);
}
