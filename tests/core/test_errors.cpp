// The bad-input catalogue of docs/errors.md, part 1: reading (CSV), expressions, tables, law
// inputs, parameters and presets, and the laws' own helper functions. Each TEST_CASE is named
// "errors: <id>" after the entry's id in docs/errors.md, triggers the error and checks its type and
// the key parts of its message: what was wrong and where (file, line, column, row, parameter).
// Part 2 (fit options, analyses, uncertainty) is tests/fit/test_errors_fit.cpp.
#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/laws/qid.hpp"

// Catch comes last (see tests/fit/test_fit.cpp).
#include <catch2/catch.hpp>

using Catch::Contains;
using slfit::Chinchilla;
using slfit::DataError;
using slfit::Expression;
using slfit::ExpressionError;
using slfit::parse_csv;
using slfit::Table;
using slfit::UsageError;

// Checks both the exception type and the message of one expression.
#define CHECK_ERROR(expr, Type, matcher) \
  do {                                   \
    CHECK_THROWS_AS(expr, Type);         \
    CHECK_THROWS_WITH(expr, matcher);    \
  } while (false)

namespace {

std::filesystem::path tmp_dir() {
  const std::filesystem::path dir = std::filesystem::path(SLFIT_TEST_TMP) / "errors";
  std::filesystem::create_directories(dir);
  return dir;
}

Eigen::ArrayXd arr(std::initializer_list<double> v) {
  Eigen::ArrayXd a(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) a(i++) = x;
  return a;
}

// N, D, loss: three rows named "t.csv".
Table small() {
  Table t("t.csv");
  t.add_column("N", arr({1e8, 1e9, 1e10}));
  t.add_column("D", arr({1e9, 1e10, 1e11}));
  t.add_column("loss", arr({3.0, 2.5, 2.2}));
  return t;
}

std::vector<double> hoffmann() { return slfit::preset_values<Chinchilla>("hoffmann2022"); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// CSV reading (include/slfit/io/csv.hpp)

TEST_CASE("errors: csv.empty", "[errors][csv]") {
  CHECK_ERROR(parse_csv("", "x.csv"), DataError, Contains("'x.csv' is empty: no header row"));
  CHECK_ERROR(parse_csv("# only a comment\n\n", "x.csv"), DataError,
              Contains("'x.csv' is empty: no header row"));
}

TEST_CASE("errors: csv.no-rows", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N,loss\n# nothing\n", "x.csv"), DataError,
              Contains("'x.csv' has a header but no data rows"));
}

TEST_CASE("errors: csv.ragged", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N,loss\n1,2\n3,4,5\n", "x.csv"), DataError,
              Contains("x.csv:3:") && Contains("expected 2 fields, found 3"));
  CHECK_THROWS_WITH(parse_csv("N,loss\n1\n", "x.csv"),
                    Contains("x.csv:2:") && Contains("expected 2 fields, found 1"));
}

TEST_CASE("errors: csv.binary", "[errors][csv]") {
  const std::string text = std::string("N,loss\n1,2\n\x01\x02", 14) + std::string(1, '\0') + "zz";
  CHECK_ERROR(
      parse_csv(text, "x.bin"), DataError,
      Contains("'x.bin' is not a CSV file") && Contains("binary data") && Contains("line 3"));
  // Without a NUL byte, the first control byte gives it away.
  CHECK_ERROR(parse_csv(std::string("N,loss\n1,2\n\x03\x04zz"), "x.bin"), DataError,
              Contains("'x.bin' is not a CSV file") && Contains("control byte 0x03 at line 3"));
}

TEST_CASE("errors: csv.long-line", "[errors][csv]") {
  const std::string text = "N,loss\n" + std::string((1 << 20) + 10, '7') + "\n";
  CHECK_ERROR(parse_csv(text, "x.csv"), DataError,
              Contains("x.csv:2:") && Contains("line longer than 1048576 characters") &&
                  Contains("is this a CSV file?"));
}

TEST_CASE("errors: csv.header-empty-name", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N,,loss\n1,2,3\n", "x.csv"), DataError,
              Contains("x.csv:1:") && Contains("column 2 of the header has an empty name"));
}

