// Tests of slfit::fit on simulated Chinchilla tables: recovery of known parameters, objectives,
// fixed parameters, bounds, starts, determinism, weights, and the errors bad input must raise.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Chinchilla;
using slfit::DataError;
using slfit::FitOptions;
using slfit::FitResult;
using slfit::Objective;
using slfit::Space;
using slfit::Table;
using slfit::UsageError;

namespace {

const std::vector<std::string> kNames = {"E", "A", "B", "alpha", "beta"};

std::vector<double> logspace(double lo, double hi, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(lo * std::pow(hi / lo, i / double(n - 1)));
  return out;
}

std::vector<double> truth() { return slfit::preset_values<Chinchilla>("hoffmann2022"); }

// 6 x 6 grid, N in [1e7, 1e10], D in [1e8, 1e12], loss from the hoffmann2022 preset plus noise.
Table simulated(double noise, slfit::Noise kind = slfit::Noise::kMultiplicative,
                std::uint64_t seed = 1) {
  return slfit::simulate<Chinchilla>({{"N", logspace(1e7, 1e10, 6)}, {"D", logspace(1e8, 1e12, 6)}},
                                     truth(), {.noise = noise, .kind = kind, .seed = seed});
}

FitOptions log_squared() {
  FitOptions o;
  o.space = Space::kLog;
  o.objective = Objective::kSquared;
  o.threads = 2;
  return o;
}

// Residuals recomputed independently of the fitter: vectorized evaluation, then the space's map.
std::vector<double> recomputed_residuals(const Table& t, const std::vector<double>& params,
                                         Space space) {
  const Eigen::ArrayXd pred = slfit::evaluate<Chinchilla>(t, params);
  const auto y = t.column("loss");
  std::vector<double> r(static_cast<std::size_t>(y.size()));
  for (Eigen::Index i = 0; i < y.size(); ++i)
    r[static_cast<std::size_t>(i)] =
        space == Space::kLog ? std::log(pred(i)) - std::log(y(i)) : pred(i) - y(i);
  return r;
}

// The CLI contract's rho, written out again here rather than calling slfit::objective_value.
double rho_sum(Objective kind, double delta, const std::vector<double>& r) {
  double sum = 0.0;
  for (double v : r) {
    const double a = std::abs(v);
    if (kind == Objective::kSquared) sum += v * v;
    if (kind == Objective::kHuber) sum += a <= delta ? 0.5 * v * v : delta * (a - 0.5 * delta);
    if (kind == Objective::kAbsolute) sum += a;
  }
  return sum;
}

// Objective of `opt` at natural parameters p, via the fitter's own problem setup.
double objective_at(const Table& t, const FitOptions& opt, const std::vector<double>& p) {
  const slfit::FitProblem<Chinchilla> problem(t, opt);
  return slfit::objective_value(opt.objective, opt.delta, slfit::residuals(problem, p),
                                problem.weights);
}

// A single explicit start at the law's typical values.
slfit::StartSpec one_default_start() {
  return slfit::StartSpec::explicit_points({std::map<std::string, double, std::less<>>{}});
}

Table small_table() {
  Table t("<small>");
  t.add_column("N", (Eigen::ArrayXd(6) << 1e8, 2e8, 4e8, 1e9, 2e9, 4e9).finished());
  t.add_column("D", (Eigen::ArrayXd(6) << 1e9, 5e9, 2e10, 1e9, 5e9, 2e10).finished());
  t.add_column("loss", (Eigen::ArrayXd(6) << 3.4, 3.0, 2.7, 3.1, 2.7, 2.4).finished());
  return t;
}

Table with_column(Table t, const std::string& name, Eigen::Index row, double value) {
  Eigen::ArrayXd c = t.column(name);
  c(row) = value;
  t.set_column(name, c);
  return t;
}

}  // namespace

