// Laws for Python: the catalogue (by name), law files (by path) and formula laws built from a
// law-file JSON text that the pure-Python layer writes (Law.from_formula).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/law_file.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::python {

namespace {

// Entries of the catalogue and of law files live as long as the program: not owned.
Law borrowed(const LawEntry& entry) {
  return {std::shared_ptr<const LawEntry>(&entry, [](const LawEntry*) {})};
}

}  // namespace

void bind_laws(py::module_& m) {
  py::class_<Law>(m, "Law", "A law of the catalogue, of a law file, or built from a formula.")
      .def_property_readonly(
          "name", [](const Law& l) { return l.entry->name; }, "The law's name.")
      .def(
          "json", [](const Law& l) { return laws_json(*l.entry); },
          "The law as `slfit laws --law NAME --json` prints it.")
      .def(
          "report", [](const Law& l) { return laws_report(*l.entry); },
          "The law as `slfit laws --law NAME` prints it.");
  m.def(
      "laws_json", [] { return laws_json(); }, "Every law, as `slfit laws --json` prints them.");
  m.def(
      "laws_report", [] { return laws_report(); }, "Every law, as `slfit laws` prints them.");
  m.def(
      "resolve_law", [](const std::string& name) { return borrowed(resolve_law(name)); },
      py::arg("name_or_path"), "A law by name, or from its file for a path ('/' or '.json').");
  m.def(
      "law_from_file", [](const std::string& path) { return borrowed(law_from_file(path)); },
      py::arg("path"), "The law of a law file, read once per program.");
  m.def(
      "law_from_json",
      [](const std::string& text, const std::string& origin) {
        return Law{
            std::make_shared<const LawEntry>(formula_law_entry(parse_law_json(text, origin)))};
      },
      py::arg("text"), py::arg("origin"),
      "A formula law from a law file's JSON text; `origin` starts its messages.");
}

}  // namespace slfit::python
