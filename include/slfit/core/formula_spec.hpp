// FormulaSpec: a law described by data rather than by C++ (a law file, or code).
//
// A formula law names its inputs (table columns), its parameters with their bounds, transforms
// and start grids, and one formula in the expression language of --derive over both. Nothing
// here is checked yet: FormulaLaw (core/formula_law.hpp) checks a spec as a whole (names, bounds,
// starts, the formula) and says which field is wrong; the law-file reader
// (runtime/law_file.hpp) only turns JSON into a spec.
//
//   slfit::FormulaSpec s;
//   s.name = "compute";
//   s.inputs = {{"C", "training FLOPs", true}};
//   s.formula = "E + A * C^-alpha";
//   s.parameters = {{.name = "E", .value = 2, .lower = 0, .transform = slfit::Transform::kLog},
//                   {.name = "A", .value = 100, .lower = 0, .transform = slfit::Transform::kLog},
//                   {.name = "alpha", .value = 0.1, .lower = 0, .upper = 2}};
#pragma once

#include <string>
#include <vector>

#include "slfit/core/law.hpp"

namespace slfit {

struct FormulaSpec {
  std::string name;
  std::string description;
  std::vector<InputSpec> inputs;
  std::string formula;
  // ParameterSpec::linear is ignored: which parameters enter linearly is read from the formula.
  std::vector<ParameterSpec> parameters;
  std::vector<Preset> presets;
  std::vector<StartGrid> start_grids;
  // Where the spec came from ("law file laws/kaplan2020.json"), for messages; empty for code.
  std::string origin;
};

}  // namespace slfit
