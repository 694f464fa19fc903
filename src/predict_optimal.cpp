// run_predict() and run_optimal(): a law's values and its analyses at points, with preset or
// fitted parameters.
#include <algorithm>

#include "runtime_detail.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {

namespace detail {

ColumnMap input_map(const LawEntry& law,
                    const std::map<std::string, std::string, std::less<>>& columns) {
  ColumnMap map;
  for (const auto& [name, header] : columns) {
    if (name == "target") continue;
    detail::require_input(law, name);
    map[name] = header;
  }
  return map;
}

// Every input of the law must have its column (after mapping), named with the closest header.
void check_inputs(const LawEntry& law, const Table& table, const ColumnMap& map) {
  for (const auto& in : law.inputs) {
    const std::string col = column_for(map, in.name);
    if (table.has(col)) continue;
    const std::string guess = detail::closest_name(col, table.names());
    throw DataError("law '" + law.name + "' needs input '" + in.name + "' (" + in.meaning +
                    "), but " + table.label() + " has no column '" + col + "'" +
                    (guess.empty() ? " (map one with option 'columns' " + in.name + "=HEADER)"
                                   : " (did you mean '" + guess + "'? map it with option " +
                                         "'columns' " + in.name + "=" + guess + ")") +
                    "; columns are: " + detail::join(table.names()));
  }
}

// The law's inputs read from the rows of a table (after --col mapping), in the law's order.
Table inputs_from_data(const LawEntry& law, const LoadedTable& data, const ColumnMap& map) {
  check_inputs(law, data.table, map);
  Table out(data.table.source());
  for (const auto& in : law.inputs)
    out.add_column(in.name, data.table.column(column_for(map, in.name)));
  return out;
}

}  // namespace detail

namespace {

using detail::check_inputs;
using detail::input_map;
using detail::inputs_from_data;

// With draws of both fits the multiplier gets intervals; with draws of one, a warning says why it
// has none.
void paired_draws_notes(const std::optional<std::vector<std::vector<double>>>& first,
                        const std::optional<std::vector<std::vector<double>>>& second,
                        OptimalRun& run) {
  if (!first && !second) return;
  if (!first || !second) {
    run.warnings.push_back(
        std::string("no interval for the multiplier: only the ") +
        (first ? "first fit (option 'params')" : "second fit (option 'vs')") +
        " carries bootstrap draws; fit both with options 'bootstrap' K, 'seed' S and 'draws'");
    return;
  }
  if (first->size() != second->size()) {
    run.warnings.push_back("the fits carry " + std::to_string(first->size()) + " and " +
                           std::to_string(second->size()) +
                           " bootstrap draws: the intervals pair the first " +
                           std::to_string(std::min(first->size(), second->size())) + " of each");
  }
  run.intervals.emplace();
  run.intervals->pairs = static_cast<int>(std::min(first->size(), second->size()));
}

}  // namespace

