// The fitting templates of slfit's ten built-in laws, compiled once in this folder's library
// (slfit_instances) and declared here for every test and tool file that fits them. Without
// this, each of those files compiled the fitters of the laws it uses again; see
// include/slfit/instances.hpp. Internal to slfit's build: not installed.
#pragma once

#include "slfit/instances.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/compression.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/laws/law_entry.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/laws/qid.hpp"

SLFIT_EXTERN_LAW(slfit::Chinchilla)
SLFIT_EXTERN_LAW(slfit::KumarPtq)
SLFIT_EXTERN_LAW(slfit::KumarQat)
SLFIT_EXTERN_LAW(slfit::Kumar)
SLFIT_EXTERN_LAW(slfit::Qid)
SLFIT_EXTERN_LAW(slfit::PythiaKaplan)
SLFIT_EXTERN_LAW(slfit::Capybara)
SLFIT_EXTERN_LAW(slfit::QatGroup)
SLFIT_EXTERN_LAW(slfit::QatFull)
SLFIT_EXTERN_LAW(slfit::Compression)
extern template slfit::CompressionFit slfit::fit_compression<0>(const slfit::Table&,
                                                                const std::string&,
                                                                const std::string&,
                                                                slfit::FitOptions);
