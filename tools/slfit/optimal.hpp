// `slfit optimal`: the analyses of each law over a grid of --at values.
//
// Each (law, quantity) pair names the inputs it needs, the ones it may take, and a function from
// one grid row to named outputs. The grid is the Cartesian product of the --at flags, as for
// predict; `format=E4M3` sets E and M together.
#pragma once

#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "json_output.hpp"
#include "slfit/slfit.hpp"

namespace slfit::tool {

using Outputs = std::vector<std::pair<std::string, double>>;
using Row = std::map<std::string, double, std::less<>>;

struct OptimalSpec {
  std::string law;  // "kumar-qat|kumar" style list of laws it applies to
  std::string quantity;
  std::vector<std::string> required;
  std::vector<std::string> optional;
  std::string help;
  std::function<Outputs(const std::vector<double>&, const Row&)> run;
};

inline std::optional<double> get(const Row& r, const std::string& name) {
  auto it = r.find(name);
  if (it == r.end()) return std::nullopt;
  return it->second;
}

// Kumar's unified law starts with kumar-qat's 11 parameters and continues with kumar-ptq's 4.
inline std::vector<double> kumar_qat_part(const std::vector<double>& p) {
  return {p.begin(), p.begin() + KumarQat::kNumParameters};
}

inline Outputs kumar_outputs(const KumarOptimum& o) {
  return {{"P", o.P}, {"N", o.N}, {"D", o.D}, {"N_eff", o.N_eff}, {"loss", o.loss}};
}

inline Outputs kumar_precision(const std::vector<double>& p, const Row& r) {
  const auto qat = kumar_qat_part(p);
  const double c = *get(r, "C");
  if (get(r, "N") && get(r, "D")) throw UsageError("give at most one of --at N and --at D");
  if (auto n = get(r, "N")) return kumar_outputs(kumar_optimal_precision_fixed_n(qat, *n, c));
  if (auto d = get(r, "D")) return kumar_outputs(kumar_optimal_precision_fixed_d(qat, *d, c));
  return kumar_outputs(kumar_optimal_precision_joint(qat, c));
}

inline Outputs capybara_precision(const std::vector<double>& p, const Row& r) {
  const double c = *get(r, "C"), b = *get(r, "B");
  if (get(r, "N") && get(r, "D")) throw UsageError("give at most one of --at N and --at D");
  CapybaraPrecisionOptimum o;
  if (auto n = get(r, "N")) {
    o = capybara_optimal_precision_fixed_n(p, *n, c, b);
  } else if (auto d = get(r, "D")) {
    o = capybara_optimal_precision_fixed_d(p, *d, c, b);
  } else {
    o = capybara_optimal_precision_joint(p, c, b);
  }
  return {{"P", o.P},
          {"E", o.E},
          {"M", o.M},
          {"N", o.N},
          {"D", o.D},
          {"loss", o.loss},
          {"format_E", o.format.E},
          {"format_M", o.format.M},
          {"format_loss", o.format_loss}};
}

inline const std::vector<OptimalSpec>& optimal_specs() {
  static const std::vector<OptimalSpec> specs = {
      {"chinchilla",
       "allocation",
       {"C"},
       {},
       "compute-optimal N and D under C = 6ND",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         const Allocation a = chinchilla_allocation(p, *get(r, "C"));
         return {{"N", a.N},
                 {"D", a.D},
                 {"tokens_per_parameter", a.tokens_per_parameter()},
                 {"loss", a.loss}};
       }},
      {"chinchilla",
       "compute",
       {"loss"},
       {},
       "compute at which the compute-optimal model reaches a target loss",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         const double c = chinchilla_compute_for_loss(p, *get(r, "loss"));
         const Allocation a = chinchilla_allocation(p, c);
         return {{"C", c}, {"N", a.N}, {"D", a.D}};
       }},
      {"kumar-qat|kumar",
       "precision",
       {"C"},
       {"N", "D"},
       "training bits minimizing loss under C = (6/16) N D P (joint, or with N or D given)",
       kumar_precision},
      {"kumar-qat|kumar",
       "allocation",
       {"C", "P"},
       {},
       "N and D minimizing loss at precision P",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         return kumar_outputs(
             kumar_optimal_allocation_at_precision(kumar_qat_part(p), *get(r, "P"), *get(r, "C")));
       }},
      {"kumar",
       "dcrit",
       {"N", "P_post"},
       {},
       "tokens past which more data hurts after PTQ",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         const std::vector<double> ptq(p.begin() + KumarQat::kNumParameters, p.end());
         return {{"dcrit", kumar_dcrit(ptq, p[KumarQat::kB], p[KumarQat::kBeta], *get(r, "N"),
                                       *get(r, "P_post"))}};
       }},
      {"kumar-ptq",
       "dcrit",
       {"N", "P_post"},
       {"B", "beta"},
       "tokens past which more data hurts after PTQ (base B, beta default to kumar-qat/kumar2024)",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         const auto base = preset_values<KumarQat>("kumar2024");
         const double b = get(r, "B").value_or(base[KumarQat::kB]);
         const double beta = get(r, "beta").value_or(base[KumarQat::kBeta]);
         return {{"dcrit", kumar_dcrit(p, b, beta, *get(r, "N"), *get(r, "P_post"))}};
       }},
      {"capybara",
       "dcrit",
       {"N", "E", "M", "B"},
       {},
       "tokens past which more data hurts",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         return {{"dcrit", capybara_critical_data(p, *get(r, "N"), *get(r, "E"), *get(r, "M"),
                                                  *get(r, "B"))}};
       }},
      {"capybara",
       "format",
       {"P"},
       {},
       "best exponent/mantissa split of P bits (sign included)",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         const double bits = *get(r, "P");
         if (bits != std::floor(bits)) throw UsageError("--at P must be whole bits for format");
         const FloatFormat f = capybara_best_format(p, static_cast<int>(bits));
         const CapybaraSplit s = capybara_optimal_split(p, bits);
         return {{"E", f.E}, {"M", f.M}, {"E_real", s.E}, {"M_real", s.M}};
       }},
      {"capybara",
       "precision",
       {"C", "B"},
       {"N", "D"},
       "training bits minimizing loss under C = (6/16) P N D (joint, or with N or D given)",
       capybara_precision},
      {"qid",
       "tokens",
       {"N", "P", "qid"},
       {"D"},
       "tokens at which a model reaches a QiD (with D: that as a fraction of D)",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         const double t = qid_tokens(p, *get(r, "N"), *get(r, "P"), *get(r, "qid"));
         Outputs out = {{"tokens", t}};
         if (auto d = get(r, "D")) out.emplace_back("fraction_of_D", t / *d);
         return out;
       }},
      {"qat-full",
       "multiplier",
       {"N", "D", "G"},
       {},
       "Frantar et al.'s equivalent effective-parameter multiplier of the QAT degradation",
       [](const std::vector<double>& p, const Row& r) -> Outputs {
         const double n = *get(r, "N"), d = *get(r, "D"), g = *get(r, "G");
         return {{"multiplier", qat_effective_multiplier(p, n, d, g)}};
       }},
      {"qat-group",
       "wa-ratio",
       {"N", "D", "G"},
       {},
       "delta_W4A4 / (delta_W4A16 + delta_W16A4) from the chen2025 presets (about 0.906)",
       [](const std::vector<double>&, const Row& r) -> Outputs {
         return {{"wa_ratio", qat_wa_ratio(*get(r, "N"), *get(r, "D"), *get(r, "G"))}};
       }},
  };
  return specs;
}

