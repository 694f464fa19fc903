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

#include "cli_help.hpp"
#include "common.hpp"
#include "csv_output.hpp"
#include "demo.hpp"
#include "figures.hpp"
#include "fit_command.hpp"
#include "json_output.hpp"
#include "optimal.hpp"
#include "plot.hpp"
#include "predict_optimal.hpp"
#include "slfit/slfit.hpp"
#include "uncertainty_output.hpp"

namespace slfit::tool {
namespace {

struct CompareArgs {
  std::string laws;
  FitArgs fit;
  bool csv = false;
};

int run_compare(const CompareArgs& a) {
  if (a.fit.json && a.csv) throw UsageError("give at most one of --json and --csv");
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
  if (a.csv) {
    std::cout << comparison_csv(c);
  } else if (a.fit.json) {
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
      "  slfit demo                                   # the tour; plots into slfit-demo/\n"
      "  slfit laws --json\n"
      "  slfit fit --law chinchilla --data runs.csv --objective huber --delta 1e-3 --starts "
      "hoffmann --plot fit.png\n"
      "  slfit predict --law chinchilla --preset epoch2024 --at N=7e9,70e9 --at D=1.4e12\n"
      "Run `slfit COMMAND --help` for each command's flags and examples.\n");

  bool laws_json = false;
  auto* laws = app.add_subcommand("laws", "list laws: inputs, parameters, presets");
  laws->add_flag("--json", laws_json, "print JSON");
  laws->footer(
      "Examples:\n"
      "  slfit laws\n"
      "  slfit laws --json | python3 -c \"import json,sys; print([l['name'] for l in "
      "json.load(sys.stdin)])\"");

  FitArgs fa;
  auto* fit = app.add_subcommand("fit", "fit a law to a CSV table");
  fit->add_option("--law", fa.law, "law name (see `slfit laws`)")->required();
  add_fit_options(fit, fa);
  fit->add_flag("--csv", fa.csv, "print the parameter table as CSV (with --by: one row per group)");
  fit->add_option("--plot", fa.plot,
                  "draw the fit to FILE.png or FILE.svg: the target against D (or the most "
                  "varied input) with the fitted curves, and predicted against observed")
      ->type_name("FILE");
  fit->footer(
      "Examples:\n"
      "  slfit fit --law chinchilla --data runs.csv --col N=params --col D=tokens --plot fit.png\n"
      "  slfit fit --law chinchilla --data epoch.csv --col N=\"Model Size\" \\\n"
      "      --derive 'D=\"Training FLOP\"/(6*\"Model Size\")' --where 'loss < 3.44' \\\n"
      "      --objective huber --delta 1e-3 --space log --starts hoffmann --json\n"
      "  slfit fit --law qid --data qid.csv --by P --fix gamma=5.4967 --csv\n"
      "  slfit fit --law chinchilla --data runs.csv --bootstrap 1000 --seed 1 --budget 5.76e23");

  CompareArgs ca;
  auto* compare = app.add_subcommand("compare", "fit several laws on one table and rank them");
  compare->add_option("--laws", ca.laws, "comma-separated law names")->required();
  add_fit_options(compare, ca.fit);
  compare->add_flag("--csv", ca.csv, "print the ranking as CSV");
  compare->footer(
      "Examples:\n"
      "  slfit compare --laws chinchilla,pythia-kaplan --data runs.csv --holdout \"N >= 1e9\"\n"
      "  slfit compare --laws chinchilla,pythia-kaplan --data runs.csv --csv");

  PredictArgs pa;
  auto* predict = app.add_subcommand("predict", "evaluate a law with preset or fitted parameters");
  add_law_source_options(predict, pa.law, pa.preset, pa.params, pa.at);
  predict->add_flag("--json", pa.json, "print JSON");
  predict->add_flag("--csv", pa.csv, "print CSV (a header row, full precision)");
  predict
      ->add_option("--plot", pa.plot,
                   "draw the law against its most varied input to FILE.png or FILE.svg "
                   "(qid: against D from 1e9 to 1e14 tokens)")
      ->type_name("FILE");
  predict->footer(
      "Examples:\n"
      "  slfit predict --law chinchilla --preset hoffmann2022 --at N=70e9 --at D=1.4e12\n"
      "  slfit predict --law qid --preset ouyang2024 --at N=7e9,70e9,405e9 --at D=1e14 "
      "--at P=3,4 --plot qid.png\n"
      "  slfit predict --law capybara --preset sun2025 --at N=1e9 --at D=1e11 "
      "--at format=E4M3,E2M1 --at B=128 --csv\n"
      "  slfit predict --law chinchilla --params fit.json --at N=1e9,1e10 --at D=2e10");

  OptimalArgs oa;
  auto* optimal = app.add_subcommand("optimal", "optimal quantities of a law (allocation, ...)");
  add_law_source_options(optimal, oa.law, oa.preset, oa.params, oa.at);
  optimal
      ->add_option("--quantity", oa.quantity,
                   "allocation (chinchilla; kumar-qat, kumar at P), compute (chinchilla), "
                   "precision (kumar-qat, kumar, capybara), dcrit (kumar-ptq, kumar, capybara), "
                   "format (capybara), tokens (qid), multiplier (qat-full), wa-ratio (qat-group)")
      ->required();
  optimal->add_flag("--json", oa.json, "print JSON");
  optimal->add_flag("--csv", oa.csv, "print CSV (a header row, full precision)");
  optimal
      ->add_option("--plot", oa.plot,
                   "draw the outputs against the swept input to FILE.png or FILE.svg "
                   "(allocation: the compute-optimal frontier)")
      ->type_name("FILE");
  optimal->footer(
      "Examples:\n"
      "  slfit optimal --law chinchilla --preset hoffmann2022 --quantity allocation "
      "--at C=5.76e23 --plot frontier.png\n"
      "  slfit optimal --law kumar-ptq --preset kumar2024 --quantity dcrit --at N=1e9 "
      "--at P_post=3,4\n"
      "  slfit optimal --law capybara --preset sun2025 --quantity format --at P=4,8,16 --csv\n"
      "  slfit optimal --law qid --preset ouyang2024 --quantity tokens --at N=7e9 --at P=4 "
      "--at qid=0.2");

  SimulateArgs sa;
  auto* sim = app.add_subcommand("simulate", "CSV of a law evaluated on a grid, with seeded noise");
  add_law_source_options(sim, sa.law, sa.preset, sa.params, sa.at);
  sim->add_option("--noise", sa.noise, "noise sigma")->capture_default_str();
  sim->add_option("--noise-kind", sa.noise_kind, "additive | multiplicative")
      ->capture_default_str();
  sim->add_option("--seed", sa.seed, "seed")->capture_default_str();
  sim->add_option("--target", sa.target, "name of the simulated column")->capture_default_str();
  sim->footer(
      "Example:\n"
      "  slfit simulate --law chinchilla --preset hoffmann2022 --at N=1e8,1e9,1e10 \\\n"
      "      --at D=1e9,1e10,1e11 --noise 0.01 --noise-kind multiplicative --seed 1 > sim.csv");

  std::uint64_t demo_seed = 2024;
  std::string demo_out = "slfit-demo";
  auto* demo = app.add_subcommand(
      "demo",
      "the tour: fit, predict QiD, D_crit, best float format; writes plots; needs no files");
  demo->add_option("--seed", demo_seed, "seed of the simulated table")->capture_default_str();
  demo->add_option("--out", demo_out, "folder for the plots (created if missing)")
      ->type_name("DIR")
      ->capture_default_str();
  demo->footer(
      "Examples:\n"
      "  slfit demo\n"
      "  slfit demo --out /tmp/tour --seed 7");

  if (const std::string bad = check_arguments(app, argc, argv); !bad.empty()) {
    std::cerr << "slfit: error: " << bad << "\n";
    return 2;
  }
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
    if (*demo) return run_demo(demo_seed, demo_out);
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
