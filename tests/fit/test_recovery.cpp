// Recovery of every law's constants from simulated tables: each law is simulated from a published
// preset with seeded noise (slfit::simulate), fitted as a study would fit it, and every fitted
// constant must lie within four standard errors of the truth; without noise the fit must return the
// truth itself. Complements the recovery tests of test_fit.cpp (chinchilla) and tests/laws
// (kumar-ptq, one kumar-qat gamma, qid, qat-group, capybara's precision constants with the base
// held fixed).
//
// Why four standard errors: under correct standard errors a constant lands outside +-4 SE with
// probability 6e-5, so the ~40 such checks here fail by chance with probability ~0.3%, while a
// biased fitter, a wrong covariance or a law that does not identify its constants fails them. The
// seeds were chosen before the tests were first run and were not changed afterwards. Before
// writing the tests, each design was run over 40-100 other seeds: the largest |z| over all checked
// constants of a design was 3.0-3.5, never above 4.
//
// Two-stage fits (kumar, qat-full) fix the base law at its first-stage estimate; the second
// stage's own standard errors then treat the base as exact and are too small (by 2x for qat-full
// here). Their checks use add_first_stage_uncertainty(), which adds the first stage's uncertainty.
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "slfit/core/parameter.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/by_group.hpp"
#include "slfit/fit/covariance.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/laws/qid.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "slfit/uncertainty/two_stage.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using slfit::Capybara;
using slfit::Chinchilla;
using slfit::FitOptions;
using slfit::FitResult;
using slfit::Kumar;
using slfit::KumarQat;
using slfit::PythiaKaplan;
using slfit::QatFull;
using slfit::QatGroup;
using slfit::Qid;
using slfit::Space;
using slfit::Table;

namespace {

using Point = std::map<std::string, double, std::less<>>;

std::vector<double> logspace(double lo, double hi, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(lo * std::pow(hi / lo, i / double(n - 1)));
  return out;
}

slfit::SimulateOptions relative_noise(double sigma, std::uint64_t seed,
                                      std::string target = "loss") {
  return {.noise = sigma,
          .kind = slfit::Noise::kMultiplicative,
          .seed = seed,
          .target = std::move(target)};
}

FitOptions log_squared() {
  FitOptions o;
  o.space = Space::kLog;
  o.objective = slfit::Objective::kSquared;
  o.threads = 2;
  return o;
}

// Truth of law L assembled by name, so laws with different parameter orders share values.
template <class L>
std::vector<double> by_name(const std::vector<std::pair<std::string, double>>& values) {
  const auto specs = L::parameters();
  std::vector<double> out(specs.size(), std::nan(""));
  for (const auto& [name, v] : values) out[slfit::parameter_index(specs, name, L::kName)] = v;
  return out;
}

template <class L>
std::vector<std::pair<std::string, double>> named(const std::vector<double>& p) {
  const auto specs = L::parameters();
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < specs.size(); ++i) out.emplace_back(specs[i].name, p[i]);
  return out;
}

// Rows listed one by one: a table of the given columns.
Table rows_table(const std::vector<std::string>& names,
                 const std::vector<std::vector<double>>& rows, std::string source) {
  Table t(std::move(source));
  for (std::size_t c = 0; c < names.size(); ++c) {
    Eigen::ArrayXd col(static_cast<Eigen::Index>(rows.size()));
    for (std::size_t r = 0; r < rows.size(); ++r) col(static_cast<Eigen::Index>(r)) = rows[r][c];
    t.add_column(names[c], std::move(col));
  }
  return t;
}

// Distance of a fitted value from the truth in standard errors, measured in the coordinates the
// fitter works in: for a scale fitted as its log (Transform::kLog), log(fit/truth) over the
// standard error of the log, se/fit. The covariance is a linearization at the optimum; in natural
// units it is symmetric about the fit, which is wrong for a scale whose relative error is large
// (C_T of kumar is known to about +-100%), while in log units it is the fitter's own geometry.
template <class L>
double z_score(const FitResult& r, std::size_t i, double truth) {
  const double hat = r.parameters[i], se = r.standard_errors[i];
  if (L::parameters()[i].transform == slfit::Transform::kLog)
    return std::log(hat / truth) / (se / hat);
  return (hat - truth) / se;
}

