// `slfit predict`: a law's values at the points of a grid or at the rows of a table.
#include <iostream>

#include "args.hpp"

namespace slfit::tool {

namespace {

struct PredictArgs {
  LawSourceArgs source;
  std::string data, target = TableRequest().target;
  std::vector<std::string> cols, derives, wheres;
  OutputArgs output;
};

int run_predict(const PredictArgs& a) {
  check_output(a.output);
  PredictRequest q{law_argument(a.source.law, a.source.law_file),
                   a.source.preset,
                   a.source.params,
                   a.source.at,
                   {},
                   {}};
  if (!a.data.empty()) {
    q.data = TableRequest{a.data, a.derives, a.wheres, a.target};
  } else if (!a.cols.empty() || !a.derives.empty() || !a.wheres.empty()) {
    throw UsageError("--col, --derive and --where go with --data");
  }
  for (const auto& c : a.cols) {
    auto [name, header] = split_key_value(c, "columns");
    q.columns[name] = header;
  }
  return print_run(run_predict(q), a.output);
}

}  // namespace

Command add_predict_command(CLI::App& app) {
  auto a = std::make_shared<PredictArgs>();
  auto* predict = app.add_subcommand("predict", "evaluate a law with preset or fitted parameters");
  add_law_source_options(predict, a->source, false);
  predict->add_option("--data", a->data,
                      "evaluate at every row of this CSV instead of an --at grid (rows in file "
                      "order; with a target column also the observed value)");
  predict->add_option("--col", a->cols, "with --data: map a law input to a CSV header");
  predict->add_option("--derive", a->derives, "with --data: add a column: NAME=EXPR");
  predict->add_option("--where", a->wheres, "with --data: keep rows where EXPR holds");
  predict->add_option("--target", a->target, "with --data: the observed column or expression")
      ->capture_default_str();
  add_output_options(predict, a->output,
                     "draw the law against its most varied input to FILE.png or FILE.svg "
                     "(qid: against D from 1e9 to 1e14 tokens)");
  predict->footer(
      "Examples:\n"
      "  slfit predict --law chinchilla --preset hoffmann2022 --at N=70e9 --at D=1.4e12\n"
      "  slfit predict --law qid --preset ouyang2024 --at N=7e9,70e9,405e9 --at D=1e14 "
      "--at P=3,4 --plot qid.png\n"
      "  slfit predict --law capybara --preset sun2025 --at N=1e9 --at D=1e11 "
      "--at format=E4M3,E2M1 --at B=128 --csv\n"
      "  slfit predict --law chinchilla --params fit.json --at N=1e9,1e10 --at D=2e10\n"
      "  slfit predict --law chinchilla --params fit.json --data heldout.csv --json");
  return {predict, [a] { return run_predict(*a); }};
}

}  // namespace slfit::tool
