// make_law_entry<L>(): the catalogue entry of a compiled law, for laws of your own.
//
// Including this compiles law L's fitter, bootstrap and intervals in the including file (tens of
// seconds); do it in one file of your program and keep the LawEntry it returns:
//
//   #include <slfit/runtime/catalogue.hpp>
//   #include <slfit/runtime/make_law_entry.hpp>
//   slfit::register_law(slfit::make_law_entry<MyLaw>());   // now `find_law("my-law")` has it
#pragma once

#include <string>

#include "slfit/core/law.hpp"
#include "slfit/core/law_traits.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/runtime/law_entry.hpp"
#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/holdout.hpp"
#include "slfit/uncertainty/prediction.hpp"
#include "slfit/uncertainty/two_stage.hpp"

namespace slfit {

namespace detail {

// What LawTraits<L> declares, each member optional.
template <class L>
void add_traits(LawEntry& e) {
  using T = LawTraits<L>;
  if constexpr (requires { T::analyses(); }) e.analyses = T::analyses();
  if constexpr (requires { T::summary(); }) e.summary = T::summary();
  if constexpr (requires { T::presentation(); }) e.presentation = T::presentation();
  if constexpr (requires { T::named_values(); }) e.named_values = T::named_values();
  if constexpr (requires { FormatColumnFit<L>::kParameter; })
    e.format_parameter = FormatColumnFit<L>::kParameter;
}

}  // namespace detail

template <Law L>
LawEntry make_law_entry(const L& law) {
  LawEntry e;
  e.name = law_name(law);
  e.description = law_description(law);
  const auto in = law.inputs();
  e.inputs.assign(in.begin(), in.end());
  e.parameters = law.parameters();
  e.presets = law_presets(law);
  e.start_grids = law_start_grids(law);
  detail::add_traits<L>(e);
  e.evaluate = [law](const Table& t, const std::vector<double>& p, const ColumnMap& m) {
    return slfit::evaluate(law, t, p, m);
  };
  e.evaluate_named = [law](const Table& t, const std::vector<std::string>& names,
                           const std::vector<double>& values, const FitOptions& o) {
    return slfit::evaluate_named(law, t, names, values, o);
  };
  e.fit = [law](const Table& t, const FitOptions& o) { return slfit::fit(law, t, o); };
  e.add_first_stage = [law](const Table& t, const FitOptions& o, const FitResult& s1,
                            FitResult& s2) { add_first_stage_uncertainty(law, t, o, s1, s2); };
  e.bootstrap = [law](const Table& t, const FitOptions& o, const BootstrapOptions& b,
                      const FitResult* best) { return slfit::bootstrap(law, t, o, b, best); };
  e.candidate = [law](const FitOptions& o) { return slfit::candidate(law, law_name(law), o); };
  e.predict_intervals = [law](const Table& at, const FitOptions& o, const FitResult& best,
                              const BootstrapResult* boot, const PredictionOptions& po) {
    return slfit::predict_intervals(law, at, o, best, boot, po);
  };
  return e;
}

template <Law L>
LawEntry make_law_entry() {
  return make_law_entry(L{});
}

}  // namespace slfit