// ---- 1. pythia-kaplan ---------------------------------------------------------------------------
std::vector<double> pythia_truth() { return slfit::preset_values<PythiaKaplan>("ouyang2024"); }

// Pythia-like sizes 70M..12B and 1e9..3e11 tokens: both ratios of the law matter on this grid
// ((N_c/N)^(alpha_N/alpha_D) runs 12..20, D_c/D runs 0.25..76).
Table pythia_table(double noise, std::uint64_t seed) {
  return slfit::simulate<PythiaKaplan>(
      {{"N", logspace(7e7, 1.2e10, 6)}, {"D", logspace(1e9, 3e11, 6)}}, pythia_truth(),
      relative_noise(noise, seed));
}

FitResult fit_pythia(const Table& t) { return slfit::fit<PythiaKaplan>(t, log_squared()); }

// ---- 2. kumar-qat -------------------------------------------------------------------------------
std::vector<double> kumar_qat_truth() { return slfit::preset_values<KumarQat>("kumar2024"); }

const std::vector<double> kBits = {4, 6, 8, 16};

// Each precision varies on its own over {4, 6, 8, 16} bits (all above the offset form's limits
// 0.81, 3.11 and 2.32 bits): a full factorial, so the three gammas are not confounded.
slfit::Axes kumar_qat_axes() {
  return {{"N", {30e6, 110e6, 400e6, 1e9}},
          {"D", {1.5e9, 6e9, 26e9}},
          {"P_w", kBits},
          {"P_a", kBits},
          {"P_kv", kBits}};
}

FitOptions kumar_qat_options() {
  FitOptions o = log_squared();
  const auto truth = kumar_qat_truth();
  for (const char* name : {"n_w", "n_a", "n_kv"})
    o.fixed[name] = truth[slfit::parameter_index(KumarQat::parameters(), name, "kumar-qat")];
  o.starts = slfit::StartSpec::random(16);
  o.seed = 11;
  return o;
}

// ---- 3. kumar, two stages ----------------------------------------------------------------------
// One table as a study would have it: the stage-1 rows are the kumar-qat factorial at P_post = 32
// (delta_PTQ there is C_T ... exp(-32/0.59) ~ 1e-25 of the loss: none), the stage-2 rows are models
// trained at 16 or 8 bits and quantized after training to P_post in {3, 4, 5, 6, 8}.
constexpr double kFullPost = 32.0;

Table kumar_table(double noise, std::uint64_t seed) {
  const std::vector<double> ns = {3e7, 1e8, 3e8, 1e9}, ds = {1e9, 5e9, 3e10};
  std::vector<std::vector<double>> rows;
  for (double n : ns)
    for (double d : ds) {
      for (double pw : kBits)
        for (double pa : kBits)
          for (double pkv : kBits) rows.push_back({n, d, pw, pa, pkv, kFullPost});
      for (double train : {16.0, 8.0})
        for (double post : {3.0, 4.0, 5.0, 6.0, 8.0})
          rows.push_back({n, d, train, train, train, post});
    }
  return slfit::simulate<Kumar>(
      rows_table({"N", "D", "P_w", "P_a", "P_kv", "P_post"}, rows, "<kumar two-stage>"),
      slfit::preset_values<Kumar>("kumar2024"), relative_noise(noise, seed));
}

// Starts for the stage-2 constants, away from the truth (C_T 0.0598, gamma_D 0.51, gamma_N 0.34,
// gamma_post 0.59).
slfit::StartSpec ptq_starts() {
  return slfit::StartSpec::explicit_points(
      {Point{{"C_T", 1.0}, {"gamma_D", 0.0}, {"gamma_N", 0.0}, {"gamma_post", 1.0}},
       Point{{"C_T", 0.01}, {"gamma_D", 1.0}, {"gamma_N", 1.0}, {"gamma_post", 2.0}},
       Point{{"C_T", 10.0}, {"gamma_D", 0.25}, {"gamma_N", 0.5}, {"gamma_post", 0.5}}});
}

struct TwoStage {
  FitResult base;
  FitResult full;
  std::vector<double> errors;  // two_stage_errors of the second stage
};

