// Table: named columns of doubles, stored as a structure of arrays.
//
// A Table is what every law is evaluated on and every fit is fitted to. Columns are Eigen arrays of
// equal length. A column read from a file may be *unusable* (a cell that is not a number, a NaN, an
// empty cell): such a column is kept with the first problem recorded, and the error is thrown only
// when somebody asks for the column. That way a CSV with a text column such as a colour code can
// still be read, and the error for a bad cell still names its file, line and column.
//
// Columns that are not numbers also keep their cells as text (`text()`), so a label column such as
// a compression format can select rows or name groups. Only such columns pay for the strings: a
// fully numeric column keeps no text, and `text()` refuses it; `labels()` works for both kinds and
// spells numbers in their shortest round-trip form.
//
// A column either owns its values or reads a caller's memory in place (`add_column_view`, how the
// Python package takes a DataFrame's float64 columns without copying them). Either way column()
// hands out a ColumnView, an Eigen::Map over the values: cheap to copy and usable in any array
// expression. Hold it by value (`const auto n = t.column("N")`): binding it to `const Array&`
// compiles but makes a copy of the whole column.
//
//   slfit::Table t;
//   t.add_column("N", Eigen::ArrayXd::LinSpaced(5, 1e8, 1e9));
//   t.add_column("D", 20.0 * t.column("N"));
//   const slfit::ColumnView n = t.column("N");  // throws DataError if there is no such column
//   t.add_text_column("format", {"dense", "w4a4", "dense", "w4a4", "w4a4"});
//   const std::vector<std::string>& f = t.text("format");  // column("format") throws
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slfit/core/error.hpp"

namespace slfit {

using Array = Eigen::ArrayXd;
// The values of a table column, wherever they live. A view stays valid while the table it came
// from, or any copy of that table, holds the column (set_column replaces the values it points at).
using ColumnView = Eigen::Map<const Array>;
using Mask = Eigen::Array<bool, Eigen::Dynamic, 1>;

class Table {
 public:
  Table() = default;
  explicit Table(std::string source) : source_(std::move(source)) {}

  // Where the table came from ("runs.csv", "<simulated>"), used in error messages.
  const std::string& source() const { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }

  Eigen::Index rows() const { return rows_; }
  std::size_t num_columns() const { return columns_.size(); }
  bool empty() const { return rows_ == 0; }

  // Names in insertion order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(columns_.size());
    for (const auto& c : columns_) out.push_back(c.name);
    return out;
  }

  bool has(std::string_view name) const { return find(name) != nullptr; }

  // True if the column exists and holds only finite numbers.
  bool usable(std::string_view name) const {
    const Column* c = find(name);
    return c != nullptr && !c->problem;
  }

  // Adds a column. The first column fixes the number of rows; later ones must match it.
  void add_column(std::string name, Array values) {
    check_new(name, values.size());
    if (columns_.empty()) rows_ = values.size();
    columns_.push_back(Column{std::move(name), share(std::move(values)), std::nullopt, nullptr});
  }

  // Adds a column that reads `rows` doubles at `data` in place instead of copying them. `owner`
  // keeps the memory alive: the table and every copy of it hold it until they drop the column,
  // and it is released on whichever thread drops it last. The values must not change while any
  // of them holds the column, since fits and views read them again. Null `owner`: the caller
  // keeps the memory alive for as long as the table and its copies live. Row selections
  // (filter, select) and set_column give tables their own values.
  void add_column_view(std::string name, const double* data, Eigen::Index rows,
                       std::shared_ptr<const void> owner) {
    if (rows < 0 || (rows > 0 && data == nullptr)) {
      throw DataError("column '" + name + "' of " + label() + " has no values to read");
    }
    check_new(name, rows);
    if (columns_.empty()) rows_ = rows;
    columns_.push_back(Column{std::move(name),
                              std::shared_ptr<const double>(std::move(owner), data), std::nullopt,
                              nullptr});
  }

  // Adds a column whose values cannot be used; `problem` is the message thrown on use.
  void add_unusable_column(std::string name, Eigen::Index rows, std::string problem) {
    check_new(name, rows);
    if (columns_.empty()) rows_ = rows;
    columns_.push_back(
        Column{std::move(name), share(Array::Constant(rows, 0.0)), std::move(problem), nullptr});
  }

  // Adds a column of text cells. Its numeric values are unusable: column() throws `problem`, or,
  // when that is empty, a message saying the column holds text. Cells are kept as given, even
  // ones that look like numbers, because a label such as "8" is still a label.
  void add_text_column(std::string name, std::vector<std::string> cells, std::string problem = {}) {
    const auto rows = static_cast<Eigen::Index>(cells.size());
    check_new(name, rows);
    if (problem.empty()) {
      problem = "column '" + name + "' of " + label() + " holds text, not numbers";
    }
    if (columns_.empty()) rows_ = rows;
    columns_.push_back(Column{std::move(name), share(Array::Constant(rows, 0.0)),
                              std::move(problem),
                              std::make_shared<const std::vector<std::string>>(std::move(cells))});
  }

  // Replaces a column's values (same length) or adds the column if it is new.
  void set_column(const std::string& name, Array values) {
    if (Column* c = find_mutable(name)) {
      if (values.size() != rows_) throw DataError(size_message(name, values.size()));
      c->values = share(std::move(values));
      c->problem.reset();
      c->texts.reset();  // the cells would no longer match the values
      return;
    }
    add_column(name, std::move(values));
  }

