// `slfit fit`: its flags, the fit options they make, and the runs: one fit (with bootstrap,
// hold-out and prediction intervals), one fit per --by group, and Frantar et al.'s compression law;
// outputs as text, JSON or CSV, and the --plot figure.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common.hpp"
#include "csv_output.hpp"
#include "figures.hpp"
#include "json_output.hpp"
#include "optimal.hpp"
#include "plot.hpp"
#include "slfit/slfit.hpp"
#include "uncertainty_output.hpp"

namespace slfit::tool {

struct FitArgs {
  std::string law, data, target = "loss", objective = "squared", space = "log", starts = "default";
  std::vector<std::string> cols, derives, wheres, fixes, bounds, start_points;
  std::string weights, by, fix_from, format_column = "format", reference;
  bool skip_nonpositive = false, bootstrap_from_starts = false;
  int bootstrap = 0;
  std::string group, holdout;
  std::vector<std::string> predict_at, budgets, quantity_at;
  std::string quantity;
  double delta = 1e-3;
  std::uint64_t seed = 0;
  int threads = 0;
  std::string screening = "auto", solver = "auto";
  int screen_keep = 32;
  bool json = false, csv = false;
  std::string plot;
};

inline void add_fit_options(CLI::App* cmd, FitArgs& a) {
  cmd->add_option("--data", a.data, "CSV file with a header row")->required();
  cmd->add_option("--col", a.cols, "map a law input or the target to a CSV header: NAME=HEADER");
  cmd->add_option("--derive", a.derives, "add a column: NAME=EXPR (+ - * / ^, log, exp, ...)");
  cmd->add_option("--where", a.wheres, "keep rows where EXPR holds, e.g. \"C < 1e21\"");
  cmd->add_option("--target", a.target, "what is fitted: a column or an expression")
      ->capture_default_str();
  cmd->add_option("--objective", a.objective, "squared | huber | absolute")->capture_default_str();
  cmd->add_option("--delta", a.delta, "Huber's threshold (in the residual's units)")
      ->capture_default_str();
  cmd->add_option("--space", a.space, "residuals in log or linear space")->capture_default_str();
  cmd->add_option("--starts", a.starts, "default | hoffmann | random:K")->capture_default_str();
  cmd->add_option("--start", a.start_points,
                  "one explicit start: NAME=VALUE,NAME=VALUE (repeat for several; others default)");
  cmd->add_option("--seed", a.seed, "seed for random starts")->capture_default_str();
  cmd->add_option("--fix", a.fixes, "hold a parameter fixed: NAME=VALUE");
  cmd->add_option("--bound", a.bounds, "bounds of a parameter: NAME=LO:HI (inf allowed)");
  cmd->add_option("--weights", a.weights, "column of nonnegative row weights");
  cmd->add_option("--threads", a.threads, "threads for the starts (0: all cores)");
  cmd->add_option("--screening", a.screening,
                  "auto | objective | off: cut large start lists to the best --screen-keep "
                  "(auto: with variable projection of linear parameters)")
      ->capture_default_str();
  cmd->add_option("--screen-keep", a.screen_keep, "starts solved after screening")
      ->capture_default_str();
  cmd->add_option("--solver", a.solver,
                  "auto (dense LM from each start, Ceres polishes) | ceres | dense")
      ->capture_default_str();
  cmd->add_option("--by", a.by, "fit separately for each value of COLUMN");
  cmd->add_option("--format-column", a.format_column,
                  "compression law: the column naming each row's format")
      ->capture_default_str();
  cmd->add_option("--reference", a.reference,
                  "compression law: the uncompressed format (its multiplier is 1)");
  cmd->add_option("--fix-from", a.fix_from,
                  "fix every parameter this law shares with a fit --json file (two-stage fits)");
  cmd->add_flag("--skip-nonpositive", a.skip_nonpositive,
                "in log space, leave out rows whose target is <= 0 (and list them)");
  cmd->add_option("--bootstrap", a.bootstrap, "resampling intervals from K refits");
  cmd->add_option("--group", a.group, "with --bootstrap: resample whole groups of this column");
  cmd->add_flag("--bootstrap-from-starts", a.bootstrap_from_starts,
                "refit each resample from the start grid, not from the best fit");
  cmd->add_option("--predict-at", a.predict_at,
                  "prediction intervals at NAME=V1,V2 (repeat for a grid; bootstrap if given)");
  cmd->add_option("--budget", a.budgets,
                  "chinchilla: compute budgets C for N_opt, D_opt, tokens per parameter");
  cmd->add_option("--quantity", a.quantity,
                  "with --bootstrap: intervals for an `slfit optimal` quantity (dcrit, ...)");
  cmd->add_option("--quantity-at", a.quantity_at, "inputs of --quantity: NAME=V1,V2 (repeat)");
  cmd->add_option("--holdout", a.holdout,
                  "fit on the other rows and report the error on the rows where EXPR holds");
  cmd->add_flag("--json", a.json, "print one JSON object");
}

inline double parse_bound(const std::string& s, const std::string& what) {
  const std::string t = trim(s);
  if (t == "inf" || t == "+inf") return kInf;
  if (t == "-inf") return -kInf;
  return parse_number(t, what);
}

inline FitOptions fit_options(const FitArgs& a, const LawEntry& law,
                              const std::string& target_column) {
  FitOptions o;
  o.objective = parse_objective(a.objective);
  o.space = parse_space(a.space);
  o.delta = a.delta;
  if (o.objective == Objective::kHuber && !(a.delta > 0.0)) {
    throw UsageError("--delta must be positive");
  }
  o.starts = parse_starts(a.starts);
  if (!a.start_points.empty()) {
    std::vector<std::map<std::string, double, std::less<>>> points;
    for (const auto& sp : a.start_points) {
      std::map<std::string, double, std::less<>> point;
      std::stringstream ss(sp);
      std::string item;
      while (std::getline(ss, item, ',')) {
        auto [name, value] = split_key_value(item, "--start");
        law.parameter(name);
        point[name] = parse_number(value, "--start " + name);
      }
      points.push_back(std::move(point));
    }
    o.starts = StartSpec::explicit_points(std::move(points));
  }
  o.seed = a.seed;
  o.threads = a.threads;
  o.screening = parse_screening(a.screening);
  o.solver = parse_solver(a.solver);
  if (a.screen_keep < 1) throw UsageError("--screen-keep must be at least 1");
  o.screen_keep = a.screen_keep;
  o.target = target_column;
  for (const auto& c : a.cols) {
    auto [name, header] = split_key_value(c, "--col");
    if (name != "target") law_input_check(law, name);
    if (name == "target") {
      o.target = header;
    } else {
      o.columns[name] = header;
    }
  }
  for (const auto& f : a.fixes) {
    auto [name, value] = split_key_value(f, "--fix");
    law.parameter(name);
    o.fixed[name] = parse_number(value, "--fix " + name);
  }
  for (const auto& b : a.bounds) {
    auto [name, range] = split_key_value(b, "--bound");
    law.parameter(name);
    const auto colon = range.find(':');
    if (colon == std::string::npos) throw UsageError("--bound expects NAME=LO:HI, got '" + b + "'");
    o.bounds[name] = {parse_bound(range.substr(0, colon), "--bound " + name),
                      parse_bound(range.substr(colon + 1), "--bound " + name)};
  }
  if (!a.weights.empty()) o.weights = a.weights;
  o.skip_nonpositive = a.skip_nonpositive;
  if (!a.fix_from.empty()) {
    const auto shared = read_shared_params(a.fix_from, law);
    for (const auto& [name, value] : shared)
      if (!o.fixed.count(name)) o.fixed[name] = value;  // an explicit --fix wins
  }
  return o;
}

// The rows of each --by group, for the plot.
inline std::vector<FitPart> by_parts(const Table& table, const std::string& by,
                                     const std::vector<GroupFit>& groups) {
  std::vector<FitPart> parts;
  const Array& c = table.column(by);
  for (const auto& g : groups) {
    FitPart p{{}, g.fit.parameters, g.value};
    for (Eigen::Index r = 0; r < c.size(); ++r)
      if (c(r) == g.value) p.rows.push_back(r);
    parts.push_back(std::move(p));
  }
  return parts;
}

inline std::string fit_title(const FitArgs& a, const LawEntry& law, const Table& table,
                             const FitResult& r) {
  return fmt::format("slfit fit --law {}: {} ({} rows{}), {}", law.name,
                     std::filesystem::path(a.data).filename().string(), table.rows(),
                     a.by.empty() ? "" : ", by " + a.by, objective_label(r));
}

inline int run_fit_by(const FitArgs& a, const LawEntry& law, const Table& table,
                      const FitOptions& o) {
  const auto groups = fit_by_group(table, a.by, [&](const Table& t) { return law.fit(t, o); });
  bool failed = false;
  if (a.csv) {
    std::cout << fit_by_csv(groups, law.parameter_names());
  } else if (a.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& g : groups) {
      nlohmann::ordered_json j;
      j["by"] = g.column;
      j["group"] = g.value;
      const nlohmann::ordered_json fit = fit_json(g.fit);
      for (auto it = fit.begin(); it != fit.end(); ++it) j[it.key()] = it.value();
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& g : groups) {
      std::cout << fmt::format("== {} = {} ({} rows)\n", g.column, format_group_value(g.value),
                               g.rows)
                << full_report(g.fit) << "\n";
    }
    std::cout << fmt::format("summary by {}:\n{:>10}", a.by, a.by);
    for (const auto& n : law.parameter_names()) std::cout << fmt::format(" {:>12}", n);
    std::cout << fmt::format(" {:>14} {}\n", "objective", "status");
    for (const auto& g : groups) {
      std::cout << fmt::format("{:>10}", format_group_value(g.value));
      for (double v : g.fit.parameters) std::cout << fmt::format(" {:>12}", format_value(v));
      std::cout << fmt::format(" {:>14} {}\n", format_value(g.fit.objective_value, 8),
                               to_string(g.fit.status));
    }
  }
  if (!a.plot.empty() && !groups.empty()) {
    plot::render(fit_figure(law, table, o.columns, o.target, by_parts(table, a.by, groups), a.by,
                            nullptr, fit_title(a, law, table, groups.front().fit)),
                 a.plot);
  }
  for (const auto& g : groups) {
    if (g.fit.status == FitStatus::kFailed) failed = true;
    if (g.fit.status == FitStatus::kNotConverged) {
      std::cerr << "slfit: warning: group " << a.by << " = " << format_group_value(g.value)
                << " did not converge: " << g.fit.message << "\n";
    }
  }
  if (failed) {
    std::cerr << "slfit: error: the fit failed for at least one group\n";
    return 1;
  }
  return 0;
}

