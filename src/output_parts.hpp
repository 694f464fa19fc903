// Pieces shared by the run-time layer's output files: JSON numbers, CSV fields, and the JSON of
// one fit, a bootstrap and a hold-out, which several documents embed.
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slfit/fit/result.hpp"
#include "slfit/uncertainty/results.hpp"

namespace slfit::detail {

using Json = nlohmann::ordered_json;

// NaN has no JSON spelling: it becomes null, and the status fields say why.
inline Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json fit_object(const FitResult& r);
Json holdout_object(const HoldoutResult& h);

std::string csv_row(const std::vector<std::string>& fields);
// The shortest text that reads back as the same double; empty where unavailable.
std::string csv_number(double v);
std::string table_csv(const std::vector<std::string>& head,
                      const std::vector<std::vector<double>>& rows);

}  // namespace slfit::detail
