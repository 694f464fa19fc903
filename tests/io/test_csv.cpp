#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "slfit/core/expression.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/runtime/requests.hpp"
#include "support/fuzz_inputs.hpp"

using Catch::Contains;
using slfit::DataError;
using slfit::parse_csv;

namespace {

std::filesystem::path tmp_dir() {
  const std::filesystem::path dir = std::filesystem::path(SLFIT_TEST_TMP) / "csv";
  std::filesystem::create_directories(dir);
  return dir;
}

std::filesystem::path write_file(const std::string& name, const std::string& content) {
  const std::filesystem::path p = tmp_dir() / name;
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p;
}

}  // namespace

TEST_CASE("csv: basic numeric table", "[csv]") {
  const slfit::Table t = parse_csv("N,D,loss\n1e8,2e9,3.5\n2e8, 4e9 ,+3.25\n", "x.csv");
  CHECK(t.source() == "x.csv");
  REQUIRE(t.rows() == 2);
  CHECK(t.names() == std::vector<std::string>{"N", "D", "loss"});
  CHECK(t.column("N")(1) == 2e8);
  CHECK(t.column("D")(1) == 4e9);
  CHECK(t.column("loss")(1) == 3.25);
  CHECK(t.column("loss")(0) == 3.5);
}

TEST_CASE("csv: line endings, BOM, comments, blank lines, no final newline", "[csv]") {
  const std::string text =
      "\xEF\xBB\xBF# a comment before the header\r\n"
      "\r\n"
      "  N , loss \r\n"
      "1,2\r\n"
      "   # indented comment\r\n"
      "   \r\n"
      "3,4";
  const slfit::Table t = parse_csv(text, "x.csv");
  CHECK(t.names() == std::vector<std::string>{"N", "loss"});
  REQUIRE(t.rows() == 2);
  CHECK(t.column("N")(1) == 3.0);
  CHECK(t.column("loss")(1) == 4.0);
}

TEST_CASE("csv: quoted fields", "[csv]") {
  const std::string text =
      "\"Model Size\",\"Training, FLOP\",\"say \"\"hi\"\"\",label\n"
      "\"1e9\", \"6e18\" ,1,\"multi\nline\"\n"
      "2e9,1.2e19,2,\"a \"\"quoted\"\" word\"\n";
  const slfit::Table t = parse_csv(text, "q.csv");
  CHECK(t.names() ==
        std::vector<std::string>{"Model Size", "Training, FLOP", "say \"hi\"", "label"});
  REQUIRE(t.rows() == 2);
  CHECK(t.column("Model Size")(0) == 1e9);
  CHECK(t.column("Training, FLOP")(1) == 1.2e19);
  CHECK(t.column("say \"hi\"")(1) == 2.0);
  // The multi-line field starts on physical line 2, and the next row is on line 4.
  CHECK_FALSE(t.usable("label"));
  REQUIRE_THROWS_WITH(t.column("label"),
                      "q.csv:2: column 4 ('label'): 'multi\nline' is not a "
                      "number");
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,\"x\ny\"\n2,\n", "q.csv").column("b"),
                      Contains("q.csv:2:"));
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,\"x\ny\"\n2,3\n4,\"\"\n", "q.csv").column("b"),
                      "q.csv:2: column 2 ('b'): 'x\ny' is not a number");
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,2\n2,\"\"\n", "q.csv").column("b"),
                      "q.csv:3: column 2 ('b'): empty cell");
}

TEST_CASE("csv: other delimiter and disabled comments", "[csv]") {
  const slfit::Table t = parse_csv("a\tb\n1\t2\n#3\t4\n", "x.tsv", {'\t', '\0'});
  REQUIRE(t.rows() == 2);
  CHECK_FALSE(t.usable("a"));
  CHECK(t.column("b")(1) == 4.0);
  const slfit::Table s = parse_csv("a;b\n1;2\n", "x.csv", {';', '#'});
  CHECK(s.column("b")(0) == 2.0);
  // With tab as the delimiter, tabs are separators rather than padding.
  const slfit::Table e = parse_csv("a\tb\tc\n1\t\t3\n", "x.tsv", {'\t', '#'});
  CHECK_FALSE(e.usable("b"));
  REQUIRE_THROWS_WITH(e.column("b"), "x.tsv:2: column 2 ('b'): empty cell");
}