// Frantar et al.'s law needs the format column turned into one multiplier per format.
inline int run_fit_compression(const FitArgs& a, const Table& table, const FitOptions& o) {
  if (a.reference.empty()) {
    throw UsageError("--law compression needs --reference FORMAT (the uncompressed format)");
  }
  if (!a.plot.empty()) throw UsageError("--plot is not available with --law compression yet");
  if (a.csv) throw UsageError("--csv is not available with --law compression yet; use --json");
  if (!a.by.empty()) throw UsageError("--by is not available with --law compression");
  const CompressionFit c = fit_compression(table, a.format_column, a.reference, o);
  if (a.json) {
    nlohmann::ordered_json j = fit_json(c.fit);
    nlohmann::ordered_json m = nlohmann::ordered_json::object(), se = m;
    for (const auto& [name, v] : c.multipliers) m[name] = number_or_null(v);
    for (const auto& [name, v] : c.standard_errors) se[name] = number_or_null(v);
    j["format_column"] = c.format_column;
    j["reference"] = c.reference;
    j["multipliers"] = m;
    j["multiplier_standard_errors"] = se;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << full_report(c.fit)
              << fmt::format("\n{:<16} {:>12} {:>12}\n", "format", "multiplier", "std. error");
    for (std::size_t i = 0; i < c.multipliers.size(); ++i) {
      std::cout << fmt::format("{:<16} {:>12} {:>12}\n", c.multipliers[i].first,
                               format_value(c.multipliers[i].second),
                               format_value(c.standard_errors[i].second, 4));
    }
  }
  return c.fit.status == FitStatus::kFailed ? 1 : 0;
}

