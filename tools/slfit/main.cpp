// slfit: the command-line tool. A thin layer: it parses arguments and calls the library.
//
// Exit codes: 0 success; 2 usage errors (unknown law, bad flag); 1 bad data or a failed fit. Every
// error is one line on stderr starting with "slfit: error: ".
#include <glog/logging.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "json_output.hpp"
#include "optimal.hpp"
#include "slfit/slfit.hpp"
#include "uncertainty_output.hpp"

namespace slfit::tool {
namespace {

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
  bool json = false;
};

void add_fit_options(CLI::App* cmd, FitArgs& a) {
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

double parse_bound(const std::string& s, const std::string& what) {
  const std::string t = trim(s);
  if (t == "inf" || t == "+inf") return kInf;
  if (t == "-inf") return -kInf;
  return parse_number(t, what);
}

FitOptions fit_options(const FitArgs& a, const LawEntry& law, const std::string& target_column) {
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

int run_fit_by(const FitArgs& a, const LawEntry& law, const Table& table, const FitOptions& o) {
  const auto groups = fit_by_group(table, a.by, [&](const Table& t) { return law.fit(t, o); });
  bool failed = false;
  if (a.json) {
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
int run_fit_compression(const FitArgs& a, const Table& table, const FitOptions& o) {
  if (a.reference.empty()) {
    throw UsageError("--law compression needs --reference FORMAT (the uncompressed format)");
  }
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
std::vector<DerivedQuantity> derived_quantities(const LawEntry& law, const FitArgs& a,
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

int run_fit(const FitArgs& a) {
  const LawEntry& law = find_law(a.law);
  LoadedTable t = load_table(a.data, a.derives, a.wheres, a.target);
  const FitOptions o = fit_options(a, law, t.target);
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
  if (a.json) {
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
  if (r.status == FitStatus::kFailed) {
    std::cerr << "slfit: error: the fit failed: " << r.message << "\n";
    return 1;
  }
  if (r.status == FitStatus::kNotConverged) {
    std::cerr << "slfit: warning: the best start did not converge: " << r.message << "\n";
  }
  return 0;
}

struct CompareArgs {
  std::string laws;
  FitArgs fit;
};

int run_compare(const CompareArgs& a) {
  std::vector<FitCandidate> candidates;
  LoadedTable t = load_table(a.fit.data, a.fit.derives, a.fit.wheres, a.fit.target);
  std::stringstream ss(a.laws);
  std::string name;
  while (std::getline(ss, name, ',')) {
    const LawEntry& law = find_law(trim(name));
    candidates.push_back(law.candidate(fit_options(a.fit, law, t.target)));
  }
  if (candidates.size() < 2) throw UsageError("--laws needs at least two law names, e.g. A,B");
  CompareOptions co;
  if (!a.fit.holdout.empty()) {
    co.holdout = holdout_mask(t.table, Expression::parse(a.fit.holdout));
    co.rank_by = RankBy::kHoldout;
  }
  const Comparison c = compare_laws(t.table, candidates, co);
  if (a.fit.json) {
    std::cout << comparison_json(c).dump(2) << "\n";
  } else {
    std::cout << comparison_report(c);
  }
  return 0;
}

int run_laws(bool json) {
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& l : builtin_laws()) {
      nlohmann::ordered_json j;
      j["name"] = l.name;
      j["description"] = l.description;
      for (const auto& in : l.inputs)
        j["inputs"].push_back(
            {{"name", in.name}, {"meaning", in.meaning}, {"positive", in.positive}});
      for (const auto& p : l.parameters) {
        j["parameters"].push_back({{"name", p.name},
                                   {"meaning", p.meaning},
                                   {"default", p.value},
                                   {"lower", number_or_null(p.lower)},
                                   {"upper", number_or_null(p.upper)},
                                   {"transform", std::string(to_string(p.transform))},
                                   {"linear", p.linear}});
      }
      for (const auto& p : l.presets) {
        nlohmann::ordered_json values = nlohmann::ordered_json::object();
        for (const auto& [n, v] : p.values) values[n] = v;
        j["presets"].push_back({{"name", p.name},
                                {"source", p.source},
                                {"certainty", p.certainty},
                                {"note", p.note},
                                {"values", values}});
      }
      for (const auto& g : l.start_grids)
        j["start_grids"].push_back({{"name", g.name}, {"note", g.note}});
      out.push_back(j);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const auto& l : builtin_laws()) {
    std::cout << l.name << ": " << l.description << "\n  inputs:\n";
    for (const auto& in : l.inputs) std::cout << fmt::format("    {:<8} {}\n", in.name, in.meaning);
    std::cout << "  parameters:\n";
    for (const auto& p : l.parameters) {
      std::cout << fmt::format("    {:<8} {} (default {}, bounds [{}, {}]{})\n", p.name, p.meaning,
                               format_value(p.value), format_value(p.lower), format_value(p.upper),
                               p.transform == Transform::kLog ? ", fitted as a log" : "");
    }
    std::cout << "  presets:\n";
    for (const auto& p : l.presets) {
      std::string values;
      for (const auto& [n, v] : p.values) values += fmt::format(" {}={}", n, format_value(v, 8));
      std::cout << fmt::format("    {:<18} [{}] {}\n      {}\n", p.name, p.certainty, p.source,
                               values);
    }
    if (!l.start_grids.empty()) {
      std::cout << "  start grids: default";
      for (const auto& g : l.start_grids) std::cout << ", " << g.name;
      std::cout << "\n";
    }
  }
  return 0;
}

struct PredictArgs {
  std::string law, preset, params;
  std::vector<std::string> at;
  bool json = false, csv = false;
};

std::vector<double> chosen_parameters(const LawEntry& law, const std::string& preset,
                                      const std::string& params) {
  if (preset.empty() == params.empty())
    throw UsageError("give exactly one of --preset and --params");
  return preset.empty() ? read_params_file(params, law) : law.preset(preset);
}

// --law, --preset | --params, and the --at grid, shared by predict and simulate.
void add_law_source_options(CLI::App* cmd, std::string& law, std::string& preset,
                            std::string& params, std::vector<std::string>& at) {
  cmd->add_option("--law", law, "law name (see `slfit laws`)")->required();
  cmd->add_option("--preset", preset, "preset name");
  cmd->add_option("--params", params, "JSON file with parameters (e.g. from fit --json)");
  cmd->add_option("--at", at, "input values: NAME=V1,V2,... (repeat for a grid; format=E4M3)")
      ->required();
}

int run_predict(const PredictArgs& a) {
  const LawEntry& law = find_law(a.law);
  const auto p = chosen_parameters(law, a.preset, a.params);
  const Table grid = parse_at(a.at, law);
  const Array v = law.evaluate(grid, p, {});
  const auto names = grid.names();
  if (a.json) {
    nlohmann::ordered_json j;
    j["law"] = law.name;
    j["preset"] =
        a.preset.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.preset);
    j["rows"] = nlohmann::ordered_json::array();
    for (Eigen::Index r = 0; r < grid.rows(); ++r) {
      nlohmann::ordered_json row;
      for (const auto& n : names) row[n] = grid.column(n)(r);
      row["value"] = number_or_null(v(r));
      j["rows"].push_back(row);
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const std::string sep = a.csv ? "," : "  ";
  for (const auto& n : names) std::cout << (a.csv ? n : fmt::format("{:>14}", n)) << sep;
  std::cout << (a.csv ? "value" : fmt::format("{:>14}", "value")) << "\n";
  for (Eigen::Index r = 0; r < grid.rows(); ++r) {
    for (const auto& n : names) {
      const double x = grid.column(n)(r);
      std::cout << (a.csv ? fmt::format("{:.10g}", x) : fmt::format("{:>14.6g}", x)) << sep;
    }
    std::cout << (a.csv ? fmt::format("{:.10g}", v(r)) : fmt::format("{:>14.7g}", v(r))) << "\n";
  }
  return 0;
}

struct SimulateArgs {
  std::string law, preset, params, noise_kind = "additive", target = "loss";
  std::vector<std::string> at;
  double noise = 0.0;
  std::uint64_t seed = 0;
};

int run_simulate(const SimulateArgs& a) {
  const LawEntry& law = find_law(a.law);
  const auto p = chosen_parameters(law, a.preset, a.params);
  SimulateOptions o;
  o.noise = a.noise;
  o.seed = a.seed;
  o.target = a.target;
  if (a.noise_kind == "multiplicative") {
    o.kind = Noise::kMultiplicative;
  } else if (a.noise_kind != "additive") {
    throw UsageError("--noise-kind must be additive or multiplicative");
  }
  Table t = parse_at(a.at, law);
  Array y = law.evaluate(t, p, {});
  add_noise(y, o);
  t.set_column(o.target, y);
  const auto names = t.names();
  std::string out = detail::join(names, ",") + "\n";
  for (Eigen::Index r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < names.size(); ++c)
      out += fmt::format("{}{:.17g}", c ? "," : "", t.column(names[c])(r));
    out += "\n";
  }
  std::cout << out;
  return 0;
}

int run_demo(std::uint64_t seed) {
  using L = Chinchilla;
  const auto truth = preset_values<L>("hoffmann2022");
  std::vector<double> n, d;
  for (int i = 0; i < 7; ++i) n.push_back(4e7 * std::pow(2.7, i));
  for (int i = 0; i < 7; ++i) d.push_back(1e9 * std::pow(3.1, i));
  const Table t = simulate<L>({{"N", n}, {"D", d}}, truth,
                              {.noise = 0.01, .kind = Noise::kMultiplicative, .seed = seed});
  std::cout << fmt::format(
      "slfit demo: {} rows simulated from chinchilla/hoffmann2022 (N {:.3g}..{:.3g}, D "
      "{:.3g}..{:.3g})\n"
      "with 1% multiplicative noise (seed {}), then fitted back: squared objective on log L,\n"
      "default start grid.\n\n",
      t.rows(), n.front(), n.back(), d.front(), d.back(), seed);
  FitOptions o;
  o.space = Space::kLog;
  const FitResult r = fit<L>(t, o);
  std::cout << full_report(r) << "\n";
  std::cout << fmt::format("{:<8} {:>12} {:>12} {:>10} {:>8}\n", "param", "true", "fitted",
                           "std.err", "z");
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    std::cout << fmt::format("{:<8} {:>12.6g} {:>12.6g} {:>10.3g} {:>8.2f}\n", r.names[i], truth[i],
                             r.parameters[i], r.standard_errors[i],
                             (r.parameters[i] - truth[i]) / r.standard_errors[i]);
  }
  const double at_true = evaluate_at<L>(truth, {70e9, 1.4e12});
  const double at_fit = evaluate_at<L>(r.parameters, {70e9, 1.4e12});
  std::cout << fmt::format("\nloss of a 70B model on 1.4T tokens: true {:.6f}, fitted {:.6f}\n",
                           at_true, at_fit);
  return r.status == FitStatus::kFailed ? 1 : 0;
}

}  // namespace
}  // namespace slfit::tool

int main(int argc, char** argv) {
  using namespace slfit::tool;
  // Ceres logs through glog when a step lands where the Jacobian is not finite; the fit result
  // already reports how each start ended, so the tool keeps stderr for its own one-line errors.
  FLAGS_minloglevel = google::GLOG_FATAL;
  CLI::App app{
      "slfit: fit, evaluate and use scaling laws of language-model training and quantization",
      "slfit"};
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  slfit demo\n"
      "  slfit laws --json\n"
      "  slfit fit --law chinchilla --data runs.csv --objective huber --delta 1e-3 --starts "
      "hoffmann\n"
      "  slfit predict --law chinchilla --preset epoch2024 --at N=7e9,70e9 --at D=1.4e12\n");

  bool laws_json = false;
  auto* laws = app.add_subcommand("laws", "list laws: inputs, parameters, presets");
  laws->add_flag("--json", laws_json, "print JSON");

  FitArgs fa;
  auto* fit = app.add_subcommand("fit", "fit a law to a CSV table");
  fit->add_option("--law", fa.law, "law name (see `slfit laws`)")->required();
  add_fit_options(fit, fa);
  fit->footer(
      "Examples:\n"
      "  slfit fit --law chinchilla --data runs.csv --col N=params --col D=tokens\n"
      "  slfit fit --law chinchilla --data epoch.csv --col N=\"Model Size\" \\\n"
      "      --derive 'D=\"Training FLOP\"/(6*\"Model Size\")' --where 'loss < 3.44' \\\n"
      "      --objective huber --delta 1e-3 --space log --starts hoffmann --json");

  CompareArgs ca;
  auto* compare = app.add_subcommand("compare", "fit several laws on one table and rank them");
  compare->add_option("--laws", ca.laws, "comma-separated law names")->required();
  add_fit_options(compare, ca.fit);
  compare->footer(
      "Example:\n  slfit compare --laws chinchilla,pythia-kaplan --data runs.csv "
      "--holdout \"N >= 1e9\"");

  PredictArgs pa;
  auto* predict = app.add_subcommand("predict", "evaluate a law with preset or fitted parameters");
  add_law_source_options(predict, pa.law, pa.preset, pa.params, pa.at);
  predict->add_flag("--json", pa.json, "print JSON");
  predict->add_flag("--csv", pa.csv, "print CSV");
  predict->footer(
      "Example:\n  slfit predict --law chinchilla --preset hoffmann2022 --at N=70e9 --at D=1.4e12");

  OptimalArgs oa;
  auto* optimal = app.add_subcommand("optimal", "optimal quantities of a law (allocation, ...)");
  add_law_source_options(optimal, oa.law, oa.preset, oa.params, oa.at);
  optimal
      ->add_option("--quantity", oa.quantity,
                   "allocation (chinchilla; kumar-qat, kumar at P), precision (kumar-qat, "
                   "kumar, capybara), dcrit (kumar-ptq, kumar, capybara), format (capybara), "
                   "tokens (qid)")
      ->required();
  optimal->add_flag("--json", oa.json, "print JSON");
  optimal->footer(
      "Example:\n  slfit optimal --law chinchilla --preset hoffmann2022 --quantity allocation "
      "--at C=5.76e23");

  SimulateArgs sa;
  auto* sim = app.add_subcommand("simulate", "CSV of a law evaluated on a grid, with seeded noise");
  add_law_source_options(sim, sa.law, sa.preset, sa.params, sa.at);
  sim->add_option("--noise", sa.noise, "noise sigma")->capture_default_str();
  sim->add_option("--noise-kind", sa.noise_kind, "additive | multiplicative")
      ->capture_default_str();
  sim->add_option("--seed", sa.seed, "seed")->capture_default_str();
  sim->add_option("--target", sa.target, "name of the simulated column")->capture_default_str();

  std::uint64_t demo_seed = 2024;
  auto* demo = app.add_subcommand("demo", "the embedded end-to-end example; needs no files");
  demo->add_option("--seed", demo_seed, "seed of the simulated table")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "slfit: error: " << e.what() << " (see slfit --help)\n";
    return 2;
  }

  try {
    if (*laws) return run_laws(laws_json);
    if (*fit) return run_fit(fa);
    if (*predict) return run_predict(pa);
    if (*sim) return run_simulate(sa);
    if (*optimal) return run_optimal(oa);
    if (*compare) return run_compare(ca);
    if (*demo) return run_demo(demo_seed);
  } catch (const slfit::UsageError& e) {
    std::cerr << "slfit: error: " << e.what() << "\n";
    return 2;
  } catch (const slfit::ExpressionError& e) {
    std::cerr << "slfit: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "slfit: error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
