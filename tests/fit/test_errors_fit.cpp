// The bad-input catalogue of docs/errors.md, part 2: fit options, start lists, per-group fits,
// the law registry, the compression fit, the analyses, and the uncertainty tools. Each TEST_CASE
// is named "errors: <id>" after the entry's id in docs/errors.md and checks the type and the key
// parts of the message. Part 1 is tests/core/test_errors.cpp.
#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "slfit/analysis/capybara.hpp"
#include "slfit/analysis/chinchilla.hpp"
#include "slfit/analysis/kumar.hpp"
#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/fit/by_group.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/compression.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "slfit/runtime/catalogue.hpp"
#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/compare.hpp"
#include "slfit/uncertainty/holdout.hpp"
#include "slfit/uncertainty/intervals.hpp"
#include "slfit/uncertainty/prediction.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Chinchilla;
using slfit::DataError;
using slfit::FitOptions;
using slfit::FitResult;
using slfit::Table;
using slfit::UsageError;

#define CHECK_ERROR(expr, Type, matcher) \
  do {                                   \
    CHECK_THROWS_AS(expr, Type);         \
    CHECK_THROWS_WITH(expr, matcher);    \
  } while (false)

namespace {

Eigen::ArrayXd arr(std::initializer_list<double> v) {
  Eigen::ArrayXd a(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) a(i++) = x;
  return a;
}

std::vector<double> hoffmann() { return slfit::preset_values<Chinchilla>("hoffmann2022"); }

// A 4 x 4 grid of noiseless Chinchilla losses, named "t.csv" in messages.
Table sim() {
  Table t = slfit::simulate<Chinchilla>(
      {{"N", {1e8, 1e9, 1e10, 1e11}}, {"D", {1e9, 1e10, 1e11, 1e12}}}, hoffmann());
  t.set_source("t.csv");
  return t;
}

// One explicit start at the truth: fast, and the fit's own errors are what is tested.
FitOptions one_start() {
  FitOptions o;
  o.space = slfit::Space::kLog;
  o.starts = slfit::StartSpec::explicit_points(
      {{{"E", 1.69}, {"A", 406.4}, {"B", 410.7}, {"alpha", 0.34}, {"beta", 0.28}}});
  o.threads = 1;
  return o;
}

FitResult fit(const Table& t, const FitOptions& o) { return slfit::fit<Chinchilla>(t, o); }

// A law with 100 grid values per parameter: its default start grid has 1e8 points.
struct WideGridLaw {
  static constexpr std::string_view kName = "wide-grid";
  static constexpr std::string_view kDescription = "L = a + b x^-c + d";
  static constexpr int kNumInputs = 1;
  static constexpr int kNumParameters = 4;
  static std::array<slfit::InputSpec, 1> inputs() { return {{{"x", "input", true}}}; }
  static std::vector<slfit::ParameterSpec> parameters() {
    std::vector<double> g;
    for (int i = 1; i <= 100; ++i) g.push_back(0.01 * i);
    return {{.name = "a", .value = 1, .grid = g},
            {.name = "b", .value = 1, .grid = g},
            {.name = "c", .value = 0.5, .grid = g},
            {.name = "d", .value = 0, .grid = g}};
  }
  template <class T, class X>
  static auto formula(const T* p, const X& x) {
    using std::exp;
    return p[0] + p[1] * exp(-p[2] * x.log(0)) + p[3];
  }
};
static_assert(slfit::Law<WideGridLaw>);

}  // namespace

// ---------------------------------------------------------------------------------------------
// Fit options (include/slfit/fit/options.hpp, problem.hpp, starts.hpp)

TEST_CASE("errors: fit.option-names", "[errors][fit]") {
  CHECK_ERROR(slfit::parse_objective("l2"), UsageError,
              Contains("unknown objective 'l2'; use squared, huber or absolute"));
  CHECK_ERROR(slfit::parse_space("log10"), UsageError,
              Contains("unknown space 'log10'; use log or linear"));
  CHECK_ERROR(slfit::parse_solver("lbfgs"), UsageError,
              Contains("unknown solver 'lbfgs'; use auto, ceres or dense"));
  CHECK_ERROR(slfit::parse_screening("some"), UsageError,
              Contains("unknown screening 'some'; use auto, objective or off"));
}

