// Law files: a formula law written as JSON (DESIGN.md, "Law file (JSON)"), read into a FormulaSpec.
//
//   {
//     "name": "compute",
//     "description": "L(C) = E + A C^-alpha",
//     "inputs": ["C"],
//     "formula": "E + A * C^-alpha",
//     "parameters": {
//       "E": {"value": 2, "lower": 0, "transform": "log", "grid": [1, 2, 4]},
//       "A": {"value": 100, "lower": 0, "transform": "log"},
//       "alpha": {"lower": 0, "upper": 2, "grid": [0.05, 0.1, 0.3]}
//     },
//     "presets": {"mine": {"values": {"E": 1.7, "A": 400, "alpha": 0.05}, "source": "my fit"}}
//   }
//
//   slfit::FormulaSpec spec = slfit::read_law_file("laws/compute.json");
//   // spec.parameters keeps the file's order: E, A, alpha; alpha's value is its grid's first, 0.05
//
// Inputs are names or objects {name, meaning, positive (default true), min, max}; parameters map
// a name to {value, lower, upper, transform ("identity" or "log"), grid, meaning}, and `value` may
// be left out when there is a grid (its first value is used); presets map a name to {values,
// source, certainty, note}; start_grids map a name to {values: {parameter: [numbers]}, note}.
//
// Everything but the formula text is checked here (check_formula_spec); FormulaLaw parses the
// formula. Errors are one line, "<origin>: <field>: <what>", thrown as UsageError:
//   law file k.json: parameters.Nc.lower: expected a number, got a string
//   law file k.json: parameters.Nc.lowr: unknown key (did you mean 'lower'?); keys here are ...
//   law file k.json: not valid JSON at line 3, column 14: syntax error while parsing object ...
// except that a file which cannot be opened or read is a DataError, as a --params file is.
#pragma once

#include <string>
#include <string_view>

#include "slfit/core/formula_spec.hpp"

namespace slfit {

// The spec written in `text`; `origin` starts every message ("law file k.json") and becomes
// spec.origin.
FormulaSpec parse_law_json(std::string_view text, const std::string& origin);

// The spec in the file at `path`, with origin "law file <path>".
FormulaSpec read_law_file(const std::string& path);

}  // namespace slfit
