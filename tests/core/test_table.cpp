#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slfit/core/table.hpp"

using Catch::Contains;
using slfit::DataError;
using slfit::Table;

namespace {

Eigen::ArrayXd values(std::initializer_list<double> v) {
  Eigen::ArrayXd a(static_cast<Eigen::Index>(v.size()));
  Eigen::Index i = 0;
  for (double x : v) a(i++) = x;
  return a;
}

// Counts its destructions: tells when the last holder of a column view let go of its memory.
struct Owner {
  explicit Owner(int& deaths) : deaths_(&deaths) {}
  Owner(const Owner&) = delete;
  Owner& operator=(const Owner&) = delete;
  ~Owner() { ++*deaths_; }
  int* deaths_;
};

}  // namespace

TEST_CASE("table: empty table", "[table]") {
  const Table t;
  CHECK(t.rows() == 0);
  CHECK(t.num_columns() == 0);
  CHECK(t.empty());
  CHECK(t.source().empty());
  CHECK(t.label() == "the table");
  CHECK_FALSE(t.has("N"));
  CHECK_FALSE(t.usable("N"));
  REQUIRE_THROWS_WITH(t.column("N"), "no column 'N' in the table; columns are: (none)");
}

TEST_CASE("table: adding and reading columns", "[table]") {
  Table t("runs.csv");
  CHECK(t.label() == "table 'runs.csv'");
  t.add_column("N", values({1.0, 2.0, 3.0}));
  t.add_column("D", 20.0 * t.column("N"));
  CHECK(t.rows() == 3);
  CHECK_FALSE(t.empty());
  CHECK(t.num_columns() == 2);
  CHECK(t.names() == std::vector<std::string>{"N", "D"});
  CHECK(t.has("D"));
  CHECK(t.usable("D"));
  CHECK(t.column("D")(2) == 60.0);

  t.set_source("other.csv");
  CHECK(t.source() == "other.csv");
}

TEST_CASE("table: column errors", "[table]") {
  Table t("runs.csv");
  t.add_column("N", values({1.0, 2.0, 3.0}));
  REQUIRE_THROWS_AS(t.column("C"), DataError);
  REQUIRE_THROWS_WITH(t.column("C"), "no column 'C' in table 'runs.csv'; columns are: N");
  REQUIRE_THROWS_WITH(t.add_column("N", values({1.0, 2.0, 3.0})),
                      "duplicate column 'N' in table 'runs.csv'");
  REQUIRE_THROWS_WITH(t.add_column("", values({1.0, 2.0, 3.0})),
                      "a column of table 'runs.csv' has an empty name");
  REQUIRE_THROWS_WITH(t.add_column("D", values({1.0, 2.0})),
                      "column 'D' has 2 rows but table 'runs.csv' has 3");
  REQUIRE_THROWS_WITH(t.add_unusable_column("E", 4, "bad"),
                      "column 'E' has 4 rows but table 'runs.csv' has 3");
  CHECK(t.num_columns() == 1);
}

TEST_CASE("table: unusable columns throw their problem on use", "[table]") {
  Table t("x.csv");
  t.add_unusable_column("color", 2, "x.csv:2: column 1 ('color'): '#fff' is not a number");
  CHECK(t.rows() == 2);
  CHECK(t.has("color"));
  CHECK_FALSE(t.usable("color"));
  REQUIRE_THROWS_AS(t.column("color"), DataError);
  REQUIRE_THROWS_WITH(t.column("color"), "x.csv:2: column 1 ('color'): '#fff' is not a number");

  // Replacing the values makes the column usable.
  t.set_column("color", values({1.0, 2.0}));
  CHECK(t.usable("color"));
  CHECK(t.column("color")(1) == 2.0);
}

TEST_CASE("table: set_column replaces or adds", "[table]") {
  Table t;
  t.set_column("N", values({1.0, 2.0}));
  CHECK(t.rows() == 2);
  t.set_column("N", values({5.0, 6.0}));
  CHECK(t.num_columns() == 1);
  CHECK(t.column("N")(0) == 5.0);
  t.set_column("D", values({7.0, 8.0}));
  CHECK(t.names() == std::vector<std::string>{"N", "D"});
  REQUIRE_THROWS_WITH(t.set_column("N", values({1.0})),
                      "column 'N' has 1 rows but the table has 2");
}