TEST_CASE("fit: noiseless data give the truth back", "[fit]") {
  const Table t = simulated(0.0);
  REQUIRE(t.rows() == 36);
  const FitResult r = slfit::fit<Chinchilla>(t, log_squared());
  REQUIRE(r.status != slfit::FitStatus::kFailed);
  CHECK(r.converged());
  CHECK(r.names == kNames);
  CHECK(r.points == 36);
  CHECK(r.starts_tried == 3 * 4 * 4 * 3 * 3);  // the spec grids' Cartesian product
  CHECK(r.objective_value < 1e-20);
  const auto p = truth();
  for (std::size_t i = 0; i < p.size(); ++i) {
    INFO(kNames[i] << " = " << r.parameters[i] << ", truth " << p[i]);
    CHECK(std::abs(r.parameters[i] - p[i]) <= 1e-6 * std::abs(p[i]));
    CHECK_FALSE(r.at_lower[i]);
    CHECK_FALSE(r.at_upper[i]);
  }
}

TEST_CASE("fit: noisy data give the truth back within the reported standard errors", "[fit]") {
  struct Case {
    double noise;
    slfit::Noise kind;
    std::uint64_t seed;
  };
  // Seeds chosen once, before running; with 20 checks at 4 standard errors a correct fitter fails
  // one of them with probability ~1e-3.
  const std::vector<Case> cases = {{1e-3, slfit::Noise::kMultiplicative, 101},
                                   {1e-2, slfit::Noise::kMultiplicative, 102},
                                   {1e-3, slfit::Noise::kAdditive, 103},
                                   {1e-2, slfit::Noise::kAdditive, 104}};
  const auto p = truth();
  for (const auto& c : cases) {
    INFO("noise " << c.noise
                  << (c.kind == slfit::Noise::kAdditive ? " additive" : " multiplicative")
                  << ", seed " << c.seed);
    const Table t = simulated(c.noise, c.kind, c.seed);
    const FitOptions opt = log_squared();
    const FitResult r = slfit::fit<Chinchilla>(t, opt);
    REQUIRE(r.converged());
    REQUIRE(r.covariance_ok);
    // The optimum is at least as good as the truth.
    CHECK(r.objective_value <= objective_at(t, opt, p));
    // The residual scale matches the noise (log-space residuals ~ sigma / L for additive noise).
    const double s = std::sqrt(r.rss / double(r.points - r.free_parameters()));
    CHECK(s > 0.5 * c.noise / (c.kind == slfit::Noise::kAdditive ? 6.0 : 1.0));
    CHECK(s < 2.0 * c.noise);
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double se = r.standard_errors[i];
      INFO(kNames[i] << " = " << r.parameters[i] << " +- " << se << ", truth " << p[i]);
      CHECK(se > 0.0);
      CHECK(std::abs(r.parameters[i] - p[i]) < 4.0 * se);
    }
    // Ten times more noise (the same draws), about ten times larger standard errors. Only to
    // first order: at 1e-2 the estimates move, and the errors of A, B, E (fitted as logs) scale
    // with the estimates, so allow a factor 2 either way.
    if (c.noise == 1e-3) {
      const FitResult r10 = slfit::fit<Chinchilla>(simulated(1e-2, c.kind, c.seed), opt);
      REQUIRE(r10.covariance_ok);
      for (std::size_t i = 0; i < p.size(); ++i) {
        INFO(kNames[i] << ": " << r10.standard_errors[i] << " vs " << r.standard_errors[i]);
        CHECK(r10.standard_errors[i] / r.standard_errors[i] > 5.0);
        CHECK(r10.standard_errors[i] / r.standard_errors[i] < 20.0);
      }
    }
  }
}

