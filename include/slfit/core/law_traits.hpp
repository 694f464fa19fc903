// What a law offers beyond its formula, declared once for every front end: its analyses (the
// quantities `slfit optimal` computes, with their inputs and outputs), the quantities a bootstrap
// reports besides the parameters, and how its values and analyses are labelled in plots.
//
// A law declares these by specializing LawTraits in its own header (or in its analysis header,
// next to the functions the analyses call). The run-time catalogue (runtime/) reads them, so no
// front end ever needs to know a law by name:
//
//   template <>
//   struct LawTraits<Chinchilla> {
//     static std::vector<Analysis> analyses() {
//       return {{.quantity = "allocation", .required = {"C"},
//                .help = "compute-optimal N and D under C = 6ND",
//                .run = [](const std::vector<double>& p, const Row& r) -> Outputs {
//                  const Allocation a = chinchilla_allocation(p, r.at("C"));
//                  return {{"N", a.N}, {"D", a.D}};
//                }}};
//     }
//   };
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slfit {

// One point of an analysis: input name -> value.
using Row = std::map<std::string, double, std::less<>>;
// Named outputs, in the order a report prints them.
using Outputs = std::vector<std::pair<std::string, double>>;

inline std::optional<double> get(const Row& r, std::string_view name) {
  auto it = r.find(name);
  if (it == r.end()) return std::nullopt;
  return it->second;
}

struct Analysis {
  std::string quantity;               // "allocation", "dcrit", ...
  std::vector<std::string> required;  // inputs every point needs
  std::vector<std::string> optional;  // inputs a point may give
  std::string help;                   // one line for reports and --help
  // Outputs at one point for natural parameter values in the law's order. Throws UsageError for
  // inputs that do not go together and slfit::Error where the quantity is undefined.
  std::function<Outputs(const std::vector<double>&, const Row&)> run;

  // Plots: which outputs are drawn, the y axis label, legend names of outputs (dcrit -> D_crit)
  // and axis meanings of inputs where they differ from the law's own.
  std::vector<std::string> plotted;
  std::string plot_label;
  std::map<std::string, std::string, std::less<>> output_labels;
  std::map<std::string, std::string, std::less<>> input_meanings;

  // Non-empty where this analysis answers a compute budget C (fit --budget): the outputs a
  // bootstrap reports at each budget, output name -> reported name ("N" -> "N_opt").
  std::vector<std::pair<std::string, std::string>> budget_outputs;
};

// Quantities of the parameters alone that reports show beside them (Chinchilla's allocation
// exponents): name, function, and whether a bootstrap reports intervals for it.
struct Summary {
  std::string name;
  std::function<double(const std::vector<double>&)> value;
  bool bootstrapped = false;
};

// How a law's value and inputs are presented: the y label of its plots, and the input a
// prediction plot sweeps with the range it always covers (QiD: D from 1e9 to 1e14 tokens).
struct Presentation {
  std::string value_label = "loss (nats/token)";
  std::string sweep_input;  // empty: the most varied input
  double sweep_from = 0.0, sweep_to = 0.0;
  bool log_value = false;  // always a log y axis
};

// A word a user may give for a value of an input ("B=channel" for channel-wise scaling).
struct NamedValue {
  std::string input;
  std::string word;
  double value = 0.0;
};

// The default: a law with nothing beyond its formula. Specialize for a law to add to it; every
// member is optional (the catalogue fills in what a specialization leaves out).
template <class L>
struct LawTraits {};

}  // namespace slfit
