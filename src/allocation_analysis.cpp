// The compute-optimal allocation of any law of N and D that has no closed form of its own.
#include <memory>

#include "runtime_detail.hpp"
#include "slfit/analysis/allocation.hpp"

namespace slfit::detail {

void add_numeric_allocation(LawEntry& law) {
  // Only for laws of the loss itself: a degradation (QiD, a PTQ gap) has no optimum under C.
  if (!law.has_input("N") || !law.has_input("D") || !law.column_inputs.empty() ||
      law.presentation.value_label != Presentation{}.value_label)
    return;
  for (const auto& a : law.analyses)
    if (a.quantity == "allocation") return;
  Analysis a{.quantity = "allocation",
             .required = {"C"},
             .help = "compute-optimal N and D under C = 6ND (numerically)",
             .plotted = {"N", "D"},
             .plot_label = "compute-optimal N (parameters) and D (tokens)",
             .output_labels = {{"N", "N_opt"}, {"D", "D_opt"}},
             .budget_outputs = {{"N", "N_opt"}, {"D", "D_opt"}}};
  for (const auto& in : law.inputs)
    if (in.name != "N" && in.name != "D") a.required.push_back(in.name);
  // The law is evaluated through its entry on a one-row table, so this works for every law.
  a.run = [evaluate = law.evaluate, inputs = law.input_names()](const std::vector<double>& p,
                                                                const Row& r) -> Outputs {
    Table point("<allocation>");
    for (const auto& name : inputs)
      point.set_column(name, Array::Constant(1, name == "N" || name == "D" ? 1.0 : *get(r, name)));
    auto loss = [&](double n, double d) {
      point.set_column("N", Array::Constant(1, n));
      point.set_column("D", Array::Constant(1, d));
      try {
        return evaluate(point, p, {})(0);
      } catch (const DataError&) {
        return std::nan("");  // outside the law's domain: not a candidate
      }
    };
    const NumericAllocation best = numeric_allocation(loss, *get(r, "C"));
    return {{"N", best.N},
            {"D", best.D},
            {"tokens_per_parameter", best.D / best.N},
            {"loss", best.loss}};
  };
  law.analyses.push_back(std::move(a));
}

}  // namespace slfit::detail