TEST_CASE("fit: reported objective equals the objective recomputed from residuals", "[fit]") {
  const Table t = simulated(1e-2, slfit::Noise::kMultiplicative, 7);
  for (const Objective kind : {Objective::kSquared, Objective::kHuber, Objective::kAbsolute}) {
    INFO("objective " << slfit::to_string(kind));
    FitOptions opt = log_squared();
    opt.objective = kind;
    opt.delta = 1e-2;  // about a third of the residuals lie beyond delta
    const FitResult r = slfit::fit<Chinchilla>(t, opt);
    REQUIRE(r.status != slfit::FitStatus::kFailed);
    CHECK(r.objective == kind);
    const auto res = recomputed_residuals(t, r.parameters, Space::kLog);
    REQUIRE(res.size() == r.residuals.size());
    for (std::size_t i = 0; i < res.size(); ++i)
      CHECK(r.residuals[i] == Approx(res[i]).margin(1e-13));
    CHECK(r.objective_value == Approx(rho_sum(kind, opt.delta, res)).epsilon(1e-10));
    CHECK(r.objective_value ==
          Approx(slfit::objective_value(kind, opt.delta, r.residuals)).epsilon(1e-15));
    CHECK(r.rss == Approx(rho_sum(Objective::kSquared, 0.0, res)).epsilon(1e-10));
  }
}

TEST_CASE("fit: Huber with a large delta is half the squared objective", "[fit]") {
  const Table t = simulated(1e-2, slfit::Noise::kMultiplicative, 8);
  const FitOptions sq = log_squared();
  FitOptions hu = log_squared();
  hu.objective = Objective::kHuber;
  hu.delta = 10.0;  // far beyond every residual
  const FitResult a = slfit::fit<Chinchilla>(t, sq);
  const FitResult b = slfit::fit<Chinchilla>(t, hu);
  REQUIRE(a.converged());
  REQUIRE(b.converged());
  for (double r : b.residuals) REQUIRE(std::abs(r) < hu.delta);
  CHECK(b.objective_value == Approx(a.objective_value / 2).epsilon(1e-8));
  for (std::size_t i = 0; i < a.parameters.size(); ++i) {
    INFO(kNames[i]);
    CHECK(b.parameters[i] == Approx(a.parameters[i]).epsilon(1e-6));
  }
}

TEST_CASE("fit: absolute objective beats the least-squares parameters on its own terms", "[fit]") {
  // Heavy-tailed data: a few rows with large errors pull least squares, not least |r|.
  Table t = simulated(1e-2, slfit::Noise::kMultiplicative, 9);
  Eigen::ArrayXd y = t.column("loss");
  for (Eigen::Index i : {3, 17, 29}) y(i) *= 1.2;
  t.set_column("loss", y);

  const FitResult sq = slfit::fit<Chinchilla>(t, log_squared());
  FitOptions ab = log_squared();
  ab.objective = Objective::kAbsolute;
  const FitResult lad = slfit::fit<Chinchilla>(t, ab);
  REQUIRE(sq.status != slfit::FitStatus::kFailed);
  REQUIRE(lad.status != slfit::FitStatus::kFailed);
  const double lad_at_sq = objective_at(t, ab, sq.parameters);
  CHECK(lad.objective_value <= lad_at_sq);
  // And the converse: least squares is best on the squared objective.
  CHECK(sq.objective_value <= objective_at(t, log_squared(), lad.parameters));
  // The outliers make the two optima genuinely different.
  CHECK(lad.objective_value < 0.99 * lad_at_sq);
}

