// Tests of the compression law (Frantar et al. 2025, LAWS.md section 6) and fit_compression():
// agreement with Chinchilla at N eff, autodiff derivatives, recovery of multipliers and base
// constants from a simulated table, a numeric format column, bad input, and a CSV round trip.
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/compression.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/runtime/builtin_laws.hpp"  // the built-in laws' fitters come from slfit::runtime
#include "support/law_checks.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Chinchilla;
using slfit::Compression;

namespace {

constexpr int K = Compression::kNumInputs;

// Base constants of the simulations: Hoffmann et al.'s, in Compression's order A, B, E, alpha,
// beta.
const std::vector<double> kBase = {406.4, 410.7, 1.69, 0.34, 0.28};

struct Format {
  std::string name;
  double eff;
};
const std::vector<Format> kFormats = {
    {"dense", 1.0}, {"w4a16", 0.923}, {"w4a4", 0.747}, {"sparse50", 0.871}};

// Compression parameters: the base constants, then the given multipliers, the rest 1.
std::vector<double> params_with(const std::vector<double>& effs) {
  std::vector<double> p = kBase;
  for (int k = 0; k < Compression::kSlots; ++k)
    p.push_back(static_cast<std::size_t>(k) < effs.size() ? effs[static_cast<std::size_t>(k)]
                                                          : 1.0);
  return p;
}

// Inputs N, D and indicators with slot `slot` set (-1: none).
std::array<double, K> point(double n, double d, int slot) {
  std::array<double, K> x{};
  x[Compression::kN] = n;
  x[Compression::kD] = d;
  if (slot >= 0) x[static_cast<std::size_t>(Compression::kF1 + slot)] = 1.0;
  return x;
}

slfit::RowView<K> row_of(const std::array<double, K>& x) {
  const auto specs = Compression::inputs();
  slfit::RowView<K> row;
  for (std::size_t i = 0; i < x.size(); ++i) {
    row.values[i] = x[i];
    row.logs[i] = specs[i].positive ? std::log(x[i]) : 0.0;
  }
  return row;
}

// Every format over a grid of N and D; the loss is Chinchilla's at N eff times exp(sigma z).
slfit::Table simulated(const std::vector<Format>& formats, double sigma, std::uint64_t seed) {
  const std::vector<double> ns = {70e6, 160e6, 410e6, 1e9, 2.8e9, 6.9e9};
  const std::vector<double> ds = {1e9, 5e9, 2e10, 1e11, 3e11};
  const auto chin = slfit::preset_values<Chinchilla>("hoffmann2022");
  std::vector<double> n, d, loss;
  std::vector<std::string> label;
  for (const auto& f : formats) {
    for (double nv : ns) {
      for (double dv : ds) {
        n.push_back(nv);
        d.push_back(dv);
        label.push_back(f.name);
        loss.push_back(slfit::evaluate_at<Chinchilla>(chin, {nv * f.eff, dv}));
      }
    }
  }
  const auto rows = static_cast<Eigen::Index>(n.size());
  slfit::Table t("<simulated compression>");
  t.add_column("N", Eigen::Map<const Eigen::ArrayXd>(n.data(), rows));
  t.add_column("D", Eigen::Map<const Eigen::ArrayXd>(d.data(), rows));
  t.add_text_column("format", label);
  Eigen::ArrayXd y = Eigen::Map<const Eigen::ArrayXd>(loss.data(), rows);
  slfit::add_noise(y, {.noise = sigma, .kind = slfit::Noise::kMultiplicative, .seed = seed});
  t.add_column("loss", y);
  return t;
}

slfit::FitOptions log_options() {
  slfit::FitOptions o;
  o.space = slfit::Space::kLog;
  o.threads = 1;
  return o;
}

std::filesystem::path tmp_dir() {
  const std::filesystem::path dir = std::filesystem::path(SLFIT_TEST_TMP) / "compression";
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("compression: equals Chinchilla at N eff", "[compression]") {
  const auto chin = slfit::preset_values<Chinchilla>("hoffmann2022");
  const std::vector<double> effs = {0.923, 0.747, 0.067, 0.871, 0.5, 0.3, 0.99, 0.01};
  const auto p = params_with(effs);
  slfit::Table t("<points>");
  std::vector<std::array<double, K>> xs;
  for (double n : {70e6, 7e9, 405e9}) {
    for (double d : {1e9, 1.4e12}) {
      for (int slot = -1; slot < Compression::kSlots; ++slot) {
        const auto x = point(n, d, slot);
        const double eff = slot < 0 ? 1.0 : effs[static_cast<std::size_t>(slot)];
        INFO("N=" << n << " D=" << d << " slot " << slot);
        const double l = slfit::evaluate_at<Compression>(p, x);
        CHECK(l == Approx(slfit::evaluate_at<Chinchilla>(chin, {n * eff, d})).epsilon(1e-13));
        CHECK(std::exp(Compression::log_formula(p.data(), row_of(x))) == Approx(l).epsilon(1e-14));
        xs.push_back(x);
      }
    }
  }
  // Two formats on one row multiply: the law is a product over slots.
  auto both = point(1e9, 1e11, 0);
  both[Compression::kF1 + 2] = 1.0;
  CHECK(slfit::evaluate_at<Compression>(p, both) ==
        Approx(slfit::evaluate_at<Chinchilla>(chin, {1e9 * 0.923 * 0.067, 1e11})).epsilon(1e-13));

  // The vectorized path agrees with the point path.
  for (int i = 0; i < K; ++i) {
    Eigen::ArrayXd col(static_cast<Eigen::Index>(xs.size()));
    for (std::size_t r = 0; r < xs.size(); ++r)
      col(static_cast<Eigen::Index>(r)) = xs[r][static_cast<std::size_t>(i)];
    t.add_column(Compression::inputs()[static_cast<std::size_t>(i)].name, col);
  }
  const Eigen::ArrayXd l = slfit::evaluate<Compression>(t, p);
  REQUIRE(l.size() == static_cast<Eigen::Index>(xs.size()));
  for (std::size_t r = 0; r < xs.size(); ++r)
    CHECK(l(static_cast<Eigen::Index>(r)) ==
          Approx(slfit::evaluate_at<Compression>(p, xs[r])).epsilon(1e-14));
}

TEST_CASE("compression: parameters and inputs", "[compression]") {
  const auto specs = Compression::parameters();
  REQUIRE(specs.size() == 13);
  CHECK(specs[Compression::kA].name == "A");
  CHECK(specs[Compression::kBeta].name == "beta");
  for (int k = 0; k < Compression::kSlots; ++k) {
    const auto& s = specs[static_cast<std::size_t>(Compression::kEff1 + k)];
    // Appended, not "eff" + to_string(): GCC 12 warns falsely (-Wstringop-overflow) on that.
    CHECK(s.name == std::string("eff").append(std::to_string(k + 1)));
    CHECK(s.lower == 0.0);
    CHECK(s.upper == 1.0);
    CHECK(s.transform == slfit::Transform::kLog);
    const auto in = Compression::inputs()[static_cast<std::size_t>(Compression::kF1 + k)];
    CHECK(in.name == std::string("f").append(std::to_string(k + 1)));
    CHECK_FALSE(in.positive);
  }
  CHECK(slfit::law_presets<Compression>().empty());
  // An indicator outside [0, 1] is refused rather than extrapolated.
  auto x = point(1e9, 1e10, 0);
  x[Compression::kF1] = 2.0;
  CHECK_THROWS_WITH(slfit::evaluate_at<Compression>(params_with({0.9}), x), Contains("input 'f1'"));
}

TEST_CASE("compression: autodiff gradients match central differences", "[compression]") {
  const std::vector<std::vector<double>> params = {
      params_with({0.923, 0.747, 0.871}), params_with({0.067, 0.5, 0.9, 0.2, 0.6, 0.7, 0.8, 0.95})};
  for (const auto& p : params) {
    std::vector<std::array<double, K>> xs = {point(160e6, 300e9, -1), point(12e9, 1e9, 0),
                                             point(405e9, 1e14, 2), point(70e6, 1e10, 7)};
    auto mixed = point(1e9, 2e10, 1);  // two slots on, one half on: every eff enters
    mixed[Compression::kF1 + 4] = 1.0;
    mixed[Compression::kF1 + 5] = 0.5;
    xs.push_back(mixed);
    for (const auto& x : xs) {
      INFO("eff1=" << p[Compression::kEff1] << " at N=" << x[0] << ", D=" << x[1]);
      for (bool log_form : {false, true}) {
        slfit::testing::check_gradient<Compression>(
            log_form, slfit::testing::identity_transforms<Compression>(), p, row_of(x));
        slfit::testing::check_gradient<Compression>(
            log_form, slfit::testing::declared_transforms<Compression>(), p, row_of(x));
      }
    }
  }
}

TEST_CASE("compression: multipliers and base constants recovered", "[compression][fit]") {
  const slfit::Table t = simulated(kFormats, 0.005, 2025);
  REQUIRE(t.rows() == 120);
  const slfit::CompressionFit r = slfit::fit_compression(t, "format", "dense", log_options());
  REQUIRE(r.fit.converged());
  REQUIRE(r.fit.covariance_ok);
  CHECK(r.fit.law == "compression");
  CHECK(r.reference == "dense");
  CHECK(r.format_column == "format");

  // Slots in sorted order; the unused ones fixed at 1.
  using Slot = std::pair<std::string, std::string>;
  CHECK(r.slots == std::vector<Slot>{{"sparse50", "eff1"}, {"w4a16", "eff2"}, {"w4a4", "eff3"}});
  for (int k = 3; k < Compression::kSlots; ++k) {
    const auto i = static_cast<std::size_t>(Compression::kEff1 + k);
    CHECK(r.fit.fixed[i]);
    CHECK(r.fit.parameters[i] == 1.0);
  }
  CHECK(r.fit.free_parameters() == 8);

  REQUIRE(r.multipliers.size() == 4);
  CHECK(r.multipliers[0] == std::pair<std::string, double>{"dense", 1.0});
  CHECK(r.standard_errors[0] == std::pair<std::string, double>{"dense", 0.0});
  for (const auto& f : kFormats) {
    if (f.name == "dense") continue;
    const double eff = r.multiplier(f.name), se = r.standard_error(f.name);
    INFO(f.name << ": fitted " << eff << " +- " << se << ", true " << f.eff);
    CHECK(se > 0.0);
    CHECK(std::abs(eff - f.eff) <= 4.0 * se);
    CHECK(std::abs(eff / f.eff - 1.0) < 0.03);
  }
  for (std::size_t i = 0; i < kBase.size(); ++i) {
    INFO(r.fit.names[i] << ": fitted " << r.fit.parameters[i] << " +- " << r.fit.standard_errors[i]
                        << ", true " << kBase[i]);
    CHECK(std::abs(r.fit.parameters[i] - kBase[i]) <= 4.0 * r.fit.standard_errors[i]);
  }
  CHECK(r.fit.value("alpha") == Approx(0.34).epsilon(0.05));
  CHECK(r.fit.value("beta") == Approx(0.28).epsilon(0.05));
  CHECK(r.fit.value("E") == Approx(1.69).epsilon(0.05));
  // Log residuals of a correct fit have the size of the noise.
  CHECK(std::sqrt(r.fit.rss / static_cast<double>(r.fit.points)) == Approx(0.005).epsilon(0.25));
  CHECK_THROWS_AS(r.multiplier("w8a8"), slfit::UsageError);
  CHECK_THROWS_WITH(r.multiplier("w4a5"), Contains("no format 'w4a5'") && Contains("w4a4"));
}

TEST_CASE("compression: rows in any order and a numeric format column", "[compression][fit]") {
  const slfit::Table t = simulated({{"16", 1.0}, {"4", 0.747}, {"1", 0.067}}, 0.002, 11);
  // The same table with the formats as numbers (bits) and the rows reversed.
  std::vector<Eigen::Index> reversed;
  for (Eigen::Index r = t.rows(); r-- > 0;) reversed.push_back(r);
  slfit::Table u = t.select(reversed);
  Eigen::ArrayXd bits(u.rows());
  for (Eigen::Index r = 0; r < u.rows(); ++r)
    bits(r) = std::stod(u.text("format")[static_cast<std::size_t>(r)]);
  u.add_column("bits", bits);
  CHECK_FALSE(u.has_text("bits"));

  const auto a = slfit::fit_compression(t, "format", "16", log_options());
  const auto b = slfit::fit_compression(u, "bits", "16", log_options());
  REQUIRE(a.fit.converged());
  REQUIRE(b.fit.converged());
  using Slot = std::pair<std::string, std::string>;
  CHECK(b.slots == std::vector<Slot>{{"1", "eff1"}, {"4", "eff2"}});
  for (const char* f : {"1", "4"}) {
    INFO(f);
    CHECK(b.multiplier(f) == Approx(a.multiplier(f)).epsilon(1e-6));
  }
  // A tiny multiplier is recovered too: 1-bit formats are far from their reference.
  CHECK(b.multiplier("1") == Approx(0.067).epsilon(0.03));
  CHECK(b.multiplier("4") == Approx(0.747).epsilon(0.03));
}

TEST_CASE("compression: fit options pass through", "[compression][fit]") {
  const slfit::Table t = simulated(kFormats, 0.005, 3);
  // Renamed columns reach the law through the column map; fixed base constants stay fixed.
  slfit::Table renamed("<renamed>");
  renamed.add_column("params", t.column("N"));
  renamed.add_column("tokens", t.column("D"));
  renamed.add_column("f1", Eigen::ArrayXd::Constant(t.rows(), 7.0));  // not an indicator
  renamed.add_text_column("fmt", t.text("format"));
  renamed.add_column("L", t.column("loss"));
  slfit::FitOptions o = log_options();
  o.columns = {{"N", "params"}, {"D", "tokens"}};
  o.target = "L";
  o.fixed["alpha"] = 0.34;
  o.fixed["beta"] = 0.28;
  const auto r = slfit::fit_compression(renamed, "fmt", "dense", o);
  REQUIRE(r.fit.converged());
  CHECK(r.fit.value("alpha") == 0.34);
  CHECK(r.fit.value("beta") == 0.28);
  CHECK(r.fit.free_parameters() == 6);
  CHECK(r.multiplier("w4a4") == Approx(0.747).epsilon(0.03));

  // Only the reference: nothing to fit but the base law, every slot fixed at 1.
  slfit::Mask is_dense(t.rows());
  for (Eigen::Index i = 0; i < t.rows(); ++i)
    is_dense(i) = t.text("format")[static_cast<std::size_t>(i)] == "dense";
  const slfit::Table dense = t.filter(is_dense);
  REQUIRE(dense.rows() == 30);
  const auto only = slfit::fit_compression(dense, "format", "dense", log_options());
  CHECK(only.multipliers.size() == 1);
  CHECK(only.slots.empty());
  CHECK(only.fit.free_parameters() == 5);
}

TEST_CASE("compression: bad input gives clear errors", "[compression]") {
  const slfit::Table t = simulated(kFormats, 0.0, 1);
  CHECK_THROWS_AS(slfit::fit_compression(t, "format", "bf16"), slfit::DataError);
  CHECK_THROWS_WITH(slfit::fit_compression(t, "format", "bf16"),
                    Contains("reference format 'bf16' does not occur in column 'format'") &&
                        Contains("dense, sparse50, w4a16, w4a4"));
  CHECK_THROWS_WITH(slfit::fit_compression(t, "format", "Dense"), Contains("did you mean 'dense'"));
  CHECK_THROWS_AS(slfit::fit_compression(t, "fmt", "dense"), slfit::DataError);
  CHECK_THROWS_WITH(slfit::fit_compression(t, "fmt", "dense"),
                    Contains("no format column 'fmt'") && Contains("N, D, format, loss"));

  std::vector<Format> many = {{"dense", 1.0}};
  for (int k = 1; k <= 9; ++k) many.push_back({"q" + std::to_string(k), 1.0 - 0.05 * k});
  const slfit::Table wide = simulated(many, 0.0, 1);
  CHECK_THROWS_AS(slfit::fit_compression(wide, "format", "dense"), slfit::DataError);
  CHECK_THROWS_WITH(slfit::fit_compression(wide, "format", "dense"),
                    Contains("9 formats besides the reference 'dense'") && Contains("8 slots"));
  // Eight besides the reference fit in the slots: the check is not off by one.
  const slfit::Table eight = wide.filter([&] {
    slfit::Mask m(wide.rows());
    for (Eigen::Index i = 0; i < wide.rows(); ++i)
      m(i) = wide.text("format")[static_cast<std::size_t>(i)] != "q9";
    return m;
  }());
  CHECK_NOTHROW(slfit::fit_compression(eight, "format", "dense", log_options()));

  slfit::Table blank("blank.csv");
  blank.add_column("N", (Eigen::ArrayXd(2) << 1e9, 2e9).finished());
  blank.add_column("D", (Eigen::ArrayXd(2) << 1e10, 1e10).finished());
  blank.add_column("loss", (Eigen::ArrayXd(2) << 3.0, 2.9).finished());
  blank.add_text_column("format", {"dense", ""});
  CHECK_THROWS_WITH(slfit::fit_compression(blank, "format", "dense"),
                    Contains("is empty at row 2"));
  // Errors of the fit itself keep their usual type and words.
  slfit::FitOptions o;
  o.target = "nope";
  CHECK_THROWS_WITH(slfit::fit_compression(t, "format", "dense", o),
                    Contains("no target column 'nope'"));
}

TEST_CASE("compression: CSV round trip with a text format column", "[compression][csv]") {
  const slfit::Table t = simulated(kFormats, 0.005, 99);
  const auto path = tmp_dir() / "runs.csv";
  {
    std::ofstream out(path);
    out.precision(17);
    out << "N,D,\"format\",loss\n";
    for (Eigen::Index r = 0; r < t.rows(); ++r) {
      const std::string& f = t.text("format")[static_cast<std::size_t>(r)];
      // Quote some labels: the reader must give the same text either way.
      out << t.column("N")(r) << "," << t.column("D")(r) << "," << (r % 2 ? "\"" + f + "\"" : f)
          << "," << t.column("loss")(r) << "\n";
    }
  }
  const slfit::Table back = slfit::read_csv(path);
  REQUIRE(back.rows() == t.rows());
  CHECK(back.has_text("format"));
  CHECK_FALSE(back.has_text("N"));
  CHECK(back.text("format") == t.text("format"));
  CHECK_THROWS_WITH(back.column("format"),
                    Contains("column 3 ('format'): 'dense' is not a number"));

  const auto a = slfit::fit_compression(t, "format", "dense", log_options());
  const auto b = slfit::fit_compression(back, "format", "dense", log_options());
  REQUIRE(b.fit.converged());
  for (const auto& f : kFormats) {
    INFO(f.name);
    CHECK(b.multiplier(f.name) == Approx(a.multiplier(f.name)).epsilon(1e-8));
    CHECK(b.multiplier(f.name) == Approx(f.eff).epsilon(0.03));
  }
}

TEST_CASE("compression: published multipliers and equivalent multipliers", "[compression]") {
  const auto& table = slfit::frantar2025_multipliers();
  REQUIRE(table.size() == 4);
  const std::vector<std::pair<std::string, double>> expected = {
      {"w4a16", 0.923}, {"w4a4", 0.747}, {"w1a1", 0.067}, {"sparse50", 0.871}};
  for (std::size_t i = 0; i < table.size(); ++i) {
    CHECK(table[i].format == expected[i].first);
    CHECK(table[i].value == expected[i].second);
    CHECK(table[i].certainty == "second");
    CHECK_FALSE(table[i].meaning.empty());
  }

  // eff = (A / (A + delta N^alpha))^(1/alpha), and the law at N eff adds exactly delta.
  const double A = 406.4, alpha = 0.34, n = 595e6, delta = 0.044089;
  const double eff = slfit::equivalent_multiplier(A, alpha, n, delta);
  CHECK(eff == slfit::qat_effective_multiplier(A, alpha, n, delta));
  CHECK(eff == Approx(std::pow(A / (A + delta * std::pow(n, alpha)), 1.0 / alpha)).epsilon(1e-13));
  const auto p = params_with({eff});
  CHECK(slfit::evaluate_at<Compression>(p, point(n, 1e11, 0)) -
            slfit::evaluate_at<Compression>(p, point(n, 1e11, -1)) ==
        Approx(delta).epsilon(1e-10));
  CHECK_THROWS_AS(slfit::equivalent_multiplier(-1.0, alpha, n, delta), slfit::DataError);
}
