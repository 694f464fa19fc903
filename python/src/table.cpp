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
  // The one copy a column makes: into the table's own storage, which later copies of the table
  // share. A contiguous column goes in one block.
  Array column(values.shape(0));
  if (values.strides(0) == static_cast<py::ssize_t>(sizeof(double))) {
    column = Eigen::Map<const Array>(values.data(), values.shape(0));
  } else {
    const auto v = values.unchecked<1>();
    for (py::ssize_t i = 0; i < v.shape(0); ++i) column(i) = v(i);
  }
  if (column.isFinite().all()) {
    table.add_column(name, std::move(column));
    return;
  }
  Eigen::Index bad = 0;
  while (std::isfinite(column(bad))) ++bad;
  table.add_unusable_column(name, column.size(),
                            "column '" + name + "' of " + table.label() +
                                ": NaN or infinite value at index " + std::to_string(bad));
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

TableRequest table_request(const py::object& data, const std::string& name, TableRequest base) {
  if (py::isinstance<py::str>(data)) {
    base.path = data.cast<std::string>();
  } else {
    base.path = name;
    base.table = std::make_shared<const Table>(table_from_columns(data.cast<py::dict>(), name));
  }
  return base;
}

}  // namespace slfit::python
