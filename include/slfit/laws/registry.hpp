// The catalogue of built-in laws, by name, for code that picks a law at run time (the tool).
//
// Each entry wraps one Law type: its description, inputs, parameters, presets and start grids,
// and type-erased evaluate and fit functions. Needs slfit::slfit (the fitter uses Ceres).
//
//   const slfit::LawEntry& law = slfit::find_law("chinchilla");
//   slfit::FitResult r = law.fit(table, options);
//   Eigen::ArrayXd pred = law.evaluate(table, law.preset("epoch2024"), {});
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "slfit/detail/text.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/compression.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/laws/law_entry.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/laws/qid.hpp"

namespace slfit {

inline const std::vector<LawEntry>& builtin_laws() {
  static const std::vector<LawEntry> laws = {
      make_law_entry<Chinchilla>(), make_law_entry<KumarPtq>(), make_law_entry<KumarQat>(),
      make_law_entry<Kumar>(),      make_law_entry<Qid>(),      make_law_entry<PythiaKaplan>(),
      make_law_entry<Capybara>(),   make_law_entry<QatGroup>(), make_law_entry<QatFull>(),
      make_law_entry<Compression>()};
  return laws;
}

inline const LawEntry& find_law(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& l : builtin_laws()) {
    if (l.name == name) return l;
    names.push_back(l.name);
  }
  throw UsageError("unknown law '" + std::string(name) + "'" + detail::did_you_mean(name, names) +
                   "; laws are: " + detail::join(names) + " (see `slfit laws`)");
}

}  // namespace slfit