TEST_CASE("table: filter and select", "[table]") {
  Table t("runs.csv");
  t.add_column("N", values({1.0, 2.0, 3.0, 4.0}));
  t.add_unusable_column("color", 4, "bad color");

  slfit::Mask keep(4);
  keep << true, false, true, false;
  const Table f = t.filter(keep);
  CHECK(f.source() == "runs.csv");
  REQUIRE(f.rows() == 2);
  CHECK(f.column("N")(1) == 3.0);
  CHECK_FALSE(f.usable("color"));
  REQUIRE_THROWS_WITH(f.column("color"), "bad color");

  slfit::Mask none = slfit::Mask::Constant(4, false);
  const Table e = t.filter(none);
  CHECK(e.rows() == 0);
  CHECK(e.num_columns() == 2);

  slfit::Mask wrong(3);
  wrong << true, true, true;
  REQUIRE_THROWS_WITH(t.filter(wrong), "row filter has 3 entries but table 'runs.csv' has 4 rows");

  const Table s = t.select({3, 3, 0});
  REQUIRE(s.rows() == 3);
  CHECK(s.column("N")(0) == 4.0);
  CHECK(s.column("N")(1) == 4.0);
  CHECK(s.column("N")(2) == 1.0);
  CHECK(s.names() == t.names());
}

TEST_CASE("table: a column view reads the caller's memory in place", "[table][view]") {
  std::vector<double> memory = {1.0, 2.0, 3.0, 4.0};
  int deaths = 0;
  std::optional<Table> t(std::in_place, "frame");
  t->add_column_view("N", memory.data(), 4, std::make_shared<Owner>(deaths));
  t->add_column("D", values({10.0, 20.0, 30.0, 40.0}));
  CHECK(t->rows() == 4);
  CHECK(t->usable("N"));
  CHECK_FALSE(t->has_text("N"));
  CHECK(t->column("N").data() == memory.data());
  CHECK(t->labels("N") == std::vector<std::string>{"1", "2", "3", "4"});
  CHECK((t->column("D") / t->column("N") == 10.0).all());
  memory[1] = 2.5;  // read in place: the table sees the change (which is why callers must not)
  CHECK(t->column("N")(1) == 2.5);
  memory[1] = 2.0;

  // Copies share the memory; row selections and set_column give a table values of its own.
  std::optional<Table> copy = *t;
  CHECK(copy->column("N").data() == memory.data());
  const Table selected = t->select({3, 0, 3});
  CHECK(selected.column("N").data() != memory.data());
  CHECK(selected.column("N")(0) == 4.0);
  CHECK(selected.column("N")(1) == 1.0);
  slfit::Mask keep(4);
  keep << false, true, true, false;
  const Table filtered = t->filter(keep);
  CHECK(filtered.column("N").data() != memory.data());
  CHECK(filtered.column("N")(0) == 2.0);
  CHECK(filtered.column("N")(1) == 3.0);
  CHECK(deaths == 0);

  // The owner lives as long as any table holds the view, and no longer.
  t.reset();
  CHECK(deaths == 0);
  CHECK(copy->column("N")(3) == 4.0);
  Table second = *copy;
  copy->set_column("N", values({5.0, 6.0, 7.0, 8.0}));
  CHECK(copy->column("N").data() != memory.data());
  CHECK(copy->column("N")(0) == 5.0);
  CHECK(second.column("N").data() == memory.data());
  CHECK(deaths == 0);
  second = Table();
  CHECK(deaths == 1);
  copy.reset();
  CHECK(deaths == 1);
  CHECK(selected.column("N")(2) == 4.0);  // owned values outlive the view's owner
}

TEST_CASE("table: column view errors", "[table][view]") {
  const double memory[3] = {1.0, 2.0, 3.0};
  Table t("frame");
  t.add_column_view("N", memory, 3, nullptr);  // no owner: the caller keeps the memory alive
  CHECK(t.column("N").data() == memory);
  REQUIRE_THROWS_WITH(t.add_column_view("D", memory, 2, nullptr),
                      "column 'D' has 2 rows but table 'frame' has 3");
  REQUIRE_THROWS_WITH(t.add_column_view("N", memory, 3, nullptr),
                      "duplicate column 'N' in table 'frame'");
  REQUIRE_THROWS_WITH(t.add_column_view("D", nullptr, 3, nullptr),
                      "column 'D' of table 'frame' has no values to read");
  REQUIRE_THROWS_WITH(t.add_column_view("D", memory, -1, nullptr),
                      "column 'D' of table 'frame' has no values to read");
  Table empty;
  empty.add_column_view("N", nullptr, 0, nullptr);
  CHECK(empty.rows() == 0);
  CHECK(empty.column("N").size() == 0);
}

