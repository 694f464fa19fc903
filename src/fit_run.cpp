// run_fit(): one request, every kind of fit the front ends offer: a plain fit, one per group,
// a fit from a format column, with hold-out, bootstrap (parameters, summary quantities, analyses
// at points, budgets) and prediction intervals.
#include <fmt/format.h>

#include <algorithm>

#include "fit_options.hpp"
#include "parameters.hpp"
#include "runtime_detail.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/output.hpp"
#include "slfit/runtime/requests.hpp"
#include "slfit/uncertainty/holdout.hpp"

namespace slfit {

namespace detail {

namespace {

// A parameter of the law, or one level of a per-level one (`eff[w4a4]`).
void check_parameter_name(const LawEntry& law, const FitOptions& o, const std::string& name) {
  std::string base, level;
  if (!split_level_name(name, base, level)) {
    law.parameter(name);
    return;
  }
  const ParameterSpec& p = law.parameters[law.parameter(base)];
  if (p.per.empty() && !o.per.count(base)) {
    throw UsageError("'" + name + "' names one level, but parameter '" + base + "' of law '" +
                     law.name + "' has one value (give it one per level with option 'per' " + base +
                     "=COLUMN)");
  }
}

// "eff=format:bf16" -> ("eff", {format, bf16}).
std::pair<std::string, PerLevel> parse_per(const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
    throw UsageError("option 'per' takes NAME=COLUMN or NAME=COLUMN:REFERENCE, got '" + item + "'");
  }
  PerLevel p;
  const std::string rest = item.substr(eq + 1);
  const auto colon = rest.find(':');
  p.column = rest.substr(0, colon);
  if (colon != std::string::npos) p.reference = rest.substr(colon + 1);
  if (p.column.empty() || (colon != std::string::npos && p.reference.empty()))
    throw UsageError("option 'per' '" + item + "': the column and the reference must not be empty");
  return {item.substr(0, eq), p};
}

// The per-level parameters of the fit: the law's own (with option 'format_column' and option
// 'reference' in place of the law's column and reference) and those of option 'per'.
void add_per_levels(const FitRequest& q, const LawEntry& law, FitOptions& o) {
  for (const auto& item : q.per) {
    auto [name, p] = parse_per(item);
    law.parameter(name);
    o.per[name] = p;
  }
  bool declared = false;
  for (const auto& s : law.parameters) {
    if (s.per.empty() || o.per.count(s.name)) continue;
    declared = true;
    PerLevel p{s.per, s.reference, s.reference_value};
    if (!q.format_column.empty()) p.column = q.format_column;
    if (!q.reference.empty()) p.reference = q.reference;
    o.per[s.name] = p;
  }
  if (!declared && (!q.format_column.empty() || !q.reference.empty())) {
    throw UsageError("option 'format_column' and option 'reference' go with a law that has a " +
                     std::string("per-level parameter; law '") + law.name + "' has none" +
                     (q.per.empty() ? "" : " besides those of option 'per'"));
  }
  if (!law.format_parameter.empty() && o.per.count(law.format_parameter) &&
      o.per[law.format_parameter].reference.empty()) {
    throw UsageError("law '" + law.name + "' needs option 'reference' FORMAT (the uncompressed " +
                     "format of column '" + o.per[law.format_parameter].column + "')");
  }
}

}  // namespace

FitOptions checked_options(const FitRequest& q, const LawEntry& law, const std::string& target) {
  FitOptions o = q.options;
  if (o.objective == Objective::kHuber && !(o.delta > 0.0)) {
    throw UsageError("option 'delta' must be positive");
  }
  if (o.screen_keep < 1) throw UsageError("option 'screen_keep' must be at least 1");
  check_counts(o);
  o.target = target;
  for (const auto& [name, header] : q.columns) {
    if (name == "target") {
      o.target = header;
    } else {
      detail::require_input(law, name);
      o.columns[name] = header;
    }
  }
  add_per_levels(q, law, o);
  for (const auto& [name, v] : o.fixed) check_parameter_name(law, o, name);
  for (const auto& [name, v] : o.bounds) check_parameter_name(law, o, name);
  for (const auto& point : o.starts.points)
    for (const auto& [name, v] : point) check_parameter_name(law, o, name);
  if (!q.fix_from.empty()) {
    for (const auto& [name, value] : detail::read_shared_params(q.fix_from, law))
      if (!o.fixed.count(name)) o.fixed[name] = value;  // an explicit fix wins
  }
  return o;
}

}  // namespace detail

