// libFuzzer target for the CSV reader (slfit::parse_csv).
//
// The input is the file, read with the default options and then with a delimiter and comment
// setting picked by its last byte. A file may parse or throw slfit::Error; anything else (a crash,
// a sanitizer report, another exception, a hang, a leak, or a table that breaks its own invariants)
// is a bug.
//
//   fuzz/run.sh 60            # build and run both fuzzers for 60 s each
//   build-fuzz/fuzz/csv_fuzzer fuzz/corpus/csv
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "slfit/core/error.hpp"
#include "slfit/core/table.hpp"
#include "slfit/io/csv.hpp"

namespace {

// Fails loudly so libFuzzer records the input.
void check(bool ok) {
  if (!ok) std::abort();
}

// Touches every column the way the tool and the fitter do, and checks the table's invariants.
void exercise(const slfit::Table& table) {
  check(table.rows() > 0);
  check(table.num_columns() > 0);
  for (const std::string& name : table.names()) {
    check(!name.empty());
    check(table.has(name));
    try {
      const slfit::ColumnView values = table.column(name);
      check(values.size() == table.rows());
      check(table.usable(name));
      check(!table.has_text(name));
      for (Eigen::Index i = 0; i < values.size(); ++i) check(std::isfinite(values(i)));
    } catch (const slfit::DataError&) {
      check(!table.usable(name));
    }
    if (table.has_text(name)) {
      check(table.text(name).size() == static_cast<std::size_t>(table.rows()));
    }
    try {
      check(table.labels(name).size() == static_cast<std::size_t>(table.rows()));
    } catch (const slfit::DataError&) {
    }
  }
  // Every other row, as --where and the bootstrap select rows.
  slfit::Mask keep(table.rows());
  for (Eigen::Index i = 0; i < table.rows(); ++i) keep(i) = i % 2 == 0;
  const slfit::Table half = table.filter(keep);
  check(half.rows() == (table.rows() + 1) / 2);
  check(half.num_columns() == table.num_columns());
}

// Parses `text` and checks the table, if there is one.
void parse_one(std::string_view text, const slfit::CsvOptions& options) {
  try {
    const slfit::Table table = slfit::parse_csv(text, "fuzz.csv", options);
    // Keeping only columns the header does not have leaves a table without columns.
    if (options.keep && table.num_columns() == 0) return;
    exercise(table);
  } catch (const slfit::Error&) {
    // Refusing bad input with a message is the expected outcome.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The whole input with the default options, so that the corpus files are plain CSV files.
  parse_one(text, {});
  // Then with other options, picked by the last byte: the delimiters people use, comments off.
  if (size > 0) {
    static constexpr char kDelimiters[] = {',', '\t', ';', '|', ' '};
    const auto last = static_cast<unsigned char>(data[size - 1]);
    slfit::CsvOptions options;
    options.delimiter = kDelimiters[last % sizeof kDelimiters];
    options.comment = (last & 0x8) ? '\0' : '#';
    // Keeping some columns only: the others are skipped cell by cell.
    if (last & 0x10) options.keep = std::vector<std::string>{"N", "loss", "a"};
    if (options.delimiter != ',' || options.comment != '#' || options.keep) {
      parse_one(text, options);
    }
  }
  return 0;
}