TEST_CASE("csv: bad cells make a column unusable, not the file", "[csv]") {
  const std::string text =
      "x,color,loss,empty,inf,big\n"
      "1,#faebdd,3.5,1,1,1\n"
      "2,#f8d1b8,abc,,-inf,1e400\n"
      "3,#f47a54,nan,2,2,2\n";
  const slfit::Table t = parse_csv(text, "x.csv");
  REQUIRE(t.rows() == 3);
  CHECK(t.usable("x"));
  CHECK_FALSE(t.usable("color"));
  CHECK_FALSE(t.usable("loss"));
  REQUIRE_THROWS_AS(t.column("color"), DataError);
  REQUIRE_THROWS_WITH(t.column("color"), "x.csv:2: column 2 ('color'): '#faebdd' is not a number");
  // Only the first bad cell is reported.
  REQUIRE_THROWS_WITH(t.column("loss"), "x.csv:3: column 3 ('loss'): 'abc' is not a number");
  REQUIRE_THROWS_WITH(t.column("empty"), "x.csv:3: column 4 ('empty'): empty cell");
  REQUIRE_THROWS_WITH(t.column("inf"), "x.csv:3: column 5 ('inf'): NaN or infinite value '-inf'");
  REQUIRE_THROWS_WITH(t.column("big"), Contains("x.csv:3: column 6 ('big'): '1e400' is out of"));

  for (const char* cell : {"nan", "NaN", "inf", "Infinity", "-inf"}) {
    const slfit::Table n = parse_csv(std::string("v\n") + cell + "\n", "x.csv");
    REQUIRE_THROWS_WITH(n.column("v"), Contains("NaN or infinite value '" + std::string(cell)));
  }
  for (const char* cell : {"1,5", "+-1", "+", "-", "1e", "0x10", "1 2", "\"1\"x"}) {
    INFO(cell);
    const std::string text2 = std::string("v,w\n") + cell + ",1\n";
    bool threw_structural = false;
    try {
      const slfit::Table n = parse_csv(text2, "x.csv");
      CHECK_FALSE(n.usable("v"));
    } catch (const DataError&) {
      threw_structural = true;  // "1,5" has 3 fields; "1"x is a quoting error
    }
    CHECK(threw_structural == (std::string(cell) == "1,5" || std::string(cell) == "\"1\"x"));
  }
  const std::string long_cell(100, 'z');
  REQUIRE_THROWS_WITH(parse_csv("v\n" + long_cell + "\n", "x.csv").column("v"),
                      Contains("'" + std::string(37, 'z') + "...' is not a number"));
}

TEST_CASE("csv: structural errors", "[csv]") {
  REQUIRE_THROWS_AS(parse_csv("", "x.csv"), DataError);
  REQUIRE_THROWS_WITH(parse_csv("", "x.csv"), "'x.csv' is empty: no header row");
  REQUIRE_THROWS_WITH(parse_csv("# only\n\n  \n", "x.csv"), "'x.csv' is empty: no header row");
  REQUIRE_THROWS_WITH(parse_csv("a,b\n", "x.csv"), "'x.csv' has a header but no data rows");
  REQUIRE_THROWS_WITH(parse_csv("a,b\n# c\n\n", "x.csv"), "'x.csv' has a header but no data rows");
  REQUIRE_THROWS_WITH(parse_csv("a,,c\n1,2,3\n", "x.csv"),
                      "x.csv:1: column 2 of the header has an empty name");
  REQUIRE_THROWS_WITH(parse_csv("a,b,\n1,2,3\n", "x.csv"),
                      "x.csv:1: column 3 of the header has an empty name");
  REQUIRE_THROWS_WITH(parse_csv("N,D,N\n1,2,3\n", "x.csv"),
                      "duplicate column 'N' in 'x.csv' (columns 1 and 3)");
  REQUIRE_THROWS_WITH(parse_csv("a,b,c\n1,2,3\n\n# c\n1,2\n", "x.csv"),
                      "x.csv:5: expected 3 fields, found 2");
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,2,3\n", "x.csv"), "x.csv:2: expected 2 fields, found 3");
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,2\n3,\"4\n5,6\n", "x.csv"),
                      Contains("x.csv:3: unterminated quoted field"));
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,\"2\"3\n", "x.csv"),
                      Contains("x.csv:2: field 2: unexpected character '3' after a closing quote"));
  REQUIRE_THROWS_WITH(parse_csv(std::string("a,b\n1,2\n3,\0\n", 12), "x.csv"),
                      "'x.csv' is not a CSV file: it contains binary data (NUL byte at line 3)");
  // Binary data without any NUL byte: refused by its control bytes, with the line of the first.
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,2\n\x1f\x8b\x08\x08gz\n", "x.csv.gz"),
                      "'x.csv.gz' is not a CSV file: it contains binary data (control byte 0x1F "
                      "at line 3)");
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,2\x7f\n", "x.csv"),
                      Contains("control byte 0x7F at line 2"));
  // Tabs, carriage returns, form feeds are text; so is a control character chosen as delimiter.
  CHECK(parse_csv("a\tb\r\n1\t2\f\r\n", "x.tsv", {.delimiter = '\t'}).rows() == 1);
  CHECK(parse_csv("a\x1f"
                  "b\n1\x1f"
                  "2\n",
                  "x.usv", {.delimiter = '\x1f'})
            .column("b")(0) == 2.0);
  const std::string huge = "a\n1\n" + std::string((1 << 20) + 1, '7') + "\n";
  REQUIRE_THROWS_WITH(parse_csv(huge, "x.csv"),
                      "x.csv:3: line longer than 1048576 characters; is this a CSV file?");
}

