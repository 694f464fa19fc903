// optimal --quantity precision-efficiency: the effective parameters per bit of precision of each
// level of a per-level multiplier, eff x P_ref / P (Frantar et al. 2025; QuEST's Figure on
// efficiency), with intervals from a bootstrapped fit's draws.
//
// A format whose multiplier is eff trains N parameters that act like eff N reference ones; at P
// bits per parameter against the reference's P_ref, each bit of memory buys eff P_ref / P
// reference parameters. The format with the highest value is the Pareto-optimal one: at a fixed
// memory it gives the lowest loss.
#include <algorithm>
#include <cmath>

#include "runtime_detail.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/levels.hpp"
#include "slfit/runtime/requests.hpp"
#include "slfit/uncertainty/intervals.hpp"

namespace slfit::detail {

namespace {

const Analysis& efficiency_analysis() {
  static const Analysis a{
      .quantity = "precision-efficiency",
      .help =
          "effective parameters per bit of each level, eff x P_ref / P (option 'bits' gives "
          "each level's P); with bootstrap draws, best: the share of draws with every level "
          "fitted in which that level is the most efficient",
      .plot_label = "effective parameters per bit (eff x P_ref / P)"};
  return a;
}

// The per-level multiplier: the law's format parameter, or its only per-level parameter.
std::string multiplier_parameter(const LawEntry& law) {
  if (!law.format_parameter.empty()) return law.format_parameter;
  std::vector<std::string> per;
  for (const auto& p : law.parameters)
    if (!p.per.empty()) per.push_back(p.name);
  if (per.size() != 1) {
    throw UsageError(
        "quantity precision-efficiency needs a law with one per-level multiplier "
        "(compression, or a law file with \"per\"); law '" +
        law.name + "' has " + (per.empty() ? std::string("none") : join(per)));
  }
  return per.front();
}

// "w4a4=4,fp4=4" items -> (level, bits) in the order given.
std::vector<std::pair<std::string, double>> parse_bits(const std::vector<std::string>& items) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& item : items) {
    std::size_t start = 0;
    while (start <= item.size()) {
      const std::size_t comma = std::min(item.find(',', start), item.size());
      const std::string one = trim(std::string_view(item).substr(start, comma - start));
      start = comma + 1;
      const auto eq = one.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw UsageError("option 'bits' takes LEVEL=P items (w4a4=4,bf16=16), got '" + one + "'");
      }
      char* end = nullptr;
      const std::string number = one.substr(eq + 1);
      const double p = std::strtod(number.c_str(), &end);
      if (number.empty() || *end != '\0' || !(p > 0.0) || !std::isfinite(p)) {
        throw UsageError("option 'bits' '" + one + "': the bits must be a positive number");
      }
      out.emplace_back(one.substr(0, eq), p);
    }
  }
  if (out.empty()) throw UsageError("quantity precision-efficiency needs option 'bits' LEVEL=P");
  return out;
}

// How often each level is the most efficient, over the draws in which every level was fitted:
// `best`, a share in [0, 1]. The answer to "is 4 bits the Pareto-optimal format?" that the
// intervals alone cannot give, since the levels' estimates move together from draw to draw.
void add_best_shares(const std::vector<std::vector<double>>& drawn, OptimalRun& run) {
  std::vector<int> wins(drawn.size(), 0);
  int complete = 0;
  const std::size_t count = drawn.empty() ? 0 : drawn.front().size();
  for (std::size_t d = 0; d < count; ++d) {
    std::size_t best = 0;
    bool all = true;
    for (std::size_t l = 0; l < drawn.size(); ++l) {
      all = all && std::isfinite(drawn[l][d]);
      if (all && drawn[l][d] > drawn[best][d]) best = l;
    }
    if (!all) continue;
    ++complete;
    ++wins[best];
  }
  for (std::size_t l = 0; l < drawn.size(); ++l)
    run.rows[l].emplace_back("best", complete > 0 ? double(wins[l]) / complete : std::nan(""));
}

}  // namespace

OptimalRun run_precision_efficiency(const OptimalRequest& q, const LawEntry& law) {
  if (!q.at.empty())
    throw UsageError("quantity precision-efficiency takes option 'bits', not 'at'");
  OptimalRun run;
  run.analysis = &efficiency_analysis();
  run.preset = q.preset;
  run.params_path = q.params;
  const std::string name = multiplier_parameter(law);
  const ParameterValues named = chosen_named_parameters(law, q.preset, q.params, q.parameters);
  const auto bits = parse_bits(q.bits);
  std::vector<std::string> levels;
  for (const auto& [n, v] : named) {
    std::string base, level;
    if (split_level_name(n, base, level) && base == name) levels.push_back(level);
  }
  auto eff_of = [&](const std::string& level) {
    const auto it = named.find(level_name(name, level));
    if (it == named.end()) {
      throw UsageError("option 'bits': no level '" + level + "' among the fit's" +
                       did_you_mean(level, levels) + "; levels are: " + join(levels));
    }
    return it->second;
  };
  // The reference: the level given bits whose multiplier is exactly 1.
  double reference_bits = std::nan("");
  for (const auto& [level, p] : bits) {
    if (eff_of(level) == 1.0) reference_bits = p;
  }
  if (std::isnan(reference_bits)) {
    throw UsageError("option 'bits' must give the reference level's bits too (the level whose " +
                     std::string("multiplier is 1, e.g. bf16=16)"));
  }
  const std::optional<ParameterDraws> draws =
      q.draws ? q.draws : (q.params.empty() ? std::nullopt : read_parameter_draws(q.params));
  if (draws) {
    run.intervals.emplace();
    run.intervals->pairs = static_cast<int>(draws->rows.size());
  }
  run.label_name = law.parameters[law.parameter(name)].per;
  // Each level's efficiency in every draw (NaN where the resample had none of its rows).
  std::vector<std::vector<double>> drawn;
  for (const auto& [level, p] : bits) {
    const double eff = eff_of(level);
    run.labels.push_back(level);
    run.rows.push_back({{"P", p}, {"eff", eff}, {"efficiency", eff * reference_bits / p}});
    if (!draws) continue;
    const auto col = std::find(draws->names.begin(), draws->names.end(), level_name(name, level));
    if (col == draws->names.end()) {
      throw DataError("the bootstrap draws do not give '" + level_name(name, level) + "'");
    }
    const auto c = static_cast<std::size_t>(col - draws->names.begin());
    std::vector<double> e, f;
    int failed = 0;
    for (const auto& row : draws->rows) {
      const double v = c < row.size() ? row[c] : std::nan("");
      failed += std::isfinite(v) ? 0 : 1;
      e.push_back(v);
      f.push_back(v * reference_bits / p);
    }
    run.intervals->failed.push_back(failed);
    run.intervals->ci95.push_back({{"eff", {percentile(e, 0.025), percentile(e, 0.975)}},
                                   {"efficiency", {percentile(f, 0.025), percentile(f, 0.975)}}});
    drawn.push_back(std::move(f));
  }
  if (draws) add_best_shares(drawn, run);
  if (!draws) {
    run.warnings.push_back("no intervals: the fit carries no bootstrap draws (fit with option " +
                           std::string("'bootstrap' K, option 'group' and option 'draws')"));
  }
  return run;
}

}  // namespace slfit::detail
