// Fit options checked against a law, private to the run-time layer.
#pragma once

#include <string>

#include "slfit/runtime/requests.hpp"

namespace slfit::detail {

// The request's names checked against the law, its columns and two-stage file folded into the
// options the fitters take.
FitOptions checked_options(const FitRequest& q, const LawEntry& law, const std::string& target);

// The column that holds a target: the column itself, or "target" for an expression.
std::string target_name(const std::string& target);

// The table a fit reads: only the columns it uses, checked from the header before the body.
TableRequest fit_table_request(const FitRequest& q, const LawEntry& law, const FitOptions& o);

}  // namespace slfit::detail