namespace {

// The columns a fit reads must exist; a missing one is named with the closest header.
void check_columns(const LawEntry& law, const Table& table, const FitOptions& o,
                   const FitRequest& q) {
  const std::string target = column_for(o.columns, o.target);
  if (!table.has(target)) {
    throw DataError("no target column '" + target + "' in " + table.label() +
                    detail::did_you_mean(target, table.names()) +
                    "; columns are: " + detail::join(table.names()) +
                    " (choose one with option 'target' or option 'columns' target=HEADER)");
  }
  for (const auto& name : law.fitted_inputs()) {
    const std::string col = column_for(o.columns, name);
    if (table.has(col)) continue;
    std::string meaning;
    for (const auto& in : law.inputs)
      if (in.name == name) meaning = in.meaning;
    std::string msg = "law '" + law.name + "' needs input '" + name + "' (" + meaning + ")";
    const std::string guess = detail::closest_name(col, table.names());
    msg += (col != name ? ", mapped to column '" + col + "'" : std::string()) + ", but " +
           table.label() + " has no column '" + col + "'";
    if (!guess.empty()) {
      msg += " (did you mean '" + guess + "'? map it with option 'columns' " + name + "=" + guess +
             ")";
    } else if (col == name) {
      msg += " (map one with option 'columns' " + name + "=HEADER)";
    }
    throw DataError(msg + "; columns are: " + detail::join(table.names()));
  }
  if (o.weights) detail::require_column(table, *o.weights, "option 'weights'");
  if (!q.by.empty()) detail::require_column(table, q.by, "option 'by'");
  if (!q.group.empty()) detail::require_column(table, q.group, "option 'group'");
}

}  // namespace

namespace detail {

std::string target_name(const std::string& target) {
  return plain_target(target, Expression::parse(target)).value_or("target");
}

TableRequest fit_table_request(const FitRequest& q, const LawEntry& law, const FitOptions& o) {
  TableRequest data = q.data;
  const bool expression = target_name(q.data.target) == "target";
  if (!expression || q.columns.count("target"))
    data.target_column = column_for(o.columns, o.target);
  std::vector<std::string> keep;
  for (const auto& name : law.fitted_inputs()) keep.push_back(column_for(o.columns, name));
  if (o.weights) keep.push_back(*o.weights);
  for (const std::string* c : {&q.by, &q.group}) {
    if (!c->empty()) keep.push_back(*c);
  }
  for (const auto& [name, p] : o.per) keep.push_back(column_for(o.columns, p.column));
  if (!q.holdout.empty()) {
    for (const auto& v : Expression::parse(q.holdout).variables()) keep.push_back(v);
  }
  data.keep = std::move(keep);
  // The fit's own column checks, from the header alone: a missing input is named before a
  // large file is read.
  data.check_header = [&law, &q, o, expression](const Table& header) {
    Table h = header;
    if (expression && !h.has(o.target)) h.add_column(o.target, Array());
    check_columns(law, h, o, q);
  };
  return data;
}

}  // namespace detail

namespace {

std::string at_label(const Table& grid, Eigen::Index r, const std::string& first) {
  std::string at;
  for (const auto& n : grid.names())
    at += fmt::format("{}{}={:g}", at.empty() ? first : ",", n, grid.column(n)(r));
  return at;
}

// Every output of an analysis at every point becomes a quantity with intervals.
void add_analysis_quantities(const LawEntry& law, const FitRequest& q, const FitResult& best,
                             std::vector<DerivedQuantity>& out) {
  const Analysis& a = law.analysis(q.quantity);
  const Table grid = analysis_grid(q.quantity_at, law, a, "quantity_at");
  for (Eigen::Index r = 0; r < grid.rows(); ++r) {
    Row row;
    for (const auto& n : grid.names()) row[n] = grid.column(n)(r);
    const std::string at = at_label(grid, r, "@");
    const Outputs names = a.run(best.parameters, row);
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (row.count(names[k].first)) continue;  // an input echoed back
      out.push_back({names[k].first + at, [&a, row, k](const std::vector<double>& p) {
                       return a.run(p, row)[k].second;
                     }});
    }
  }
}

