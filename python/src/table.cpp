// Tables from Python: a dict of 1-D float64 arrays (numeric columns) or lists of str (labels).
// Table itself refuses empty or duplicate names and columns of different lengths. Contiguous
// float64 columns are read in place, without a copy.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>

#include "bindings.hpp"
#include "slfit/core/error.hpp"

namespace slfit::python {

namespace {

// Keeps `object` alive for as long as a table column reads its memory. Copies of the table share
// the owner, and the last of them may die on a request's worker thread, which runs without the
// GIL (interrupt.hpp): the reference is dropped with the GIL taken. Once the interpreter is
// finalizing, the reference is left to it (leaked), since taking the GIL then is not safe.
std::shared_ptr<const void> python_owner(py::object object) {
  return std::shared_ptr<const void>(new py::object(std::move(object)), [](py::object* o) {
    if (Py_IsInitialized()) {
      py::gil_scoped_acquire gil;
      delete o;
    } else {
      o->release();
      delete o;
    }
  });
}

void add_numeric(Table& table, const std::string& name, const py::array_t<double>& values) {
  if (values.ndim() != 1) {
    throw DataError("column '" + name + "' of " + table.label() + ": expected a 1-D array, got " +
                    std::to_string(values.ndim()) + " dimensions");
  }
  const auto rows = static_cast<Eigen::Index>(values.shape(0));
  // A C-contiguous, aligned array (a DataFrame's float64 column, np.asarray of floats) is read in
  // place: the table holds a reference to it instead of a copy (issue #16). numpy marks a one-row
  // view C-contiguous whatever its stride, which is right, as only one double is read.
  const bool in_place = (values.flags() & py::array::c_style) != 0 &&
                        reinterpret_cast<std::uintptr_t>(values.data()) % alignof(double) == 0;
  Array copy;
  const double* data = values.data();
  if (!in_place) {
    // Byte copies: a strided view may also be misaligned (np.frombuffer at an odd offset).
    const auto* first = reinterpret_cast<const char*>(values.data());
    copy.resize(rows);
    for (Eigen::Index i = 0; i < rows; ++i)
      std::memcpy(&copy(i), first + i * values.strides(0), sizeof(double));
    data = copy.data();
  }
  const ColumnView column(data, rows);
  if (!column.isFinite().all()) {
    Eigen::Index bad = 0;
    while (std::isfinite(column(bad))) ++bad;
    table.add_unusable_column(name, rows,
                              "column '" + name + "' of " + table.label() +
                                  ": NaN or infinite value at index " + std::to_string(bad));
  } else if (in_place) {
    table.add_column_view(name, data, rows, python_owner(values));
  } else {
    table.add_column(name, std::move(copy));
  }
}

// Where each usable numeric column's values live in the table made of `columns`: for the tests
// that check a column is read in place (its address is the array's) or copied.
py::dict column_addresses(const py::dict& columns) {
  const Table table = table_from_columns(columns, "data");
  py::dict out;
  for (const auto& name : table.names()) {
    if (table.usable(name) && !table.has_text(name))
      out[py::str(name)] = reinterpret_cast<std::uintptr_t>(table.column(name).data());
  }
  return out;
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

void bind_tables(py::module_& m) {
  m.def("_column_addresses", &column_addresses, py::arg("columns"),
        "Private, for tests: the address of each usable numeric column's first value in the "
        "table made of a dict of columns.");
}

}  // namespace slfit::python