TEST_CASE("fit: fixed parameters stay fixed", "[fit]") {
  FitOptions opt = log_squared();
  opt.fixed["alpha"] = 0.34;  // the truth
  SECTION("noiseless: the free parameters come back") {
    const FitResult r = slfit::fit<Chinchilla>(simulated(0.0), opt);
    REQUIRE(r.converged());
    CHECK(r.value("alpha") == 0.34);
    const auto p = truth();
    for (std::size_t i = 0; i < p.size(); ++i) {
      INFO(kNames[i]);
      CHECK(std::abs(r.parameters[i] - p[i]) <= 1e-6 * p[i]);
    }
  }
  SECTION("noisy: exactly the fixed value, zero standard error") {
    opt.fixed["alpha"] = 0.3;  // not the truth: the others must compensate, alpha must not move
    const FitResult r =
        slfit::fit<Chinchilla>(simulated(1e-2, slfit::Noise::kMultiplicative, 5), opt);
    REQUIRE(r.status != slfit::FitStatus::kFailed);
    CHECK(r.value("alpha") == 0.3);
    CHECK(r.standard_error("alpha") == 0.0);
    CHECK((r.fixed == std::vector<bool>{false, false, false, true, false}));
    CHECK(r.free_parameters() == 4);
    CHECK(r.best_start_point[3] == 0.3);
    REQUIRE(r.covariance_ok);
    for (Eigen::Index i = 0; i < 5; ++i) {
      CHECK(r.covariance(3, i) == 0.0);
      CHECK(r.covariance(i, 3) == 0.0);
    }
    for (const char* name : {"E", "A", "B", "beta"}) {
      INFO(name);
      CHECK(r.standard_error(name) > 0.0);
    }
    // 3 E values x 4 A x 4 B x 1 alpha x 3 beta.
    CHECK(r.starts_tried == 3 * 4 * 4 * 3);
  }
  SECTION("a fixed log-transformed scale is returned exactly") {
    FitOptions o = log_squared();
    o.fixed["A"] = 406.4;  // exp(log(406.4)) != 406.4 in double precision
    const FitResult r =
        slfit::fit<Chinchilla>(simulated(1e-2, slfit::Noise::kMultiplicative, 6), o);
    REQUIRE(r.status != slfit::FitStatus::kFailed);
    CHECK(r.value("A") == 406.4);
    CHECK(r.standard_error("A") == 0.0);
  }
  SECTION("everything fixed: nothing moves") {
    for (std::size_t i = 0; i < kNames.size(); ++i) opt.fixed[kNames[i]] = truth()[i];
    const FitResult r = slfit::fit<Chinchilla>(simulated(1e-2), opt);
    CHECK(r.parameters == truth());
    CHECK(r.free_parameters() == 0);
    CHECK(r.starts_tried == 1);
  }
}

TEST_CASE("fit: bounds are respected and reported", "[fit]") {
  const Table t = simulated(1e-3, slfit::Noise::kMultiplicative, 3);
  FitOptions opt = log_squared();
  // Random starts are drawn inside the bounds (the default grid contains alpha = 0).
  opt.starts = slfit::StartSpec::random(40);
  opt.seed = 1;
  SECTION("truth below a lower bound") {
    opt.bounds["alpha"] = {0.5, 5.0};  // truth 0.34
    const FitResult r = slfit::fit<Chinchilla>(t, opt);
    REQUIRE(r.status != slfit::FitStatus::kFailed);
    CHECK(r.value("alpha") >= 0.5);
    CHECK(r.value("alpha") == Approx(0.5).epsilon(1e-8));
    CHECK((r.at_lower == std::vector<bool>{false, false, false, true, false}));
    CHECK(r.at_upper == std::vector<bool>(5, false));
  }
  SECTION("truth above an upper bound") {
    opt.bounds["beta"] = {0.0, 0.2};  // truth 0.28
    const FitResult r = slfit::fit<Chinchilla>(t, opt);
    REQUIRE(r.status != slfit::FitStatus::kFailed);
    CHECK(r.value("beta") <= 0.2);
    CHECK(r.value("beta") == Approx(0.2).epsilon(1e-8));
    CHECK((r.at_upper == std::vector<bool>{false, false, false, false, true}));
    CHECK(r.at_lower == std::vector<bool>(5, false));
  }
  SECTION("bounds on a log-transformed scale") {
    opt.bounds["E"] = {1.0, 1.5};  // truth 1.69
    const FitResult r = slfit::fit<Chinchilla>(t, opt);
    REQUIRE(r.status != slfit::FitStatus::kFailed);
    CHECK(r.value("E") <= 1.5);
    CHECK(r.value("E") == Approx(1.5).epsilon(1e-8));
    CHECK((r.at_upper == std::vector<bool>{true, false, false, false, false}));
    CHECK(r.at_lower == std::vector<bool>(5, false));
  }
  SECTION("default grid with narrowed bounds") {
    opt.starts = slfit::StartSpec::defaults();  // its alpha axis {0, 0.5, 1} is partly outside
    opt.bounds["alpha"] = {0.5, 5.0};
    const FitResult r = slfit::fit<Chinchilla>(t, opt);
    REQUIRE(r.status != slfit::FitStatus::kFailed);
    CHECK(r.value("alpha") == Approx(0.5).epsilon(1e-8));
    CHECK((r.at_lower == std::vector<bool>{false, false, false, true, false}));
  }
  SECTION("truth inside the bounds: no flag") {
    opt.bounds["alpha"] = {0.1, 0.9};
    const FitResult r = slfit::fit<Chinchilla>(t, opt);
    REQUIRE(r.converged());
    CHECK(r.value("alpha") == Approx(0.34).epsilon(0.01));
    CHECK(r.at_lower == std::vector<bool>(5, false));
    CHECK(r.at_upper == std::vector<bool>(5, false));
  }
}

