// The requests the front ends hand down and the runs they get back: one call per command.
//
// A front end (the tool, the Python package) translates its arguments into one request, calls
// run_fit(), run_predict(), run_optimal(), run_compare() or run_simulate() once, and prints what
// comes back with the functions of runtime/output.hpp. Everything about laws, tables, analyses
// and their checks happens here, so front ends stay thin and give the same numbers.
//
// Errors: UsageError for requests that cannot mean anything (unknown law, bad option value),
// DataError for data that does not fit the request (missing column, no rows left). Messages name
// options as `option 'NAME'` with NAME the request or FitOptions field; a front end rewrites that
// into its own spelling (the tool: --NAME).
//
//   slfit::FitRequest q;
//   q.law = "chinchilla";
//   q.data.path = "runs.csv";
//   q.options.objective = slfit::Objective::kHuber;
//   slfit::FitRun run = slfit::run_fit(q);
//   std::cout << slfit::report(run);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slfit/analysis/isoflop.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/by_group.hpp"
#include "slfit/fit/compression_fit.hpp"
#include "slfit/fit/options.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/runtime/law_entry.hpp"
#include "slfit/uncertainty/results.hpp"

namespace slfit {

// A CSV table and what is made of it before a fit: derived columns, row filters, the target.
struct TableRequest {
  std::string path;                          // the CSV file (with `table`: the table's name)
  std::vector<std::string> derive;           // "NAME=EXPR", applied in order
  std::vector<std::string> where;            // keep rows where each holds
  std::string target = FitOptions().target;  // a column or an expression of columns