TwoStage fit_kumar_two_stage(const Table& t) {
  TwoStage out;
  out.base = slfit::fit<KumarQat>(t.filter(t.column("P_post") == kFullPost), kumar_qat_options());
  FitOptions o = log_squared();
  slfit::fix_shared_parameters<Kumar>(o, out.base);
  o.starts = ptq_starts();
  const Table quantized = t.filter(t.column("P_post") < kFullPost);
  out.full = slfit::fit<Kumar>(quantized, o);
  slfit::add_first_stage_uncertainty<Kumar>(quantized, o, out.base, out.full);
  out.errors = out.full.standard_errors;
  return out;
}

// ---- 4. qat-full, two stages ------------------------------------------------------------------
std::vector<double> qat_full_truth() {
  auto values = named<Chinchilla>(slfit::preset_values<Chinchilla>("hoffmann2022"));
  const auto dp = named<QatGroup>(slfit::preset_values<QatGroup>("chen2025-w4a4"));
  values.insert(values.end(), dp.begin(), dp.end());
  return by_name<QatFull>(values);
}

const slfit::Axes kQatND = {{"N", logspace(1e8, 3e9, 5)}, {"D", logspace(1e9, 1e11, 5)}};

Table qat_base_table(double noise, std::uint64_t seed) {
  return slfit::simulate<Chinchilla>(kQatND, slfit::preset_values<Chinchilla>("hoffmann2022"),
                                     relative_noise(noise, seed));
}

Table qat_quantized_table(double noise, std::uint64_t seed) {
  slfit::Axes axes = kQatND;
  axes.push_back({"G", {16, 32, 64, 128, 256}});
  return slfit::simulate<QatFull>(axes, qat_full_truth(), relative_noise(noise, seed));
}

slfit::StartSpec qat_group_starts() {
  return slfit::StartSpec::explicit_points(
      {Point{{"k", 1.0}, {"gamma_N", 0.0}, {"gamma_D", 0.0}, {"gamma_G", 0.0}},
       Point{{"k", 0.01}, {"gamma_N", 0.5}, {"gamma_D", 0.3}, {"gamma_G", 1.5}}});
}

TwoStage fit_qat_two_stage(const Table& base_rows, const Table& quantized_rows) {
  TwoStage out;
  out.base = slfit::fit<Chinchilla>(base_rows, log_squared());
  FitOptions o = log_squared();
  slfit::fix_shared_parameters<QatFull>(o, out.base);
  o.starts = qat_group_starts();
  out.full = slfit::fit<QatFull>(quantized_rows, o);
  slfit::add_first_stage_uncertainty<QatFull>(quantized_rows, o, out.base, out.full);
  out.errors = out.full.standard_errors;
  return out;
}

// ---- 5. capybara --------------------------------------------------------------------------------
const double kGiB = 1073741824.0;
const std::vector<std::pair<int, int>> kFormats = {{1, 1}, {2, 1}, {1, 2}, {2, 2},
                                                   {3, 2}, {2, 3}, {4, 3}, {5, 2}};

Table capybara_table(double noise, std::uint64_t seed) {
  std::vector<std::vector<double>> rows;
  for (double n : {40894464.0, 84.9e6, 154.1e6, 679477248.0})
    for (double d : {10 * kGiB, 20 * kGiB, 50 * kGiB, 100 * kGiB})
      for (const auto& [e, m] : kFormats)
        for (double b : {32.0, 64.0, 128.0, 256.0}) rows.push_back({n, d, double(e), double(m), b});
  return slfit::simulate<Capybara>(rows_table({"N", "D", "E", "M", "B"}, rows, "<capybara>"),
                                   slfit::preset_values<Capybara>("sun2025"),
                                   relative_noise(noise, seed));
}

FitResult fit_capybara(const Table& t) {
  FitOptions o = log_squared();
  o.starts = slfit::StartSpec::random(32);
  o.seed = 5;
  return slfit::fit<Capybara>(t, o);
}

// ---- 6. qid per bit width ---------------------------------------------------------------------
Table qid_table(double noise, std::uint64_t seed) {
  return slfit::simulate<Qid>({{"N", {85e6, 302e6, 805e6, 2.65e9, 6.44e9, 11.3e9}},
                               {"D", logspace(1e9, 3e11, 6)},
                               {"P", {2, 3, 4}}},
                              slfit::preset_values<Qid>("ouyang2024"),
                              relative_noise(noise, seed, "qid"));
}

