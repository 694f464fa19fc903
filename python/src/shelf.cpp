// The shelf for Python: a pip-installed package ships the law files as slfit/laws/ and adds that
// folder to the shelf at import (python/slfit/_shelf.py), before any law is asked for.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "slfit/runtime/formula_entry.hpp"

namespace slfit::python {

void bind_shelf(py::module_& m) {
  m.def("add_law_shelf", &add_law_shelf, py::arg("folder"),
        "Adds a folder of law files to the shelf, searched after SLFIT_LAW_PATH's folders (the "
        "catalogue reads the shelf once, at its first use).");
  m.def("law_shelf", &law_shelf, "The folders searched for shelf law files, in order.");
}

}  // namespace slfit::python