TEST_CASE("fit: explicit starts", "[fit]") {
  const Table t = simulated(0.0);
  FitOptions opt = log_squared();
  // A partial point: parameters not named start at the spec's typical value.
  opt.starts = slfit::StartSpec::explicit_points(
      {{{"A", 1000.0}, {"B", 100.0}, {"beta", 0.5}}, {{"E", 2.5}}});
  const FitResult r = slfit::fit<Chinchilla>(t, opt);
  REQUIRE(r.converged());
  CHECK(r.starts_tried == 2);
  REQUIRE((r.best_start == 0 || r.best_start == 1));
  const std::vector<double> expected_start =
      r.best_start == 0 ? std::vector<double>{1.69, 1000.0, 100.0, 0.34, 0.5}
                        : std::vector<double>{2.5, 406.4, 410.7, 0.34, 0.28};
  CHECK(r.best_start_point == expected_start);
  const auto p = truth();
  for (std::size_t i = 0; i < p.size(); ++i) {
    INFO(kNames[i]);
    CHECK(std::abs(r.parameters[i] - p[i]) <= 1e-6 * p[i]);
  }
}

TEST_CASE("fit: random starts are reproducible and independent of threads", "[fit]") {
  const Table t = simulated(1e-2, slfit::Noise::kAdditive, 21);
  FitOptions opt = log_squared();
  opt.starts = slfit::StartSpec::random(24);
  opt.seed = 12345;
  opt.threads = 2;
  const FitResult a = slfit::fit<Chinchilla>(t, opt);
  const FitResult b = slfit::fit<Chinchilla>(t, opt);
  opt.threads = 1;
  const FitResult c = slfit::fit<Chinchilla>(t, opt);
  REQUIRE(a.status != slfit::FitStatus::kFailed);
  CHECK(a.starts_tried == 24);
  // Bit-identical, not approximately equal.
  CHECK(a.parameters == b.parameters);
  CHECK(a.parameters == c.parameters);
  CHECK(a.objective_value == b.objective_value);
  CHECK(a.objective_value == c.objective_value);
  CHECK(a.best_start == c.best_start);
  CHECK(a.best_start_point == c.best_start_point);
  CHECK(a.standard_errors == c.standard_errors);

  // Another seed draws other starts.
  opt.seed = 54321;
  const FitResult d = slfit::fit<Chinchilla>(t, opt);
  CHECK(d.best_start_point != a.best_start_point);
}

TEST_CASE("fit: default grid is independent of threads", "[fit]") {
  const Table t = simulated(1e-2, slfit::Noise::kMultiplicative, 22);
  FitOptions opt = log_squared();
  opt.threads = 1;
  const FitResult a = slfit::fit<Chinchilla>(t, opt);
  opt.threads = 2;
  const FitResult b = slfit::fit<Chinchilla>(t, opt);
  CHECK(a.parameters == b.parameters);
  CHECK(a.best_start == b.best_start);
  CHECK(a.objective_value == b.objective_value);
}

