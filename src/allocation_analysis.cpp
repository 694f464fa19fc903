// The compute-optimal allocation, and the compute for a target loss, of any law of N and D that
// has no closed form of its own.
#include <memory>

#include "runtime_detail.hpp"
#include "slfit/analysis/allocation.hpp"

namespace slfit::detail {

namespace {

using LossOfND = std::function<double(double, double)>;
using Evaluate = decltype(LawEntry::evaluate);

// The law at (N, D) with the row's other inputs, through its entry on a one-row table, so this
// works for every law; NaN outside its domain (not a candidate).
LossOfND loss_of_nd(const Evaluate& evaluate, const std::vector<std::string>& inputs,
                    const std::vector<double>& p, const Row& r) {
  auto point = std::make_shared<Table>("<allocation>");
  for (const auto& name : inputs)
    point->set_column(name, Array::Constant(1, name == "N" || name == "D" ? 1.0 : *get(r, name)));
  return [evaluate, point, &p](double n, double d) {
    point->set_column("N", Array::Constant(1, n));
    point->set_column("D", Array::Constant(1, d));
    try {
      return evaluate(*point, p, {})(0);
    } catch (const DataError&) {
      return std::nan("");
    }
  };
}

bool has_quantity(const LawEntry& law, const std::string& quantity) {
  for (const auto& a : law.analyses)
    if (a.quantity == quantity) return true;
  return false;
}

}  // namespace

void add_numeric_allocation(LawEntry& law) {
  // Only for laws of the loss itself: a degradation (QiD, a PTQ gap) has no optimum under C.
  // Nor for laws with per-level parameters: a point of N and D has no level.
  const bool levels = std::any_of(law.parameters.begin(), law.parameters.end(),
                                  [](const ParameterSpec& p) { return !p.per.empty(); });
  if (!law.has_input("N") || !law.has_input("D") || levels ||
      law.presentation.value_label != Presentation{}.value_label)
    return;
  std::vector<std::string> others;
  for (const auto& in : law.inputs)
    if (in.name != "N" && in.name != "D") others.push_back(in.name);
  if (!has_quantity(law, "allocation")) {
    Analysis a{.quantity = "allocation",
               .required = {"C"},
               .help = "compute-optimal N and D under C = 6ND (numerically)",
               .plotted = {"N", "D"},
               .plot_label = "compute-optimal N (parameters) and D (tokens)",
               .output_labels = {{"N", "N_opt"}, {"D", "D_opt"}},
               .budget_outputs = {{"N", "N_opt"}, {"D", "D_opt"}}};
    a.required.insert(a.required.end(), others.begin(), others.end());
    a.run = [evaluate = law.evaluate, inputs = law.input_names()](const std::vector<double>& p,
                                                                  const Row& r) -> Outputs {
      const NumericAllocation best =
          numeric_allocation(loss_of_nd(evaluate, inputs, p, r), *get(r, "C"));
      return {{"N", best.N},
              {"D", best.D},
              {"tokens_per_parameter", best.D / best.N},
              {"loss", best.loss}};
    };
    law.analyses.push_back(std::move(a));
  }
  if (!has_quantity(law, "compute")) {
    Analysis c{.quantity = "compute",
               .required = {"loss"},
               .help =
                   "compute at which the compute-optimal model reaches a target loss "
                   "(numerically)",
               .plotted = {"C"},
               .plot_label = "training compute C (FLOP)"};
    c.required.insert(c.required.end(), others.begin(), others.end());
    c.run = [evaluate = law.evaluate, inputs = law.input_names()](const std::vector<double>& p,
                                                                  const Row& r) -> Outputs {
      const LossOfND loss = loss_of_nd(evaluate, inputs, p, r);
      const double compute = numeric_compute_for_loss(loss, *get(r, "loss"));
      const NumericAllocation at = numeric_allocation(loss, compute);
      return {{"C", compute}, {"N", at.N}, {"D", at.D}};
    };
    law.analyses.push_back(std::move(c));
  }
}

}  // namespace slfit::detail
