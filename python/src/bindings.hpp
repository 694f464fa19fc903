// What the files of the module _slfit share. The module is a thin layer over slfit::runtime: it
// turns Python values into one request, runs it with the GIL released, and hands back the
// runtime's own documents (JSON text and the text report), which the pure-Python layer reads.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <string>

#include "slfit/runtime/law_entry.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {
struct DesignRun;  // runtime/design.hpp
}  // namespace slfit

namespace slfit::python {

namespace py = pybind11;

// A law held by Python: an entry of the catalogue or of a law file (kept for the life of the
// program, so not owned here), or a formula law built from Python (owned).
struct Law {
  std::shared_ptr<const LawEntry> entry;
};

// A run held by Python for its figure (FitResult.plot, IsoflopResult.plot), built once and never
// changed.
template <class Run>
struct RunHandle {
  std::shared_ptr<const Run> run;
};
using FitRunHandle = RunHandle<FitRun>;
using IsoflopRunHandle = RunHandle<IsoflopRun>;
using DesignRunHandle = RunHandle<DesignRun>;

// The library's figures as dicts, and the FitRun, IsoflopRun and DesignRun classes (figure.cpp).
void bind_figures(py::module_& m);

// slfit.UsageError and slfit.DataError (both ValueError), and the translation of slfit::Error
// into them (errors.cpp).
void bind_errors(py::module_& m);
// The library names options `option 'NAME'` by field; Python says the keyword (columns -> col).
std::string python_message(const std::string& library_message);

// The catalogue, law files and formula laws (laws.cpp).
void bind_laws(py::module_& m);

// A table from a dict of column name -> 1-D float64 ndarray or list of str (table.cpp). A column
// holding NaN or an infinity is kept but unusable, as a CSV file's is: a request that reads it is
// refused with a message naming the column and the first bad index. A C-contiguous array is read
// in place: the table (and every copy of it, such as a FitRun's) keeps a reference to it.
Table table_from_columns(const py::dict& columns, const std::string& name);
// `base` (derive, where, target) reading `data`: a CSV path (str), or a dict of columns named
// `name` in messages.
TableRequest table_request(const py::object& data, const std::string& name, TableRequest base);
// _column_addresses, the tests' view of where a table's columns live (table.cpp).
void bind_tables(py::module_& m);

// A FitRequest from the tool's long options with '_' for '-', each a str, a number, a bool or a
// list of str in the tool's spelling (NAME=VALUE); unknown names are refused (options.cpp).
FitRequest fit_request(const py::dict& options);

// run_fit (runs.cpp); run_predict, run_optimal, run_simulate, run_compare (analyses.cpp).
void bind_runs(py::module_& m);
void bind_analyses(py::module_& m);
// run_design (design.cpp).
void bind_design(py::module_& m);

// add_law_shelf and law_shelf, for the shelf a pip-installed package ships (shelf.cpp).
void bind_shelf(py::module_& m);

}  // namespace slfit::python