TEST_CASE("csv: read_csv from files", "[csv]") {
  const auto p = write_file("ok.csv", "N,loss\n1,2\n3,4\n");
  const slfit::Table t = slfit::read_csv(p);
  CHECK(t.source() == p.string());
  CHECK(t.rows() == 2);
  CHECK(t.column("loss")(1) == 4.0);

  const auto missing = tmp_dir() / "does-not-exist.csv";
  REQUIRE_THROWS_AS(slfit::read_csv(missing), DataError);
  REQUIRE_THROWS_WITH(slfit::read_csv(missing),
                      "cannot open '" + missing.string() + "': No such file or directory");
  REQUIRE_THROWS_WITH(slfit::read_csv(tmp_dir()), Contains("it is a directory"));

  const auto empty = write_file("empty.csv", "");
  REQUIRE_THROWS_WITH(slfit::read_csv(empty), "'" + empty.string() + "' is empty: no header row");

  std::string binary = "\x89PNG\r\n\x1a\n";
  binary += std::string("\0\0\0\rIHDR", 8);
  const auto png = write_file("image.csv", binary);
  REQUIRE_THROWS_WITH(slfit::read_csv(png), Contains("is not a CSV file: it contains binary data"));
}

TEST_CASE("csv: a large file reads quickly", "[csv][.slow]") {
  std::string text = "N,D,loss\n";
  constexpr int kRows = 1000000;
  text.reserve(static_cast<std::size_t>(kRows) * 40);
  for (int i = 0; i < kRows; ++i) {
    text += std::to_string(1e6 + i) + "," + std::to_string(2.5e9 + 3.0 * i) + ",3.14159\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const slfit::Table t = parse_csv(text, "big.csv");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(t.rows() == kRows);
  CHECK(t.column("D")(kRows - 1) == Approx(2.5e9 + 3.0 * (kRows - 1)));
  WARN("parsed " << kRows << " rows in " << seconds << " s");
}

TEST_CASE("csv: Epoch Chinchilla data", "[csv][data]") {
  const std::filesystem::path path =
      std::filesystem::path(SLFIT_SHARED_DATA) / "epoch-chinchilla/svg_extracted_data.csv";
  if (!std::filesystem::exists(path)) {
    WARN("skipping: " << path.string() << " not found");
    return;
  }
  slfit::Table t = slfit::read_csv(path);
  REQUIRE(t.rows() == 245);
  CHECK(t.names() == std::vector<std::string>{"x", "y", "color", "Model Size", "Training FLOP",
                                              "hex_color", "loss"});
  CHECK_FALSE(t.usable("color"));
  CHECK_FALSE(t.usable("hex_color"));
  for (const char* name : {"x", "y", "Model Size", "Training FLOP", "loss"}) CHECK(t.usable(name));
  REQUIRE_THROWS_WITH(t.column("color"), Contains(":2: column 3 ('color'): '#faebdd' is not a "
                                                  "number"));

  slfit::derive(t, "D", slfit::Expression::parse("\"Training FLOP\"/(6*\"Model Size\")"));
  CHECK(t.column("D")(0) == Approx(9.993852799709755e+18 / (6 * 6795600349.289497)));

  const slfit::Table kept =
      slfit::filter_rows(t, slfit::Expression::parse("`Model Size` >= 1e9 && loss < 4"));
  CHECK(kept.rows() > 0);
  CHECK(kept.rows() < t.rows());
  CHECK((kept.column("Model Size") >= 1e9).all());
  CHECK((kept.column("loss") < 4.0).all());

  REQUIRE_THROWS_WITH(slfit::Expression::parse("color * 2").evaluate(t),
                      Contains("expression \"color * 2\": ") && Contains("is not a number"));
}

TEST_CASE("csv: columns that are not numbers keep their text", "[csv][text]") {
  const std::string text =
      "N,format,note,loss,empty\n"
      "1e8,dense,\"a, b\",3.5,1\n"
      "2e8, w4a4 ,\"say \"\"hi\"\"\",3.4,\n"
      "# a comment between rows\n"
      "\n"
      "3e8,\"w4a16\",\"two\nlines\",3.3,3\n"
      "4e8,8,plain,3.2,4\n";
  const slfit::Table t = parse_csv(text, "f.csv");
  REQUIRE(t.rows() == 4);
  CHECK_FALSE(t.has_text("N"));
  CHECK_FALSE(t.has_text("loss"));
  REQUIRE(t.has_text("format"));
  // Unquoted cells are trimmed and quoted ones unescaped, as for numbers.
  CHECK(t.text("format") == std::vector<std::string>{"dense", "w4a4", "w4a16", "8"});
  CHECK(t.text("note") == std::vector<std::string>{"a, b", "say \"hi\"", "two\nlines", "plain"});
  // A numeric column with one empty cell is unusable, and its cells are kept as they were.
  CHECK(t.text("empty") == std::vector<std::string>{"1", "", "3", "4"});
  // The numeric view and its error are unchanged.
  CHECK_FALSE(t.usable("format"));
  REQUIRE_THROWS_WITH(t.column("format"), "f.csv:2: column 2 ('format'): 'dense' is not a number");
  REQUIRE_THROWS_WITH(t.column("empty"), "f.csv:3: column 5 ('empty'): empty cell");
  REQUIRE_THROWS_WITH(t.text("N"), Contains("is numeric"));
  // Shortest round-trip spelling of the numbers, not their text in the file.
  CHECK(t.labels("N") == std::vector<std::string>{"1e+08", "2e+08", "3e+08", "4e+08"});

  // A text column that becomes text late keeps the earlier numeric-looking cells verbatim.
  const slfit::Table late = parse_csv("x,label\n1,1e3\n2,+7\n3,b\n", "late.csv");
  CHECK(late.text("label") == std::vector<std::string>{"1e3", "+7", "b"});
  REQUIRE_THROWS_WITH(late.column("label"), "late.csv:4: column 2 ('label'): 'b' is not a number");

  // Row selections carry the text along.
  const slfit::Table kept =
      slfit::filter_rows(t, slfit::Expression::parse("N >= 2e8 && loss > 3.25"));
  CHECK(kept.text("format") == std::vector<std::string>{"w4a4", "w4a16"});

  // Other delimiters and disabled comments.
  const slfit::Table tsv = parse_csv("a\tb\n#x\t1\ny\t2\n", "x.tsv", {'\t', '\0'});
  CHECK(tsv.text("a") == std::vector<std::string>{"#x", "y"});
}

TEST_CASE("csv: Epoch Chinchilla data keeps its colour columns as text", "[csv][data][text]") {
  const std::filesystem::path path =
      std::filesystem::path(SLFIT_SHARED_DATA) / "epoch-chinchilla/svg_extracted_data.csv";
  if (!std::filesystem::exists(path)) {
    WARN("skipping: " << path.string() << " not found");
    return;
  }
  const slfit::Table t = slfit::read_csv(path);
  REQUIRE(t.has_text("hex_color"));
  REQUIRE(t.text("hex_color").size() == 245);
  CHECK(t.text("hex_color")[0] == "#faebdd");
  CHECK(t.has_text("color"));
  for (const char* name : {"x", "y", "Model Size", "Training FLOP", "loss"})
    CHECK_FALSE(t.has_text(name));
}

TEST_CASE("csv: a wide header reserves memory by the file's size, not by columns x lines",
          "[csv][fuzz]") {
  // Found by fuzzing: storage was reserved for every line of the file in every column, so a 3 MB
  // file with 140000 header names and two million blank lines reserved terabytes of address space
  // and took 20 s (or threw std::bad_alloc under a memory limit) before reporting a ragged row.
  std::string header;
  for (int c = 0; c < 140000; ++c) header += (c ? ",c" : "c") + std::to_string(c);
  const std::string text = header + "\n" + std::string(2000000, '\n') + "1\n";
  const auto start = std::chrono::steady_clock::now();
  REQUIRE_THROWS_WITH(parse_csv(text, "wide.csv"),
                      "wide.csv:2000002: expected 140000 fields, found 1");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 10.0);  // about 0.1 s in a release build
}