std::vector<slfit::GroupFit> fit_qid_by_bits(const Table& t) {
  FitOptions o = log_squared();
  o.target = "qid";
  o.fixed["gamma"] = slfit::preset_values<Qid>("ouyang2024")[Qid::kGamma];
  return slfit::fit_by_group(t, "P", [&](const Table& part) { return slfit::fit<Qid>(part, o); });
}

}  // namespace

namespace {

// Every free parameter of r is the truth to 1e-5 relative (fits of noiseless tables).
void check_exact(const FitResult& r, const std::vector<double>& truth) {
  REQUIRE(r.converged());
  REQUIRE(r.parameters.size() == truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    INFO(r.law << ": " << r.names[i] << " = " << r.parameters[i] << ", truth " << truth[i]);
    CHECK(r.parameters[i] == Approx(truth[i]).epsilon(1e-5));
  }
}

// Every free parameter of r is within four standard errors of the truth (se: r's own, or
// two_stage_errors for a second stage), measured as z_score does.
template <class L>
void check_within_4se(const FitResult& r, const std::vector<double>& truth,
                      std::vector<double> se = {}) {
  REQUIRE(r.converged());
  REQUIRE(r.covariance_ok);
  FitResult shown = r;
  if (!se.empty()) shown.standard_errors = std::move(se);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (r.fixed[i]) continue;
    const double z = z_score<L>(shown, i, truth[i]);
    INFO(r.law << ": " << r.names[i] << " = " << r.parameters[i] << " +- "
               << shown.standard_errors[i] << ", truth " << truth[i] << ", z = " << z);
    CHECK(shown.standard_errors[i] > 0.0);
    CHECK(std::abs(z) <= 4.0);
  }
}

}  // namespace

TEST_CASE("recovery: pythia-kaplan, all four constants in log space", "[fit][recovery]") {
  SECTION("without noise: the truth from the default starts") {
    const FitResult r = fit_pythia(pythia_table(0.0, 0));
    CHECK(r.best_start_point != pythia_truth());
    check_exact(r, pythia_truth());
  }
  SECTION("0.5% multiplicative noise: within four standard errors") {
    const Table t = pythia_table(0.005, 101);
    const FitResult r = fit_pythia(t);
    check_within_4se<PythiaKaplan>(r, pythia_truth());
    // Log residuals of a correct fit have the size of the noise.
    CHECK(std::sqrt(r.rss / static_cast<double>(r.points)) == Approx(0.005).epsilon(0.3));
  }
}

// With the offsets n_* held at the preset's values, the factorial grid identifies all eight other
// constants: at 0.3% noise the relative standard errors run from 0.1% (gamma_a) to ~10% (B, the
// least identified: on 1.5e9..2.6e10 tokens the data term is 0.1-0.3 next to E = 2.76), and none
// had to be fixed. (The offsets are fixed as the brief for this test asks; freeing them as well is
// a different, harder question.)
TEST_CASE("recovery: kumar-qat, the base law and the three gammas", "[fit][recovery][kumar]") {
  const auto truth = kumar_qat_truth();
  SECTION("without noise: the truth from random starts") {
    const FitResult r = slfit::fit<KumarQat>(slfit::simulate<KumarQat>(kumar_qat_axes(), truth),
                                             kumar_qat_options());
    CHECK(r.best_start_point != truth);
    check_exact(r, truth);
  }
  SECTION("0.3% multiplicative noise: within four standard errors") {
    const Table t = slfit::simulate<KumarQat>(kumar_qat_axes(), truth, relative_noise(0.003, 202));
    REQUIRE(t.rows() == 4 * 3 * 64);
    const FitResult r = slfit::fit<KumarQat>(t, kumar_qat_options());
    check_within_4se<KumarQat>(r, truth);
    for (const char* name : {"n_w", "n_a", "n_kv"}) {
      INFO(name);
      CHECK(r.value(name) ==
            truth[slfit::parameter_index(KumarQat::parameters(), name, "kumar-qat")]);
    }
  }
}

