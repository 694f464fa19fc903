// The fit options of `fit` and `compare`, the law source of predict/optimal/simulate, and the
// translation of the library's option names into flags.
#include "args.hpp"

#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "slfit/core/error.hpp"
#include "slfit/runtime/formula_entry.hpp"

namespace slfit::tool {

FitArgs::FitArgs() {
  const FitRequest q;
  const FitOptions& o = q.options;
  target = q.data.target;
  format_column = q.format_column;
  objective = std::string(to_string(o.objective));
  space = std::string(to_string(o.space));
  starts = "default";
  delta = o.delta;
  overestimate_penalty = o.overestimate_penalty;
  screening = std::string(to_string(o.screening));
  solver = std::string(to_string(o.solver));
  screen_keep = o.screen_keep;
  threads = o.threads;
  seed = o.seed;
}

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
  cmd->add_option("--overestimate-penalty", a.overestimate_penalty,
                  "residuals where the law predicts more than observed count W times (W >= 1)")
      ->capture_default_str();
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
  cmd->add_option("--per", a.per,
                  "NAME=COLUMN[:REFERENCE]: fit parameter NAME once per level of COLUMN, "
                  "reported as NAME[level] (REFERENCE held at 1)");
  cmd->add_option("--format-column", a.format_column,
                  "laws with a per-level parameter (compression, a law file's \"per\"): the "
                  "column naming each row's level, instead of the law's (format)");
  cmd->add_option("--reference", a.reference,
                  "laws with a per-level parameter: the level held at its reference value (for "
                  "compression the uncompressed format, multiplier 1)");
  cmd->add_option("--fix-from", a.fix_from,
                  "fix every parameter this law shares with a fit --json file (two-stage fits)");
  cmd->add_flag("--skip-nonpositive", a.skip_nonpositive,
                "in log space, leave out rows whose target is <= 0 (and list them)");
  cmd->add_option("--bootstrap", a.bootstrap, "resampling intervals from K refits");
  cmd->add_option("--group", a.group, "with --bootstrap: resample whole groups of this column");
  cmd->add_flag("--draws", a.draws,
                "with --bootstrap and --json: every resample's parameters (bootstrap.draws), "
                "for `slfit optimal --quantity multiplier --vs` intervals");
  cmd->add_flag("--bootstrap-from-starts", a.bootstrap_from_starts,
                "refit each resample from the start grid, not from the best fit");
  cmd->add_option("--predict-at", a.predict_at,
                  "prediction intervals at NAME=V1,V2 (repeat for a grid; bootstrap if given)");
  cmd->add_option("--budget", a.budgets,
                  "compute budgets C for the law's budget analysis (chinchilla: N_opt, D_opt, "
                  "tokens per parameter)");
  cmd->add_option("--quantity", a.quantity,
                  "with --bootstrap: intervals for an `slfit optimal` quantity (dcrit, ...)");
  cmd->add_option("--quantity-at", a.quantity_at, "inputs of --quantity: NAME=V1,V2 (repeat)");
  cmd->add_option("--holdout", a.holdout,
                  "fit on the other rows and report the error on the rows where EXPR holds");
  cmd->add_option("--frontier", a.frontier,
                  "keep, for each distinct value of these columns (N,D), only the row with the "
                  "lowest target: the tuned frontier of a sweep");
  cmd->add_flag("--json", a.json, "print one JSON object");
}

namespace {

FitOptions fit_options(const FitArgs& a) {
  FitOptions o;
  o.objective = parse_objective(a.objective);
  o.space = parse_space(a.space);
  o.delta = a.delta;
  o.overestimate_penalty = a.overestimate_penalty;
  o.starts = a.start_points.empty() ? parse_starts(a.starts) : parse_start_points(a.start_points);
  o.seed = a.seed;
  o.threads = a.threads;
  o.screening = parse_screening(a.screening);
  o.solver = parse_solver(a.solver);
  o.screen_keep = a.screen_keep;
  for (const auto& f : a.fixes) {
    auto [name, value] = split_key_value(f, "fix");
    o.fixed[name] = parse_number(value, "--fix " + name);
  }
  for (const auto& b : a.bounds) {
    auto [name, range] = split_key_value(b, "bound");
    const auto colon = range.find(':');
    if (colon == std::string::npos) throw UsageError("--bound expects NAME=LO:HI, got '" + b + "'");
    o.bounds[name] = {parse_bound(range.substr(0, colon), "--bound " + name),
                      parse_bound(range.substr(colon + 1), "--bound " + name)};
  }
  if (!a.weights.empty()) o.weights = a.weights;
  o.skip_nonpositive = a.skip_nonpositive;
  return o;
}

}  // namespace

