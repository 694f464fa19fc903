// Parameters with one value per level of a column (fit/levels.hpp, fit/level_fit.hpp): recovery
// of 20 known levels from a simulated table, the reference level, options naming one level, the
// law evaluated level by level, and the errors of bad uses.
#include <cmath>
#include <string>
#include <vector>

#include "slfit/core/formula_law.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/runtime/formula_entry.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

namespace {

using Catch::Matchers::Contains;

constexpr int kLevels = 20;

// "g00" ... "g19".
std::string level(int l) { return std::string(l < 10 ? "g0" : "g").append(std::to_string(l)); }

// The truth: level l has eff = 0.3 + 0.035 l (g00, the reference, is held at 1 instead).
double true_eff(int l) { return l == 0 ? 1.0 : 0.3 + 0.035 * l; }

slfit::FormulaSpec per_level_spec() {
  slfit::FormulaSpec s;
  s.name = "eff-per-group";
  s.inputs = {{.name = "N", .meaning = "parameters"}};
  s.formula = "A * (N * eff[group])^-alpha + E";
  s.parameters = {{.name = "A",
                   .value = 100,
                   .lower = 0,
                   .transform = slfit::Transform::kLog,
                   .grid = {50, 500}},
                  {.name = "alpha", .value = 0.3, .lower = 0, .upper = 2, .grid = {0.2, 0.4}},
                  {.name = "E", .value = 1.5, .lower = 0, .transform = slfit::Transform::kLog},
                  {.name = "eff",
                   .value = 0.5,
                   .lower = 0,
                   .transform = slfit::Transform::kLog,
                   .per = "group",
                   .reference = "g00"}};
  return s;
}

// Eight sizes per level, losses from the truth with 0.2% multiplicative noise of slfit's own
// generator (A 400, alpha 0.34, E 1.7).
slfit::Table simulated(std::uint64_t seed) {
  slfit::detail::Rng rng(seed);
  std::vector<double> n, loss;
  std::vector<std::string> group;
  for (int l = 0; l < kLevels; ++l) {
    for (int k = 0; k < 8; ++k) {
      const double size = 1e7 * std::pow(10.0, 0.4 * k);
      const double truth = 400.0 * std::pow(size * true_eff(l), -0.34) + 1.7;
      n.push_back(size);
      loss.push_back(truth * std::exp(0.002 * rng.normal()));
      group.push_back(level(l));
    }
  }
  slfit::Table t;
  t.add_column("N", Eigen::Map<const slfit::Array>(n.data(), Eigen::Index(n.size())));
  t.add_column("loss", Eigen::Map<const slfit::Array>(loss.data(), Eigen::Index(loss.size())));
  t.add_text_column("group", group);
  return t;
}

}  // namespace

TEST_CASE("a per-level parameter recovers 20 known levels", "[levels]") {
  const slfit::LawEntry law = slfit::formula_law_entry(per_level_spec());
  const slfit::Table t = simulated(7);
  const slfit::FitResult r = law.fit(t, {});
  REQUIRE(r.converged());
  REQUIRE(r.names.size() == 3 + kLevels);
  CHECK(r.names[3] == "eff[g00]");
  CHECK(r.names[4] == "eff[g01]");
  CHECK(r.names.back() == "eff[g19]");
  // The reference is held at 1 and reported as fixed; every other level is fitted.
  CHECK(r.value("eff[g00]") == 1.0);
  CHECK(r.fixed[3]);
  CHECK(r.free_parameters() == 3 + kLevels - 1);
  REQUIRE(r.covariance_ok);
  for (int l = 1; l < kLevels; ++l) {
    INFO(level(l));
    const std::string name = "eff[" + level(l) + "]";
    const double se = r.standard_error(name);
    CHECK(se > 0.0);
    CHECK(std::abs(r.value(name) - true_eff(l)) < 4.0 * se);
    CHECK(r.value(name) == Approx(true_eff(l)).epsilon(0.05));
  }
  CHECK(r.value("alpha") == Approx(0.34).epsilon(0.05));
  CHECK(r.value("E") == Approx(1.7).epsilon(0.02));
  // Residuals come back in table order: each equals the law at its row minus the log loss.
  const slfit::Array fitted = law.evaluate_named(t, r.names, r.parameters, {});
  const auto loss = t.column("loss");
  for (Eigen::Index i = 0; i < t.rows(); ++i)
    CHECK(r.residuals[static_cast<std::size_t>(i)] ==
          Approx(std::log(fitted(i)) - std::log(loss(i))).margin(1e-12));
}

TEST_CASE("per-level options: one level fixed or bounded, every level bounded", "[levels]") {
  const slfit::LawEntry law = slfit::formula_law_entry(per_level_spec());
  const slfit::Table t = simulated(11);
  slfit::FitOptions o;
  o.fixed["eff[g05]"] = 0.475;
  o.bounds["eff"] = {0.0, 0.6};
  const slfit::FitResult r = law.fit(t, o);
  REQUIRE(r.status != slfit::FitStatus::kFailed);
  CHECK(r.value("eff[g05]") == 0.475);
  CHECK(r.fixed[3 + 5]);
  // Levels whose truth lies above 0.6 end at the bound.
  const auto at = [&](const std::string& name) {
    for (std::size_t i = 0; i < r.names.size(); ++i)
      if (r.names[i] == name) return i;
    return r.names.size();
  };
  CHECK(r.at_upper.at(at("eff[g19]")));
  CHECK(r.value("eff[g19]") == Approx(0.6));
  CHECK_FALSE(r.at_upper.at(at("eff[g02]")));
}

