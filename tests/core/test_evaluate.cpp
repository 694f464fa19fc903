// Tests of evaluate() on tables large enough to be split across threads: the values do not depend
// on the thread count, evaluate_into() reuses its array, and errors still name the first bad row.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/detail/random.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/kumar.hpp"

// Catch2 last: its macros must not leak into the library headers.
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Array;
using slfit::Chinchilla;
using slfit::DataError;
using slfit::Table;

namespace {

// Rows more than three times the parallel threshold, so that every thread gets several blocks.
constexpr Eigen::Index kRows = 3 * slfit::kParallelRows + 1234;

Table large_table() {
  slfit::detail::Rng rng(11);
  Array n(kRows), d(kRows);
  for (Eigen::Index i = 0; i < kRows; ++i) {
    n(i) = std::exp(rng.uniform(std::log(1e7), std::log(1e11)));
    d(i) = std::exp(rng.uniform(std::log(1e9), std::log(1e13)));
  }
  Table t("big.csv");
  t.add_column("N", n);
  t.add_column("D", d);
  return t;
}

const std::vector<double> kEpoch = {1.81686, 482.00572, 2085.43420, 0.34781, 0.36585};

}  // namespace

TEST_CASE("evaluate: the same values on 1, 2, 3 threads and all cores", "[evaluate]") {
  const Table t = large_table();
  const Array one = slfit::evaluate<Chinchilla>(t, kEpoch, {}, 1);
  REQUIRE(one.size() == kRows);
  for (int threads : {2, 3, 0}) {
    const Array many = slfit::evaluate<Chinchilla>(t, kEpoch, {}, threads);
    CHECK((many == one).all());
  }
  // Each row is the point formula's value: no row is skipped or shifted between blocks.
  for (Eigen::Index r :
       {Eigen::Index{0}, Eigen::Index{2047}, Eigen::Index{2048}, slfit::kParallelRows, kRows - 1}) {
    const double at = slfit::evaluate_at<Chinchilla>(kEpoch, {t.column("N")(r), t.column("D")(r)});
    CHECK(std::abs(one(r) - at) <= 1e-15 * at);
  }
}

TEST_CASE("evaluate: evaluate_into fills and reuses the caller's array", "[evaluate]") {
  const Table t = large_table();
  Array out;
  slfit::evaluate_into<Chinchilla>(t, kEpoch, out, {}, 2);
  CHECK((out == slfit::evaluate<Chinchilla>(t, kEpoch, {}, 1)).all());
  const double* storage = out.data();
  std::vector<double> other = kEpoch;
  other[3] = 0.5;
  slfit::evaluate_into<Chinchilla>(t, other, out, {}, 2);
  CHECK(out.data() == storage);  // same size: no new allocation
  CHECK((out == slfit::evaluate<Chinchilla>(t, other, {}, 1)).all());
}

TEST_CASE("evaluate: columns read in place give the same values", "[evaluate][view]") {
  const Table owned = large_table();
  const Array n = owned.column("N"), d = owned.column("D");
  Table viewed;
  viewed.add_column_view("N", n.data(), n.size(), nullptr);
  viewed.add_column_view("D", d.data(), d.size(), nullptr);
  const slfit::BoundInputs<Chinchilla> in(Chinchilla{}, viewed, {});
  CHECK(in.column(Chinchilla::kN).data() == n.data());  // bound without a copy
  CHECK(in.view().value(Chinchilla::kD).data() == d.data());
  for (int threads : {1, 2})
    CHECK((slfit::evaluate<Chinchilla>(viewed, kEpoch, {}, threads) ==
           slfit::evaluate<Chinchilla>(owned, kEpoch, {}, 1))
              .all());
}

TEST_CASE("evaluate: a bad input in a late block names its row on any thread count",
          "[evaluate][errors]") {
  Table t = large_table();
  Array n = t.column("N");
  Array d = t.column("D");
  n(kRows - 5) = std::numeric_limits<double>::quiet_NaN();
  d(150001) = -3.0;
  Table bad("big.csv");
  bad.add_column("N", n);
  bad.add_column("D", d);
  for (int threads : {1, 2, 0}) {
    // N is checked before D, as in a serial pass: the NaN in N is reported although D's bad row
    // comes earlier in the table.
    CHECK_THROWS_AS(slfit::evaluate<Chinchilla>(bad, kEpoch, {}, threads), DataError);
    CHECK_THROWS_WITH(slfit::evaluate<Chinchilla>(bad, kEpoch, {}, threads),
                      Contains("column 'N' of table 'big.csv' has a non-finite value at row " +
                               std::to_string(kRows - 4)));
  }
  Table only_d("big.csv");
  only_d.add_column("N", t.column("N"));
  only_d.add_column("D", d);
  for (int threads : {1, 2}) {
    CHECK_THROWS_WITH(slfit::evaluate<Chinchilla>(only_d, kEpoch, {}, threads),
                      Contains("must be positive") && Contains("row 150002 of table 'big.csv'"));
  }
}

TEST_CASE("evaluate: a law's own domain error names the lowest bad row on any thread count",
          "[evaluate][errors]") {
  // Kumar et al.'s precision factor turns negative at low bit widths: two bad rows, far apart.
  const auto p = slfit::preset_values<slfit::KumarQat>("kumar2024");
  const Eigen::Index rows = 2 * slfit::kParallelRows;
  Table t("kumar.csv");
  t.add_column("N", Array::Constant(rows, 30e6));
  t.add_column("D", Array::Constant(rows, 1.5e9));
  t.add_column("P_w", Array::Constant(rows, 8.0));
  t.add_column("P_a", Array::Constant(rows, 8.0));
  Array kv = Array::Constant(rows, 8.0);
  kv(rows - 10) = 2.0;
  kv(70000) = 2.0;
  t.add_column("P_kv", kv);
  for (int threads : {1, 2, 0}) {
    CHECK_THROWS_WITH(slfit::evaluate<slfit::KumarQat>(t, p, {}, threads),
                      Contains("law 'kumar-qat' is undefined at row 70001 of table 'kumar.csv'"));
  }
}
