// Parameter-file helpers private to the run-time layer.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "slfit/runtime/law_entry.hpp"

namespace slfit::detail {

// The parameters of a `fit --json` file (or a plain object) that `law` also has: the first
// stage of a two-stage fit, fixed in the second.
std::vector<std::pair<std::string, double>> read_shared_params(const std::string& path,
                                                               const LawEntry& law);

}  // namespace slfit::detail