TEST_CASE("fit: weights", "[fit]") {
  Table t = simulated(1e-2, slfit::Noise::kMultiplicative, 31);
  for (const Objective kind : {Objective::kSquared, Objective::kHuber}) {
    INFO("objective " << slfit::to_string(kind));
    FitOptions plain = log_squared();
    plain.objective = kind;
    plain.delta = 1e-2;
    plain.starts = slfit::StartSpec::random(16);
    plain.seed = 3;
    FitOptions weighted = plain;
    weighted.weights = "w";
    t.set_column("w", Eigen::ArrayXd::Constant(t.rows(), 2.0));
    const FitResult a = slfit::fit<Chinchilla>(t, plain);
    const FitResult b = slfit::fit<Chinchilla>(t, weighted);
    REQUIRE(a.converged());
    REQUIRE(b.converged());
    CHECK(b.objective_value == Approx(2.0 * a.objective_value).epsilon(1e-8));
    for (std::size_t i = 0; i < a.parameters.size(); ++i) {
      INFO(kNames[i]);
      CHECK(b.parameters[i] == Approx(a.parameters[i]).epsilon(1e-6));
    }
  }
  SECTION("zero weights drop rows") {
    Eigen::ArrayXd w = Eigen::ArrayXd::Ones(t.rows());
    std::vector<Eigen::Index> kept;
    for (Eigen::Index i = 0; i < t.rows(); ++i) {
      if (i % 3 == 0)
        w(i) = 0.0;
      else
        kept.push_back(i);
    }
    t.set_column("w", w);
    FitOptions weighted = log_squared();
    weighted.weights = "w";
    const FitResult a = slfit::fit<Chinchilla>(t, weighted);
    const FitResult b = slfit::fit<Chinchilla>(t.select(kept), log_squared());
    REQUIRE(a.converged());
    REQUIRE(b.converged());
    CHECK(a.objective_value == Approx(b.objective_value).epsilon(1e-8));
    for (std::size_t i = 0; i < a.parameters.size(); ++i) {
      INFO(kNames[i]);
      CHECK(a.parameters[i] == Approx(b.parameters[i]).epsilon(1e-6));
    }
  }
}

