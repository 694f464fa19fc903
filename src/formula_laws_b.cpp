// Formula laws of 7 to kMaxFormulaParameters parameters: their fitting templates, compiled once.
#include "formula_laws.hpp"
#include "slfit/runtime/make_law_entry.hpp"

namespace slfit::detail {

static_assert(kMaxFormulaParameters == 12, "add a case below for each new parameter count");

LawEntry formula_entry_b(const std::shared_ptr<const FormulaModel>& model) {
  switch (model->parameters().size()) {
    SLFIT_DETAIL_FORMULA_CASE(7)
    SLFIT_DETAIL_FORMULA_CASE(8)
    SLFIT_DETAIL_FORMULA_CASE(9)
    SLFIT_DETAIL_FORMULA_CASE(10)
    SLFIT_DETAIL_FORMULA_CASE(11)
    SLFIT_DETAIL_FORMULA_CASE(12)
    default:
      throw UsageError(model->where() + ": parameters: a formula law has at most " +
                       std::to_string(kMaxFormulaParameters) + " parameters");
  }
}

}  // namespace slfit::detail