TEST_CASE("errors: csv.duplicate-column", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N,loss,N\n1,2,3\n", "x.csv"), DataError,
              Contains("duplicate column 'N' in 'x.csv' (columns 1 and 3)"));
}

TEST_CASE("errors: csv.after-quote", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N,loss\n\"1\"x,2\n", "x.csv"), DataError,
              Contains("x.csv:2:") && Contains("field 1") &&
                  Contains("unexpected character 'x' after a closing quote"));
}

TEST_CASE("errors: csv.unterminated-quote", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N,loss\n1,2\n\"3,4\n5,6\n", "x.csv"), DataError,
              Contains("x.csv:3:") && Contains("unterminated quoted field"));
}

TEST_CASE("errors: csv.bad-delimiter", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N\n1\n", "x.csv", {.delimiter = '"'}), UsageError,
              Contains("CSV delimiter cannot be a quote, a line break or NUL"));
  CHECK_THROWS_AS(parse_csv("N\n1\n", "x.csv", {.delimiter = '\0'}), UsageError);
}

TEST_CASE("errors: csv.bad-comment", "[errors][csv]") {
  CHECK_ERROR(parse_csv("N\n1\n", "x.csv", {.delimiter = ';', .comment = ';'}), UsageError,
              Contains("CSV comment character cannot be") && Contains("'\\0'"));
}

TEST_CASE("errors: csv.directory", "[errors][csv]") {
  const std::string dir = tmp_dir().string();
  CHECK_ERROR(slfit::read_csv(dir), DataError,
              Contains("cannot open '" + dir + "'") && Contains("it is a directory"));
}

TEST_CASE("errors: csv.cannot-open", "[errors][csv]") {
  const std::string path = (tmp_dir() / "no-such-file.csv").string();
  CHECK_ERROR(slfit::read_csv(path), DataError,
              Contains("cannot open '" + path + "'") && Contains("No such file or directory"));
}

TEST_CASE("errors: csv.cannot-read", "[errors][csv]") {
  // /proc/self/mem opens, but reading at offset 0 (an unmapped address) fails with EIO.
  if (!std::filesystem::exists("/proc/self/mem")) {
    WARN("no /proc/self/mem: cannot provoke a read error here");
    return;
  }
  CHECK_ERROR(slfit::read_csv("/proc/self/mem"), DataError,
              Contains("cannot read '/proc/self/mem'"));
}

TEST_CASE("errors: csv.cell", "[errors][csv]") {
  // Bad cells do not fail the read: the column becomes unusable and throws on use.
  const Table t = parse_csv(
      "N,loss,D,C,E\n"
      "1,2,3,4,5\n"
      "1,,abc,nan,1e999\n",
      "x.csv");
  CHECK_ERROR(t.column("loss"), DataError, Contains("x.csv:3: column 2 ('loss'): empty cell"));
  CHECK_ERROR(t.column("D"), DataError, Contains("x.csv:3: column 3 ('D'): 'abc' is not a number"));
  CHECK_ERROR(t.column("C"), DataError,
              Contains("x.csv:3: column 4 ('C'): NaN or infinite value 'nan'"));
  CHECK_ERROR(t.column("E"), DataError,
              Contains("x.csv:3: column 5 ('E'): '1e999' is out of the range of a double"));
  // A law that needs such a column reports the cell, not just the column.
  CHECK_THROWS_WITH(slfit::evaluate<Chinchilla>(t, hoffmann()),
                    Contains("x.csv:3: column 3 ('D')"));
}

// ---------------------------------------------------------------------------------------------
// Expressions: --derive, --where, --target, --holdout (include/slfit/core/expression.hpp)