TEST_CASE("errors: fit.starts-spec", "[errors][fit]") {
  CHECK_ERROR(slfit::parse_starts("random:0"), UsageError,
              Contains("option 'starts' random:K needs a whole number K from 1 to 1e7, got '0'"));
  CHECK_THROWS_WITH(slfit::parse_starts("random:ten"), Contains("got 'ten'"));
  CHECK_ERROR(slfit::parse_starts(""), UsageError,
              Contains("option 'starts' needs a value: default, hoffmann or random:K"));
}

TEST_CASE("errors: fit.start-grid-unknown", "[errors][fit]") {
  FitOptions o = one_start();
  o.starts = slfit::StartSpec::grid("hofmann");
  CHECK_ERROR(
      fit(sim(), o), UsageError,
      Contains("unknown start grid 'hofmann' for law 'chinchilla'; use default, random:K") &&
          Contains("hoffmann"));
}

TEST_CASE("errors: fit.start-grid-too-large", "[errors][fit]") {
  Table t("t.csv");
  t.add_column("x", arr({1, 2, 3, 4, 5}));
  t.add_column("loss", arr({3, 2.5, 2.3, 2.2, 2.1}));
  CHECK_ERROR(slfit::fit<WideGridLaw>(t, {}), UsageError,
              Contains("the start grid has more than 1e7 points"));
}

TEST_CASE("errors: fit.random-count", "[errors][fit]") {
  FitOptions o = one_start();
  o.starts = slfit::StartSpec::random(0);
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("random starts need a count of at least 1"));
}

TEST_CASE("errors: fit.count-limits", "[errors][fit]") {
  FitOptions o = one_start();
  o.threads = slfit::kMaxThreads + 1;
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("option 'threads' must be from 0 (all cores) to 1024, got 1025"));
  o.threads = -1;
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("option 'threads' must be from 0"));
  o = one_start();
  o.starts = slfit::StartSpec::random(slfit::kMaxRandomStarts + 1);
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("random:K needs a whole number K from 1 to 1e7"));
  o = one_start();
  const FitResult best = fit(sim(), o);
  slfit::BootstrapOptions b;
  b.resamples = slfit::kMaxResamples + 1;
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(sim(), o, b, &best), UsageError,
              Contains("a bootstrap of 1000001 resamples is more than the limit of 1000000"));
  b.resamples = 10;
  b.threads = 5000;
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(sim(), o, b, &best), UsageError,
              Contains("bootstrap threads must be from 0 (all cores) to 1024, got 5000"));
}

TEST_CASE("errors: simulate.noise-sign", "[errors][simulate]") {
  const auto p = slfit::preset_values<Chinchilla>("hoffmann2022");
  const slfit::Axes axes = {{"N", {1e9, 1e10}}, {"D", {1e10, 1e11}}};
  CHECK_ERROR(slfit::simulate<Chinchilla>(axes, p, {.noise = 100.0, .seed = 1}), UsageError,
              Contains("makes the simulated value at row") && Contains("non-positive") &&
                  Contains("or multiplicative noise"));
  CHECK_ERROR(slfit::simulate<Chinchilla>(
                  axes, p, {.noise = 1000.0, .kind = slfit::Noise::kMultiplicative, .seed = 1}),
              UsageError, Contains("makes the simulated value at row"));
  // Small noise on positive values is fine in either kind.
  CHECK(slfit::simulate<Chinchilla>(axes, p, {.noise = 0.01, .seed = 1}).rows() == 4);
}

TEST_CASE("errors: fit.explicit-empty", "[errors][fit]") {
  FitOptions o = one_start();
  o.starts = slfit::StartSpec::explicit_points({});
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("explicit starts: the list is empty"));
}

TEST_CASE("errors: fit.start-value", "[errors][fit]") {
  FitOptions o = one_start();
  o.starts = slfit::StartSpec::explicit_points({{{"alpha", 0.3}}, {{"alpha", 7.0}}});
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("start 2 value of 'alpha' = 7 is outside its bounds [0, 5]"));
  o.starts = slfit::StartSpec::explicit_points({{{"A", 0.0}}});
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("start 1 value of 'A' = 0 must be positive (it is fitted as a log)"));
  o.starts = slfit::StartSpec::explicit_points({{{"A", std::nan("")}}});
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("start 1 value of 'A' is not finite"));
  o.starts = slfit::StartSpec::explicit_points({{{"gamma", 1.0}}});
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("unknown parameter 'gamma' for law 'chinchilla'; parameters are: E, A, B, "
                       "alpha, beta"));
}