// Quantities the bootstrap reports besides the parameters: Chinchilla's allocation exponent and,
// for each --budget, the compute-optimal N, D and tokens per parameter; for any law, its value at
// each --predict-at point.
inline std::vector<DerivedQuantity> derived_quantities(const LawEntry& law, const FitArgs& a,
                                                       const FitResult& best) {
  std::vector<DerivedQuantity> out;
  if (!a.quantity.empty()) {
    // Every output of the analysis at every grid point becomes a quantity with intervals.
    const OptimalSpec& spec = find_optimal(law.name, a.quantity);
    const Table grid = optimal_grid(a.quantity_at, spec);
    for (Eigen::Index r = 0; r < grid.rows(); ++r) {
      Row row;
      std::string at;
      for (const auto& n : grid.names()) {
        row[n] = grid.column(n)(r);
        at += fmt::format("{}{}={:g}", at.empty() ? "@" : ",", n, row[n]);
      }
      const Outputs names = spec.run(best.parameters, row);
      for (std::size_t k = 0; k < names.size(); ++k) {
        if (row.count(names[k].first)) continue;  // an input echoed back
        out.push_back({names[k].first + at, [&spec, row, k](const std::vector<double>& p) {
                         return spec.run(p, row)[k].second;
                       }});
      }
    }
  } else if (!a.quantity_at.empty()) {
    throw UsageError("--quantity-at goes with --quantity");
  }
  if (law.name == "chinchilla") {
    out.push_back({"a", [](const std::vector<double>& p) { return chinchilla_exponents(p).a; }});
    for (const auto& b : a.budgets) {
      const double c = parse_number(b, "--budget");
      const std::string at = fmt::format("@C={:g}", c);
      out.push_back({"N_opt" + at,
                     [c](const std::vector<double>& p) { return chinchilla_allocation(p, c).N; }});
      out.push_back({"D_opt" + at,
                     [c](const std::vector<double>& p) { return chinchilla_allocation(p, c).D; }});
      out.push_back({"tokens_per_parameter" + at, [c](const std::vector<double>& p) {
                       return chinchilla_allocation(p, c).tokens_per_parameter();
                     }});
    }
  } else if (!a.budgets.empty()) {
    throw UsageError("--budget applies to law chinchilla only");
  }
  if (!a.predict_at.empty()) {
    const Table at = parse_at(a.predict_at, law);
    for (Eigen::Index r = 0; r < at.rows(); ++r) {
      std::string name = "value@";
      const Table one = at.select({r});
      for (const auto& n : at.names())
        name += fmt::format("{}{}={:g}", name.size() > 6 ? "," : "", n, at.column(n)(r));
      out.push_back({name, [&law, one](const std::vector<double>& p) {
                       return law.evaluate(one, p, {})(0);
                     }});
    }
  }
  return out;
}