  // Header-first checks and column keeping, for callers that know which columns they read. Left
  // as they are, the table is read as before: every column kept, only `derive`, `where` and
  // `target` checked from the header. load_table checks, in this order and from the header alone
  // (before the body is read): the columns `derive`, `where` and `target` read (a name derived
  // earlier counts), `target_column`, `required`, then `check_header`.
  //
  // The header the target is read from: option 'columns' target=HEADER, or else `target` (skipped
  // when `target` is an expression). Missing, it is refused with the fit's message "no target
  // column ...". Unset: not checked here.
  std::optional<std::string> target_column;
  // Headers that must exist (law inputs mapped through option 'columns', weights, by, group, the
  // format column): "no column 'X' in table 'F' (did you mean 'Y'?); columns are: ...".
  std::vector<std::string> required;
  // Set: the table keeps only these columns, `required`, `target_column` and the columns `derive`,
  // `where` and `target` read; the others are skipped cell by cell and never stored. Unset: every
  // column is kept.
  std::optional<std::vector<std::string>> keep;
  // Called with the header as a table of no rows (derived names added as empty columns) before the
  // body is read: a caller's own checks, with its own messages (Table::has, names(), label()).
  std::function<void(const Table& header)> check_header;
  // A table in memory, used instead of reading `path` (the Python package's DataFrames): the same
  // header checks, derived columns, filters and target as a CSV file; `keep` is not applied. A
  // non-empty `path` names it in messages ("table 'PATH'"); empty, the table's own source does.
  std::shared_ptr<const Table> table;
  // The tuned frontier of a sweep: for each distinct combination of these columns' values, only
  // the row with the lowest target is kept (the first such row on ties), after `where`. Checked
  // from the header.
  std::vector<std::string> frontier;
};

struct LoadedTable {
  Table table;
  std::string target;  // the column holding the target (a derived one for an expression)
  Eigen::Index frontier_dropped = 0;  // rows `frontier` left out
};

// "N,D" as the columns of option 'frontier' (every name non-empty).
std::vector<std::string> parse_frontier(const std::string& text);

// "frontier (N, D): kept 40 of 200 rows, the lowest target of each combination", or ""
// without a frontier.
std::string frontier_note(const TableRequest& request, const LoadedTable& loaded);

// Reads the CSV (or takes request.table) and applies the request (load_table), or applies it to a
// table in memory.
LoadedTable load_table(const TableRequest& request);
LoadedTable prepare_table(Table table, const TableRequest& request);

// Parameter values held in memory (the Python package's FitResult.params): name -> value.
using ParameterValues = std::map<std::string, double, std::less<>>;

// Parameter values: a preset of the law, a parameter file (a `fit --json` output, or a plain
// JSON object of name -> value) or values in memory (option 'parameters'); exactly one of them.
// Every parameter must be given, and only the law's.
std::vector<double> chosen_parameters(const LawEntry& law, const std::string& preset,
                                      const std::string& params_path,
                                      const ParameterValues& values = {});

// A fit's bootstrap draws: for each resample, every parameter in the order of `names`, NaN where
// the resample failed (a Python FitResult's bootstrap samples, or `bootstrap.draws` of a file
// written by `fit --bootstrap K --draws --json`).
struct ParameterDraws {
  std::vector<std::string> names;
  std::vector<std::vector<double>> rows;
};

// The draws a parameter file carries, or none. A malformed `bootstrap.draws` is a DataError
// naming the file.
std::optional<ParameterDraws> read_parameter_draws(const std::string& path);

// A grid of points: "NAME=V1,V2,..." items, several giving every combination. `format=E4M3`
// sets E and M where `allowed` has both; a law's named values (B=channel) are understood.
// `option` names the field in messages.
Table parse_grid(const std::vector<std::string>& items, const std::vector<std::string>& allowed,
                 const std::vector<NamedValue>& named, const std::string& option = "at");
// The grid of a law's inputs: every input must be given.
Table law_grid(const std::vector<std::string>& items, const LawEntry& law,
               const std::string& option = "at");

struct FitRequest {
  std::string law;  // a name in the catalogue, or a law file's path
  // A law in memory (a formula law built by the Python package), used instead of resolving `law`;
  // the run keeps it alive (FitRun::request holds it).
  std::shared_ptr<const LawEntry> entry;
  TableRequest data;
  // Law input (or "target") -> CSV header. Moved into options.columns / options.target.
  std::map<std::string, std::string, std::less<>> columns;
  FitOptions options;    // fixed, bounds, starts, objective, ...; target comes from `data`
  std::string by;        // one fit per value of this column
  std::string fix_from;  // a fit JSON file: fix the parameters this law shares with it
  // Per-level parameters (fit/levels.hpp): "NAME=COLUMN" or "NAME=COLUMN:REFERENCE" each; and
  // for a law that declares them (a law file's "per", compression's eff), the column and the
  // reference level instead of the law's own (empty: the law's).
  std::vector<std::string> per;
  std::string format_column, reference;
  int bootstrap = 0;  // resamples (0: none)
  std::string group;  // resample whole groups of this column
  bool bootstrap_from_starts = false;
  std::string quantity;                  // bootstrap intervals of an analysis ...
  std::vector<std::string> quantity_at;  // ... at these points (grid items)
  std::vector<double> budget;            // bootstrap intervals of the budget analysis at C
  std::vector<std::string> predict_at;   // prediction intervals at these points (grid items)
  std::string holdout;                   // fit on the other rows, report the error on these
  bool draws = false;  // with bootstrap: the resampled parameters in the JSON (bootstrap.draws)
  std::function<void(int, int)> progress;  // of the bootstrap
  std::function<bool()> stop;              // of the bootstrap (BootstrapOptions::stop)
};

struct FitRun {
  const LawEntry* law = nullptr;
  std::string source;  // the data's path
  LoadedTable data;
  FitOptions options;  // as used
  FitRequest request;
  std::optional<FitResult> fit;  // one fit (also the training fit of a hold-out)
  std::vector<GroupFit> groups;  // with `by`
  // A law with a format parameter (compression): the fit's multipliers by format.
  std::optional<CompressionFit> formats;
  std::optional<BootstrapResult> bootstrap;
  std::optional<HoldoutResult> holdout;
  Mask held_out;  // with a hold-out: its rows
  std::optional<PredictionResult> predictions;
  Table prediction_points;