TEST_CASE("csv: options that make records ambiguous are refused", "[csv]") {
  for (const char delimiter : {'"', '\n', '\r', '\0'}) {
    REQUIRE_THROWS_AS(parse_csv("a\n1\n", "x.csv", {delimiter, '#'}), slfit::UsageError);
  }
  REQUIRE_THROWS_WITH(parse_csv("a\n1\n", "x.csv", {'#', '#'}),
                      Contains("comment character cannot be"));
  REQUIRE_THROWS_AS(parse_csv("a\n1\n", "x.csv", {',', '"'}), slfit::UsageError);
  REQUIRE_THROWS_AS(parse_csv("a\n1\n", "x.csv", {',', '\n'}), slfit::UsageError);
  CHECK(parse_csv("a;b\n1;2\n", "x.csv", {';', '\0'}).rows() == 1);
}

TEST_CASE("csv: every fuzz corpus and regression input parses or throws slfit::Error",
          "[csv][fuzz]") {
  const auto files = slfit::testing::fuzz_inputs("csv");
  REQUIRE(files.size() >= 10);
  // The options csv_fuzzer uses: the defaults, then each delimiter with comments on and off.
  std::vector<slfit::CsvOptions> options;
  for (const char delimiter : {',', '\t', ';', '|', ' '}) {
    for (const char comment : {'#', '\0'}) options.push_back({delimiter, comment});
  }
  int parsed = 0;
  int refused = 0;
  for (const auto& file : files) {
    const std::string text = slfit::testing::file_bytes(file);
    for (const auto& o : options) {
      INFO(file.string() << " with delimiter " << static_cast<int>(o.delimiter) << ", comment "
                         << static_cast<int>(o.comment));
      std::optional<slfit::Table> t;
      try {
        t = parse_csv(text, file.string(), o);
        ++parsed;
      } catch (const slfit::Error&) {
        ++refused;  // a clear refusal; anything else escapes and fails the test
      }
      if (!t) continue;
      CHECK(t->rows() > 0);
      for (const auto& name : t->names()) {
        CHECK(t->labels(name).size() == static_cast<std::size_t>(t->rows()));
        if (t->usable(name)) CHECK(t->column(name).allFinite());
      }
    }
  }
  CHECK(parsed > 0);
  CHECK(refused > 0);
}

