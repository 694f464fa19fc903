// Half of the built-in laws' catalogue entries and fitting templates, compiled once into
// slfit::runtime. Several laws share a file because much of what a fit compiles does not depend
// on the law (Ceres' problem setup, Eigen's decompositions): a file per law compiled that part
// ten times.
#include <vector>

#include "builtin_halves.hpp"
#include "slfit/runtime/builtin_laws.hpp"
#include "slfit/runtime/make_law_entry.hpp"

SLFIT_BUILTIN_LAWS_A(SLFIT_INSTANTIATE_LAW)

namespace slfit::detail {

SLFIT_DETAIL_BUILTIN_HALF(builtin_laws_a, SLFIT_BUILTIN_LAWS_A)

}  // namespace slfit::detail