inline bool law_matches(const std::string& list, const std::string& law) {
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, '|'))
    if (item == law) return true;
  return false;
}

inline const OptimalSpec& find_optimal(const std::string& law, const std::string& quantity) {
  std::string available;
  for (const auto& s : optimal_specs()) {
    if (!law_matches(s.law, law)) continue;
    if (s.quantity == quantity) return s;
    available += (available.empty() ? "" : ", ") + s.quantity;
  }
  if (available.empty()) {
    throw UsageError(
        "slfit optimal has no quantity for law '" + law +
        "'; laws with analyses: chinchilla, kumar-qat, kumar, kumar-ptq, capybara, qid, "
        "qat-group, qat-full");
  }
  std::vector<std::string> names;
  for (const auto& s : optimal_specs())
    if (law_matches(s.law, law)) names.push_back(s.quantity);
  throw UsageError("unknown quantity '" + quantity + "' for law '" + law + "'" +
                   detail::did_you_mean(quantity, names) + "; available: " + available);
}

// The --at grid for an optimal quantity: names from the spec's lists only.
inline Table optimal_grid(const std::vector<std::string>& flags, const OptimalSpec& spec) {
  std::vector<std::string> allowed = spec.required;
  allowed.insert(allowed.end(), spec.optional.begin(), spec.optional.end());
  const bool formats = std::find(allowed.begin(), allowed.end(), "E") != allowed.end() &&
                       std::find(allowed.begin(), allowed.end(), "M") != allowed.end();
  const Table grid = parse_grid(flags, allowed, formats);
  for (const auto& name : spec.required) {
    if (!grid.has(name)) {
      throw UsageError("optimal --quantity " + spec.quantity + " needs --at " + name +
                       "=VALUE,... (inputs: " + detail::join(spec.required) +
                       (spec.optional.empty() ? "" : "; optional: " + detail::join(spec.optional)) +
                       ")");
    }
  }
  return grid;
}

}  // namespace slfit::tool