const Analysis* budget_analysis(const LawEntry& law) {
  for (const auto& a : law.analyses)
    if (!a.budget_outputs.empty()) return &a;
  return nullptr;
}

void add_budget_quantities(const LawEntry& law, const FitRequest& q,
                           std::vector<DerivedQuantity>& out) {
  const Analysis* a = budget_analysis(law);
  if (!a) {
    std::vector<std::string> with;
    for (const LawEntry* l : all_laws())
      if (budget_analysis(*l)) with.push_back(l->name);
    throw UsageError("option 'budget' applies to law" + std::string(with.size() > 1 ? "s " : " ") +
                     detail::join(with) + " only");
  }
  for (double c : q.budget) {
    const std::string at = fmt::format("@C={:g}", c);
    for (const auto& [output, reported] : a->budget_outputs) {
      out.push_back({reported + at, [a, c, output = output](const std::vector<double>& p) {
                       for (const auto& [n, v] : a->run(p, {{"C", c}}))
                         if (n == output) return v;
                       return std::nan("");
                     }});
    }
  }
}

// Quantities the bootstrap reports besides the parameters.
std::vector<DerivedQuantity> derived_quantities(const LawEntry& law, const FitRequest& q,
                                                const FitResult& best) {
  std::vector<DerivedQuantity> out;
  if (!q.quantity.empty()) {
    add_analysis_quantities(law, q, best, out);
  } else if (!q.quantity_at.empty()) {
    throw UsageError("option 'quantity_at' goes with option 'quantity'");
  }
  if (best.names.size() == law.parameters.size()) {  // not with per-level parameters
    for (const auto& s : law.summary)
      if (s.bootstrapped) out.push_back({s.name, s.value});
  }
  if (!q.budget.empty()) add_budget_quantities(law, q, out);
  if (!q.predict_at.empty()) {
    const Table at = law_grid(q.predict_at, law, "predict_at");
    for (Eigen::Index r = 0; r < at.rows(); ++r) {
      const Table one = at.select({r});
      out.push_back({"value" + at_label(at, r, "@"), [&law, one](const std::vector<double>& p) {
                       return law.evaluate(one, p, {})(0);
                     }});
    }
  }
  return out;
}

void check_request(const FitRequest& q) {
  if (q.bootstrap < 0) throw UsageError("option 'bootstrap' needs a positive number of resamples");
  if (q.bootstrap > kMaxResamples) {
    throw UsageError("option 'bootstrap' " + std::to_string(q.bootstrap) +
                     " is more than the limit of " + std::to_string(kMaxResamples) +
                     " resamples (each one is a refit whose parameters are kept)");
  }
  if (!q.group.empty() && q.bootstrap == 0) {
    throw UsageError("option 'group' goes with option 'bootstrap' K");
  }
  if (q.draws && q.bootstrap == 0) {
    throw UsageError("option 'draws' goes with option 'bootstrap' K (it keeps the resamples)");
  }
  if ((!q.quantity.empty() || !q.budget.empty()) && q.bootstrap == 0) {
    throw UsageError(
        "option 'quantity' and option 'budget' give bootstrap intervals: add option 'bootstrap' K");
  }
  if (q.bootstrap > 0 && !q.holdout.empty()) {
    throw UsageError("option 'bootstrap' and option 'holdout' cannot be combined yet");
  }
}

// The multipliers of a law with a format parameter, by format (the reference first).
CompressionFit format_multipliers(const LawEntry& law, const FitOptions& o, const FitResult& fit) {
  CompressionFit c;
  c.fit = fit;
  const PerLevel& per = o.per.at(law.format_parameter);
  c.format_column = per.column;
  c.reference = per.reference;
  for (std::size_t i = 0; i < fit.names.size(); ++i) {
    std::string base, level;
    if (!detail::split_level_name(fit.names[i], base, level) || base != law.format_parameter)
      continue;
    c.multipliers.emplace_back(level, fit.parameters[i]);
    c.standard_errors.emplace_back(level, fit.standard_errors[i]);
    if (level != c.reference) c.slots.emplace_back(level, fit.names[i]);
  }
  return c;
}