TEST_CASE("recovery: kumar in two stages, kumar-qat then delta_PTQ", "[fit][recovery][kumar]") {
  const auto truth = slfit::preset_values<Kumar>("kumar2024");
  SECTION("without noise: the truth from starts away from it") {
    const TwoStage r = fit_kumar_two_stage(kumar_table(0.0, 0));
    check_exact(r.base, kumar_qat_truth());
    check_exact(r.full, truth);
  }
  SECTION("0.3% multiplicative noise: within four standard errors") {
    const Table t = kumar_table(0.003, 303);
    const TwoStage r = fit_kumar_two_stage(t);
    check_within_4se<KumarQat>(r.base, kumar_qat_truth());
    // Stage 2 holds every kumar-qat constant at its stage-1 value and frees the four PTQ ones.
    for (std::size_t i = 0; i < r.base.names.size(); ++i) {
      INFO(r.base.names[i]);
      CHECK(r.full.fixed[i]);
      CHECK(r.full.parameters[i] == r.base.parameters[i]);
    }
    CHECK(r.full.free_parameters() == 4);
    check_within_4se<Kumar>(r.full, truth, r.errors);
    for (std::size_t i = 0; i < truth.size(); ++i) CHECK(r.errors[i] >= r.full.standard_errors[i]);
  }
}

TEST_CASE("recovery: qat-full in two stages, chinchilla then delta_p", "[fit][recovery][qat]") {
  const auto truth = qat_full_truth();
  const auto base_truth = slfit::preset_values<Chinchilla>("hoffmann2022");
  SECTION("without noise: the truth from starts away from it") {
    const TwoStage r = fit_qat_two_stage(qat_base_table(0.0, 0), qat_quantized_table(0.0, 0));
    check_exact(r.base, base_truth);
    check_exact(r.full, truth);
  }
  SECTION("0.2% multiplicative noise: within four standard errors") {
    const TwoStage r =
        fit_qat_two_stage(qat_base_table(0.002, 404), qat_quantized_table(0.002, 405));
    check_within_4se<Chinchilla>(r.base, base_truth);
    CHECK(r.full.free_parameters() == 4);
    for (const char* name : {"A", "B", "E", "alpha", "beta"}) {
      INFO(name);
      CHECK(r.full.value(name) == r.base.value(name));
    }
    check_within_4se<QatFull>(r.full, truth, r.errors);
  }
}

// All eight constants at once are identified on this grid: at 0.2% noise the relative standard
// errors are ~1% (n, alpha, beta, eps, delta, nu) to ~12% (d, gamma).
TEST_CASE("recovery: capybara, all eight constants jointly", "[fit][recovery][capybara]") {
  const auto truth = slfit::preset_values<Capybara>("sun2025");
  SECTION("without noise: the truth from random starts") {
    const FitResult r = fit_capybara(capybara_table(0.0, 0));
    CHECK(r.best_start_point != truth);
    check_exact(r, truth);
  }
  SECTION("0.2% multiplicative noise: within four standard errors") {
    const Table t = capybara_table(0.002, 505);
    REQUIRE(t.rows() == 4 * 4 * 8 * 4);
    const FitResult r = fit_capybara(t);
    check_within_4se<Capybara>(r, truth);
    CHECK(std::sqrt(r.rss / static_cast<double>(r.points)) == Approx(0.002).epsilon(0.25));
  }
}

TEST_CASE("recovery: qid one bit width at a time with fit_by_group", "[fit][recovery][qid]") {
  const auto truth = slfit::preset_values<Qid>("ouyang2024");
  SECTION("without noise: every group gives the truth") {
    const auto groups = fit_qid_by_bits(qid_table(0.0, 0));
    REQUIRE(groups.size() == 3);
    for (const auto& g : groups) {
      INFO("P = " << g.value);
      check_exact(g.fit, truth);
    }
  }
  SECTION("3% multiplicative noise: every group within four standard errors") {
    const auto groups = fit_qid_by_bits(qid_table(0.03, 606));
    REQUIRE(groups.size() == 3);
    const std::vector<double> bits = {2, 3, 4};
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const auto& g = groups[i];
      INFO("P = " << g.value);
      CHECK(g.value == bits[i]);
      CHECK(g.rows == 36);
      CHECK(g.fit.points == 36);
      CHECK(g.fit.value("gamma") == truth[Qid::kGamma]);
      CHECK(g.fit.free_parameters() == 3);
      check_within_4se<Qid>(g.fit, truth);
    }
  }
}