// --- streaming: read_csv reads in blocks ---------------------------------------------------------

namespace {

using slfit::detail::csv::kBlockSize;

// Rows "i,2i,label" until the text is at least `bytes` long.
std::string rows_text(std::size_t bytes, std::size_t& lines) {
  std::string text = "a,b,c\n";
  lines = 1;
  for (int i = 0; text.size() < bytes; ++i) {
    text += std::to_string(i) + "," + std::to_string(2 * i) + ",0" + std::to_string(i % 10) + "\n";
    ++lines;
  }
  return text;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A FIFO fed by a thread with `text`; the writer gives up quietly when the reader goes away.
struct Fifo {
  std::filesystem::path path;
  std::thread writer;
  Fifo(const std::string& name, std::string text) : path(tmp_dir() / name) {
    std::filesystem::remove(path);
    std::signal(SIGPIPE, SIG_IGN);
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    writer = std::thread([p = path, t = std::move(text)] {
      std::FILE* f = std::fopen(p.c_str(), "wb");
      if (!f) return;
      std::fwrite(t.data(), 1, t.size(), f);
      std::fclose(f);
    });
  }
  ~Fifo() {
    // A reader that stopped early closed the FIFO: the writer's next write fails with EPIPE
    // (SIGPIPE is ignored). A reader that never came: opening it releases the writer, which then
    // fails the same way.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
    writer.join();
    std::filesystem::remove(path);
  }
};

}  // namespace

TEST_CASE("csv: read_csv reads a file of many blocks as parse_csv reads its text",
          "[csv][stream]") {
  std::size_t lines = 0;
  std::string text = rows_text(3 * kBlockSize + 12345, lines);
  // A quoted field with line breaks and escaped quotes across a block boundary.
  const std::string half(kBlockSize / 2, ' ');
  text += "7,\"1\n4\",\"x \"\"y\"\"\n" + half + "\n" + half + "z\"\n8,9,10\n";
  const auto path = write_file("blocks.csv", text);
  const slfit::Table from_file = slfit::read_csv(path);
  const slfit::Table from_text = parse_csv(text, path.string());
  REQUIRE(from_file.rows() == static_cast<Eigen::Index>(lines + 1));
  CHECK(from_file.names() == from_text.names());
  CHECK((from_file.column("a") == from_text.column("a")).all());
  // Text columns keep their cells as written ("04", not "4"): a regular file is read twice.
  CHECK(from_file.text("b") == from_text.text("b"));
  CHECK(from_file.text("c") == from_text.text("c"));
  CHECK(from_file.text("c")[4] == "04");
  CHECK(from_file.text("b").back() == "9");
  CHECK(from_file.text("c")[lines - 1] == "x \"y\"\n" + half + "\n" + half + "z");
}

TEST_CASE("csv: a FIFO is read as a stream", "[csv][stream]") {
  std::size_t lines = 0;
  const std::string text = rows_text(2 * kBlockSize + 999, lines) + "5,x,6\n";
  Fifo fifo("stream.fifo", text);
  const slfit::Table t = slfit::read_csv(fifo.path);
  REQUIRE(t.rows() == static_cast<Eigen::Index>(lines));
  CHECK(t.column("a")(3) == 3.0);
  CHECK(t.column("c")(lines - 1) == 6.0);
  // A stream cannot be read twice: the cells of a text column before its first text are spelled
  // as numbers.
  CHECK(t.text("b")[2] == "4");
  CHECK(t.text("b").back() == "x");
}

TEST_CASE("csv: binary content after the first block is caught where it appears", "[csv][stream]") {
  std::size_t lines = 0;
  std::string text = rows_text(2 * kBlockSize + 100, lines);
  text += std::string("1,2\0", 4) + "\n" + std::string(10 * kBlockSize, '\0');
  const auto path = write_file("late-binary.csv", text);
  REQUIRE_THROWS_WITH(slfit::read_csv(path), "'" + path.string() +
                                                 "' is not a CSV file: it contains binary data "
                                                 "(NUL byte at line " +
                                                 std::to_string(lines + 1) + ")");
  Fifo fifo("late-binary.fifo", text);
  REQUIRE_THROWS_WITH(slfit::read_csv(fifo.path),
                      Contains("(NUL byte at line " + std::to_string(lines + 1) + ")"));
  // A control byte likewise, and a line too long that starts in one block and ends in another.
  text = rows_text(kBlockSize + 100, lines) + "1,\x01,2\n";
  REQUIRE_THROWS_WITH(slfit::read_csv(write_file("late-control.csv", text)),
                      Contains("(control byte 0x01 at line " + std::to_string(lines + 1) + ")"));
  text = rows_text(kBlockSize - 10, lines) + std::string(2 * kBlockSize, 'x') + "\n";
  REQUIRE_THROWS_WITH(slfit::read_csv(write_file("late-long.csv", text)),
                      Contains(":" + std::to_string(lines + 1) + ": line longer than 1048576"));
}

TEST_CASE("csv: a NUL byte at the start is refused at once, however long the stream",
          "[csv][stream]") {
  const auto start = std::chrono::steady_clock::now();
  REQUIRE_THROWS_WITH(
      slfit::read_csv("/dev/zero"),
      "'/dev/zero' is not a CSV file: it contains binary data (NUL byte at line 1)");
  CHECK(seconds_since(start) < 1.0);
}

TEST_CASE("csv: keep stores only the named columns", "[csv][keep]") {
  slfit::CsvOptions options;
  options.keep = std::vector<std::string>{"loss", "N", "absent"};
  const std::string text = "N,label,D,loss\n1e8,a,2e9,3.5\n2e8,\"b,c\",oops,3.25\n";
  const slfit::Table t = parse_csv(text, "k.csv", options);
  CHECK(t.names() == std::vector<std::string>{"N", "loss"});  // in file order
  CHECK_FALSE(t.has("label"));
  CHECK_FALSE(t.has("D"));
  CHECK_FALSE(t.has("absent"));
  REQUIRE(t.rows() == 2);
  CHECK(t.column("N")(1) == 2e8);
  CHECK(t.column("loss")(1) == 3.25);
  // Skipped columns still count: ragged rows are refused.
  REQUIRE_THROWS_WITH(parse_csv("N,label,loss\n1,a,2\n3,4\n", "k.csv", options),
                      "k.csv:3: expected 3 fields, found 2");
  // A file's skipped columns are not stored either, text or numbers.
  const auto path = write_file("keep.csv", text);
  const slfit::Table f = slfit::read_csv(path, options);
  CHECK(f.names() == std::vector<std::string>{"N", "loss"});
  options.keep = std::vector<std::string>{};
  CHECK(parse_csv(text, "k.csv", options).num_columns() == 0);
}

TEST_CASE("csv: check_header runs before the body is read", "[csv][keep]") {
  slfit::CsvOptions options;
  std::vector<std::string> seen;
  options.check_header = [&](const std::vector<std::string>& header) {
    seen = header;
    if (std::find(header.begin(), header.end(), "loss") == header.end()) {
      throw DataError("no loss");
    }
  };
  // The body is ragged, binary (after the first block) and then endless: the header decides.
  std::size_t lines = 0;
  const std::string text = rows_text(2 * kBlockSize, lines) + "1\n" + std::string(100, '\0');
  REQUIRE_THROWS_WITH(slfit::read_csv(write_file("header-first.csv", text), options), "no loss");
  CHECK(seen == std::vector<std::string>{"a", "b", "c"});
  {
    Fifo fifo("header-first.fifo", text);
    REQUIRE_THROWS_WITH(slfit::read_csv(fifo.path, options), "no loss");
  }
  // A binary byte in the first block is found before the header is parsed.
  REQUIRE_THROWS_WITH(parse_csv("a,b\n1,2\n\x01", "h.csv", options), Contains("binary data"));
  CHECK(parse_csv("a,loss\n1,2\n", "h.csv", options).rows() == 1);
}

TEST_CASE("errors: csv.too-large", "[errors][csv][stream]") {
  // A regular file larger than the memory available is refused before it is read.
  std::size_t lines = 0;
  const std::string text = rows_text(20000, lines);
  const auto path = write_file("too-large.csv", text);
  slfit::CsvOptions options;
  options.memory_available = 10000;
  REQUIRE_THROWS_WITH(slfit::read_csv(path, options),
                      "'" + path.string() + "' is too large to read: it holds " +
                          slfit::detail::csv::format_bytes(static_cast<double>(text.size())) +
                          " and only 10.0 kB of memory are available");
  // A stream (or a file read with `keep`) stops when its kept columns would take more than half.
  const std::string stream = rows_text(4 * kBlockSize, lines);
  {
    Fifo fifo("too-large.fifo", stream);
    options.memory_available = 1000000;
    REQUIRE_THROWS_WITH(slfit::read_csv(fifo.path, options),
                        Contains("' is too large to read: by line ") &&
                            Contains(" its columns take ") &&
                            Contains(", more than half of the 1.0 MB of memory available"));
  }
  options.keep = std::vector<std::string>{"a"};
  REQUIRE_THROWS_WITH(slfit::read_csv(write_file("too-large-keep.csv", stream), options),
                      Contains("is too large to read: by line "));
  options.memory_available = 200 * stream.size();  // fits: about 1/4 of the text, in one column
  CHECK(slfit::read_csv(write_file("too-large-keep.csv", stream), options).rows() ==
        static_cast<Eigen::Index>(lines - 1));
  CHECK(slfit::available_memory() > 0);
}

TEST_CASE("errors: csv.long-record", "[errors][csv][stream]") {
  // A quote never closed in a large file: the record grows past 16 MiB, one short line at a time.
  std::string text = "a,b\n1,\"x\n";
  while (text.size() <= slfit::detail::csv::kMaxRecordLength + kBlockSize)
    text += std::string(1000, 'y') + "\n";
  const auto path = write_file("long-record.csv", text);
  REQUIRE_THROWS_WITH(slfit::read_csv(path), path.string() +
                                                 ":2: record longer than 16777216 characters (a "
                                                 "quote that is never closed?); is this a CSV "
                                                 "file?");
  // In memory, or in a smaller file, the quote is reported as unterminated.
  REQUIRE_THROWS_WITH(slfit::read_csv(write_file("open-quote.csv", "a,b\n1,\"x\n2,3\n")),
                      Contains(":2: unterminated quoted field"));
}

// --- load_table: header-first checks and column keeping ------------------------------------------

TEST_CASE("table: load_table checks the header before reading the body", "[csv][keep][table]") {
  std::size_t lines = 0;
  std::string text = rows_text(2 * kBlockSize, lines);
  text.replace(0, 5, "N,D,L");
  text += "1,2\n" + std::string(100, '\0');  // ragged, then binary: never reached
  const auto path = write_file("load-header.csv", text);
  slfit::TableRequest q;
  q.path = path.string();
  const std::string table = "table '" + path.string() + "'";
  SECTION("the target") {
    q.target_column = "loss";
    REQUIRE_THROWS_WITH(slfit::load_table(q),
                        "no target column 'loss' in " + table +
                            "; columns are: N, D, L (choose one with option 'target' or option "
                            "'columns' target=HEADER)");
    q.target_column = "Ls";
    REQUIRE_THROWS_WITH(slfit::load_table(q),
                        Contains("no target column 'Ls' in " + table + " (did you mean 'L'?)"));
    // A derived column is a target too.
    q.derive = {"loss = L + 1"};
    q.target_column = "loss";
    q.required = {"C"};
    REQUIRE_THROWS_WITH(
        slfit::load_table(q),
        "no column 'C' in " + table + " (did you mean 'N'?); columns are: N, D, L, loss");
  }
  SECTION("expressions") {
    q.where = {"C < 1e21"};
    REQUIRE_THROWS_WITH(slfit::load_table(q), "expression \"C < 1e21\": no column 'C' in " + table +
                                                  " (did you mean 'N'?); columns are: N, D, L");
    q.where = {"C2 < 1e21"};
    q.derive = {"C2 = 6*N*D", "x = C3"};
    REQUIRE_THROWS_WITH(slfit::load_table(q),
                        "expression \"x = C3\": no column 'C3' in " + table +
                            " (did you mean 'C2'?); columns are: N, D, L, C2");
    q.derive = {};
    q.where = {};
    q.target = "log(LL)";
    REQUIRE_THROWS_WITH(slfit::load_table(q), Contains("expression \"log(LL)\": no column 'LL'"));
  }
  SECTION("the caller's own check") {
    std::vector<std::string> names;
    q.derive = {"C = 6*N*D"};
    q.check_header = [&](const slfit::Table& header) {
      names = header.names();
      CHECK(header.rows() == 0);
      throw DataError("law 'x' needs input 'P'");
    };
    REQUIRE_THROWS_WITH(slfit::load_table(q), "law 'x' needs input 'P'");
    CHECK(names == std::vector<std::string>{"N", "D", "L", "C"});
  }
}

TEST_CASE("table: load_table keeps only the columns a request reads", "[csv][keep][table]") {
  const auto path = write_file("load-keep.csv",
                               "N,D,label,w,g,loss_q,loss_fp,unused\n"
                               "1e8,2e9,a,1,1,3.6,3.5,x\n"
                               "2e8,4e9,b,1,2,3.3,3.25,7\n"
                               "4e8,8e9,c,1,2,3.1,3.0,y\n");
  slfit::TableRequest q;
  q.path = path.string();
  // Unset: every column, as before.
  CHECK(slfit::load_table(q).table.num_columns() == 8);
  q.keep = std::vector<std::string>{};
  q.required = {"w"};
  q.derive = {"C = 6*N*D", "C = C/1e18"};
  q.where = {"C > 2"};
  q.target = "loss_q - loss_fp";
  const slfit::LoadedTable t = slfit::load_table(q);
  CHECK(t.table.has("N"));
  CHECK(t.table.has("D"));
  CHECK(t.table.has("w"));
  CHECK(t.table.has("loss_q"));
  CHECK(t.table.has("loss_fp"));
  CHECK(t.table.has("C"));
  CHECK_FALSE(t.table.has("label"));
  CHECK_FALSE(t.table.has("g"));
  CHECK_FALSE(t.table.has("unused"));
  CHECK(t.target == "target");
  REQUIRE(t.table.rows() == 2);
  CHECK(t.table.column("target")(1) == Approx(0.1));
  // The caller's own list and the target's header are kept too.
  q.keep = std::vector<std::string>{"label"};
  q.target = "loss_fp";
  q.target_column = "g";
  const slfit::LoadedTable u = slfit::load_table(q);
  CHECK(u.table.has("label"));
  CHECK(u.table.has("g"));
  CHECK(u.table.has("loss_fp"));
  CHECK_FALSE(u.table.has("loss_q"));
}