TEST_CASE("errors: expr.parse", "[errors][expression]") {
  const auto parse = [](const std::string& s) { return Expression::parse(s); };
  CHECK_ERROR(parse("C/(6*N"), ExpressionError,
              Contains("cannot parse expression \"C/(6*N\": expected ')' at position 7"));
  CHECK_ERROR(parse(""), ExpressionError, Contains("expression is empty at position 1"));
  CHECK_ERROR(parse("2x"), ExpressionError, Contains("invalid number '2x' at position 1"));
  CHECK_ERROR(parse("1 + 1e999"), ExpressionError,
              Contains("number '1e999' is out of range at position 5"));
  CHECK_ERROR(
      parse("\"Model Size * 2"), ExpressionError,
      Contains("unterminated quoted column name (no closing \")") && Contains("at position 1"));
  CHECK_ERROR(parse("N + ``"), ExpressionError, Contains("empty quoted column name at position 5"));
  CHECK_ERROR(parse("N = 1"), ExpressionError,
              Contains("unexpected '=' (write '==' to compare) at position 3"));
  CHECK_ERROR(parse("N & D"), ExpressionError, Contains("unexpected '&' (write '&&')"));
  CHECK_ERROR(parse("N | D"), ExpressionError, Contains("unexpected '|' (write '||')"));
  CHECK_ERROR(parse("'N' > 1"), ExpressionError,
              Contains("unexpected ''' (quote column names with \"double quotes\""));
  CHECK_ERROR(parse("N $ D"), ExpressionError, Contains("unexpected character '$' at position 3"));
  CHECK_ERROR(parse("N)"), ExpressionError,
              Contains("unexpected ')' (no matching '(') at position 2"));
  CHECK_ERROR(parse("N D"), ExpressionError,
              Contains("unexpected 'D' (missing operator?) at position 3"));
  CHECK_ERROR(parse("N *"), ExpressionError,
              Contains("expected a number, a column name or '(' but found end of expression"));
  CHECK_ERROR(parse("a < b < c"), ExpressionError,
              Contains("comparisons cannot be chained (write 'a < b && b < c') at position 7"));
  CHECK_ERROR(parse("sqrtt(N)"), ExpressionError,
              Contains("unknown function 'sqrtt' at position 1") && Contains("; functions are: "));
  CHECK_ERROR(parse("log(N, D)"), ExpressionError,
              Contains("function 'log' takes 1 argument, not 2 at position 1"));
  CHECK_ERROR(parse(std::string(300, '(') + "1" + std::string(300, ')')), ExpressionError,
              Contains("expression is nested too deeply"));
  std::string chain = "1";
  for (int i = 0; i < 600; ++i) chain += "+1";
  CHECK_ERROR(parse(chain), ExpressionError,
              Contains("expression is too long (more than 500 operations nested or chained)"));
}

TEST_CASE("errors: expr.assign", "[errors][expression]") {
  const auto assign = [](const std::string& s) { return slfit::parse_assignment(s); };
  CHECK_ERROR(assign("\"D tokens=C/6"), ExpressionError,
              Contains("cannot parse assignment \"\"D tokens=C/6\": unterminated quoted column "
                       "name"));
  CHECK_ERROR(assign("\"\"=C/6"), ExpressionError, Contains("the column name is empty"));
  CHECK_ERROR(assign("D==C/6"), ExpressionError,
              Contains("expected NAME=EXPRESSION, but the first '==' is a comparison"));
  CHECK_ERROR(assign("D"), ExpressionError, Contains(": expected NAME=EXPRESSION"));
  CHECK_ERROR(assign(" =C/6"), ExpressionError, Contains("the column name before '=' is empty"));
  CHECK_ERROR(assign("D tokens=C/6"), ExpressionError,
              Contains("'D tokens' is not a valid column name (quote it: \"D tokens\")"));
  CHECK_ERROR(assign("pi=3"), ExpressionError,
              Contains("'pi' is a reserved word (quote it: \"pi\")"));
  // The right-hand side is an expression with the errors above.
  CHECK_ERROR(assign("D=C/"), ExpressionError, Contains("cannot parse expression \"C/\""));
}

TEST_CASE("errors: expr.empty-evaluate", "[errors][expression]") {
  CHECK_ERROR(Expression().evaluate(small()), UsageError,
              Contains("cannot evaluate an empty Expression"));
}

TEST_CASE("errors: expr.column", "[errors][expression]") {
  CHECK_ERROR(Expression::parse("C / (6*N)").evaluate(small()), DataError,
              Contains("expression \"C / (6*N)\": no column 'C' in table 't.csv'") &&
                  Contains("columns are: N, D, loss"));
  const Table t = parse_csv("N,loss\n1,x\n", "x.csv");
  CHECK_ERROR(Expression::parse("loss * 2").evaluate(t), DataError,
              Contains("expression \"loss * 2\": x.csv:2: column 2 ('loss'): 'x' is not a number"));
}

