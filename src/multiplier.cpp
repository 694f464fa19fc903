// The compute multiplier of `slfit optimal --quantity multiplier --vs B`: how many times more
// compute one fit of a loss law of N and D needs to reach the loss a second fit reaches at C, and
// its interval from the two fits' bootstrap draws taken in pairs.
#include <algorithm>
#include <array>
#include <cmath>

#include "runtime_detail.hpp"
#include "slfit/detail/parallel.hpp"
#include "slfit/uncertainty/intervals.hpp"

namespace slfit::detail {

namespace {

double output(const Outputs& outputs, const char* name) {
  const auto it = std::find_if(outputs.begin(), outputs.end(),
                               [&](const auto& kv) { return kv.first == name; });
  return it->second;
}

}  // namespace

std::shared_ptr<const Analysis> compute_multiplier(const LawEntry& law,
                                                   const std::vector<double>& second) {
  auto has = [&](const char* quantity) {
    return std::any_of(law.analyses.begin(), law.analyses.end(),
                       [&](const Analysis& a) { return a.quantity == quantity; });
  };
  if (!has("allocation") || !has("compute")) {
    throw UsageError(
        "option 'vs' needs a loss law of N and D (its allocation and compute "
        "analyses); law '" +
        law.name + "' has neither");
  }
  auto a = std::make_shared<Analysis>();
  a->quantity = "multiplier";
  a->required = law.analysis("allocation").required;
  a->help =
      "compute multiplier: how many times the compute C the first fit needs to reach the "
      "loss the second (option 'vs') reaches at C, both compute-optimal";
  a->plotted = {"multiplier"};
  a->plot_label = "compute multiplier";
  // The first fit's parameters come as the analysis' own; the second's are held here, so that
  // reports and figures evaluate it as any other analysis.
  a->run = [entry = &law, second](const std::vector<double>& first, const Row& r) {
    return multiplier_at(*entry, first, second, r);
  };
  return a;
}

Outputs multiplier_at(const LawEntry& law, const std::vector<double>& first,
                      const std::vector<double>& second, const Row& r) {
  Row target = r;
  target["loss"] = output(law.analysis("allocation").run(second, r), "loss");
  const double c = *get(r, "C"), c_first = output(law.analysis("compute").run(first, target), "C");
  return {{"loss", target["loss"]}, {"C_first", c_first}, {"multiplier", c_first / c}};
}

std::optional<std::vector<std::vector<double>>> law_draws(
    const LawEntry& law, const std::optional<ParameterDraws>& given, const std::string& path,
    const std::string& option) {
  std::optional<ParameterDraws> draws = given;
  if (!draws && !path.empty()) draws = read_parameter_draws(path);
  if (!draws) return std::nullopt;
  std::vector<std::size_t> column;
  for (const auto& p : law.parameters) {
    const auto it = std::find(draws->names.begin(), draws->names.end(), p.name);
    if (it == draws->names.end()) {
      throw DataError("option '" + option + "': the bootstrap draws do not give parameter '" +
                      p.name + "' of law '" + law.name + "'");
    }
    column.push_back(static_cast<std::size_t>(it - draws->names.begin()));
  }
  std::vector<std::vector<double>> out;
  out.reserve(draws->rows.size());
  for (std::size_t r = 0; r < draws->rows.size(); ++r) {
    const auto& row = draws->rows[r];
    if (row.size() != draws->names.size()) {
      throw UsageError("option '" + option + "': bootstrap draw " + std::to_string(r) + " has " +
                       std::to_string(row.size()) + " values for " +
                       std::to_string(draws->names.size()) + " parameters");
    }
    std::vector<double> p;
    for (std::size_t c : column) p.push_back(row[c]);
    out.push_back(std::move(p));
  }
  return out;
}

std::pair<int, std::vector<std::pair<std::string, Interval>>> paired_intervals(
    const LawEntry& law, const std::vector<std::vector<double>>& first,
    const std::vector<std::vector<double>>& second, const Row& r) {
  const std::size_t pairs = std::min(first.size(), second.size());
  const char* names[] = {"loss", "C_first", "multiplier"};
  // One slot per pair, so the interval cannot depend on the number of threads.
  std::vector<std::array<double, 3>> values(pairs);
  detail::parallel_for(pairs, detail::thread_count(0, pairs), [&](std::size_t i) {
    values[i].fill(std::nan(""));
    const auto finite = [](const std::vector<double>& p) {
      return std::all_of(p.begin(), p.end(), [](double x) { return std::isfinite(x); });
    };
    if (!finite(first[i]) || !finite(second[i])) return;  // a failed resample
    try {
      const Outputs out = multiplier_at(law, first[i], second[i], r);
      for (std::size_t k = 0; k < 3; ++k) values[i][k] = output(out, names[k]);
    } catch (const Error&) {  // that draw's loss out of the other's reach: counted as failed
    }
  });
  std::array<std::vector<double>, 3> kept;
  int failed = 0;
  for (const auto& d : values) {
    if (!(std::isfinite(d[0]) && std::isfinite(d[1]) && std::isfinite(d[2]) && d[2] > 0.0)) {
      ++failed;
      continue;
    }
    for (std::size_t k = 0; k < 3; ++k) kept[k].push_back(d[k]);
  }
  std::vector<std::pair<std::string, Interval>> ci;
  for (std::size_t k = 0; k < 3; ++k)
    ci.emplace_back(names[k], Interval{percentile(kept[k], 0.025), percentile(kept[k], 0.975)});
  return {failed, std::move(ci)};
}

}  // namespace slfit::detail
