// predict, optimal, simulate and compare: one request each, as the tool's commands make them,
// with the law and its parameters given from Python (a name, a law file or a Law; a preset, a
// parameter file or values in memory).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::python {

namespace {

// The law, where its parameters come from (exactly one of a preset, a parameter file and values;
// the run-time layer checks) and the grid, as predict, optimal and simulate requests hold them.
template <class Request>
Request law_request(const Law& law, const std::string& preset, const std::string& params,
                    const std::map<std::string, double>& values,
                    const std::vector<std::string>& at) {
  Request q;
  q.entry = law.entry;
  q.law = law.entry->name;
  q.preset = preset;
  q.params = params;
  q.parameters = ParameterValues(values.begin(), values.end());
  q.at = at;
  return q;
}

// A copy of `values` (an Array or a table's ColumnView) that Python owns.
template <class Values>
py::array_t<double> array(const Values& values) {
  return py::array_t<double>(values.size(), values.data());
}

// A table's columns, in its order, as float64 arrays.
py::dict columns(const Table& table) {
  py::dict out;
  for (const auto& name : table.names()) out[py::str(name)] = array(table.column(name));
  return out;
}

py::dict predict(const Law& law, const std::string& preset, const std::string& params,
                 const std::map<std::string, double>& values, const std::vector<std::string>& at,
                 const py::object& data, const std::string& name, const py::dict& options) {
  PredictRequest q = law_request<PredictRequest>(law, preset, params, values, at);
  if (!data.is_none()) {
    const FitRequest table = fit_request(options);  // col, derive, where, target only
    q.data = table_request(data, name, table.data);
    q.columns = table.columns;
  } else if (!options.empty()) {
    throw UsageError("option 'col', 'derive', 'where' and 'target' go with option 'data'");
  }
  PredictRun run;
  {
    py::gil_scoped_release release;
    run = run_predict(q);
  }
  py::dict out = columns(run.inputs);
  out["value"] = array(run.values);
  if (run.observed) out["observed"] = array(*run.observed);
  return out;
}

// A FitResult's bootstrap samples ([resample][parameter], NaN where one failed) as draws.
std::optional<ParameterDraws> draws(const py::object& names, const py::object& samples) {
  if (names.is_none()) return std::nullopt;
  ParameterDraws d;
  d.names = names.cast<std::vector<std::string>>();
  const auto a = samples.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
  if (a.ndim() != 2 || a.shape(1) != static_cast<py::ssize_t>(d.names.size())) {
    throw UsageError("bootstrap samples: expected one column per parameter name");
  }
  const auto v = a.unchecked<2>();
  d.rows.assign(static_cast<std::size_t>(v.shape(0)), std::vector<double>(d.names.size()));
  for (py::ssize_t r = 0; r < v.shape(0); ++r)
    for (py::ssize_t c = 0; c < v.shape(1); ++c)
      d.rows[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = v(r, c);
  return d;
}

std::string optimal(const Law& law, const std::string& quantity, const std::string& preset,
                    const std::string& params, const std::map<std::string, double>& values,
                    const std::vector<std::string>& at, const std::string& vs,
                    const std::map<std::string, double>& vs_values, const py::object& names,
                    const py::object& samples, const py::object& vs_names,
                    const py::object& vs_samples, const std::vector<std::string>& bits) {
  OptimalRequest q = law_request<OptimalRequest>(law, preset, params, values, at);
  q.quantity = quantity;
  q.bits = bits;
  q.vs = vs;
  q.vs_parameters = ParameterValues(vs_values.begin(), vs_values.end());
  q.draws = draws(names, samples);
  q.vs_draws = draws(vs_names, vs_samples);
  py::gil_scoped_release release;
  return to_json(run_optimal(q));
}

py::dict simulate(const Law& law, const std::string& preset, const std::string& params,
                  const std::map<std::string, double>& values, const std::vector<std::string>& at,
                  double noise, const std::string& noise_kind, long long seed,
                  const std::string& target) {
  if (seed < 0) throw UsageError("option 'seed' takes a nonnegative int");
  SimulateRequest q = law_request<SimulateRequest>(law, preset, params, values, at);
  q.noise = noise;
  q.noise_kind = noise_kind;
  q.seed = static_cast<std::uint64_t>(seed);
  q.target = target;
  Table t;
  {
    py::gil_scoped_release release;
    t = run_simulate(q);
  }
  return columns(t);
}

py::dict compare(const std::vector<Law>& laws, const py::object& data, const std::string& name,
                 const py::dict& options) {
  CompareRequest q;
  q.fit = fit_request(options);
  q.fit.data = table_request(data, name, q.fit.data);
  for (const auto& law : laws) {
    q.laws.push_back(law.entry->name);
    q.entries.push_back(law.entry);
  }
  const auto flag = std::make_shared<std::atomic<bool>>(false);
  const Comparison c = interruptible(flag, [&q] { return run_compare(q); });
  py::dict out;
  out["json"] = to_json(c);
  out["report"] = report(c);
  return out;
}

py::dict isoflop(const py::object& data, const std::string& name, const py::dict& table,
                 const std::string& by, int bootstrap, long long seed,
                 const std::vector<std::string>& at, int min_points, double off_centre,
                 const py::object& law, const py::dict& fit) {
  if (seed < 0) throw UsageError("option 'seed' takes a nonnegative int");
  const FitRequest t = fit_request(table);  // col, derive, where, target
  IsoflopRequest q;
  q.data = table_request(data, name, t.data);
  q.columns = t.columns;
  q.by = by;
  q.options.bootstrap = bootstrap;
  q.options.seed = static_cast<std::uint64_t>(seed);
  q.options.min_points = min_points;
  q.options.off_centre = off_centre;
  q.at = at;
  if (!law.is_none()) {
    q.entry = law.cast<const Law&>().entry;
    q.law = q.entry->name;
    q.fit = fit_request(fit).options;
  }
  const auto flag = std::make_shared<std::atomic<bool>>(false);
  const auto run =
      std::make_shared<const IsoflopRun>(interruptible(flag, [&q] { return run_isoflop(q); }));
  py::dict out;
  out["json"] = to_json(*run);
  out["report"] = report(*run);
  out["run"] = IsoflopRunHandle{run};
  return out;
}

}  // namespace

void bind_analyses(py::module_& m) {
  m.def("isoflop", &isoflop, py::arg("data"), py::arg("name"), py::arg("table"), py::arg("by"),
        py::arg("bootstrap"), py::arg("seed"), py::arg("at"), py::arg("min_points"),
        py::arg("off_centre"), py::arg("law"), py::arg("fit"),
        "IsoFLOP profiles of a table of runs: the JSON `slfit isoflop --json` prints, the text "
        "report and the run (for its figure).");
  m.def("predict", &predict, py::arg("law"), py::arg("preset"), py::arg("params"),
        py::arg("parameters"), py::arg("at"), py::arg("data"), py::arg("name"), py::arg("options"),
        "The law at grid points (`at`, the tool's NAME=V1,V2 items) or at a table's rows "
        "(`data` with `options` col, derive, where, target): a dict of the law's inputs, "
        "`value` and, from a table with the target, `observed`, as float64 arrays.");
  m.def("optimal", &optimal, py::arg("law"), py::arg("quantity"), py::arg("preset"),
        py::arg("params"), py::arg("parameters"), py::arg("at"), py::arg("vs"),
        py::arg("vs_parameters"), py::arg("names") = py::none(), py::arg("samples") = py::none(),
        py::arg("vs_names") = py::none(), py::arg("vs_samples") = py::none(),
        py::arg("bits") = std::vector<std::string>(),
        "An analysis of the law at grid points: the JSON `slfit optimal --json` prints.");
  m.def("simulate", &simulate, py::arg("law"), py::arg("preset"), py::arg("params"),
        py::arg("parameters"), py::arg("at"), py::arg("noise"), py::arg("noise_kind"),
        py::arg("seed"), py::arg("target"),
        "The law on a grid with seeded noise: a dict of the table's float64 columns.");
  m.def("compare", &compare, py::arg("laws"), py::arg("data"), py::arg("name"), py::arg("options"),
        "Fits every law to the same rows and ranks them: the JSON `slfit compare --json` "
        "prints and the text report.");
}

}  // namespace slfit::python
