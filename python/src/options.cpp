// fit()'s keyword options into a FitRequest, the way the tool's fit_request() reads its flags
// (tools/slfit/args.cpp): the same names with '_' for '-', the same NAME=VALUE spellings, the same
// parsers. The pure-Python layer turns dicts into those spellings before they get here.
#include <pybind11/stl.h>

#include <algorithm>
#include <limits>
#include <sstream>

#include "bindings.hpp"
#include "slfit/core/error.hpp"
#include "slfit/detail/text.hpp"

namespace slfit::python {

namespace {

const std::vector<std::string>& option_names() {
  static const std::vector<std::string> names = {"col",
                                                 "derive",
                                                 "where",
                                                 "target",
                                                 "objective",
                                                 "delta",
                                                 "space",
                                                 "starts",
                                                 "start",
                                                 "seed",
                                                 "fix",
                                                 "bound",
                                                 "weights",
                                                 "threads",
                                                 "screening",
                                                 "screen_keep",
                                                 "solver",
                                                 "by",
                                                 "per",
                                                 "format_column",
                                                 "reference",
                                                 "fix_from",
                                                 "skip_nonpositive",
                                                 "bootstrap",
                                                 "group",
                                                 "bootstrap_from_starts",
                                                 "draws",
                                                 "predict_at",
                                                 "budget",
                                                 "quantity",
                                                 "quantity_at",
                                                 "holdout",
                                                 "overestimate_penalty",
                                                 "frontier"};
  return names;
}

std::string type_name(const py::handle& value) {
  return py::str(py::type::of(value).attr("__name__"));
}

std::string text(const py::handle& value, const std::string& name) {
  if (!py::isinstance<py::str>(value))
    throw UsageError("option '" + name + "' takes a str, got " + type_name(value));
  return value.cast<std::string>();
}

// A str, or a list or tuple of str (an option the tool takes more than once).
std::vector<std::string> texts(const py::handle& value, const std::string& name) {
  if (py::isinstance<py::str>(value)) return {value.cast<std::string>()};
  std::vector<std::string> out;
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    for (const auto& item : value) out.push_back(text(item, name));
    return out;
  }
  throw UsageError("option '" + name + "' takes a str or a list of str, got " + type_name(value));
}

double number(const py::handle& value, const std::string& name) {
  if (py::isinstance<py::bool_>(value) ||
      !(py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value)))
    throw UsageError("option '" + name + "' takes a number, got " + type_name(value));
  return value.cast<double>();
}

// A Python int beyond 64 bits is refused here, not left to a cast error.
long long integer(const py::handle& value, const std::string& name) {
  if (py::isinstance<py::bool_>(value) || !py::isinstance<py::int_>(value))
    throw UsageError("option '" + name + "' takes an int, got " + type_name(value));
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow != 0)
    throw UsageError("option '" + name +
                     "' is out of range: " + py::str(value).cast<std::string>());
  return v;
}

// An option the library holds as an int: refused when it does not fit, never wrapped around.
int small_integer(const py::handle& value, const std::string& name) {
  const long long v = integer(value, name);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    throw UsageError("option '" + name + "' is out of range: " + std::to_string(v));
  return static_cast<int>(v);
}

bool flag(const py::handle& value, const std::string& name) {
  if (!py::isinstance<py::bool_>(value))
    throw UsageError("option '" + name + "' takes a bool, got " + type_name(value));
  return value.cast<bool>();
}

void read_option(FitRequest& q, const std::string& name, const py::handle& v) {
  FitOptions& o = q.options;
  if (name == "col") {
    for (const auto& c : texts(v, name)) {
      auto [input, header] = split_key_value(c, "columns");
      q.columns[input] = header;
    }
  } else if (name == "derive") {
    q.data.derive = texts(v, name);
  } else if (name == "where") {
    q.data.where = texts(v, name);
  } else if (name == "target") {
    q.data.target = text(v, name);
  } else if (name == "objective") {
    o.objective = parse_objective(text(v, name));
  } else if (name == "delta") {
    o.delta = number(v, name);
  } else if (name == "space") {
    o.space = parse_space(text(v, name));
  } else if (name == "starts") {
    o.starts = parse_starts(text(v, name));
  } else if (name == "start") {
    o.starts = parse_start_points(texts(v, name));
  } else if (name == "seed") {
    const long long seed = integer(v, name);
    if (seed < 0) throw UsageError("option 'seed' takes a nonnegative int");
    o.seed = static_cast<std::uint64_t>(seed);
  } else if (name == "fix") {
    for (const auto& f : texts(v, name)) {
      auto [param, value] = split_key_value(f, "fix");
      o.fixed[param] = parse_number(value, "option 'fix' " + param);
    }
  } else if (name == "bound") {
    for (const auto& b : texts(v, name)) {
      auto [param, range] = split_key_value(b, "bound");
      const auto colon = range.find(':');
      if (colon == std::string::npos)
        throw UsageError("option 'bound' expects NAME=LO:HI, got '" + b + "'");
      o.bounds[param] = {parse_bound(range.substr(0, colon), "option 'bound' " + param),
                         parse_bound(range.substr(colon + 1), "option 'bound' " + param)};
    }
  } else if (name == "weights") {
    o.weights = text(v, name);
  } else if (name == "threads") {
    o.threads = small_integer(v, name);
  } else if (name == "screening") {
    o.screening = parse_screening(text(v, name));
  } else if (name == "screen_keep") {
    o.screen_keep = small_integer(v, name);
  } else if (name == "solver") {
    o.solver = parse_solver(text(v, name));
  } else if (name == "by") {
    q.by = text(v, name);
  } else if (name == "per") {
    q.per = texts(v, name);
  } else if (name == "format_column") {
    q.format_column = text(v, name);
  } else if (name == "reference") {
    q.reference = text(v, name);
  } else if (name == "fix_from") {
    q.fix_from = text(v, name);
  } else if (name == "skip_nonpositive") {
    o.skip_nonpositive = flag(v, name);
  } else if (name == "bootstrap") {
    q.bootstrap = small_integer(v, name);
  } else if (name == "group") {
    q.group = text(v, name);
  } else if (name == "bootstrap_from_starts") {
    q.bootstrap_from_starts = flag(v, name);
  } else if (name == "draws") {
    q.draws = flag(v, name);
  } else if (name == "predict_at") {
    q.predict_at = texts(v, name);
  } else if (name == "budget") {
    if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
      for (const auto& b : v) q.budget.push_back(number(b, name));
    } else {
      q.budget.push_back(number(v, name));
    }
  } else if (name == "quantity") {
    q.quantity = text(v, name);
  } else if (name == "quantity_at") {
    q.quantity_at = texts(v, name);
  } else if (name == "holdout") {
    q.holdout = text(v, name);
  } else if (name == "frontier") {
    if (py::isinstance<py::str>(v)) {
      q.data.frontier = parse_frontier(text(v, name));
    } else {
      q.data.frontier = texts(v, name);
    }
  } else if (name == "overestimate_penalty") {
    o.overestimate_penalty = number(v, name);
  }
}

}  // namespace

FitRequest fit_request(const py::dict& options) {
  FitRequest q;
  const auto& names = option_names();
  for (const auto& [key, value] : options) {
    const auto name = key.cast<std::string>();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw UsageError("unknown option '" + name + "'" + detail::did_you_mean(name, names) +
                       "; options are: " + detail::join(names));
    }
    if (!value.is_none()) read_option(q, name, value);
  }
  return q;
}

}  // namespace slfit::python
