// formula_law_entry(): a spec checked, compiled and given the fitter of its parameter count.
#include "slfit/runtime/formula_entry.hpp"

#include <memory>

#include "formula_laws.hpp"
#include "runtime_detail.hpp"

namespace slfit {

LawEntry formula_law_entry(const FormulaSpec& spec) {
  auto model = std::make_shared<const FormulaModel>(spec);
  LawEntry entry = detail::formula_entry_a(model);
  entry.source = spec.origin;
  entry.formula = spec.formula;
  detail::add_numeric_allocation(entry);
  return entry;
}

}  // namespace slfit