TEST_CASE("errors: derive.not-finite", "[errors][expression]") {
  Table t = small();
  CHECK_ERROR(slfit::derive(t, "x", Expression::parse("log(N - 1e9)")), DataError,
              Contains("derived column 'x' = log(N - 1e9) is not finite at row 1 (value"));
}

TEST_CASE("errors: where.nan", "[errors][expression]") {
  Table t = small();
  t.add_column("q", arr({1.0, std::nan(""), 2.0}));
  CHECK_ERROR(slfit::filter_rows(t, Expression::parse("q > 1")), DataError,
              Contains("row condition \"q > 1\" is NaN (undefined) at row 2 of table 't.csv'"));
}

// ---------------------------------------------------------------------------------------------
// Tables and columns (include/slfit/core/table.hpp)

TEST_CASE("errors: table.missing-column", "[errors][table]") {
  CHECK_ERROR(small().column("tokens"), DataError,
              Contains("no column 'tokens' in table 't.csv'; columns are: N, D, loss"));
  CHECK_THROWS_WITH(Table().column("N"),
                    Contains("no column 'N' in the table; columns are: (none)"));
  CHECK_THROWS_AS(small().text("tokens"), DataError);
  CHECK_THROWS_AS(small().labels("tokens"), DataError);
}

TEST_CASE("errors: table.text-column", "[errors][table]") {
  Table t = small();
  t.add_text_column("format", {"dense", "w4a4", "dense"});
  CHECK_ERROR(t.column("format"), DataError,
              Contains("column 'format' of table 't.csv' holds text, not numbers"));
}

TEST_CASE("errors: table.numeric-no-text", "[errors][table]") {
  CHECK_ERROR(small().text("N"), DataError,
              Contains("column 'N' of table 't.csv' is numeric and keeps no text; use its values, "
                       "or labels()"));
}

TEST_CASE("errors: table.length", "[errors][table]") {
  Table t = small();
  CHECK_ERROR(t.add_column("P", arr({4, 8})), DataError,
              Contains("column 'P' has 2 rows but table 't.csv' has 3"));
  CHECK_ERROR(t.set_column("N", arr({4, 8})), DataError,
              Contains("column 'N' has 2 rows but table 't.csv' has 3"));
}

TEST_CASE("errors: table.empty-name", "[errors][table]") {
  Table t = small();
  CHECK_ERROR(t.add_column("", arr({1, 2, 3})), DataError,
              Contains("a column of table 't.csv' has an empty name"));
}

TEST_CASE("errors: table.duplicate-column", "[errors][table]") {
  Table t = small();
  CHECK_ERROR(t.add_column("N", arr({1, 2, 3})), DataError,
              Contains("duplicate column 'N' in table 't.csv'"));
}

TEST_CASE("errors: table.filter-size", "[errors][table]") {
  const slfit::Mask m = slfit::Mask::Constant(2, true);
  CHECK_ERROR(small().filter(m), DataError,
              Contains("row filter has 2 entries but table 't.csv' has 3 rows"));
}

// ---------------------------------------------------------------------------------------------
// Law inputs (include/slfit/core/law.hpp)

TEST_CASE("errors: law.missing-input", "[errors][law]") {
  Table t("t.csv");
  t.add_column("N", arr({1e8, 1e9}));
  t.add_column("loss", arr({3.0, 2.5}));
  CHECK_ERROR(slfit::evaluate<Chinchilla>(t, hoffmann()), DataError,
              Contains("law 'chinchilla' needs input 'D' (training tokens), but table 't.csv' has "
                       "no column 'D'; columns are: N, loss (map one with option 'columns' "
                       "D=HEADER)"));
  CHECK_THROWS_WITH(slfit::evaluate<Chinchilla>(t, hoffmann(), {{"D", "tokens"}}),
                    Contains("mapped to column 'tokens'") && Contains("no column 'tokens'"));
}