// A formula law that is not finite at any start is a mistake in the law (a log of a negative
// parameter, a power of a negative base), not an outcome of the fit: one line naming it.
void check_formula_finite(const LawEntry& law, const FitResult& fit, const Table& table) {
  if (law.formula.empty() || fit.status != FitStatus::kFailed ||
      fit.starts_failed < fit.starts_tried)
    return;
  throw DataError((law.source.empty() ? "law '" + law.name + "'" : law.source) +
                  ": formula: NaN or infinite at every one of the " +
                  std::to_string(fit.starts_tried) + " starts on " + table.label() +
                  "; check where the formula is defined against the parameters' bounds and grids");
}

void run_single_fit(FitRun& run) {
  const FitRequest& q = run.request;
  const LawEntry& law = *run.law;
  const Table& table = run.data.table;
  if (!run.options.per.empty() &&
      (!q.predict_at.empty() || !q.quantity.empty() || !q.budget.empty() || !q.fix_from.empty())) {
    throw UsageError("option 'predict_at', option 'quantity', option 'budget' and option " +
                     std::string("'fix_from' are not available with per-level parameters yet ") +
                     "(use predict with option 'data' on the fit's JSON)");
  }
  if (!q.holdout.empty()) {
    run.held_out = holdout_mask(table, Expression::parse(q.holdout));
    run.holdout = holdout(table, run.held_out, law.candidate(run.options));
    run.fit = run.holdout->fit;
  } else {
    run.fit = law.fit(table, run.options);
  }
  check_formula_finite(law, *run.fit, table);
  if (!q.fix_from.empty())
    law.add_first_stage(table, run.options, read_fit_json(q.fix_from), *run.fit);
  if (q.bootstrap > 0) {
    BootstrapOptions bo;
    bo.resamples = q.bootstrap;
    bo.seed = run.options.seed;
    bo.threads = run.options.threads;
    bo.from_starts = q.bootstrap_from_starts;
    if (!q.group.empty()) bo.group = q.group;
    bo.progress = q.progress;
    bo.stop = q.stop;
    bo.derived = derived_quantities(law, q, *run.fit);
    run.bootstrap = law.bootstrap(table, run.options, bo, &*run.fit);
  }
  if (!q.predict_at.empty()) {
    run.prediction_points = law_grid(q.predict_at, law, "predict_at");
    PredictionOptions po;
    po.seed = run.options.seed;
    po.method = run.bootstrap ? PredictionMethod::kBootstrap : PredictionMethod::kDelta;
    run.predictions = law.predict_intervals(run.prediction_points, run.options, *run.fit,
                                            run.bootstrap ? &*run.bootstrap : nullptr, po);
  }
}

}  // namespace

bool FitRun::failed() const {
  if (!groups.empty()) {
    return std::any_of(groups.begin(), groups.end(),
                       [](const GroupFit& g) { return g.fit.status == FitStatus::kFailed; });
  }
  return !fit || fit->status == FitStatus::kFailed;
}

std::vector<std::string> FitRun::warnings() const {
  std::vector<std::string> out;
  for (const auto& g : groups) {
    if (g.fit.status == FitStatus::kNotConverged) {
      out.push_back("group " + g.column + " = " + format_group_value(g.value) +
                    " did not converge: " + g.fit.message);
    }
  }
  if (groups.empty() && fit && fit->status == FitStatus::kNotConverged) {
    out.push_back("the best start did not converge: " + fit->message);
  }
  return out;
}

FitRun run_fit(const FitRequest& request) {
  FitRun run;
  run.request = request;
  run.law = request.entry ? request.entry.get() : &resolve_law(request.law);
  const LawEntry& law = *run.law;
  run.source = request.data.path;
  run.options = detail::checked_options(request, law, detail::target_name(request.data.target));
  run.data = load_table(detail::fit_table_request(request, law, run.options));
  if (!request.by.empty()) {
    if (!run.options.per.empty()) {
      throw UsageError("option 'by' is not available with per-level parameters (law '" + law.name +
                       "'): give the groups' column its own per-level parameter");
    }
    run.groups = fit_by_group(run.data.table, request.by,
                              [&](const Table& t) { return law.fit(t, run.options); });
    return run;
  }
  check_request(request);
  run_single_fit(run);
  if (!law.format_parameter.empty() && run.fit)
    run.formats = format_multipliers(law, run.options, *run.fit);
  return run;
}

}  // namespace slfit