TEST_CASE("errors: fit.fixed-value", "[errors][fit]") {
  FitOptions o = one_start();
  o.fixed["E"] = std::nan("");
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("fixed value of 'E' is not finite"));
  o.fixed["E"] = 0.0;
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("fixed value of 'E' = 0 must be positive (it is fitted as a log)"));
  o.fixed.clear();
  o.fixed["alpha"] = 6.0;
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("fixed value of 'alpha' = 6 is outside its bounds [0, 5]"));
  o.fixed.clear();
  o.fixed["Alpha"] = 0.3;
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("unknown parameter 'Alpha' for law 'chinchilla'"));
}

TEST_CASE("errors: fit.bounds", "[errors][fit]") {
  FitOptions o = one_start();
  o.bounds["alpha"] = {std::nan(""), 1.0};
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("bounds of 'alpha' for law 'chinchilla' are not numbers"));
  o.bounds["alpha"] = {0.5, 0.2};
  CHECK_ERROR(
      fit(sim(), o), UsageError,
      Contains("lower bound of 'alpha' (0.5) is above its upper bound (0.20000000000000001)"));
  o.bounds.clear();
  o.bounds["A"] = {-2.0, -1.0};
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("'A' is fitted as a log, so its upper bound must be positive"));
}

TEST_CASE("errors: fit.huber-delta", "[errors][fit]") {
  FitOptions o = one_start();
  o.objective = slfit::Objective::kHuber;
  o.delta = 0.0;
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("Huber's delta must be positive and finite"));
}

TEST_CASE("errors: fit.overestimate-penalty", "[errors][fit]") {
  FitOptions o = one_start();
  o.overestimate_penalty = 0.5;
  CHECK_ERROR(fit(sim(), o), UsageError,
              Contains("option 'overestimate_penalty' must be a finite number of at least 1, got "
                       "0.5"));
  o.overestimate_penalty = std::nan("");
  CHECK_ERROR(fit(sim(), o), UsageError, Contains("got nan"));
}

TEST_CASE("errors: fit.no-rows", "[errors][fit]") {
  const Table t = sim();
  const Table none = t.filter(slfit::Mask::Constant(t.rows(), false));
  CHECK_ERROR(fit(none, one_start()), DataError, Contains("table 't.csv' has no rows to fit"));
}

TEST_CASE("errors: fit.target-missing", "[errors][fit]") {
  FitOptions o = one_start();
  o.target = "Loss";
  CHECK_ERROR(fit(sim(), o), DataError,
              Contains("no target column 'Loss' in table 't.csv' (choose one with option 'target' "
                       "or option 'columns' target=HEADER)"));
}

TEST_CASE("errors: fit.target-not-finite", "[errors][fit]") {
  Table t = sim();
  Eigen::ArrayXd y = t.column("loss");
  y(2) = std::numeric_limits<double>::infinity();
  t.set_column("loss", y);
  CHECK_ERROR(fit(t, one_start()), DataError,
              Contains("target 'loss' is not finite at row 3 of table 't.csv'"));
}

TEST_CASE("errors: fit.target-log", "[errors][fit]") {
  Table t = sim();
  Eigen::ArrayXd y = t.column("loss");
  y(1) = -0.5;
  t.set_column("loss", y);
  CHECK_ERROR(fit(t, one_start()), DataError,
              Contains("target 'loss' must be positive to fit in log space, but row 2 of table "
                       "'t.csv' has -0.5") &&
                  Contains("(use option 'space' linear, or option 'skip_nonpositive' to leave "
                           "such rows out)"));
}

TEST_CASE("errors: fit.weights", "[errors][fit]") {
  Table t = sim();
  Eigen::ArrayXd w = Eigen::ArrayXd::Ones(t.rows());
  w(4) = -1.0;
  t.add_column("w", w);
  FitOptions o = one_start();
  o.weights = "w";
  CHECK_ERROR(fit(t, o), DataError,
              Contains("weight column 'w' must be finite and nonnegative; row 5 of table 't.csv' "
                       "is not"));
}