TEST_CASE("fit: bad input throws with a useful message", "[fit]") {
  const FitOptions opt = log_squared();
  auto fit = [](const Table& t, const FitOptions& o) { return slfit::fit<Chinchilla>(t, o); };

  SECTION("empty table") {
    Table t("<empty>");
    t.add_column("N", Eigen::ArrayXd(0));
    t.add_column("D", Eigen::ArrayXd(0));
    t.add_column("loss", Eigen::ArrayXd(0));
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt), Contains("'<empty>' has no rows"));
    REQUIRE_THROWS_AS(fit(Table(), opt), DataError);
  }
  SECTION("missing N column") {
    Table t("<no N>");
    t.add_column("params", small_table().column("N"));
    t.add_column("D", small_table().column("D"));
    t.add_column("loss", small_table().column("loss"));
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt), Contains("needs input 'N'") && Contains("no column 'N'") &&
                                         Contains("params, D, loss"));
    // Mapping the column fixes it.
    FitOptions mapped = opt;
    mapped.columns["N"] = "params";
    mapped.starts = one_default_start();
    CHECK_NOTHROW(fit(t, mapped));
  }
  SECTION("missing target column") {
    FitOptions o = opt;
    o.target = "L";
    REQUIRE_THROWS_AS(fit(small_table(), o), DataError);
    REQUIRE_THROWS_WITH(fit(small_table(), o), Contains("no target column 'L'"));
  }
  SECTION("N not positive") {
    const Table t = with_column(small_table(), "N", 2, -1e8);
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(
        fit(t, opt), Contains("input 'N'") && Contains("must be positive") && Contains("row 3 of"));
  }
  SECTION("D zero") {
    const Table t = with_column(small_table(), "D", 4, 0.0);
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt), Contains("input 'D'") && Contains("row 5 of"));
  }
  SECTION("NaN in an input column") {
    const Table t = with_column(small_table(), "N", 3, std::nan(""));
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt),
                        Contains("column 'N'") && Contains("non-finite") && Contains("row 4"));
  }
  SECTION("NaN or infinity in the target") {
    const Table t = with_column(small_table(), "loss", 1, std::nan(""));
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt), Contains("target 'loss' is not finite at row 2"));
    const Table u = with_column(small_table(), "loss", 5, std::numeric_limits<double>::infinity());
    REQUIRE_THROWS_WITH(fit(u, opt), Contains("target 'loss' is not finite at row 6"));
  }
  SECTION("target not positive in log space") {
    const Table t = with_column(small_table(), "loss", 0, 0.0);
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt),
                        Contains("must be positive to fit in log space") && Contains("row 1"));
    // In linear space a zero target is allowed.
    FitOptions lin = opt;
    lin.space = Space::kLinear;
    lin.starts = one_default_start();
    CHECK_NOTHROW(fit(t, lin));
  }
  SECTION("fewer rows than free parameters") {
    const Table t = small_table().select({0, 1, 2, 3});
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt), Contains("has 4 rows") && Contains("5 free parameters"));
    // With one parameter fixed there are enough rows, but no degrees of freedom for errors.
    FitOptions o = opt;
    o.fixed["beta"] = 0.3;
    o.starts = one_default_start();
    const FitResult r = fit(t, o);
    CHECK_FALSE(r.covariance_ok);
    CHECK_THAT(r.covariance_message, Contains("no residual degrees of freedom"));
    CHECK(std::isnan(r.standard_error("A")));
    CHECK(r.standard_error("beta") == 0.0);
  }
  SECTION("unknown parameter names") {
    FitOptions o = opt;
    o.fixed["gamma"] = 1.0;
    REQUIRE_THROWS_AS(fit(small_table(), o), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), o),
                        Contains("unknown parameter 'gamma'") && Contains("E, A, B, alpha, beta"));
    FitOptions b = opt;
    b.bounds["Alpha"] = {0.0, 1.0};
    REQUIRE_THROWS_AS(fit(small_table(), b), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), b), Contains("unknown parameter 'Alpha'"));
    FitOptions s = opt;
    s.starts = slfit::StartSpec::explicit_points({{{"delta", 1.0}}});
    REQUIRE_THROWS_AS(fit(small_table(), s), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), s), Contains("unknown parameter 'delta'"));
  }
  SECTION("lower bound above upper bound") {
    FitOptions o = opt;
    o.bounds["alpha"] = {2.0, 1.0};
    REQUIRE_THROWS_AS(fit(small_table(), o), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), o),
                        Contains("lower bound of 'alpha' (2) is above its upper bound (1)"));
  }
  SECTION("fixed value outside its bounds") {
    FitOptions o = opt;
    o.fixed["beta"] = 7.0;
    REQUIRE_THROWS_AS(fit(small_table(), o), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), o), Contains("fixed value of 'beta' = 7") &&
                                                   Contains("outside its bounds [0, 5]"));
  }
  SECTION("explicit start outside its bounds") {
    FitOptions o = opt;
    o.starts = slfit::StartSpec::explicit_points({{{"alpha", 0.3}}, {{"alpha", 6.0}}});
    REQUIRE_THROWS_AS(fit(small_table(), o), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), o),
                        Contains("start 2 value of 'alpha' = 6") && Contains("outside its bounds"));
    FitOptions e = opt;
    e.starts = slfit::StartSpec::explicit_points({{{"A", -5.0}}});
    REQUIRE_THROWS_AS(fit(small_table(), e), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), e), Contains("start 1 value of 'A' = -5"));
  }
  SECTION("unknown start grid") {
    FitOptions o = opt;
    o.starts = slfit::StartSpec::grid("hofmann");
    REQUIRE_THROWS_AS(fit(small_table(), o), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), o),
                        Contains("unknown start grid 'hofmann'") && Contains("hoffmann"));
  }
  SECTION("bad weights") {
    Table t = small_table();
    t.add_column("w", (Eigen::ArrayXd(6) << 1, 1, -1, 1, 1, 1).finished());
    FitOptions o = opt;
    o.weights = "w";
    REQUIRE_THROWS_AS(fit(t, o), DataError);
    REQUIRE_THROWS_WITH(fit(t, o), Contains("weight column 'w'") && Contains("row 3"));
    o.weights = "weights";
    REQUIRE_THROWS_AS(fit(t, o), DataError);
    REQUIRE_THROWS_WITH(fit(t, o), Contains("no column 'weights'"));
  }
  SECTION("bad Huber delta") {
    FitOptions o = opt;
    o.objective = Objective::kHuber;
    o.delta = 0.0;
    REQUIRE_THROWS_AS(fit(small_table(), o), UsageError);
    REQUIRE_THROWS_WITH(fit(small_table(), o), Contains("delta must be positive"));
  }
  SECTION("unknown law preset") {
    REQUIRE_THROWS_AS(slfit::preset_values<Chinchilla>("chinchilla"), UsageError);
    REQUIRE_THROWS_WITH(slfit::preset_values<Chinchilla>("chinchilla"),
                        Contains("unknown preset 'chinchilla'") && Contains("epoch2024"));
  }
}

