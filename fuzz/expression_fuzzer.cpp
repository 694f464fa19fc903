// libFuzzer target for expressions: the text of --derive NAME=EXPR, --where EXPR and --target EXPR.
//
// The input is one text. It is parsed as an expression and evaluated over a small fixed table
// (whole columns, a row filter, a single value from a lookup), and parsed as an assignment and
// derived into a copy of the table, exactly as the tool does. Each step may succeed or throw
// slfit::Error; anything else (a crash, a sanitizer report, another exception, a hang, a leak, or
// a result of the wrong shape) is a bug.
//
//   fuzz/run.sh 60            # build and run both fuzzers for 60 s each
//   build-fuzz/fuzz/expression_fuzzer fuzz/corpus/expression
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/core/table.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Columns the seed corpus uses, with values at the edges: zero, negative, huge and tiny numbers,
// so that log, division and pow meet their NaN and infinite cases. Plus a text column, a column
// that is unusable, and a name with a space.
slfit::Table make_table() {
  slfit::Table t("fuzz.csv");
  Eigen::ArrayXd n(6), d(6), c(6), loss(6), loss_q(6), p(6);
  n << 1e8, 7e9, 70e9, 1e15, 0.0, -1.0;
  d << 2e9, 1.4e12, 1e14, 1e17, 1e-300, 3.0;
  c = 6.0 * n * d;
  loss << 3.2, 2.5, 2.0, 1.8, 0.0, -0.5;
  loss_q << 3.3, 2.6, 2.3, 1.9, 1e300, -0.4;
  p << 16, 8, 4, 3, 2, 1;
  t.add_column("N", n);
  t.add_column("D", d);
  t.add_column("C", c);
  t.add_column("loss", loss);
  t.add_column("loss_fp", loss);
  t.add_column("loss_q", loss_q);
  t.add_column("P", p);
  t.add_column("Model Size", n);
  t.add_column("Training FLOP", c);
  t.add_text_column("format", {"E4M3", "E2M1", "dense", "w4a4", "8", ""});
  t.add_unusable_column("bad", 6, "fuzz.csv:3: column 'bad': 'x' is not a number");
  return t;
}

double lookup(std::string_view name) {
  if (name == "N") return 7e9;
  if (name == "D") return 1.4e12;
  if (name == "C") return 5.88e22;
  if (name == "P") return 4.0;
  throw slfit::DataError("no column '" + std::string(name) + "'");
}

void run_expression(std::string_view text, const slfit::Table& table) {
  slfit::Expression e;
  try {
    e = slfit::Expression::parse(text);
  } catch (const slfit::Error&) {
    return;
  }
  check(!e.empty());
  check(e.text() == text);
  const std::vector<std::string> vars = e.variables();
  for (const auto& v : vars) check(!v.empty());
  try {
    const Eigen::ArrayXd values = e.evaluate(table);
    check(values.size() == table.rows());
  } catch (const slfit::Error&) {
  }
  try {
    const slfit::Table kept = slfit::filter_rows(table, e);
    check(kept.rows() <= table.rows());
    check(kept.num_columns() == table.num_columns());
  } catch (const slfit::Error&) {
  }
  try {
    static_cast<void>(e.evaluate(lookup));
  } catch (const slfit::Error&) {
  }
  // A copy shares the tree; evaluating the copy must give the same shape.
  const slfit::Expression copy = e;
  try {
    check(copy.evaluate(table).size() == table.rows());
  } catch (const slfit::Error&) {
  }
}

void run_assignment(std::string_view text, const slfit::Table& table) {
  try {
    auto [name, expr] = slfit::parse_assignment(text);
    check(!name.empty());
    slfit::Table copy = table;
    slfit::derive(copy, name, expr);
    const slfit::ColumnView values = copy.column(name);
    check(values.size() == table.rows());
    for (Eigen::Index i = 0; i < values.size(); ++i) check(std::isfinite(values(i)));
  } catch (const slfit::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const slfit::Table table = make_table();
  static const slfit::Table empty = table.filter(slfit::Mask::Constant(table.rows(), false));
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  run_expression(text, table);
  run_expression(text, empty);
  run_assignment(text, table);
  return 0;
}