TEST_CASE("errors: fit.too-few-rows", "[errors][fit]") {
  const Table t = sim().select({0, 5, 10});
  CHECK_ERROR(fit(t, one_start()), DataError,
              Contains("table 't.csv' has 3 rows but law 'chinchilla' has 5 free parameters; a "
                       "fit needs at least as many rows"));
  FitOptions o = one_start();
  o.fixed["E"] = 1.69;
  o.fixed["A"] = 406.4;
  CHECK_NOTHROW(fit(t, o));  // 3 free parameters
  // The same check on a bootstrap resample drawn from a prepared problem: rows drawn in all,
  // repeats included, not distinct rows.
  const slfit::FitProblem<Chinchilla> whole(sim(), one_start());
  std::vector<int> counts(whole.rows.size(), 0);
  counts[0] = 2;
  counts[5] = 2;
  CHECK_ERROR(whole.with_counts(counts), DataError,
              Contains("a resample has 4 rows but law 'chinchilla' has 5 free parameters"));
  counts[7] = 1;
  const slfit::FitProblem<Chinchilla> drawn = whole.with_counts(counts);
  CHECK(drawn.rows.size() == 3);
  CHECK(drawn.weights == std::vector<double>{2.0, 2.0, 1.0});
}

TEST_CASE("errors: fit.counts", "[errors][fit]") {
  const slfit::FitProblem<Chinchilla> whole(sim(), one_start());
  const std::string rows = std::to_string(whole.rows.size());
  CHECK_ERROR(whole.with_counts({1, 2}), UsageError,
              Contains("with_counts: 2 counts for " + rows + " rows"));
  std::vector<int> counts(whole.rows.size(), 1);
  counts[3] = -1;
  CHECK_ERROR(whole.with_counts(counts), UsageError, Contains("with_counts: a count is negative"));
  counts[3] = 0;
  CHECK(whole.with_counts(counts).rows.size() == whole.rows.size() - 1);
}

TEST_CASE("errors: fit.result-parameter", "[errors][fit]") {
  FitResult r;
  r.law = "chinchilla";
  r.names = {"E"};
  r.parameters = {1.0};
  r.standard_errors = {0.1};
  CHECK_ERROR(r.value("e"), UsageError,
              Contains("no parameter 'e' in the fit of law 'chinchilla'"));
  CHECK_ERROR(r.standard_error("e"), UsageError,
              Contains("no parameter 'e' in the fit of law 'chinchilla'"));
}

TEST_CASE("errors: fit.by-column", "[errors][fit]") {
  const Table t = sim();
  const auto one = [](const Table& part) { return fit(part, one_start()); };
  CHECK_ERROR(slfit::fit_by_group(t, "P", one), DataError,
              Contains("no column 'P' to group by in table 't.csv'"));
  // Errors of one group's fit name the group.
  Table g = sim();
  Eigen::ArrayXd p = Eigen::ArrayXd::Constant(g.rows(), 8.0);
  p.head(3) = 4.0;
  g.add_column("P", p);
  CHECK_ERROR(slfit::fit_by_group(g, "P", one), DataError,
              Contains("group P = 4: table 't.csv' has 3 rows but law 'chinchilla' has 5 free "
                       "parameters"));
}

// ---------------------------------------------------------------------------------------------
// The catalogue of laws by name (include/slfit/runtime/catalogue.hpp), used by every front end

TEST_CASE("errors: registry.law", "[errors][registry]") {
  CHECK_ERROR(
      slfit::find_law("chinchila"), UsageError,
      Contains("unknown law 'chinchila' (did you mean 'chinchilla'?); laws are: chinchilla, "
               "kumar-ptq") &&
          Contains("(see `slfit laws`)"));
}

TEST_CASE("errors: registry.parameter", "[errors][registry]") {
  const auto& law = slfit::find_law("chinchilla");
  CHECK_ERROR(law.parameter("alfa"), UsageError,
              Contains("unknown parameter 'alfa' for law 'chinchilla' (did you mean 'alpha'?); "
                       "parameters are: E, A, B, alpha, beta"));
}

TEST_CASE("errors: registry.preset", "[errors][registry]") {
  const auto& law = slfit::find_law("chinchilla");
  CHECK_ERROR(law.preset("epoch2025"), UsageError,
              Contains("unknown preset 'epoch2025' for law 'chinchilla' (did you mean "
                       "'epoch2024'?); presets are: ") &&
                  Contains("hoffmann2022"));
}

// ---------------------------------------------------------------------------------------------
// The compression fit (include/slfit/laws/compression.hpp)