TEST_CASE("fit: bad input from CSV", "[fit]") {
  const FitOptions opt = log_squared();
  auto fit = [](const Table& t, const FitOptions& o) { return slfit::fit<Chinchilla>(t, o); };

  SECTION("non-numeric cell, reported only when the column is used") {
    const Table t = slfit::parse_csv(
        "N,D,loss,note\n"
        "1e8,1e9,3.4,ok\n"
        "2e8,5e9,3.0,ok\n"
        "4e8,2e1O,2.7,typo\n"  // letter O instead of zero
        "1e9,1e9,3.1,ok\n"
        "2e9,5e9,2.7,ok\n"
        "4e9,2e10,2.4,ok\n",
        "runs.csv");
    REQUIRE(t.rows() == 6);
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(
        fit(t, opt), Contains("runs.csv:4: column 2 ('D')") && Contains("'2e1O' is not a number"));
    // The text column 'note' is never used, so a table without the bad cell fits.
    const Table ok = slfit::parse_csv(
        "N,D,loss,note\n1e8,1e9,3.4,a\n2e8,5e9,3.0,b\n4e8,2e10,2.7,c\n1e9,1e9,3.1,d\n"
        "2e9,5e9,2.7,e\n4e9,2e10,2.4,f\n",
        "ok.csv");
    FitOptions one = opt;
    one.starts = one_default_start();
    CHECK_NOTHROW(fit(ok, one));
  }
  SECTION("empty cell in the target") {
    const Table t = slfit::parse_csv("N,D,loss\n1e8,1e9,3.4\n2e8,5e9,\n4e8,2e10,2.7\n", "e.csv");
    REQUIRE_THROWS_AS(fit(t, opt), DataError);
    REQUIRE_THROWS_WITH(fit(t, opt), Contains("e.csv:3: column 3 ('loss'): empty cell"));
  }
  SECTION("duplicate column") {
    REQUIRE_THROWS_AS(slfit::parse_csv("N,D,N,loss\n1,2,3,4\n", "dup.csv"), DataError);
    REQUIRE_THROWS_WITH(
        slfit::parse_csv("N,D,N,loss\n1,2,3,4\n", "dup.csv"),
        Contains("duplicate column 'N'") && Contains("dup.csv") && Contains("columns 1 and 3"));
  }
  SECTION("missing file") {
    const std::filesystem::path missing =
        std::filesystem::path(SLFIT_TEST_TMP) / "fit" / "no-such-file.csv";
    REQUIRE_FALSE(std::filesystem::exists(missing));
    REQUIRE_THROWS_AS(slfit::read_csv(missing), DataError);
    REQUIRE_THROWS_WITH(slfit::read_csv(missing),
                        Contains("cannot open '" + missing.string() + "'"));
  }
}
