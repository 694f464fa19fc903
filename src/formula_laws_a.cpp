// Formula laws of 1 to 6 parameters: their fitting templates, compiled once.
#include "formula_laws.hpp"
#include "slfit/runtime/make_law_entry.hpp"

namespace slfit::detail {

LawEntry formula_entry_a(const std::shared_ptr<const FormulaModel>& model) {
  switch (model->parameters().size()) {
    SLFIT_DETAIL_FORMULA_CASE(1)
    SLFIT_DETAIL_FORMULA_CASE(2)
    SLFIT_DETAIL_FORMULA_CASE(3)
    SLFIT_DETAIL_FORMULA_CASE(4)
    SLFIT_DETAIL_FORMULA_CASE(5)
    SLFIT_DETAIL_FORMULA_CASE(6)
    default:
      return formula_entry_b(model);
  }
}

}  // namespace slfit::detail