TEST_CASE("errors: compression.inputs", "[errors][compression]") {
  Table t("t.csv");
  t.add_column("N", arr({1e8, 1e9, 1e10, 1e8}));
  t.add_column("D", arr({1e9, 1e10, 1e11, 1e9}));
  t.add_column("loss", arr({3.0, 2.5, 2.2, 3.1}));
  t.add_text_column("format", {"dense", "dense", "dense", "w4a4"});
  CHECK_ERROR(slfit::fit_compression(t, "fmt", "dense"), DataError,
              Contains("no format column 'fmt' in table 't.csv'; columns are: N, D, loss, format"));
  CHECK_ERROR(slfit::fit_compression(t, "format", "Dense"), DataError,
              Contains("reference format 'Dense' does not occur in column 'format' of table "
                       "'t.csv'; formats are: dense, w4a4 (did you mean 'dense'?)"));

  Table blank("t.csv");
  blank.add_column("N", arr({1e8, 1e9}));
  blank.add_column("D", arr({1e9, 1e10}));
  blank.add_column("loss", arr({3.0, 2.5}));
  blank.add_text_column("format", {"dense", ""});
  CHECK_ERROR(slfit::fit_compression(blank, "format", "dense"), DataError,
              Contains("format column 'format' of table 't.csv' is empty at row 2; every row "
                       "needs a format"));

  std::vector<std::string> labels = {"dense"};
  for (int k = 1; k <= 9; ++k) labels.push_back("q" + std::to_string(k));
  Table wide("t.csv");
  wide.add_column("N", Eigen::ArrayXd::Constant(10, 1e9));
  wide.add_column("D", Eigen::ArrayXd::Constant(10, 1e10));
  wide.add_column("loss", Eigen::ArrayXd::Constant(10, 2.5));
  wide.add_text_column("format", labels);
  CHECK_ERROR(slfit::fit_compression(wide, "format", "dense"), DataError,
              Contains("column 'format' of table 't.csv' has 9 formats besides the reference "
                       "'dense', but law 'compression' has 8 slots") &&
                  Contains("(fit subsets of the formats, each with the reference)"));

  slfit::CompressionFit c;
  c.multipliers = {{"dense", 1.0}, {"w4a4", 0.8}};
  CHECK_ERROR(c.multiplier("w4a8"), UsageError,
              Contains("no format 'w4a8' in the compression fit; formats are: dense, w4a4 (did you "
                       "mean 'w4a4'?)"));
}

// ---------------------------------------------------------------------------------------------
// Analyses (include/slfit/analysis/*.hpp)

TEST_CASE("errors: analysis.chinchilla", "[errors][analysis]") {
  auto p = hoffmann();
  CHECK_ERROR(slfit::chinchilla_allocation(p, -1.0), UsageError,
              Contains("compute budget must be positive and finite"));
  CHECK_ERROR(slfit::chinchilla_compute_for_loss(p, 1.5), UsageError,
              Contains("target loss must be above the irreducible loss E = 1.69"));
  auto slow = p;
  slow[Chinchilla::kAlpha] = 0.01;
  slow[Chinchilla::kBeta] = 0.01;
  CHECK_ERROR(slfit::chinchilla_compute_for_loss(slow, 1.7), DataError,
              Contains("the target loss is not reached below 1e60 FLOPs"));
  p[Chinchilla::kA] = -1.0;
  CHECK_ERROR(slfit::chinchilla_allocation(p, 1e21), UsageError,
              Contains("compute-optimal allocation needs A, B, alpha and beta all positive"));
}

