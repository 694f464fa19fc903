// The module _slfit: the compiled half of the Python package slfit (python/slfit/ is the other).
#include "bindings.hpp"

PYBIND11_MODULE(_slfit, m) {
  m.doc() = "slfit's run-time layer for Python (use the package slfit, not this module)";
  slfit::python::bind_errors(m);
  slfit::python::bind_laws(m);
  slfit::python::bind_runs(m);
  slfit::python::bind_analyses(m);
  slfit::python::bind_design(m);
  slfit::python::bind_figures(m);
  slfit::python::bind_shelf(m);
  slfit::python::bind_tables(m);
}
