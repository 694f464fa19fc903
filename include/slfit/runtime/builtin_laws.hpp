// The built-in laws: the one list of them, and their fitting templates declared as compiled in
// slfit::runtime.
//
// A program linked to slfit::runtime that includes this header may call slfit::fit<Chinchilla>,
// bootstrap<Qid> and the others directly without compiling them: the definitions come from the
// library (see slfit/instances.hpp for how). A new built-in law is added by writing its header
// and naming it in one of the two halves below (two so that a parallel build compiles them on
// two cores).
#pragma once

#include "slfit/analysis/capybara.hpp"
#include "slfit/analysis/chinchilla.hpp"
#include "slfit/analysis/kumar.hpp"
#include "slfit/fit/compression.hpp"
#include "slfit/instances.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/compression.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/laws/qid.hpp"

// In the order `slfit laws` lists them.
#define SLFIT_BUILTIN_LAWS_A(X) \
  X(slfit::Chinchilla) X(slfit::KumarPtq) X(slfit::KumarQat) X(slfit::Kumar) X(slfit::Qid)
#define SLFIT_BUILTIN_LAWS_B(X) \
  X(slfit::PythiaKaplan)        \
  X(slfit::Capybara) X(slfit::QatGroup) X(slfit::QatFull) X(slfit::CompressionFormats)

SLFIT_BUILTIN_LAWS_A(SLFIT_EXTERN_LAW)
SLFIT_BUILTIN_LAWS_B(SLFIT_EXTERN_LAW)
// The eight-slot compression law is no longer in the catalogue; its fitter stays compiled here.
SLFIT_EXTERN_LAW(slfit::Compression)
extern template slfit::CompressionFit slfit::fit_compression<0>(const slfit::Table&,
                                                                const std::string&,
                                                                const std::string&,
                                                                slfit::FitOptions);
