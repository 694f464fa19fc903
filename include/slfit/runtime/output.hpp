// What the runs of runtime/requests.hpp look like to a reader: text reports, JSON documents (the
// CLI contract in DESIGN.md names their keys; the Python package's to_dict() is the same object)
// and CSV tables. Every front end prints these, so the tool and Python agree to the digit.
#pragma once

#include <string>
#include <vector>

#include "slfit/runtime/requests.hpp"

namespace slfit {

// `slfit laws`: every law with inputs, parameters, presets and analyses.
std::string laws_report();
std::string laws_json();
// One law, with what a law file's reader understood (formula, linear parameters, grids).
std::string laws_report(const LawEntry& law);
std::string laws_json(const LawEntry& law);

std::string report(const FitRun& run);
std::string to_json(const FitRun& run);
std::string to_csv(const FitRun& run);

std::string report(const PredictRun& run);
std::string to_json(const PredictRun& run);
std::string to_csv(const PredictRun& run);

std::string report(const OptimalRun& run);
std::string to_json(const OptimalRun& run);
std::string to_csv(const OptimalRun& run);

std::string report(const Comparison& c);
std::string to_json(const Comparison& c);
std::string to_csv(const Comparison& c);

std::string report(const IsoflopRun& run);
std::string to_json(const IsoflopRun& run);
std::string to_csv(const IsoflopRun& run);  // the budgets, one row each

// One fit as the object `fit --json` prints.
std::string fit_json(const FitResult& r);
// A table as CSV: a header row, then numbers at full precision (simulate's output).
std::string to_csv(const Table& t);

// A fit read back from `fit --json` (names, values, fixed flags, covariance), so a second stage
// can add its uncertainty; covariance_ok is false where the file has none.
FitResult read_fit_json(const std::string& path);

}  // namespace slfit