TEST_CASE("table: text columns", "[table][text]") {
  Table t("runs.csv");
  t.add_column("N", values({1.0, 2.0, 3.0}));
  t.add_text_column("format", {"dense", "w4a4", "8"});
  CHECK(t.rows() == 3);
  CHECK(t.names() == std::vector<std::string>{"N", "format"});
  CHECK(t.has_text("format"));
  CHECK_FALSE(t.has_text("N"));
  CHECK_FALSE(t.has_text("missing"));
  CHECK_FALSE(t.usable("format"));
  CHECK(t.text("format") == std::vector<std::string>{"dense", "w4a4", "8"});
  // A text column is not numbers, even where a cell looks like one.
  REQUIRE_THROWS_AS(t.column("format"), DataError);
  REQUIRE_THROWS_WITH(t.column("format"),
                      "column 'format' of table 'runs.csv' holds text, not numbers");
  REQUIRE_THROWS_WITH(t.text("N"), Contains("column 'N' of table 'runs.csv' is numeric"));
  REQUIRE_THROWS_WITH(t.text("C"), "no column 'C' in table 'runs.csv'; columns are: N, format");
  REQUIRE_THROWS_WITH(t.add_text_column("bad", {"a"}),
                      "column 'bad' has 1 rows but table 'runs.csv' has 3");
  REQUIRE_THROWS_WITH(t.add_text_column("format", {"a", "b", "c"}),
                      "duplicate column 'format' in table 'runs.csv'");
  t.add_text_column("note", {"a", "b", "c"}, "runs.csv:2: column 3 ('note'): 'a' is not a number");
  REQUIRE_THROWS_WITH(t.column("note"), "runs.csv:2: column 3 ('note'): 'a' is not a number");

  // A text column may come first and fixes the row count like any other.
  Table u;
  u.add_text_column("label", {"x", "y"});
  CHECK(u.rows() == 2);
  REQUIRE_THROWS_WITH(u.add_column("N", values({1.0})),
                      "column 'N' has 1 rows but the table has 2");

  // Giving the column numbers makes it numeric; its old cells no longer apply.
  t.set_column("format", values({16.0, 4.0, 8.0}));
  CHECK(t.usable("format"));
  CHECK_FALSE(t.has_text("format"));
}

TEST_CASE("table: labels spell out numeric and text columns", "[table][text]") {
  Table t;
  t.add_column("bits", values({16.0, 4.0, 0.5, 1e20, -3.0}));
  t.add_text_column("format", {"bf16", "w4", "w0.5", "x", "y"});
  t.add_unusable_column("bad", 5, "bad cell");
  CHECK(t.labels("bits") == std::vector<std::string>{"16", "4", "0.5", "1e+20", "-3"});
  CHECK(t.labels("format") == t.text("format"));
  REQUIRE_THROWS_WITH(t.labels("bad"), "bad cell");
  REQUIRE_THROWS_WITH(t.labels("none"), Contains("no column 'none'"));
  // Shortest round trip: the label reads back as the same double.
  t.set_column("bits", values({0.1, 1.0 / 3.0, 2.5e-9, 6e23, 1.0}));
  const auto l = t.labels("bits");
  for (Eigen::Index i = 0; i < 5; ++i)
    CHECK(std::stod(l[static_cast<std::size_t>(i)]) == t.column("bits")(i));
}

TEST_CASE("table: text survives filter and select", "[table][text]") {
  Table t("runs.csv");
  t.add_column("N", values({1.0, 2.0, 3.0, 4.0}));
  t.add_text_column("format", {"a", "b", "c", "d"}, "bad format");
  slfit::Mask keep(4);
  keep << false, true, false, true;
  const Table f = t.filter(keep);
  CHECK(f.has_text("format"));
  CHECK(f.text("format") == std::vector<std::string>{"b", "d"});
  REQUIRE_THROWS_WITH(f.column("format"), "bad format");
  CHECK_FALSE(f.has_text("N"));

  const Table s = t.select({3, 3, 0});
  CHECK(s.text("format") == std::vector<std::string>{"d", "d", "a"});
  const Table e = t.filter(slfit::Mask::Constant(4, false));
  CHECK(e.has_text("format"));
  CHECK(e.text("format").empty());
  // Copies are independent.
  Table c = t;
  c.set_column("format", values({1.0, 2.0, 3.0, 4.0}));
  CHECK(t.text("format").size() == 4);
}