// The columns a fit reads must exist; a missing one is named with the closest header.
inline void check_fit_columns(const LawEntry& law, const Table& table, const FitOptions& o,
                              const FitArgs& a) {
  const std::string target = column_for(o.columns, o.target);
  if (!table.has(target)) {
    throw DataError("no target column '" + target + "' in " + table.label() +
                    detail::did_you_mean(target, table.names()) +
                    "; columns are: " + detail::join(table.names()) +
                    " (choose one with --target or --col target=HEADER)");
  }
  for (const auto& in : law.inputs) {
    if (law.name == "compression" && in.name != "N" && in.name != "D") continue;
    const std::string col = column_for(o.columns, in.name);
    if (table.has(col)) continue;
    std::string msg = "law '" + law.name + "' needs input '" + in.name + "' (" + in.meaning + ")";
    const std::string guess = closest_name(col, table.names());
    msg += (col != in.name ? ", mapped to column '" + col + "'" : std::string()) + ", but " +
           table.label() + " has no column '" + col + "'";
    if (!guess.empty()) {
      msg += " (did you mean '" + guess + "'? map it with --col " + in.name + "=" + guess + ")";
    } else if (col == in.name) {
      msg += " (map one with --col " + in.name + "=HEADER)";
    }
    throw DataError(msg + "; columns are: " + detail::join(table.names()));
  }
  if (!a.weights.empty()) require_column(table, a.weights, "--weights");
  if (!a.by.empty()) require_column(table, a.by, "--by");
  if (!a.group.empty()) require_column(table, a.group, "--group");
}