FitRequest fit_request(const FitArgs& a) {
  FitRequest q;
  if (!a.law.empty() || !a.law_file.empty()) q.law = law_argument(a.law, a.law_file);
  q.data = {a.data, a.derives, a.wheres, a.target};
  if (!a.frontier.empty()) q.data.frontier = parse_frontier(a.frontier);
  q.options = fit_options(a);
  for (const auto& c : a.cols) {
    auto [name, header] = split_key_value(c, "columns");
    q.columns[name] = header;
  }
  q.by = a.by;
  q.fix_from = a.fix_from;
  q.per = a.per;
  q.format_column = a.format_column;
  q.reference = a.reference;
  q.bootstrap = a.bootstrap;
  q.group = a.group;
  q.bootstrap_from_starts = a.bootstrap_from_starts;
  q.draws = a.draws;
  q.quantity = a.quantity;
  q.quantity_at = a.quantity_at;
  for (const auto& b : a.budgets) q.budget.push_back(parse_number(b, "--budget"));
  q.predict_at = a.predict_at;
  q.holdout = a.holdout;
  q.progress = progress_bar("bootstrap");
  return q;
}

void add_law_options(CLI::App* cmd, std::string& law, std::string& law_file) {
  auto* name = cmd->add_option("--law", law, "law name (see `slfit laws`)");
  cmd->add_option("--law-file", law_file,
                  "a law file (JSON: inputs, formula, parameters; see docs/extending.md)")
      ->type_name("FILE")
      ->excludes(name);
}

std::string law_argument(const std::string& law, const std::string& law_file) {
  if (law_file.empty()) {
    if (law.empty()) throw UsageError("give the law: --law NAME or --law-file FILE");
    return law;
  }
  return is_law_path(law_file) ? law_file : "./" + law_file;
}

void add_law_source_options(CLI::App* cmd, LawSourceArgs& a, bool at_required) {
  add_law_options(cmd, a.law, a.law_file);
  cmd->add_option("--preset", a.preset, "preset name");
  cmd->add_option("--params", a.params, "JSON file with parameters (e.g. from fit --json)");
  auto* at = cmd->add_option("--at", a.at,
                             "input values: NAME=V1,V2,... (repeat for a grid; format=E4M3)");
  if (at_required) at->required();
}

void add_output_options(CLI::App* cmd, OutputArgs& o, const std::string& plot_help) {
  cmd->add_flag("--json", o.json, "print JSON");
  cmd->add_flag("--csv", o.csv, "print CSV (a header row, full precision)");
  cmd->add_option("--plot", o.plot, plot_help)->type_name("FILE");
}

void check_output(const OutputArgs& o) {
  if (!o.plot.empty()) gnuplot::check_plot_path(o.plot);
  if (o.json && o.csv) throw UsageError("give at most one of --json and --csv");
}

std::function<void(int, int)> progress_bar(const std::string& label) {
  if (!isatty(fileno(stderr))) return {};
  return [label](int done, int total) {
    const int width = 40;
    const int filled = total > 0 ? done * width / total : width;
    std::fprintf(stderr, "\r%s [%s%s] %d/%d", label.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

std::string tool_message(const std::string& library_message) {
  static const std::string kMark = "option '";
  std::string out;
  std::size_t from = 0;
  for (std::size_t at; (at = library_message.find(kMark, from)) != std::string::npos;) {
    const std::size_t name = at + kMark.size();
    const std::size_t end = library_message.find('\'', name);
    std::string flag = library_message.substr(name, end == std::string::npos ? 0 : end - name);
    const bool field =
        !flag.empty() && flag.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
    if (!field) {  // not an option field: keep the text as it is
      out += library_message.substr(from, name - from);
      from = name;
      continue;
    }
    if (flag == "columns") flag = "col";
    for (auto& c : flag) c = c == '_' ? '-' : c;
    out += library_message.substr(from, at - from) + "--" + flag;
    from = end + 1;
  }
  return out + library_message.substr(from);
}

}  // namespace slfit::tool