TEST_CASE("errors: law.input-not-finite", "[errors][law]") {
  Table t = small();
  t.set_column("D", arr({1e9, std::numeric_limits<double>::infinity(), 1e11}));
  CHECK_ERROR(slfit::evaluate<Chinchilla>(t, hoffmann()), DataError,
              Contains("column 'D' of table 't.csv' has a non-finite value at row 2"));
}

TEST_CASE("errors: law.input-not-positive", "[errors][law]") {
  Table t = small();
  t.set_column("N", arr({1e8, 0.0, 1e10}));
  CHECK_ERROR(slfit::evaluate<Chinchilla>(t, hoffmann()), DataError,
              Contains("input 'N' (column 'N') of law 'chinchilla' must be positive because its "
                       "log is taken, but row 2 of table 't.csv' has 0"));
}

TEST_CASE("errors: law.input-range", "[errors][law]") {
  Table t = small();
  t.add_column("P", arr({4, 0.5, 8}));
  CHECK_ERROR(slfit::evaluate<slfit::Qid>(t, slfit::preset_values<slfit::Qid>("ouyang2024")),
              DataError,
              Contains("input 'P' (column 'P') of law 'qid' must lie in [1, ") &&
                  Contains("but row 2 of table 't.csv' has 0.5"));
}

TEST_CASE("errors: law.point-domain", "[errors][law]") {
  CHECK_ERROR(slfit::evaluate_at<Chinchilla>(hoffmann(), {-1.0, 1e10}), DataError,
              Contains("input 'N' of law 'chinchilla' is outside its domain (positive, [") &&
                  Contains("got -1"));
  CHECK_THROWS_WITH(slfit::evaluate_at<Chinchilla>(hoffmann(), {1e9, std::nan("")}),
                    Contains("input 'D' of law 'chinchilla' is outside its domain"));
}

TEST_CASE("errors: law.undefined", "[errors][law]") {
  const auto offset = slfit::preset_values<slfit::KumarQat>("kumar2024");
  CHECK_ERROR(slfit::evaluate_at<slfit::KumarQat>(offset, {220e6, 26e9, 8, 3, 8}), DataError,
              Contains("law 'kumar-qat' is undefined: precision factor") && Contains("P_a = 3"));
  Table t("t.csv");
  t.add_column("N", arr({30e6, 30e6}));
  t.add_column("D", arr({1.5e9, 1.5e9}));
  t.add_column("P_w", arr({8, 8}));
  t.add_column("P_a", arr({8, 8}));
  t.add_column("P_kv", arr({8, 2}));
  CHECK_ERROR(
      slfit::evaluate<slfit::KumarQat>(t, offset), DataError,
      Contains("law 'kumar-qat' is undefined at row 2 of table 't.csv': precision factor") &&
          Contains("P_kv = 2"));
}

TEST_CASE("errors: law.parameter-count", "[errors][law]") {
  CHECK_ERROR(slfit::evaluate<Chinchilla>(small(), {1.0, 2.0, 3.0, 0.3}), UsageError,
              Contains("law 'chinchilla' takes 5 parameters, got 4"));
}

TEST_CASE("errors: law.parameter-not-finite", "[errors][law]") {
  auto p = hoffmann();
  p[Chinchilla::kA] = std::nan("");
  CHECK_ERROR(slfit::evaluate_at<Chinchilla>(p, {1e9, 1e10}), UsageError,
              Contains("parameter 'A' of law 'chinchilla' is not finite"));
}

// ---------------------------------------------------------------------------------------------
// Parameters and presets

TEST_CASE("errors: preset.unknown", "[errors][preset]") {
  CHECK_ERROR(slfit::preset_values<Chinchilla>("hofman2022"), UsageError,
              Contains("unknown preset 'hofman2022' for law 'chinchilla'; presets are: ") &&
                  Contains("hoffmann2022") && Contains("epoch2024"));
}

TEST_CASE("errors: parameter.unknown", "[errors][parameter]") {
  CHECK_ERROR(slfit::parameter_index(Chinchilla::parameters(), "gamma", "chinchilla"), UsageError,
              Contains("unknown parameter 'gamma' for law 'chinchilla'; parameters are: E, A, B, "
                       "alpha, beta"));
}