TEST_CASE("errors: analysis.kumar", "[errors][analysis]") {
  const auto qat = slfit::preset_values<slfit::KumarQat>("kumar2024");
  auto bad = qat;
  bad[slfit::KumarQat::kAlpha] = 0.0;
  CHECK_ERROR(slfit::kumar_optimal_precision_joint(bad, 1e21), UsageError,
              Contains("kumar_optimal_precision_joint needs A, B, alpha and beta all positive"));
  bad = qat;
  bad[slfit::KumarQat::kGammaKv] = -1.0;
  CHECK_ERROR(slfit::kumar_lowest_precision(bad), UsageError,
              Contains("kumar_lowest_precision needs gamma_w, gamma_a and gamma_kv all positive"));
  CHECK_ERROR(slfit::kumar_optimal_precision_fixed_n(qat, 1e9, -1.0), UsageError,
              Contains("kumar_optimal_precision_fixed_n: the compute budget C must be positive and "
                       "finite, got -1"));
  CHECK_ERROR(slfit::kumar_optimal_precision_fixed_d(qat, 0.0, 1e21), UsageError,
              Contains("kumar_optimal_precision_fixed_d: D must be positive and finite, got 0"));
  CHECK_ERROR(slfit::kumar_max_neff_per_bit(qat, 2.0), UsageError,
              Contains("kumar_max_neff_per_bit: the precision range is empty: the law is defined "
                       "only above ") &&
                  Contains("and max_bits is 2"));
  auto huge = qat;
  huge[slfit::KumarQat::kA] = 1e300;
  CHECK_ERROR(slfit::kumar_optimal_precision_fixed_n(huge, 1e-300, 1e21), DataError,
              Contains("kumar_optimal_precision_fixed_n: the loss is not finite anywhere in the "
                       "precision range"));
  CHECK_ERROR(slfit::kumar_optimal_allocation_at_precision(qat, 2.0, 1e21), DataError,
              Contains("N_eff is undefined: precision factor"));
}

TEST_CASE("errors: analysis.capybara", "[errors][analysis]") {
  const auto p = slfit::preset_values<slfit::Capybara>("sun2025");
  auto bad = p;
  bad[slfit::Capybara::kGamma] = 0.0;
  CHECK_ERROR(slfit::capybara_optimal_precision_joint(bad, 1e21, 128), UsageError,
              Contains("capybara_optimal_precision_joint needs n, alpha, d, beta and gamma all "
                       "positive"));
  CHECK_ERROR(slfit::capybara_optimal_precision_joint(p, 0.0, 128), UsageError,
              Contains("capybara_optimal_precision_joint: the compute budget C must be positive "
                       "and finite, got 0"));
  CHECK_ERROR(slfit::capybara_optimal_precision_joint(p, 1e21, 1.0), UsageError,
              Contains("the block size B must be at least 2, got 1"));
  CHECK_ERROR(slfit::capybara_optimal_precision_joint(p, 1e21, 128, {.k = 0.0}), UsageError,
              Contains("the cost C = k (P + b) N D needs k > 0 and b > -1"));
  CHECK_ERROR(slfit::capybara_optimal_precision_joint(p, 1e21, 128, {.max_bits = 1.0}), UsageError,
              Contains("max_bits must be at least 2), got max_bits = 1"));
  CHECK_ERROR(
      slfit::capybara_optimal_precision_fixed_n(p, -5.0, 1e21, 128), UsageError,
      Contains("capybara_optimal_precision_fixed_n: N must be positive and finite, got -5"));
  CHECK_ERROR(slfit::capybara_optimal_precision_fixed_d(p, 0.0, 1e21, 128), UsageError,
              Contains("capybara_optimal_precision_fixed_d: D must be positive and finite, got 0"));
}

// ---------------------------------------------------------------------------------------------
// Uncertainty (include/slfit/uncertainty/*.hpp)

TEST_CASE("errors: bootstrap.options", "[errors][uncertainty]") {
  const Table t = sim();
  const FitOptions o = one_start();
  slfit::BootstrapOptions b;
  b.resamples = 0;
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(t, o, b), UsageError,
              Contains("a bootstrap needs at least 1 resample, got 0"));
  b.resamples = 2;
  b.level = 1.0;
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(t, o, b), UsageError,
              Contains("confidence level must lie strictly between 0 and 1, got 1"));
  b.level = 0.95;
  b.disagreement = 0.5;
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(t, o, b), UsageError,
              Contains("the disagreement factor must be at least 1"));
  b.disagreement = 3.0;
  b.group = "run";
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(t, o, b), DataError,
              Contains("no column 'run' to resample groups by in table 't.csv'; columns are: N, D, "
                       "loss"));
}

TEST_CASE("errors: bootstrap.best", "[errors][uncertainty]") {
  const Table t = sim();
  slfit::BootstrapOptions b;
  b.resamples = 2;
  FitResult other;
  other.law = "qid";
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(t, one_start(), b, &other), UsageError,
              Contains("the best fit given to bootstrap is of law 'qid', not 'chinchilla'"));
  FitResult failed;
  failed.law = "chinchilla";
  failed.status = slfit::FitStatus::kFailed;
  failed.message = "no start gave a finite objective";
  CHECK_ERROR(slfit::bootstrap<Chinchilla>(t, one_start(), b, &failed), DataError,
              Contains("cannot bootstrap: the fit of law 'chinchilla' to table 't.csv' failed (no "
                       "start gave a finite objective)"));
}

