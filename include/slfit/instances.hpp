// Compile a law's fitter once per program instead of once per file.
//
// slfit is header-only, so every file that fits a law compiles that law's fitter: Ceres cost
// functions over Jets, the dense Levenberg-Marquardt solver, covariance, bootstrap and prediction
// intervals. That is 20 to 60 s of compiler time per law and file at -O2, and more under
// sanitizers. A project that fits the same law in many files can compile those templates once
// and declare them everywhere else, the way the C++ standard library does with
// `extern template class std::basic_string<char>`:
//
//   // my_law.hpp, included by every file that uses MyLaw
//   #include <slfit/instances.hpp>
//   struct MyLaw { ... };
//   SLFIT_EXTERN_LAW(MyLaw)  // at global scope: "compiled elsewhere, do not compile here"
//
//   // my_law_instances.cpp, compiled once and linked into the program
//   #include "my_law.hpp"
//   SLFIT_INSTANTIATE_LAW(MyLaw)  // at global scope: compiles the templates listed below
//
// A file that sees SLFIT_EXTERN_LAW(MyLaw) calls slfit::fit<MyLaw>, slfit::bootstrap<MyLaw> and
// the others as usual; only the compiling moves. Forgetting the .cpp file shows up as
// "undefined reference to slfit::fit<MyLaw>" at link time, never as different behaviour.
//
// The templates covered: fit, fit_from_starts, covariance, bootstrap, predict_intervals,
// candidate, holdout, add_first_stage_uncertainty, make_law_entry (the law behind the
// type-erased LawEntry), evaluate and evaluate_into. The cheap ones (simulate, evaluate_at,
// presets) are compiled where they are used, as before. slfit's own tests and tool do this for
// the ten built-in laws (src/laws_a.cpp, src/laws_b.cpp in slfit::runtime); it halved their
// compile time.
#pragma once

#include <string>
#include <vector>

#include "slfit/core/table.hpp"
#include "slfit/fit/covariance.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/fit/options.hpp"
#include "slfit/fit/problem.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/runtime/make_law_entry.hpp"
#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/holdout.hpp"
#include "slfit/uncertainty/prediction.hpp"
#include "slfit/uncertainty/two_stage.hpp"

// The one list of templates, used by both macros below. PREFIX is `template` (definition) or
// `extern template` (declaration).
#define SLFIT_DETAIL_LAW_INSTANCES(PREFIX, L)                                                      \
  PREFIX ::slfit::FitResult slfit::fit<L>(const L&, const ::slfit::Table&,                         \
                                          const ::slfit::FitOptions&);                             \
  PREFIX ::slfit::FitResult slfit::fit_from_starts<L>(const ::slfit::FitProblem<L>&,               \
                                                      const std::vector<std::vector<double>>&,     \
                                                      const ::slfit::FitOptions&);                 \
  PREFIX ::slfit::CovarianceResult slfit::covariance<L>(                                           \
      const ::slfit::FitProblem<L>&, const std::vector<double>&, const std::vector<double>&);      \
  PREFIX ::slfit::BootstrapResult slfit::bootstrap<L>(                                             \
      const L&, const ::slfit::Table&, const ::slfit::FitOptions&,                                 \
      const ::slfit::BootstrapOptions&, const ::slfit::FitResult*);                                \
  PREFIX ::slfit::PredictionResult slfit::predict_intervals<L>(                                    \
      const L&, const ::slfit::Table&, const ::slfit::FitOptions&, const ::slfit::FitResult&,      \
      const ::slfit::BootstrapResult*, const ::slfit::PredictionOptions&);                         \
  PREFIX ::slfit::FitCandidate slfit::candidate<L>(const L&, std::string,                          \
                                                   const ::slfit::FitOptions&);                    \
  PREFIX ::slfit::HoldoutResult slfit::holdout<L>(const ::slfit::Table&, const ::slfit::Mask&,     \
                                                  const ::slfit::FitOptions&);                     \
  PREFIX void slfit::add_first_stage_uncertainty<L>(                                               \
      const L&, const ::slfit::Table&, const ::slfit::FitOptions&, const ::slfit::FitResult&,      \
      ::slfit::FitResult&);                                                                        \
  PREFIX ::slfit::LawEntry slfit::make_law_entry<L>(const L&);                                     \
  PREFIX ::slfit::Array slfit::evaluate<L>(const L&, const ::slfit::Table&,                        \
                                           const std::vector<double>&, const ::slfit::ColumnMap&,  \
                                           int);                                                   \
  PREFIX void slfit::evaluate_into<L>(const L&, const ::slfit::Table&, const std::vector<double>&, \
                                      ::slfit::Array&, const ::slfit::ColumnMap&, int);

// Compiles law L's fitting templates in this file (use in exactly one file of a program).
#define SLFIT_INSTANTIATE_LAW(L) SLFIT_DETAIL_LAW_INSTANCES(template, L)

// Declares that law L's fitting templates are compiled in another file of the program.
#define SLFIT_EXTERN_LAW(L) SLFIT_DETAIL_LAW_INSTANCES(extern template, L)