TEST_CASE("errors: format.bad", "[errors][preset]") {
  using slfit::parse_float_format;
  CHECK_ERROR(parse_float_format(""), UsageError,
              Contains("bad float format '': the text is empty") && Contains("e.g. E4M3"));
  CHECK_ERROR(parse_float_format("M3E4"), UsageError,
              Contains("bad float format 'M3E4': expected 'E' at position 1"));
  CHECK_ERROR(parse_float_format("EM3"), UsageError,
              Contains("the number of exponent bits is missing"));
  CHECK_ERROR(parse_float_format("E4M999"), UsageError,
              Contains("the number of mantissa bits is larger than 255"));
  CHECK_ERROR(parse_float_format("E4M3x"), UsageError,
              Contains("unexpected text after the mantissa bits"));
}

// ---------------------------------------------------------------------------------------------
// Simulated tables and grids (include/slfit/core/simulate.hpp)

TEST_CASE("errors: grid.empty-axis", "[errors][simulate]") {
  CHECK_ERROR(slfit::grid_table({{"N", {1e9}}, {"D", {}}}), UsageError,
              Contains("grid axis 'D' has no values"));
}

TEST_CASE("errors: grid.too-large", "[errors][simulate]") {
  std::vector<double> many(10001, 1.0);
  CHECK_ERROR(slfit::grid_table({{"N", many}, {"D", many}}), UsageError,
              Contains("the grid has more than 1e8 points"));
}

TEST_CASE("errors: simulate.noise", "[errors][simulate]") {
  CHECK_ERROR(
      slfit::simulate<Chinchilla>({{"N", {1e9}}, {"D", {1e10}}}, hoffmann(), {.noise = -0.1}),
      UsageError, Contains("noise sigma must be finite and nonnegative"));
}

TEST_CASE("errors: simulate.not-finite", "[errors][simulate]") {
  auto p = hoffmann();
  p[Chinchilla::kA] = 1e300;
  p[Chinchilla::kAlpha] = 4.0;
  CHECK_ERROR(slfit::simulate<Chinchilla>({{"N", {1e-10}}, {"D", {1e10}}}, p), DataError,
              Contains("law 'chinchilla' is not finite on the grid"));
}

// ---------------------------------------------------------------------------------------------
// The laws' helper functions (include/slfit/laws/*.hpp)

TEST_CASE("errors: capybara.helpers", "[errors][analysis][capybara]") {
  const auto p = slfit::preset_values<slfit::Capybara>("sun2025");
  CHECK_ERROR(slfit::capybara_optimal_split(p, 0.5), DataError,
              Contains("capybara_optimal_split: P must be at least 1 bit, got 0.5"));
  CHECK_ERROR(slfit::capybara_best_format(p, 1), DataError,
              Contains("capybara_best_format: P must be at least 2 bits (a sign and one more), got "
                       "1"));
  auto flat = p;
  flat[slfit::Capybara::kNu] = 0.0;
  CHECK_ERROR(slfit::capybara_best_format(flat, 8), UsageError,
              Contains("capybara_best_format needs delta > 0 and nu > 0") && Contains("nu = 0"));
  CHECK_ERROR(slfit::capybara_critical_data(p, -1, 4, 3, 128), DataError,
              Contains("capybara_critical_data: N must be positive, got -1"));
  CHECK_ERROR(slfit::capybara_critical_data(p, 1e9, -1, 3, 128), DataError,
              Contains("capybara_critical_data: E (exponent bits) must be >= 0, got -1"));
  CHECK_ERROR(slfit::capybara_critical_data(p, 1e9, 4, -1, 128), DataError,
              Contains("capybara_critical_data: M (mantissa bits) must be >= 0, got -1"));
  CHECK_ERROR(slfit::capybara_critical_data(p, 1e9, 4, 3, 1), DataError,
              Contains("capybara_critical_data: B (block size) must be at least 2, got 1"));
  auto no_d = p;
  no_d[slfit::Capybara::kSmallD] = 0.0;
  CHECK_ERROR(slfit::capybara_critical_data(no_d, 1e9, 4, 3, 128), UsageError,
              Contains("capybara_critical_data needs d > 0, gamma > 0 and beta > 0"));
}

