// The runs: one request handed to slfit::runtime with the GIL released, and its documents back
// (the JSON of `slfit fit --json`, the text report, warnings, the bootstrap's resampled values).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "interrupt.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit::python {

namespace {

// [resample][parameter] as a 2-D float64 array (NaN where a resample failed).
py::array_t<double> samples_array(const std::vector<std::vector<double>>& samples,
                                  std::size_t columns) {
  py::array_t<double> out({samples.size(), columns});
  auto a = out.mutable_unchecked<2>();
  for (std::size_t r = 0; r < samples.size(); ++r) {
    for (std::size_t c = 0; c < columns; ++c)
      a(r, c) = c < samples[r].size() ? samples[r][c] : std::nan("");
  }
  return out;
}

py::dict fit(const Law& law, const py::object& data, const std::string& name,
             const py::dict& options) {
  FitRequest q = fit_request(options);
  q.entry = law.entry;
  q.law = law.entry->name;
  q.data = table_request(data, name, q.data);
  const auto flag = std::make_shared<std::atomic<bool>>(false);
  q.stop = stop_function(flag);
  const auto run = std::make_shared<const FitRun>(interruptible(flag, [&q] { return run_fit(q); }));
  py::dict out;
  out["json"] = to_json(*run);
  out["report"] = report(*run);
  out["warnings"] = run->warnings();
  out["failed"] = run->failed();
  out["run"] = FitRunHandle{run};
  if (run->bootstrap) {
    std::vector<std::string> names;
    for (const auto& p : run->bootstrap->parameters) names.push_back(p.name);
    out["bootstrap_names"] = names;
    out["bootstrap_samples"] = samples_array(run->bootstrap->samples, names.size());
    std::vector<std::string> derived;
    for (const auto& d : run->bootstrap->derived) derived.push_back(d.name);
    out["bootstrap_derived_names"] = derived;
    out["bootstrap_derived_samples"] =
        samples_array(run->bootstrap->derived_samples, derived.size());
  }
  return out;
}

}  // namespace

void bind_runs(py::module_& m) {
  m.def("fit", &fit, py::arg("law"), py::arg("data"), py::arg("name"), py::arg("options"),
        "Runs one fit request: `data` is a CSV path or a dict of columns, `name` names an "
        "in-memory table in messages, `options` are fit()'s keyword options in the tool's "
        "spellings. Returns a dict: json, report, warnings, failed, and with a bootstrap "
        "bootstrap_names, bootstrap_samples, bootstrap_derived_names and "
        "bootstrap_derived_samples.");
}

}  // namespace slfit::python