PredictRun run_predict(const PredictRequest& q) {
  PredictRun run;
  run.entry = q.entry;
  run.law = q.entry ? q.entry.get() : &resolve_law(q.law);
  const LawEntry& law = *run.law;
  run.preset = q.preset;
  run.params_path = q.params;
  const bool levels = has_levels(law);
  if (levels) {
    run.named = chosen_named_parameters(law, q.preset, q.params, q.parameters);
  } else {
    run.parameters = chosen_parameters(law, q.preset, q.params, q.parameters);
  }
  std::optional<Table> level_rows;  // with per-level parameters: the inputs and each row's levels
  if (q.data) {
    if (!q.at.empty()) throw UsageError("give option 'at' or option 'data', not both");
    // Only the law's inputs and the observed target are kept from the file, and the inputs are
    // checked from its header before the body is read.
    const ColumnMap map = input_map(law, q.columns);
    TableRequest request = *q.data;
    std::vector<std::string> keep;
    for (const auto& in : law.inputs) keep.push_back(column_for(map, in.name));
    for (const auto& p : law.parameters)
      if (!p.per.empty()) keep.push_back(column_for(map, p.per));
    if (auto it = q.columns.find("target"); it != q.columns.end()) keep.push_back(it->second);
    request.keep = std::move(keep);
    request.check_header = [&](const Table& header) { check_inputs(law, header, map); };
    const LoadedTable data = load_table(request);
    run.inputs = inputs_from_data(law, data, map);
    run.from_data = true;
    if (levels) {
      level_rows = run.inputs;
      for (const auto& p : law.parameters) {
        const std::string col = column_for(map, p.per);
        if (p.per.empty() || level_rows->has(p.per)) continue;
        if (!data.table.has(col)) {
          throw DataError("law '" + law.name + "': parameter '" + p.name +
                          "' has one value per level of column '" + col + "', but " +
                          data.table.label() + " has no column '" + col + "'");
        }
        level_rows->add_text_column(p.per, data.table.labels(col));
      }
    }
    std::string target = data.target;
    if (auto it = q.columns.find("target"); it != q.columns.end()) target = it->second;
    if (data.table.has(target)) run.observed = data.table.column(target);
  } else {
    if (q.at.empty()) throw UsageError("give option 'at' NAME=V1,V2 (or option 'data' FILE)");
    if (levels) {
      throw UsageError("law '" + law.name + "' has per-level parameters: give option 'data', a " +
                       "table whose rows name their levels");
    }
    if (!q.columns.empty()) throw UsageError("option 'columns' goes with option 'data'");
    run.inputs = law_grid(q.at, law);
  }
  if (levels) {
    std::vector<std::string> names;
    std::vector<double> values;
    for (const auto& [n, v] : run.named) {
      names.push_back(n);
      values.push_back(v);
    }
    run.values = law.evaluate_named(*level_rows, names, values, {});
  } else {
    run.values = law.evaluate(run.inputs, run.parameters, {});
  }
  return run;
}

OptimalRun run_optimal(const OptimalRequest& q) {
  OptimalRun run;
  run.entry = q.entry;
  run.law = q.entry ? q.entry.get() : &resolve_law(q.law);
  const LawEntry& law = *run.law;
  if (q.quantity == "precision-efficiency") {
    OptimalRun levels = detail::run_precision_efficiency(q, law);
    levels.law = run.law;
    levels.entry = run.entry;
    return levels;
  }
  if (!q.bits.empty()) throw UsageError("option 'bits' goes with quantity precision-efficiency");
  const bool versus = !q.vs.empty() || !q.vs_parameters.empty();
  if (versus && q.quantity != "multiplier") {
    throw UsageError("option 'vs' goes with option 'quantity' multiplier (the compute multiplier)");
  }
  if (versus) {
    run.vs = chosen_parameters(law, "", q.vs, q.vs_parameters);
    run.multiplier = detail::compute_multiplier(law, run.vs);
    run.analysis = run.multiplier.get();
  } else if (q.draws || q.vs_draws) {
    throw UsageError("bootstrap draws go with option 'quantity' multiplier and option 'vs'");
  } else {
    run.analysis = &law.analysis(q.quantity);
  }
  run.preset = q.preset;
  run.params_path = q.params;
  run.parameters = chosen_parameters(law, q.preset, q.params, q.parameters);
  run.grid = analysis_grid(q.at, law, *run.analysis);
  std::optional<std::vector<std::vector<double>>> first, second;
  if (versus) {
    first = detail::law_draws(law, q.draws, q.params, "params");
    second = detail::law_draws(law, q.vs_draws, q.vs, "vs");
    paired_draws_notes(first, second, run);
  }
  const auto names = run.grid.names();
  for (Eigen::Index i = 0; i < run.grid.rows(); ++i) {
    Row r;
    Outputs out;
    for (const auto& n : names) {
      r[n] = run.grid.column(n)(i);
      out.emplace_back(n, r[n]);
    }
    Outputs computed = run.analysis->run(run.parameters, r);
    if (run.intervals) {
      auto [failed, ci] = detail::paired_intervals(law, *first, *second, r);
      run.intervals->failed.push_back(failed);
      run.intervals->ci95.push_back(std::move(ci));
    }
    for (auto& kv : computed) {
      // An input the analysis also reports (N when N was given) appears once.
      auto same =
          std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.first == kv.first; });
      if (same == out.end()) {
        out.push_back(std::move(kv));
      } else {
        same->second = kv.second;
      }
    }
    run.rows.push_back(std::move(out));
  }
  for (const auto& s : law.summary) run.summary.emplace_back(s.name, s.value(run.parameters));
  return run;
}

}  // namespace slfit