TEST_CASE("errors: kumar.helpers", "[errors][analysis][kumar]") {
  const auto ptq = slfit::preset_values<slfit::KumarPtq>("kumar2024");
  CHECK_ERROR(slfit::kumar_dcrit(ptq, 1.806e4, 0.4965, 0.0, 4), UsageError,
              Contains("D_crit needs a finite N > 0 and a finite P_post"));
  CHECK_ERROR(slfit::kumar_dcrit(ptq, -1.0, 0.4965, 1e9, 4), UsageError,
              Contains("D_crit exists only for C_T, gamma_D, B and beta all positive"));
  auto larger = slfit::preset_values<slfit::KumarQat>("kumar2024");
  larger[slfit::KumarQat::kNw] = 0.5;
  CHECK_ERROR(slfit::kumar_neff_fraction(larger, 1, 16, 16), DataError,
              Contains("N_eff is undefined: precision factor") && Contains("P_w = 1") &&
                  Contains("n_w = 0.5"));
}

TEST_CASE("errors: qid.helpers", "[errors][analysis][qid]") {
  const auto p = slfit::preset_values<slfit::Qid>("ouyang2024");
  CHECK_ERROR(slfit::qid_tokens(p, 0.0, 4, 0.2), DataError,
              Contains("qid_tokens: N must be positive, got 0"));
  CHECK_ERROR(slfit::qid_tokens(p, 7e9, 0.5, 0.2), DataError,
              Contains("qid_tokens: P must be at least 1 bit, got 0.5"));
  CHECK_ERROR(slfit::qid_tokens(p, 7e9, 4, 0.0), DataError,
              Contains("qid_tokens: the QiD must be positive") && Contains("got 0"));
  auto flat = p;
  flat[slfit::Qid::kBeta] = 0.0;
  CHECK_ERROR(
      slfit::qid_tokens(flat, 7e9, 4, 0.2), UsageError,
      Contains("qid_tokens needs k > 0 and beta != 0 to invert the law") && Contains("beta = 0"));
  auto steep = p;
  steep[slfit::Qid::kBeta] = 1e-3;
  CHECK_ERROR(
      slfit::qid_tokens(steep, 7e9, 4, 1e3), DataError,
      Contains("qid_tokens: the token count for QiD 1000 is outside the range of a double"));
  CHECK_ERROR(slfit::qid_training_fraction(p, 7e9, 4, 0.2, 0.0), DataError,
              Contains("qid_training_fraction: the reference token count must be positive"));
}

TEST_CASE("errors: qat.helpers", "[errors][analysis][qat]") {
  using slfit::qat_effective_multiplier;
  CHECK_ERROR(qat_effective_multiplier(-1.0, 0.3, 1e9, 0.01), DataError,
              Contains("qat_effective_multiplier: A must be positive, got -1"));
  CHECK_ERROR(qat_effective_multiplier(400.0, 0.0, 1e9, 0.01), DataError,
              Contains("qat_effective_multiplier: alpha must be positive, got 0"));
  CHECK_ERROR(qat_effective_multiplier(400.0, 0.3, 0.0, 0.01), DataError,
              Contains("qat_effective_multiplier: N must be positive, got 0"));
  CHECK_ERROR(qat_effective_multiplier(400.0, 0.3, 1e9, std::nan("")), DataError,
              Contains("qat_effective_multiplier: delta must be finite"));
  CHECK_ERROR(qat_effective_multiplier(400.0, 0.3, 1e9, -10.0), DataError,
              Contains("delta must exceed -A/N^alpha") && Contains("got -10"));
  const auto w4a4 = slfit::preset_values<slfit::QatGroup>("chen2025-w4a4");
  auto zero = w4a4;
  zero[slfit::QatGroup::kK] = 0.0;
  CHECK_ERROR(slfit::qat_wa_ratio(w4a4, zero, zero, 1e9, 1e11, 128), DataError,
              Contains("qat_wa_ratio: delta_W4A16 + delta_W16A4 is not a positive finite number"));
}