TEST_CASE("per-level parameters: bad uses are clear errors", "[levels]") {
  const slfit::Table t = simulated(3);
  SECTION("a reference level that does not occur") {
    auto spec = per_level_spec();
    spec.parameters[3].reference = "g99";
    const auto law = slfit::formula_law_entry(spec);
    CHECK_THROWS_AS(law.fit(t, {}), slfit::DataError);
    CHECK_THROWS_WITH(law.fit(t, {}), Contains("reference level 'g99' of parameter 'eff'") &&
                                          Contains("levels are: g00, g01"));
  }
  SECTION("a level column that is missing") {
    const auto law = slfit::formula_law_entry(per_level_spec());
    slfit::Table no_group;
    no_group.add_column("N", t.column("N"));
    no_group.add_column("loss", t.column("loss"));
    CHECK_THROWS_WITH(law.fit(no_group, {}), Contains("one value per level of column 'group'") &&
                                                 Contains("has no column 'group'"));
  }
  SECTION("a level with no rows: an option naming it, a prediction at it") {
    const auto law = slfit::formula_law_entry(per_level_spec());
    slfit::FitOptions o;
    o.fixed["eff[g42]"] = 0.5;
    CHECK_THROWS_AS(law.fit(t, o), slfit::DataError);
    CHECK_THROWS_WITH(law.fit(t, o), Contains("no level 'g42' in column 'group'"));
    const slfit::FitResult r = law.fit(t, {});
    slfit::Table other;
    other.add_column("N", slfit::Array::Constant(1, 1e9));
    other.add_text_column("group", {"g77"});
    CHECK_THROWS_WITH(law.evaluate_named(other, r.names, r.parameters, {}),
                      Contains("level 'g77'") && Contains("no 'eff[g77]'"));
  }
  SECTION("a per-level option on a parameter the law does not have") {
    const auto law = slfit::formula_law_entry(per_level_spec());
    slfit::FitOptions o;
    o.fixed["alpha[g01]"] = 0.3;
    CHECK_THROWS_WITH(law.fit(t, o), Contains("no parameter 'alpha' with one value per level"));
    slfit::FitOptions p;
    p.per["beta"] = {.column = "group"};
    CHECK_THROWS_WITH(law.fit(t, p), Contains("unknown parameter 'beta'"));
  }
  SECTION("formulas that use a per-level parameter wrongly") {
    auto bare = per_level_spec();
    bare.formula = "A * (N * eff)^-alpha + E";
    CHECK_THROWS_WITH(slfit::formula_law_entry(bare), Contains("write eff[group]"));
    auto other = per_level_spec();
    other.formula = "A * (N * eff[format])^-alpha + E";
    CHECK_THROWS_WITH(slfit::formula_law_entry(other),
                      Contains("one value per level of column 'group': write eff[group]"));
    auto single = per_level_spec();
    single.formula = "A[group] * (N * eff[group])^-alpha + E";
    CHECK_THROWS_WITH(slfit::formula_law_entry(single), Contains("parameter 'A' has one value"));
    auto reference = per_level_spec();
    reference.parameters[0].reference = "g00";
    CHECK_THROWS_WITH(slfit::formula_law_entry(reference),
                      Contains("parameters.A.reference: goes with 'per'"));
  }
}

TEST_CASE("a per-level fit bootstraps: levels a resample did not draw are left out",
          "[levels][bootstrap]") {
  const slfit::LawEntry law = slfit::formula_law_entry(per_level_spec());
  const slfit::Table t = simulated(5);
  const slfit::FitResult best = law.fit(t, {});
  slfit::BootstrapOptions bo;
  bo.resamples = 60;
  bo.seed = 9;
  bo.group = "group";  // whole levels: every resample misses about a third of them
  const slfit::BootstrapResult b = law.bootstrap(t, {}, bo, &best);
  REQUIRE(b.parameters.size() == best.names.size());
  CHECK(b.failed == 0);
  for (std::size_t i = 0; i < b.parameters.size(); ++i) {
    const auto& e = b.parameters[i];
    INFO(e.name);
    CHECK(e.name == best.names[i]);
    if (e.name.rfind("eff[", 0) == 0 && e.name != "eff[g00]") {
      // Drawn in a resample with probability 1 - (19/20)^20 = 64%: never all 60, seldom few.
      CHECK(e.valid < 60);
      CHECK(e.valid > 25);
      CHECK(e.percentile.contains(best.value(e.name)));
    } else if (e.name != "eff[g00]") {
      CHECK(e.valid == 60);  // shared parameters are fitted in every resample
    }
  }
  // The same resamples from the same seed, whatever the thread count.
  slfit::BootstrapOptions one = bo;
  one.threads = 1;
  const slfit::BootstrapResult c = law.bootstrap(t, {}, one, &best);
  for (std::size_t r = 0; r < b.samples.size(); ++r)
    for (std::size_t i = 0; i < b.samples[r].size(); ++i)
      CHECK((b.samples[r][i] == c.samples[r][i] ||
             (std::isnan(b.samples[r][i]) && std::isnan(c.samples[r][i]))));
}
