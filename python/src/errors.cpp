// slfit::Error as Python exceptions: UsageError for requests that cannot mean anything (as the
// tool's exit code 2: UsageError and ExpressionError), DataError for everything else the library
// throws on purpose. Both derive from ValueError and carry the library's message.
#include <utility>

#include "bindings.hpp"
#include "slfit/core/error.hpp"

namespace slfit::python {

std::string python_message(const std::string& library_message) {
  // The library's field names where the keyword differs (parameters in memory are params=).
  static const std::pair<std::string, std::string> kRenamed[] = {
      {"option 'columns'", "option 'col'"}, {"option 'parameters'", "option 'params'"}};
  std::string out = library_message;
  for (const auto& [from, to] : kRenamed) {
    for (std::size_t at = 0; (at = out.find(from, at)) != std::string::npos; at += to.size())
      out.replace(at, from.size(), to);
  }
  return out;
}

void bind_errors(py::module_& m) {
  static py::exception<UsageError> usage(m, "UsageError", PyExc_ValueError);
  static py::exception<DataError> data(m, "DataError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const UsageError& e) {
      usage(python_message(e.what()).c_str());
    } catch (const ExpressionError& e) {
      usage(python_message(e.what()).c_str());
    } catch (const Error& e) {
      data(python_message(e.what()).c_str());
    }
  });
}

}  // namespace slfit::python
