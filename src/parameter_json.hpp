// The JSON of parameter files, apart from any law: bootstrap draws and a fit's parameters and
// covariance. Kept free of the run-time layer so that the parameter-file fuzzer can link it alone.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slfit/fit/result.hpp"

namespace slfit::detail {

// `bootstrap.draws` of a `fit --draws --json` file: the names and one row of values per resample
// (null, a failed resample, read as NaN). DataError starting with `where` for anything else.
void parse_draws(const nlohmann::json& draws, const std::string& where,
                 std::vector<std::string>& names, std::vector<std::vector<double>>& rows);

// The parameters (in the file's order), fixed flags and covariance of a `fit --json` object; what
// is missing or malformed is left empty (`covariance_ok` false), never thrown.
FitResult fit_from_json(const nlohmann::ordered_json& j);

}  // namespace slfit::detail
