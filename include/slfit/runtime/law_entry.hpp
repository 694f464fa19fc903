// One law behind a type-erased interface: what it is (name, inputs, parameters, presets, start
// grids), what it offers (analyses, summary quantities, labels, special inputs) and what can be
// done with it (evaluate, fit, bootstrap, intervals). The run-time catalogue
// (runtime/catalogue.hpp) is a list of these, so the tool and the Python package handle every law
// through the same few functions and never name one.
//
// This header is light: it declares the interface without compiling any fitter. The built-in
// laws' entries are compiled into slfit::runtime; make_law_entry<YourLaw>() (make_law_entry.hpp)
// makes one for a law of your own, and register_law() adds it to the catalogue.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/law.hpp"
#include "slfit/core/law_traits.hpp"
#include "slfit/fit/compression_fit.hpp"
#include "slfit/fit/options.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/uncertainty/results.hpp"

namespace slfit {

struct LawEntry {
  std::string name;
  std::string description;
  // Where a law built at run time comes from ("law file laws/kaplan2020.json"); empty for the
  // compiled laws.
  std::string source;
  // A formula law's formula as written; empty for the compiled laws.
  std::string formula;
  std::vector<InputSpec> inputs;
  std::vector<ParameterSpec> parameters;
  std::vector<Preset> presets;
  std::vector<StartGrid> start_grids;

  // What the law offers beyond its formula (see core/law_traits.hpp).
  std::vector<Analysis> analyses;
  std::vector<Summary> summary;
  Presentation presentation;
  std::vector<NamedValue> named_values;
  // Set for laws fitted with one multiplier per format (compression): the per-level parameter
  // that holds them. Such a fit needs option 'reference' and reports the multipliers by format.
  std::string format_parameter;

  std::function<Array(const Table&, const std::vector<double>&, const ColumnMap&)> evaluate;
  // The law at every row with a fit's parameters by name: per-level ones (`eff[w4a4]`, from the
  // law or from option 'per') take each row's level. Any order; every parameter needed.
  std::function<Array(const Table&, const std::vector<std::string>&, const std::vector<double>&,
                      const FitOptions&)>
      evaluate_named;
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

  std::vector<std::string> input_names() const;
  std::vector<std::string> parameter_names() const;
  bool has_input(std::string_view input) const;
  // The index of a parameter; UsageError naming the law's parameters when there is none.
  std::size_t parameter(std::string_view pname) const;
  const Preset& find_preset(std::string_view pname) const;
  // Parameter values of a preset in parameter order.
  std::vector<double> preset(std::string_view pname) const;
  // The analysis of a quantity; UsageError listing the law's analyses when it has none.
  const Analysis& analysis(std::string_view quantity) const;
  // The inputs a fit reads from the table's columns.
  std::vector<std::string> fitted_inputs() const;
};

}  // namespace slfit
