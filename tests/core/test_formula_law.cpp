// Formula laws: the compiled program (values, exact derivatives, linear parameters), the checks of
// a formula, and fits that match the compiled laws they restate.
#include <ceres/jet.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "slfit/analysis/allocation.hpp"
#include "slfit/analysis/chinchilla.hpp"
#include "slfit/core/formula_law.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/runtime/builtin_laws.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/uncertainty/holdout.hpp"
#include "support/epoch_data.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using slfit::FormulaModel;
using slfit::FormulaSpec;
using slfit::ParameterSpec;
using slfit::Transform;

namespace {

ParameterSpec param(std::string name, double value, double lower = -slfit::kInf,
                    double upper = slfit::kInf, Transform t = Transform::kIdentity) {
  return {.name = std::move(name), .value = value, .lower = lower, .upper = upper, .transform = t};
}

FormulaSpec spec_of(std::string formula, std::vector<std::string> inputs,
                    std::vector<ParameterSpec> params) {
  FormulaSpec s;
  s.name = "test-law";
  for (auto& i : inputs) s.inputs.push_back({i, "", true});
  s.formula = std::move(formula);
  s.parameters = std::move(params);
  return s;
}

std::vector<std::string> linear_names(const FormulaModel& m) {
  std::vector<std::string> out;
  for (const auto& p : m.parameters())
    if (p.linear) out.push_back(p.name);
  return out;
}

// Chinchilla as a formula, with the compiled law's parameters, grids and named grid.
FormulaSpec chinchilla_spec() {
  FormulaSpec s = spec_of("E + A / N^alpha + B / D**beta", {"N", "D"}, {});
  s.name = "chinchilla-formula";
  s.parameters = slfit::Chinchilla::parameters();
  for (auto& p : s.parameters) p.linear = false;  // read from the formula, not copied
  s.start_grids = slfit::Chinchilla::start_grids();
  return s;
}

// A table of three inputs over a small grid (all positive).
slfit::Table grid_table() {
  slfit::Table t("<grid>");
  std::vector<double> x, y, z;
  for (double a : {0.5, 1.5, 3.0, 10.0})
    for (double b : {0.2, 2.0, 7.0})
      for (double c : {1.0, 4.0}) {
        x.push_back(a);
        y.push_back(b);
        z.push_back(c);
      }
  t.set_column("x", Eigen::Map<slfit::Array>(x.data(), static_cast<Eigen::Index>(x.size())));
  t.set_column("y", Eigen::Map<slfit::Array>(y.data(), static_cast<Eigen::Index>(y.size())));
  t.set_column("z", Eigen::Map<slfit::Array>(z.data(), static_cast<Eigen::Index>(z.size())));
  return t;
}

// Column derivatives of a 3-parameter law against central differences and against the Jet path
// row by row; values by row against values by column.
void check_derivatives(const std::string& formula, std::vector<double> p,
                       std::vector<std::string> inputs = {"x", "y", "z"}) {
  INFO(formula);
  auto m = std::make_shared<const FormulaModel>(
      spec_of(formula, std::move(inputs), {param("a", p[0]), param("b", p[1]), param("c", p[2])}));
  const slfit::FormulaLaw<3> law(m);
  const slfit::Table t = grid_table();
  const slfit::BoundInputs<slfit::FormulaLaw<3>> in(law, t, {});
  slfit::Array v;
  Eigen::ArrayXXd d;
  law.value_and_gradient(p.data(), in.view(), slfit::Space::kLinear, v, &d);
  REQUIRE(v.allFinite());
  REQUIRE(d.allFinite());
  for (int j = 0; j < 3; ++j) {
    const double h = 1e-6 * std::max(1.0, std::abs(p[static_cast<std::size_t>(j)]));
    auto q = p;
    q[static_cast<std::size_t>(j)] += h;
    const slfit::Array up = law.formula(q.data(), in.view());
    q[static_cast<std::size_t>(j)] -= 2 * h;
    const slfit::Array down = law.formula(q.data(), in.view());
    const slfit::Array fd = (up - down) / (2 * h);
    const double err = ((fd - d.col(j)).abs() / (d.col(j).abs() + 1.0)).maxCoeff();
    INFO("parameter " << j << ": largest difference " << err);
    CHECK(err < 1e-6);
  }
  using Jet = ceres::Jet<double, 3>;
  const std::array<Jet, 3> pj = {Jet(p[0], 0), Jet(p[1], 1), Jet(p[2], 2)};
  for (Eigen::Index r = 0; r < t.rows(); ++r) {
    const double row = law.formula(p.data(), in.row(r));
    CHECK(row == Approx(v(r)).epsilon(1e-14));
    const Jet jr = law.formula(pj.data(), in.row(r));
    for (int j = 0; j < 3; ++j) CHECK(jr.v(j) == Approx(d(r, j)).epsilon(1e-12).margin(1e-14));
  }
}

std::string error_of(const FormulaSpec& s) {
  try {
    FormulaModel m(s);
  } catch (const slfit::UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("formula law: linear parameters are read from the formula", "[formula]") {
  const auto lin = [](const std::string& f, std::vector<std::string> in,
                      std::vector<std::string> names) {
    std::vector<ParameterSpec> ps;
    for (auto& n : names) ps.push_back(param(n, 1.0));
    return linear_names(FormulaModel(spec_of(f, std::move(in), std::move(ps))));
  };
  using V = std::vector<std::string>;
  CHECK(linear_names(FormulaModel(chinchilla_spec())) == V{"E", "A", "B"});
  CHECK(lin("a + b * x^c", {"x"}, {"a", "b", "c"}) == V{"a", "b"});
  CHECK(lin("(a - b * log(x)) / 2 + -a", {"x"}, {"a", "b"}) == V{"a", "b"});
  // A product of two parameters is affine in each alone, not in both at once: one is kept.
  CHECK(lin("a * b * x + c", {"x"}, {"a", "b", "c"}) == V{"a", "c"});
  CHECK(lin("x / a + b", {"x"}, {"a", "b"}) == V{"b"});
  CHECK(lin("((a / x)^(b / c) + 1 / x)^c", {"x"}, {"a", "b", "c"}).empty());
  CHECK(lin("max(a, x) + b * exp(x)", {"x"}, {"a", "b"}) == V{"b"});
}

TEST_CASE("formula law: exact derivatives match central differences and autodiff", "[formula]") {
  check_derivatives("a + b * x^c", {0.5, 2.0, -0.7}, {"x"});
  check_derivatives("((a / x)^(b / c) + 1 / y)^c", {3.0, 0.4, 0.9}, {"x", "y"});
  check_derivatives("a * exp(-b * y) + sqrt(c + z) - log10(x) * log2(a)", {1.5, 0.3, 2.0});
  check_derivatives("min(a * x, b * y) + max(c, z) + abs(a - x)", {1.3, 0.7, 2.5});
  check_derivatives("x^a / (1 + (y / b)^c) - z ** 2 * c", {0.6, 1.7, 1.2});
  check_derivatives("(a + x)^(b * y) / c", {0.9, 0.3, 2.0}, {"x", "y"});
  check_derivatives("-a^2 + 2^b * log(c * x * y * z)", {1.1, 0.5, 3.0});
}

TEST_CASE("formula law: Chinchilla as a formula equals the compiled law", "[formula]") {
  auto m = std::make_shared<const FormulaModel>(chinchilla_spec());
  const slfit::FormulaLaw<5> law(m);
  const auto p = slfit::preset_values<slfit::Chinchilla>("epoch2024");
  const slfit::Table t =
      slfit::grid_table({{"N", {1e7, 1e9, 7e10}}, {"D", {1e8, 1.4e12, 1e14}}}, "<grid>");
  const slfit::BoundInputs<slfit::FormulaLaw<5>> in(law, t, {});
  for (const auto space : {slfit::Space::kLinear, slfit::Space::kLog}) {
    slfit::Array v, c;
    Eigen::ArrayXXd d, dc;
    law.value_and_gradient(p.data(), in.view(), space, v, &d);
    slfit::Chinchilla::value_and_gradient(p.data(), in.view(), space, c, &dc);
    CHECK((v - c).abs().maxCoeff() <= 1e-14 * c.abs().maxCoeff());
    CHECK(((d - dc).abs() / (dc.abs() + 1e-300)).maxCoeff() < 1e-12);
  }
}

TEST_CASE("formula law: a formula that cannot be a law says which field and why", "[formula]") {
  const auto abc = [] {
    return std::vector<ParameterSpec>{param("alpha", 1), param("beta", 1), param("gamma", 1)};
  };
  CHECK_THAT(
      error_of(spec_of("alpha + beta * x^gamma +", {"x"}, abc())),
      Contains("law 'test-law': formula: cannot parse expression") && Contains("at position 25"));
  CHECK_THAT(
      error_of(spec_of("alpha + beta * x^gama", {"x"}, abc())),
      Contains("formula: unknown name 'gama' at position 18") && Contains("did you mean 'gamma'"));
  CHECK_THAT(error_of(spec_of("alpha + beta * x", {"x"}, abc())),
             Contains("parameters.gamma: declared but the formula does not use it"));
  CHECK_THAT(error_of(spec_of("alpha + beta * x^gamma", {"x", "y"}, abc())),
             Contains("inputs[1]: input 'y' is declared but the formula does not use it"));
  CHECK_THAT(error_of(spec_of("alpha + beta * (x > gamma)", {"x"}, abc())),
             Contains("formula: comparisons and logical operators"));
  FormulaSpec long_one = spec_of("alpha + beta * x^gamma", {"x"}, abc());
  for (int i = 0; i < 5000; ++i) long_one.formula += " + 0";
  CHECK_THAT(error_of(long_one), Contains("formula: is 20022 characters long; the limit is 10000"));
  FormulaSpec deep = spec_of(
      std::string(300, '(') + "alpha" + std::string(300, ')') + " + beta * x^gamma", {"x"}, abc());
  CHECK_THAT(error_of(deep),
             Contains("formula: cannot parse expression") && Contains("nested too deeply"));
  // A formula with a newline (the fuzzer's find): the message stays one line.
  const std::string two_lines = error_of(spec_of("alpha + beta *\n x^gamma +", {"x"}, abc()));
  CHECK_THAT(two_lines, Contains("cannot parse expression") && Contains("\\n"));
  CHECK(two_lines.find('\n') == std::string::npos);
  FormulaSpec file = spec_of("alpha + beta * x^gama", {"x"}, abc());
  file.origin = "law file my.json";
  CHECK_THAT(error_of(file), Contains("law file my.json: formula: unknown name 'gama'"));
}

TEST_CASE("formula law: Chinchilla as a formula fits Epoch's data as the compiled law does",
          "[formula][real-data]") {
  if (!slfit::testing::have_epoch_data()) {
    WARN("skipped: " << slfit::testing::kEpochPath << " is absent");
    return;
  }
  const slfit::Table t = slfit::testing::epoch_240();
  slfit::FitOptions opt;
  opt.objective = slfit::Objective::kHuber;
  opt.delta = 1e-3;
  opt.starts = slfit::StartSpec::grid("hoffmann");
  const slfit::LawEntry formula = slfit::formula_law_entry(chinchilla_spec());
  const slfit::LawEntry& compiled = slfit::find_law("chinchilla");
  const slfit::FitResult a = compiled.fit(t, opt);
  const slfit::FitResult b = formula.fit(t, opt);
  REQUIRE(b.converged());
  CHECK(b.law == "chinchilla-formula");
  CHECK(b.starts_tried == 4500);
  CHECK(std::abs(b.objective_value - a.objective_value) <= 1e-12 * a.objective_value);
  CHECK(b.objective_value <= 0.0010182740 + 1e-10);
  for (std::size_t i = 0; i < 5; ++i) {
    INFO(a.names[i]);
    CHECK(b.parameters[i] == Approx(a.parameters[i]).epsilon(1e-6));
    CHECK(b.standard_errors[i] == Approx(a.standard_errors[i]).epsilon(1e-5));
  }

  slfit::BootstrapOptions bo;
  bo.resamples = 40;
  bo.seed = 7;
  const slfit::BootstrapResult ba = compiled.bootstrap(t, opt, bo, &a);
  const slfit::BootstrapResult bb = formula.bootstrap(t, opt, bo, &b);
  CHECK(bb.failed == ba.failed);
  for (std::size_t i = 0; i < 5; ++i) {
    INFO(a.names[i]);
    CHECK(bb.parameters[i].standard_error == Approx(ba.parameters[i].standard_error).epsilon(1e-4));
  }

  const slfit::Mask held = t.column("N") > 5e9;
  const slfit::HoldoutResult ha = slfit::holdout(t, held, compiled.candidate(opt));
  const slfit::HoldoutResult hb = slfit::holdout(t, held, formula.candidate(opt));
  CHECK(hb.rmse == Approx(ha.rmse).epsilon(1e-6));
  CHECK(hb.max_abs_error == Approx(ha.max_abs_error).epsilon(1e-6));
}

TEST_CASE("formula law: QiD as a formula fits as the compiled law does", "[formula]") {
  const slfit::LawEntry& compiled = slfit::find_law("qid");
  FormulaSpec s = spec_of("k * D^beta / (N^alpha * P^gamma)", {"N", "D", "P"}, {});
  s.name = "qid-formula";
  s.parameters = compiled.parameters;
  for (auto& p : s.parameters) p.linear = false;
  const slfit::LawEntry formula = slfit::formula_law_entry(s);
  CHECK(formula.parameters[0].name == "k");
  CHECK(formula.parameters[0].linear);
  const auto truth = compiled.preset(compiled.presets.front().name);
  const slfit::Table t = slfit::simulate<slfit::Qid>(
      {{"N", {1.6e8, 4e8, 1e9, 2.8e9, 6.9e9, 1.2e10}},
       {"D", {1e9, 1e10, 1e11, 1e12}},
       {"P", {2, 3, 4}}},
      truth, {.noise = 0.03, .kind = slfit::Noise::kMultiplicative, .seed = 11});
  slfit::FitOptions opt;
  opt.target = "loss";
  const slfit::FitResult a = compiled.fit(t, opt);
  const slfit::FitResult b = formula.fit(t, opt);
  REQUIRE(a.converged());
  REQUIRE(b.converged());
  CHECK(std::abs(b.objective_value - a.objective_value) <= 1e-10 * a.objective_value);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    INFO(a.names[i]);
    CHECK(b.parameters[i] == Approx(a.parameters[i]).epsilon(1e-5));
    CHECK(b.standard_errors[i] == Approx(a.standard_errors[i]).epsilon(1e-4));
  }
  slfit::BootstrapOptions bo;
  bo.resamples = 30;
  bo.seed = 5;
  bo.group = "P";
  const slfit::BootstrapResult ba = compiled.bootstrap(t, opt, bo, &a);
  const slfit::BootstrapResult bb = formula.bootstrap(t, opt, bo, &b);
  CHECK(bb.failed == ba.failed);
  for (std::size_t i = 0; i < truth.size(); ++i) {
    INFO(a.names[i]);
    CHECK(bb.parameters[i].standard_error == Approx(ba.parameters[i].standard_error).epsilon(1e-4));
  }
  const slfit::Mask held = t.column("N") > 5e9;
  const slfit::HoldoutResult ha = slfit::holdout(t, held, compiled.candidate(opt));
  const slfit::HoldoutResult hb = slfit::holdout(t, held, formula.candidate(opt));
  CHECK(hb.rmse == Approx(ha.rmse).epsilon(1e-6));
}

TEST_CASE("numeric allocation: Chinchilla's closed form, and no optimum at an end", "[formula]") {
  const auto p = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
  const auto loss = [&](double n, double d) {
    return slfit::evaluate_at<slfit::Chinchilla>(p, {n, d});
  };
  for (const double c : {1e18, 5.76e23, 1e26}) {
    INFO("C = " << c);
    const slfit::Allocation exact = slfit::chinchilla_allocation(p, c);
    const slfit::NumericAllocation num = slfit::numeric_allocation(loss, c);
    // The loss is flat at its minimum: N is found to about the square root of the precision.
    CHECK(num.N == Approx(exact.N).epsilon(1e-6));
    CHECK(num.D == Approx(exact.D).epsilon(1e-6));
    CHECK(num.loss == Approx(exact.loss).epsilon(1e-13));
  }
  // A loss that only falls with N has its best at D = 1: not an allocation.
  CHECK_THROWS_WITH(slfit::numeric_allocation([](double n, double) { return 1.0 / n; }, 1e20),
                    Contains("is lowest at D = 1"));
  CHECK_THROWS_WITH(slfit::numeric_allocation([](double, double) { return std::nan(""); }, 1e20),
                    Contains("not finite anywhere along C = 6ND"));
  CHECK_THROWS_WITH(slfit::numeric_allocation(loss, -1.0), Contains("compute budget"));
}

TEST_CASE("numeric compute for a target loss: Chinchilla's closed form, and losses out of reach",
          "[formula]") {
  const auto p = slfit::preset_values<slfit::Chinchilla>("hoffmann2022");
  const auto loss = [&](double n, double d) {
    return slfit::evaluate_at<slfit::Chinchilla>(p, {n, d});
  };
  for (const double target : {3.0, 2.5, 2.0, 1.8}) {
    INFO("loss = " << target);
    // Both bisect on log C; the numeric frontier's loss is exact to ~1e-13, so C agrees closely.
    CHECK(slfit::numeric_compute_for_loss(loss, target) ==
          Approx(slfit::chinchilla_compute_for_loss(p, target)).epsilon(1e-9));
  }
  CHECK_THROWS_WITH(slfit::numeric_compute_for_loss(loss, 1.6),
                    Contains("the target loss 1.6 is not reached below 1e60 FLOPs") &&
                        Contains("the compute-optimal loss there is 1.69"));
  CHECK_THROWS_WITH(slfit::numeric_compute_for_loss(loss, std::nan("")),
                    "target loss must be finite");
}
