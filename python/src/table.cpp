// Tables from Python: a dict of 1-D float64 arrays (numeric columns) or lists of str (labels).
// Table itself refuses empty or duplicate names and columns of different lengths.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>

#include "bindings.hpp"
#include "slfit/core/error.hpp"

namespace slfit::python {

namespace {

void add_numeric(Table& table, const std::string& name, const py::array_t<double>& values) {
  if (values.ndim() != 1) {
    throw DataError("column '" + name + "' of " + table.label() + ": expected a 1-D array, got " +
                    std::to_string(values.ndim()) + " dimensions");
  }
  const auto v = values.unchecked<1>();
  Array column(v.shape(0));
  py::ssize_t bad = -1;
  for (py::ssize_t i = 0; i < v.shape(0); ++i) {
    column(i) = v(i);
    if (bad < 0 && !std::isfinite(v(i))) bad = i;
  }
  if (bad < 0) {
    table.add_column(name, std::move(column));
  } else {
    table.add_unusable_column(name, column.size(),
                              "column '" + name + "' of " + table.label() +
                                  ": NaN or infinite value at index " + std::to_string(bad));
  }
}

}  // namespace

Table table_from_columns(const py::dict& columns, const std::string& name) {
  Table table(name);
  if (columns.empty()) throw DataError(table.label() + " has no columns");
  for (const auto& [key, value] : columns) {
    if (!py::isinstance<py::str>(key)) throw DataError("column names must be strings");
    const auto column = key.cast<std::string>();
    if (py::isinstance<py::array_t<double>>(value)) {
      add_numeric(table, column, value.cast<py::array_t<double>>());
    } else if (py::isinstance<py::list>(value)) {
      table.add_text_column(column, value.cast<std::vector<std::string>>());
    } else {
      throw DataError("column '" + column + "' of " + table.label() +
                      ": expected a 1-D float64 array or a list of str, got " +
                      std::string(py::str(py::type::of(value).attr("__name__"))));
    }
  }
  return table;
}

}  // namespace slfit::python
