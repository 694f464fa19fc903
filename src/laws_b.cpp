// The other half of the built-in laws' catalogue entries and fitting templates (see laws_a.cpp).
#include <vector>

#include "builtin_halves.hpp"
#include "slfit/runtime/builtin_laws.hpp"
#include "slfit/runtime/make_law_entry.hpp"

SLFIT_BUILTIN_LAWS_B(SLFIT_INSTANTIATE_LAW)
SLFIT_INSTANTIATE_LAW(slfit::Compression)
template slfit::CompressionFit slfit::fit_compression<0>(const slfit::Table&, const std::string&,
                                                         const std::string&, slfit::FitOptions);

namespace slfit::detail {

SLFIT_DETAIL_BUILTIN_HALF(builtin_laws_b, SLFIT_BUILTIN_LAWS_B)

}  // namespace slfit::detail
