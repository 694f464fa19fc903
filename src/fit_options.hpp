// Fit options checked against a law, private to the run-time layer.
#pragma once

#include <string>

#include "slfit/runtime/requests.hpp"

namespace slfit::detail {

// The request's names checked against the law, its columns and two-stage file folded into the
// options the fitters take.
FitOptions checked_options(const FitRequest& q, const LawEntry& law, const std::string& target);

}  // namespace slfit::detail
