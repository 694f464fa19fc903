// The other half of the built-in laws' fitting templates (see laws_a.cpp).
#include "builtin_laws.hpp"

SLFIT_INSTANTIATE_LAW(slfit::PythiaKaplan)
SLFIT_INSTANTIATE_LAW(slfit::Capybara)
SLFIT_INSTANTIATE_LAW(slfit::QatGroup)
SLFIT_INSTANTIATE_LAW(slfit::QatFull)
SLFIT_INSTANTIATE_LAW(slfit::Compression)
template slfit::CompressionFit slfit::fit_compression<0>(const slfit::Table&, const std::string&,
                                                         const std::string&, slfit::FitOptions);
