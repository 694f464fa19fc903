// design: one DesignRequest, as `slfit design` makes it, with the belief given from Python (a
// pilot table to fit first, a FitResult, a parameter file, values or a preset) and the pool and
// targets as tables or CSV paths.
#include "slfit/runtime/design.hpp"

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "interrupt.hpp"

namespace slfit::python {

namespace {

// Where the parameters come from: at most one of these is set (the run-time layer checks that
// exactly one is, with the pilot).
struct BeliefArgs {
  std::string preset, params;
  std::map<std::string, double> values;
  py::object fit;  // a FitRun handle or None
};

// The pilot: a table to fit first (None: no pilot) and its fit's options (col, target, fix,
// bootstrap, seed, threads, in fit()'s spellings).
void set_pilot(DesignRequest& q, const py::object& pilot, const py::dict& options) {
  if (pilot.is_none()) {
    if (!options.empty())
      throw UsageError("option 'pilot_col', 'target', 'bootstrap' and 'fix' go with option 'data'");
    return;
  }
  q.pilot = fit_request(options);
  q.pilot.data = table_request(pilot, "pilot", q.pilot.data);
}

py::dict design(const Law& law, const py::object& candidates, const py::object& targets,
                const py::dict& table, const BeliefArgs& belief, const py::object& pilot,
                const py::dict& pilot_options, const std::string& target_where,
                const std::string& cost, double budget, const std::string& strategy, int samples,
                long long seed, double noise, const std::string& space, int threads) {
  if (seed < 0) throw UsageError("option 'seed' takes a nonnegative int");
  DesignRequest q;
  q.entry = law.entry;
  q.law = law.entry->name;
  q.preset = belief.preset;
  q.params = belief.params;
  q.parameters = ParameterValues(belief.values.begin(), belief.values.end());
  if (!belief.fit.is_none()) q.fit = belief.fit.cast<const FitRunHandle&>().run;
  set_pilot(q, pilot, pilot_options);
  const FitRequest t = fit_request(table);  // col, derive, where of the pool and the targets
  q.columns = t.columns;
  q.candidates = table_request(candidates, "candidates", t.data);
  if (!targets.is_none()) {
    TableRequest base = t.data;
    base.where.clear();  // as the tool: --where picks candidates, not targets
    q.targets = table_request(targets, "targets", base);
  }
  q.target_where = target_where;
  q.cost = cost;
  q.budget = budget;
  q.strategy = parse_design_strategy(strategy);
  q.samples = samples;
  q.seed = static_cast<std::uint64_t>(seed);
  q.noise = noise;
  if (!space.empty()) q.space = parse_space(space);
  q.threads = threads;
  const auto flag = std::make_shared<std::atomic<bool>>(false);
  const auto run =
      std::make_shared<const DesignRun>(interruptible(flag, [&q] { return run_design(q); }));
  py::dict out;
  out["json"] = to_json(*run);
  out["report"] = report(*run);
  out["run"] = DesignRunHandle{run};
  return out;
}

}  // namespace

void bind_design(py::module_& m) {
  m.def(
      "design",
      [](const Law& law, const py::object& candidates, const py::object& targets,
         const py::dict& table, const std::string& preset, const std::string& params,
         const std::map<std::string, double>& values, const py::object& fit,
         const py::object& pilot, const py::dict& pilot_options, const std::string& target_where,
         const std::string& cost, double budget, const std::string& strategy, int samples,
         long long seed, double noise, const std::string& space, int threads) {
        return design(law, candidates, targets, table, BeliefArgs{preset, params, values, fit},
                      pilot, pilot_options, target_where, cost, budget, strategy, samples, seed,
                      noise, space, threads);
      },
      py::arg("law"), py::arg("candidates"), py::arg("targets"), py::arg("table"),
      py::arg("preset"), py::arg("params"), py::arg("values"), py::arg("fit"), py::arg("pilot"),
      py::arg("pilot_options"), py::arg("target_where"), py::arg("cost"), py::arg("budget"),
      py::arg("strategy"), py::arg("samples"), py::arg("seed"), py::arg("noise"), py::arg("space"),
      py::arg("threads"),
      "Chooses the runs of a pool to train next within a budget: the JSON `slfit design --json` "
      "prints, the text report and the run (for its figure).");
}

}  // namespace slfit::python