TEST_CASE("errors: bootstrap.estimate", "[errors][uncertainty]") {
  slfit::BootstrapResult r;
  CHECK_ERROR(r.parameter("alpha"), UsageError, Contains("no bootstrap estimate named 'alpha'"));
  CHECK_ERROR(r.quantity("a"), UsageError, Contains("no bootstrap estimate named 'a'"));
}

TEST_CASE("errors: intervals.level", "[errors][uncertainty]") {
  CHECK_ERROR(slfit::check_level(0.0), UsageError,
              Contains("confidence level must lie strictly between 0 and 1, got 0"));
  CHECK_ERROR(slfit::normal_quantile(1.0), UsageError, Contains("normal quantile needs 0 < p < 1"));
}

TEST_CASE("errors: prediction.inputs", "[errors][uncertainty]") {
  const Table at = sim().select({0});
  const FitOptions o = one_start();
  FitResult best;
  best.law = "qid";
  best.parameters = {1, 2, 3, 4};
  CHECK_ERROR(slfit::predict_intervals<Chinchilla>(at, o, best, nullptr, {}), UsageError,
              Contains("predict_intervals: the fit is not of law 'chinchilla'"));
  best.law = "chinchilla";
  best.parameters = hoffmann();
  best.status = slfit::FitStatus::kFailed;
  CHECK_ERROR(slfit::predict_intervals<Chinchilla>(at, o, best, nullptr, {}), DataError,
              Contains("predict_intervals: the fit failed"));
  best.status = slfit::FitStatus::kConverged;
  CHECK_ERROR(slfit::predict_intervals<Chinchilla>(at, o, best, nullptr, {}), UsageError,
              Contains("bootstrap prediction intervals need a bootstrap result"));
  const slfit::BootstrapResult boot;
  best.fixed.assign(5, false);
  CHECK_ERROR(slfit::predict_intervals<Chinchilla>(at, o, best, &boot, {}), DataError,
              Contains("predict_intervals: the fit kept no residuals"));
}

TEST_CASE("errors: holdout.inputs", "[errors][uncertainty]") {
  const Table t = sim();
  const auto c = slfit::candidate<Chinchilla>("chinchilla", one_start());
  CHECK_ERROR(slfit::holdout(t, slfit::Mask::Constant(3, true), c), UsageError,
              Contains("hold-out mask has 3 entries but table 't.csv' has 16 rows"));
  CHECK_ERROR(slfit::holdout(t, slfit::Expression::parse("N > 1e12"), c), DataError,
              Contains("the hold-out condition selects no rows of table 't.csv'"));
  CHECK_ERROR(slfit::holdout(t, slfit::Expression::parse("N > 1e8"), c), DataError,
              Contains("holding out 12 of 16 rows of table 't.csv' leaves 4 to fit, but "
                       "'chinchilla' has 5 free parameters"));
  Table q = sim();
  q.add_column("q", Eigen::ArrayXd::Constant(q.rows(), std::nan("")));
  CHECK_ERROR(slfit::holdout_mask(q, slfit::Expression::parse("q > 1")), DataError,
              Contains("hold-out condition \"q > 1\" is NaN at row 1 of table 't.csv'"));
  // A held-out row with a zero loss has no log error (the fit itself never sees that row).
  Table z = sim();
  Eigen::ArrayXd y = z.column("loss");
  y(15) = 0.0;
  z.set_column("loss", y);
  slfit::Mask last = slfit::Mask::Constant(z.rows(), false);
  last(15) = true;
  CHECK_ERROR(slfit::holdout(z, last, c), DataError,
              Contains("held-out row 16 of table 't.csv' has no log error: observed and predicted "
                       "values must be positive"));
}

TEST_CASE("errors: compare.inputs", "[errors][uncertainty]") {
  const Table t = sim();
  CHECK_ERROR(slfit::compare_laws(t, {}), UsageError,
              Contains("compare_laws needs at least one candidate law"));
  slfit::CompareOptions co;
  co.rank_by = slfit::RankBy::kHoldout;
  CHECK_ERROR(slfit::compare_laws(t, {slfit::candidate<Chinchilla>("c", one_start())}, co),
              UsageError, Contains("ranking by held-out error needs a hold-out mask"));
}
