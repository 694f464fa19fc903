// One law behind a type-erased interface: its description, inputs, parameters, presets and start
// grids, and its evaluate, fit, bootstrap and interval functions. The tool's catalogue of built-in
// laws (laws/registry.hpp) is a list of these; make_law_entry<YourLaw>() makes one for any law.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/holdout.hpp"
#include "slfit/uncertainty/prediction.hpp"
#include "slfit/uncertainty/two_stage.hpp"

namespace slfit {

struct LawEntry {
  std::string name;
  std::string description;
  std::vector<InputSpec> inputs;
  std::vector<ParameterSpec> parameters;
  std::vector<Preset> presets;
  std::vector<StartGrid> start_grids;
  std::function<Array(const Table&, const std::vector<double>&, const ColumnMap&)> evaluate;
  std::function<FitResult(const Table&, const FitOptions&)> fit;
  // add_first_stage_uncertainty for this law as the second stage of a two-stage fit.
  std::function<void(const Table&, const FitOptions&, const FitResult&, FitResult&)>
      add_first_stage;
  std::function<BootstrapResult(const Table&, const FitOptions&, const BootstrapOptions&,
                                const FitResult*)>
      bootstrap;
  // This law with these options as a candidate for holdout() and compare_laws().
  std::function<FitCandidate(const FitOptions&)> candidate;
  std::function<PredictionResult(const Table&, const FitOptions&, const FitResult&,
                                 const BootstrapResult*, const PredictionOptions&)>
      predict_intervals;

  std::vector<std::string> input_names() const {
    std::vector<std::string> out;
    for (const auto& i : inputs) out.push_back(i.name);
    return out;
  }
  std::vector<std::string> parameter_names() const {
    std::vector<std::string> out;
    for (const auto& p : parameters) out.push_back(p.name);
    return out;
  }
  std::size_t parameter(std::string_view pname) const {
    for (std::size_t i = 0; i < parameters.size(); ++i)
      if (parameters[i].name == pname) return i;
    throw UsageError("unknown parameter '" + std::string(pname) + "' for law '" + name + "'" +
                     detail::did_you_mean(pname, parameter_names()) +
                     "; parameters are: " + detail::join(parameter_names()));
  }
  const Preset& find_preset(std::string_view pname) const {
    for (const auto& p : presets)
      if (p.name == pname) return p;
    std::vector<std::string> names;
    for (const auto& p : presets) names.push_back(p.name);
    throw UsageError("unknown preset '" + std::string(pname) + "' for law '" + name + "'" +
                     detail::did_you_mean(pname, names) + "; presets are: " +
                     (names.empty() ? std::string("(none)") : detail::join(names)));
  }
  // Parameter values of a preset in parameter order.
  std::vector<double> preset(std::string_view pname) const {
    const Preset& p = find_preset(pname);
    std::vector<double> out(parameters.size(), std::nan(""));
    for (const auto& [param, v] : p.values) out[parameter(param)] = v;
    return out;
  }
};

template <Law L>
LawEntry make_law_entry() {
  LawEntry e;
  e.name = std::string(L::kName);
  e.description = std::string(L::kDescription);
  const auto in = L::inputs();
  e.inputs.assign(in.begin(), in.end());
  e.parameters = L::parameters();
  e.presets = law_presets<L>();
  e.start_grids = law_start_grids<L>();
  e.evaluate = [](const Table& t, const std::vector<double>& p, const ColumnMap& m) {
    return slfit::evaluate<L>(t, p, m);
  };
  e.fit = [](const Table& t, const FitOptions& o) { return slfit::fit<L>(t, o); };
  e.add_first_stage = [](const Table& t, const FitOptions& o, const FitResult& s1, FitResult& s2) {
    add_first_stage_uncertainty<L>(t, o, s1, s2);
  };
  e.bootstrap = [](const Table& t, const FitOptions& o, const BootstrapOptions& b,
                   const FitResult* best) { return slfit::bootstrap<L>(t, o, b, best); };
  e.candidate = [](const FitOptions& o) { return slfit::candidate<L>(std::string(L::kName), o); };
  e.predict_intervals = [](const Table& at, const FitOptions& o, const FitResult& best,
                           const BootstrapResult* boot, const PredictionOptions& po) {
    return slfit::predict_intervals<L>(at, o, best, boot, po);
  };
  return e;
}

}  // namespace slfit