inline int run_fit(const FitArgs& a) {
  if (!a.plot.empty()) plot::check_plot_path(a.plot);
  if (a.json && a.csv) throw UsageError("give at most one of --json and --csv");
  const LawEntry& law = find_law(a.law);
  LoadedTable t = load_table(a.data, a.derives, a.wheres, a.target);
  const FitOptions o = fit_options(a, law, t.target);
  check_fit_columns(law, t.table, o, a);
  if (law.name == "compression") return run_fit_compression(a, t.table, o);
  if (!a.by.empty()) return run_fit_by(a, law, t.table, o);
  if (a.bootstrap < 0) throw UsageError("--bootstrap needs a positive number of resamples");
  if (!a.group.empty() && a.bootstrap == 0) throw UsageError("--group goes with --bootstrap K");
  if ((!a.quantity.empty() || !a.budgets.empty()) && a.bootstrap == 0) {
    throw UsageError("--quantity and --budget give bootstrap intervals: add --bootstrap K");
  }
  std::optional<HoldoutResult> held;
  FitResult r;
  if (!a.holdout.empty()) {
    held = slfit::holdout(t.table, Expression::parse(a.holdout), law.candidate(o));
    r = held->fit;
  } else {
    r = law.fit(t.table, o);
  }
  if (!a.fix_from.empty()) law.add_first_stage(t.table, o, read_fit_json(a.fix_from), r);
  std::optional<BootstrapResult> boot;
  if (a.bootstrap > 0) {
    if (held) throw UsageError("--bootstrap and --holdout cannot be combined yet");
    BootstrapOptions bo;
    bo.resamples = a.bootstrap;
    bo.seed = a.seed;
    bo.threads = a.threads;
    bo.from_starts = a.bootstrap_from_starts;
    if (!a.group.empty()) bo.group = a.group;
    bo.progress = progress_bar("bootstrap");
    bo.derived = derived_quantities(law, a, r);
    boot = law.bootstrap(t.table, o, bo, &r);
  }
  std::optional<PredictionResult> pred;
  Table at;
  if (!a.predict_at.empty()) {
    at = parse_at(a.predict_at, law);
    PredictionOptions po;
    po.seed = a.seed;
    po.method = boot ? PredictionMethod::kBootstrap : PredictionMethod::kDelta;
    pred = law.predict_intervals(at, o, r, boot ? &*boot : nullptr, po);
  }
  if (a.csv) {
    std::cout << fit_csv(r, boot ? &*boot : nullptr);
  } else if (a.json) {
    nlohmann::ordered_json j = fit_json(r);
    if (boot) j["bootstrap"] = bootstrap_json(*boot);
    if (held) j["holdout"] = holdout_json(*held);
    if (pred) j["predictions"] = prediction_json(*pred, at);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << full_report(r);
    if (boot) std::cout << bootstrap_report(*boot);
    if (held) std::cout << holdout_report(*held);
    if (pred) std::cout << prediction_report(*pred, at);
  }
  if (!a.plot.empty() && r.status != FitStatus::kFailed) {
    std::vector<FitPart> parts(1);
    for (Eigen::Index i = 0; i < t.table.rows(); ++i) parts[0].rows.push_back(i);
    parts[0].parameters = r.parameters;
    Mask held_mask;
    if (held) held_mask = holdout_mask(t.table, Expression::parse(a.holdout));
    plot::render(fit_figure(law, t.table, o.columns, o.target, parts, "",
                            held ? &held_mask : nullptr, fit_title(a, law, t.table, r)),
                 a.plot);
  }
  if (r.status == FitStatus::kFailed) {
    std::cerr << "slfit: error: the fit failed: " << r.message << "\n";
    return 1;
  }
  if (r.status == FitStatus::kNotConverged) {
    std::cerr << "slfit: warning: the best start did not converge: " << r.message << "\n";
  }
  return 0;
}

}  // namespace slfit::tool