  // The fit failed (for `by`: for at least one group).
  bool failed() const;
  // One line for each fit that stopped short of convergence.
  std::vector<std::string> warnings() const;
};

FitRun run_fit(const FitRequest& request);

struct PredictRequest {
  std::string law, preset, params;   // the law, and exactly one of preset and params file
  std::vector<std::string> at;       // a grid of points ...
  std::optional<TableRequest> data;  // ... or the rows of a table
  std::map<std::string, std::string, std::less<>> columns;  // with data: input -> header
  // A law in memory, used instead of resolving `law` (as FitRequest::entry), and parameter values
  // in memory instead of a preset or a file.
  std::shared_ptr<const LawEntry> entry;
  ParameterValues parameters;
};

// For a law with per-level parameters (a law file's "per", compression's eff): the values by
// name, each per-level one as `eff[w4a4]` for the levels given (a fit's parameters). Every other
// parameter must be given, and at least one level of each per-level one.
ParameterValues chosen_named_parameters(const LawEntry& law, const std::string& preset,
                                        const std::string& params_path,
                                        const ParameterValues& values = {});

// Whether a law declares per-level parameters.
bool has_levels(const LawEntry& law);

struct PredictRun {
  const LawEntry* law = nullptr;
  std::shared_ptr<const LawEntry> entry;  // keeps an in-memory law alive
  std::string preset, params_path;
  std::vector<double> parameters;  // in the law's order; empty for a law with per-level ones
  ParameterValues named;           // for a law with per-level parameters: the values by name
  Table inputs;                    // one row per point, the law's inputs
  Array values;                    // the law there
  std::optional<Array> observed;   // with data that has a target column
  bool from_data = false;
};

PredictRun run_predict(const PredictRequest& request);

struct OptimalRequest {
  std::string law, preset, params, quantity;
  std::vector<std::string> at;
  std::shared_ptr<const LawEntry> entry;  // as PredictRequest's
  ParameterValues parameters;
  // A second fit of the same law (a parameter file, or values in memory): quantity "multiplier"
  // is then the compute multiplier, C_first / C: how many times more compute the first fit's
  // compute-optimal model needs to reach the loss this one's reaches at C.
  std::string vs;
  ParameterValues vs_parameters;
  // Bootstrap draws of the values in memory (`parameters`, `vs_parameters`); a parameter file
  // brings its own. With draws of both fits the multiplier gets intervals from pairs of draws.
  std::optional<ParameterDraws> draws, vs_draws;
  // Quantity "precision-efficiency" (a law with a per-level multiplier, compression): the bits of
  // precision of each level compared, "LEVEL=P" items (commas allowed), the reference's included
  // (bf16=16). Each level's efficiency is eff x P_ref / P: its effective parameters per bit,
  // relative to the reference's.
  std::vector<std::string> bits;
};

// Intervals of the compute multiplier from the two fits' bootstrap draws taken in pairs (draw i
// of one with draw i of the other): with the same seed and resample count on tables whose rows
// match, both fits drew the same rows in resample i, so the interval allows for what they share.
struct PairedDrawIntervals {
  int pairs = 0;                                                    // pairs of draws used
  std::vector<int> failed;                                          // per grid point
  std::vector<std::vector<std::pair<std::string, Interval>>> ci95;  // per grid point
};

struct OptimalRun {
  const LawEntry* law = nullptr;
  std::shared_ptr<const LawEntry> entry;       // keeps an in-memory law alive
  std::shared_ptr<const Analysis> multiplier;  // the compute multiplier's, which `analysis` is
  std::vector<double> vs;                      // the second fit's parameters, with `vs`
  const Analysis* analysis = nullptr;
  std::string preset, params_path;
  std::vector<double> parameters;
  Table grid;
  std::vector<Outputs> rows;                     // inputs, then outputs, per grid point
  Outputs summary;                               // the law's summary quantities at these parameters
  std::optional<PairedDrawIntervals> intervals;  // the multiplier's, with draws of both fits
  std::vector<std::string> warnings;
  // Rows that are levels of a per-level parameter (precision-efficiency): the column's name and
  // each row's level, printed before the row's numbers. Empty otherwise.
  std::string label_name;
  std::vector<std::string> labels;
};

OptimalRun run_optimal(const OptimalRequest& request);
// The grid of an analysis: names from its inputs only, every required one given.
Table analysis_grid(const std::vector<std::string>& items, const LawEntry& law,
                    const Analysis& analysis, const std::string& option = "at");

struct CompareRequest {
  std::vector<std::string> laws;  // at least two
  FitRequest fit;                 // data and options shared by every law (fit.law unused)
  // Laws in memory, used instead of `laws` when given (the Python package's Law objects).
  std::vector<std::shared_ptr<const LawEntry>> entries;
};

Comparison run_compare(const CompareRequest& request);

struct SimulateRequest {
  std::string law, preset, params;
  std::vector<std::string> at;
  double noise = 0.0;
  std::string noise_kind = "additive";  // or multiplicative
  std::uint64_t seed = 0;
  std::string target = "loss";
  std::shared_ptr<const LawEntry> entry;  // as PredictRequest's
  ParameterValues parameters;
};

Table run_simulate(const SimulateRequest& request);

// IsoFLOP profiles (analysis/isoflop.hpp) of a table of runs: a compute column C and one of N or
// D (the other is C / (6 x)), or both.
struct IsoflopRequest {
  TableRequest data;  // target: the loss
  // C, N, D (or "target") -> header; unmapped, the columns named C, N and D are used.
  std::map<std::string, std::string, std::less<>> columns;
  std::string by;               // one profile per value of this column (text or numbers)
  IsoflopOptions options;       // min_points, off_centre, bootstrap, seed
  std::vector<std::string> at;  // "C=V1,V2": N_opt and D_opt there
  // A parametric law of N and D (a name or a law file's path; or `entry`) fitted to the same runs
  // with `fit` (Approach 3 beside Approach 2): its compute-optimal allocation at the used
  // budgets and at `at` is reported beside the profiles'.
  std::string law;
  std::shared_ptr<const LawEntry> entry;
  FitOptions fit;
};

// The parametric law's side of an isoflop run: its fit and its allocation at each budget.
struct IsoflopLawSide {
  const LawEntry* law = nullptr;
  FitResult fit;
  std::vector<Outputs> budgets;  // C, N, D, tokens_per_parameter, loss at each used budget
  std::vector<Outputs> rows;     // the same at the `at` budgets
};

struct IsoflopGroup {
  std::string group;  // the `by` value ("" without `by`)
  IsoflopResult result;
  std::vector<IsoflopPoint> rows;     // at the request's `at` budgets
  std::optional<IsoflopLawSide> law;  // with a law
};

struct IsoflopRun {
  const LawEntry* law = nullptr;  // with a law (IsoflopRequest::entry keeps one in memory alive)
  std::string source;
  LoadedTable data;
  IsoflopRequest request;
  std::string N_from, D_from;        // the columns read, or "C/(6*D)" and "C/(6*N)" where derived
  std::vector<IsoflopGroup> groups;  // one without `by`
};

IsoflopRun run_isoflop(const IsoflopRequest& request);

// A whole-string finite double; `what` names the field for the message.
double parse_number(std::string_view text, const std::string& what);
// "NAME=VALUE" split at the first '='; `option` names the field for the message.
std::pair<std::string, std::string> split_key_value(std::string_view text,
                                                    const std::string& option);
// A bound: a finite number, or "inf", "+inf", "-inf".
double parse_bound(const std::string& text, const std::string& what);
// Explicit starts, each "NAME=VALUE,NAME=VALUE" (option 'start').
StartSpec parse_start_points(const std::vector<std::string>& items);

}  // namespace slfit