  // The values of a column; throws DataError when it is missing or unusable.
  ColumnView column(std::string_view name) const {
    const Column* c = find(name);
    if (c == nullptr) throw DataError(missing_message(name));
    if (c->problem) throw DataError(*c->problem);
    return ColumnView(c->values.get(), rows_);
  }

  // True if the column exists and kept its cells as text (it is not fully numeric).
  bool has_text(std::string_view name) const {
    const Column* c = find(name);
    return c != nullptr && c->texts != nullptr;
  }

  // The cells of a text column; throws DataError when the column is missing or fully numeric
  // (numeric columns keep no text: use labels() to get them spelled out).
  const std::vector<std::string>& text(std::string_view name) const {
    const Column* c = find(name);
    if (c == nullptr) throw DataError(missing_message(name));
    if (!c->texts) {
      throw DataError("column '" + c->name + "' of " + label() +
                      " is numeric and keeps no text; use its values, or labels()");
    }
    return *c->texts;
  }

  // The cells of any column as strings: the text of a text column, or each number in its
  // shortest form that reads back exactly ("4", "0.5", "1e+20"). Throws DataError for a missing
  // column, and the column's problem for an unusable column without text.
  std::vector<std::string> labels(std::string_view name) const {
    const Column* c = find(name);
    if (c == nullptr) throw DataError(missing_message(name));
    if (c->texts) return *c->texts;
    const ColumnView v = column(name);
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(v.size()));
    for (Eigen::Index i = 0; i < v.size(); ++i) {
      char buf[32];
      const auto res = std::to_chars(buf, buf + sizeof buf, v(i));
      out.emplace_back(buf, res.ptr);
    }
    return out;
  }

  // A new table holding the rows where `keep` is true, in order.
  Table filter(const Mask& keep) const {
    if (keep.size() != rows_) {
      throw DataError("row filter has " + std::to_string(keep.size()) + " entries but " + label() +
                      " has " + std::to_string(rows_) + " rows");
    }
    std::vector<Eigen::Index> idx;
    for (Eigen::Index i = 0; i < rows_; ++i)
      if (keep(i)) idx.push_back(i);
    return select(idx);
  }

  // A new table holding the given rows (repeats allowed, as in a bootstrap resample).
  Table select(const std::vector<Eigen::Index>& idx) const {
    Table out(source_);
    out.rows_ = static_cast<Eigen::Index>(idx.size());
    for (const auto& c : columns_) {
      Array v(out.rows_);
      const double* from = c.values.get();
      for (Eigen::Index k = 0; k < out.rows_; ++k) v(k) = from[idx[static_cast<size_t>(k)]];
      std::shared_ptr<const std::vector<std::string>> texts;
      if (c.texts) {
        std::vector<std::string> cells;
        cells.reserve(idx.size());
        for (Eigen::Index i : idx) cells.push_back((*c.texts)[static_cast<size_t>(i)]);
        texts = std::make_shared<const std::vector<std::string>>(std::move(cells));
      }
      out.columns_.push_back(Column{c.name, share(std::move(v)), c.problem, std::move(texts)});
    }
    return out;
  }

  // "table 'runs.csv'" or "the table", for messages.
  std::string label() const { return source_.empty() ? "the table" : "table '" + source_ + "'"; }

 private:
  // Values and cells are shared, never changed in place (set_column replaces them): a copy of a
  // table, such as the one a request makes of a table held in memory before deriving columns,
  // copies no column. `values` points at rows_ doubles and shares ownership of whatever keeps them
  // alive: the table's own Array, or the owner given to add_column_view.
  struct Column {
    std::string name;
    std::shared_ptr<const double> values;
    std::optional<std::string> problem;
    std::shared_ptr<const std::vector<std::string>> texts;  // only for non-numeric columns
  };

  static std::shared_ptr<const double> share(Array values) {
    auto owned = std::make_shared<const Array>(std::move(values));
    const double* data = owned->data();
    return std::shared_ptr<const double>(std::move(owned), data);
  }

  const Column* find(std::string_view name) const {
    auto it = std::find_if(columns_.begin(), columns_.end(),
                           [&](const Column& c) { return c.name == name; });
    return it == columns_.end() ? nullptr : &*it;
  }
  Column* find_mutable(std::string_view name) {
    return const_cast<Column*>(static_cast<const Table*>(this)->find(name));
  }

  void check_new(const std::string& name, Eigen::Index rows) const {
    if (name.empty()) throw DataError("a column of " + label() + " has an empty name");
    if (has(name)) throw DataError("duplicate column '" + name + "' in " + label());
    if (!columns_.empty() && rows != rows_) throw DataError(size_message(name, rows));
  }

  std::string size_message(const std::string& name, Eigen::Index rows) const {
    return "column '" + name + "' has " + std::to_string(rows) + " rows but " + label() + " has " +
           std::to_string(rows_);
  }

  std::string missing_message(std::string_view name) const {
    std::string msg = "no column '" + std::string(name) + "' in " + label() + "; columns are: ";
    for (size_t i = 0; i < columns_.size(); ++i) msg += (i ? ", " : "") + columns_[i].name;
    if (columns_.empty()) msg += "(none)";
    return msg;
  }

  std::string source_;
  Eigen::Index rows_ = 0;
  std::vector<Column> columns_;
};

}  // namespace slfit
