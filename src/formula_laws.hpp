// The formula laws' entries for each parameter count, compiled in formula_laws_a.cpp (1 to 6
// parameters) and formula_laws_b.cpp (7 to kMaxFormulaParameters): two files, two cores.
#pragma once

#include <memory>

#include "slfit/core/formula_law.hpp"
#include "slfit/runtime/law_entry.hpp"

namespace slfit::detail {

LawEntry formula_entry_a(const std::shared_ptr<const FormulaModel>& model);
LawEntry formula_entry_b(const std::shared_ptr<const FormulaModel>& model);

}  // namespace slfit::detail

#define SLFIT_DETAIL_FORMULA_CASE(K) \
  case K:                            \
    return make_law_entry(FormulaLaw<K>(model));
