// The run-time layer: the catalogue and what each law declares, table loading, requests and their
// JSON, and one set of defaults shared by the library and the tool.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "slfit/runtime/builtin_laws.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/output.hpp"
#include "slfit/runtime/requests.hpp"
#include "slfit/slfit.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using slfit::Chinchilla;

namespace {

std::filesystem::path tmp_dir() {
  const std::filesystem::path dir = std::filesystem::path(SLFIT_TEST_TMP) / "runtime";
  std::filesystem::create_directories(dir);
  return dir;
}

// A simulated Chinchilla table written as CSV (columns N, D, loss), with seeded noise.
std::string simulated_csv(const std::string& name) {
  const auto truth = slfit::preset_values<Chinchilla>("hoffmann2022");
  const slfit::Table t = slfit::simulate<Chinchilla>(
      {{"N", {1e8, 3e8, 1e9, 3e9, 1e10}}, {"D", {1e9, 1e10, 1e11, 1e12}}}, truth,
      {.noise = 0.01, .kind = slfit::Noise::kMultiplicative, .seed = 3});
  const std::string path = (tmp_dir() / name).string();
  std::ofstream(path) << slfit::to_csv(t);
  return path;
}

std::vector<std::string> quantities(const slfit::LawEntry& law) {
  std::vector<std::string> out;
  for (const auto& a : law.analyses) out.push_back(a.quantity);
  return out;
}

}  // namespace

TEST_CASE("runtime: the catalogue holds every built-in law and what it declares", "[runtime]") {
  std::vector<std::string> names;
  for (const auto& l : slfit::builtin_laws()) names.push_back(l.name);
  CHECK(names == std::vector<std::string>{"chinchilla", "kumar-ptq", "kumar-qat", "kumar", "qid",
                                          "pythia-kaplan", "capybara", "qat-group", "qat-full",
                                          "compression"});
  CHECK(quantities(slfit::find_law("chinchilla")) ==
        std::vector<std::string>{"allocation", "compute"});
  CHECK(quantities(slfit::find_law("kumar")) ==
        std::vector<std::string>{"precision", "allocation", "dcrit", "compute"});
  CHECK(quantities(slfit::find_law("capybara")) ==
        std::vector<std::string>{"dcrit", "format", "precision", "allocation", "compute"});
  // A loss law of N and D without a closed form gets the numerical allocation, and every one
  // without its own the numerical compute for a target loss.
  CHECK(quantities(slfit::find_law("pythia-kaplan")) ==
        std::vector<std::string>{"allocation", "compute"});
  CHECK(quantities(slfit::find_law("qat-full")) ==
        std::vector<std::string>{"multiplier", "allocation", "compute"});
  CHECK(quantities(slfit::find_law("compression")).empty());
  const auto& qid = slfit::find_law("qid");
  CHECK(qid.presentation.sweep_input == "D");
  CHECK(qid.presentation.value_label.find("QiD") == 0);
  CHECK(slfit::find_law("chinchilla").presentation.value_label == "loss (nats/token)");
  const auto& capy = slfit::find_law("capybara");
  REQUIRE(capy.named_values.size() == 1);
  CHECK(capy.named_values[0].word == "channel");
  CHECK(capy.named_values[0].value == slfit::kCapybaraChannelwiseBlock);
  const auto& comp = slfit::find_law("compression");
  CHECK(comp.format_parameter == "eff");
  CHECK(comp.parameters.back().per == "format");
  CHECK(comp.fitted_inputs() == std::vector<std::string>{"N", "D"});
  CHECK(slfit::find_law("chinchilla").format_parameter.empty());
  // Only the budget analysis answers --budget.
  for (const auto& l : slfit::builtin_laws()) {
    for (const auto& a : l.analyses)
      CHECK(a.budget_outputs.empty() ==
            (a.quantity != "allocation" || l.name == "kumar-qat" || l.name == "kumar"));
  }
}

TEST_CASE("runtime: analyses by name give the analysis functions' numbers", "[runtime]") {
  const slfit::OptimalRun run =
      slfit::run_optimal({"chinchilla", "hoffmann2022", "", "allocation", {"C=5.76e23"}});
  const auto p = slfit::preset_values<Chinchilla>("hoffmann2022");
  const slfit::Allocation a = slfit::chinchilla_allocation(p, 5.76e23);
  REQUIRE(run.rows.size() == 1);
  CHECK(run.rows[0][0] == std::pair<std::string, double>{"C", 5.76e23});
  CHECK(run.rows[0][1] == std::pair<std::string, double>{"N", a.N});
  CHECK(run.rows[0][2] == std::pair<std::string, double>{"D", a.D});
  REQUIRE(run.summary.size() == 3);
  CHECK(run.summary[1].second == slfit::chinchilla_exponents(p).a);
  CHECK_THROWS_WITH(slfit::run_optimal({"chinchilla", "hoffmann2022", "", "dcirt", {"C=1"}}),
                    Catch::Contains("unknown quantity 'dcirt'") &&
                        Catch::Contains("available: allocation, compute"));
  CHECK_THROWS_WITH(slfit::run_optimal({"compression", "", "", "allocation", {"C=1"}}),
                    Catch::Contains("has no analyses"));
  CHECK_THROWS_WITH(slfit::run_optimal({"chinchilla", "hoffmann2022", "", "allocation", {}}),
                    Catch::Contains("needs option 'at' C=VALUE"));
}

TEST_CASE("runtime: one set of defaults, for the library and every front end", "[runtime]") {
  const slfit::FitOptions defaults;
  CHECK(defaults.space == slfit::Space::kLog);
  CHECK(defaults.objective == slfit::Objective::kSquared);
  CHECK(slfit::FitRequest().options.space == defaults.space);
  const std::string path = simulated_csv("defaults.csv");
  const slfit::FitResult lib = slfit::fit<Chinchilla>(slfit::read_csv(path));
  slfit::FitRequest q;
  q.law = "chinchilla";
  q.data.path = path;
  const slfit::FitRun run = slfit::run_fit(q);
  REQUIRE(run.fit);
  CHECK(run.fit->objective_value == lib.objective_value);
  CHECK(run.fit->parameters == lib.parameters);
}

#ifdef SLFIT_TOOL
TEST_CASE("runtime: the tool's default fit is the library's default fit", "[runtime][tool]") {
  const std::string path = simulated_csv("tool_defaults.csv");
  const slfit::FitResult lib = slfit::fit<Chinchilla>(slfit::read_csv(path));
  const std::string out = (tmp_dir() / "tool_defaults.json").string();
  const std::string cmd = std::string(SLFIT_TOOL) + " fit --law chinchilla --data " + path +
                          " --json > " + out + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto j = nlohmann::json::parse(std::ifstream(out));
  const double tool = j["objective"]["value"].get<double>();
  CHECK(j["objective"]["space"] == "log");
  CHECK(std::abs(tool - lib.objective_value) <= 1e-12 * std::abs(lib.objective_value));
}
#endif

TEST_CASE("runtime: parameter values in memory instead of a preset or a file", "[runtime]") {
  const auto truth = slfit::preset_values<Chinchilla>("hoffmann2022");
  slfit::PredictRequest q;
  q.law = "chinchilla";
  q.at = {"N=1e9,1e10", "D=2e10"};
  q.parameters = {
      {"E", truth[0]}, {"A", truth[1]}, {"B", truth[2]}, {"alpha", truth[3]}, {"beta", truth[4]}};
  const slfit::PredictRun run = slfit::run_predict(q);
  q.parameters.clear();
  q.preset = "hoffmann2022";
  CHECK((run.values == slfit::run_predict(q).values).all());

  q.parameters = {{"E", 1.69}};
  CHECK_THROWS_WITH(slfit::run_predict(q),
                    "give exactly one of option 'preset', option "
                    "'params' and option 'parameters'");
  q.preset.clear();
  CHECK_THROWS_WITH(slfit::run_predict(q),
                    "option 'parameters' does not give 'A' of law 'chinchilla'");
  q.parameters = {{"E", std::nan("")}};
  CHECK_THROWS_WITH(slfit::run_predict(q), "option 'parameters': 'E' is not a finite number");
  q.parameters = {{"gamma", 1.0}};
  CHECK_THROWS_WITH(slfit::run_predict(q), Catch::Contains("'gamma'"));

  // The same values reach optimal and simulate; an in-memory law stands for the name.
  slfit::OptimalRequest o;
  o.entry = std::shared_ptr<const slfit::LawEntry>(&slfit::find_law("chinchilla"),
                                                   [](const slfit::LawEntry*) {});
  o.quantity = "allocation";
  o.at = {"C=1e21"};
  o.parameters = {
      {"E", truth[0]}, {"A", truth[1]}, {"B", truth[2]}, {"alpha", truth[3]}, {"beta", truth[4]}};
  const auto from_values = slfit::run_optimal(o);
  o.parameters.clear();
  o.preset = "hoffmann2022";
  CHECK(from_values.rows == slfit::run_optimal(o).rows);
  CHECK(from_values.summary == slfit::run_optimal(o).summary);

  slfit::SimulateRequest sim;
  sim.entry = o.entry;
  sim.at = {"N=1e9", "D=2e10"};
  sim.parameters = {{"E", 2.0}, {"A", 0.0}, {"B", 0.0}, {"alpha", 0.3}, {"beta", 0.3}};
  CHECK(slfit::run_simulate(sim).column("loss")(0) == 2.0);
}

TEST_CASE("runtime: predict at the rows of a table", "[runtime]") {
  const std::string path = simulated_csv("rows.csv");
  const slfit::Table t = slfit::read_csv(path);
  slfit::PredictRequest q{"chinchilla", "hoffmann2022", "", {}, slfit::TableRequest{path}, {}};
  const slfit::PredictRun run = slfit::run_predict(q);
  REQUIRE(run.inputs.rows() == t.rows());
  const auto expected =
      slfit::evaluate<Chinchilla>(t, slfit::preset_values<Chinchilla>("hoffmann2022"));
  CHECK((run.values == expected).all());
  REQUIRE(run.observed);
  CHECK((*run.observed == t.column("loss")).all());
  CHECK((run.inputs.column("N") == t.column("N")).all());  // file order

  q.data->where = {"N >= 1e9"};
  CHECK(slfit::run_predict(q).inputs.rows() == 12);
  q.data->where.clear();
  q.data->derive = {"params=N"};
  q.columns = {{"N", "params"}};
  CHECK((slfit::run_predict(q).values == expected).all());
  q.columns = {{"N", "parms"}};
  CHECK_THROWS_WITH(slfit::run_predict(q),
                    Catch::Contains("has no column 'parms' (did you mean 'params'?"));
  q.columns.clear();
  q.at = {"N=1"};
  CHECK_THROWS_AS(slfit::run_predict(q), slfit::UsageError);
}

TEST_CASE("runtime: fit JSON is written and read back", "[runtime]") {
  const std::string path = simulated_csv("json.csv");
  slfit::FitRequest q;
  q.law = "chinchilla";
  q.data.path = path;
  const slfit::FitRun run = slfit::run_fit(q);
  const std::string file = (tmp_dir() / "fit.json").string();
  std::ofstream(file) << slfit::to_json(run);
  const auto j = nlohmann::json::parse(std::ifstream(file));
  CHECK(j["law"] == "chinchilla");
  CHECK(j["parameters"]["alpha"].get<double>() == run.fit->value("alpha"));
  const slfit::FitResult back = slfit::read_fit_json(file);
  CHECK(back.names == run.fit->names);
  CHECK(back.parameters == run.fit->parameters);
  REQUIRE(back.covariance_ok);
  CHECK((back.covariance - run.fit->covariance).cwiseAbs().maxCoeff() <=
        1e-15 * run.fit->covariance.cwiseAbs().maxCoeff());
  // The same file gives predict its parameters.
  const slfit::PredictRun p = slfit::run_predict({"chinchilla", "", file, {"N=1e9", "D=1e10"}});
  CHECK(p.values(0) == slfit::evaluate_at<Chinchilla>(run.fit->parameters, {1e9, 1e10}));
}

TEST_CASE("runtime: a table in memory is fitted as its CSV file is", "[runtime]") {
  const std::string path = simulated_csv("memory.csv");
  slfit::FitRequest q;
  q.law = "chinchilla";
  q.data.path = path;
  q.data.derive = {"tokens=D"};
  q.data.where = {"N >= 3e8"};
  q.columns = {{"D", "tokens"}};
  const slfit::FitRun from_file = slfit::run_fit(q);

  q.data.path = "";
  q.data.table = std::make_shared<const slfit::Table>(slfit::read_csv(path));
  const slfit::FitRun in_memory = slfit::run_fit(q);
  REQUIRE(in_memory.fit);
  CHECK(in_memory.data.table.rows() == from_file.data.table.rows());
  CHECK(in_memory.fit->parameters == from_file.fit->parameters);
  CHECK(in_memory.fit->objective_value == from_file.fit->objective_value);

  // The same checks and messages, naming the table by `path` when given.
  q.data.path = "frame";
  q.columns = {{"D", "tokns"}};
  CHECK_THROWS_WITH(slfit::run_fit(q),
                    Catch::Contains("table 'frame' has no column 'tokns' (did you mean 'tokens'?"));
  q.columns.clear();
  q.data.where = {"N < 0"};
  CHECK_THROWS_WITH(slfit::run_fit(q), Catch::Contains("no rows of 'frame' satisfy"));
  // The request's table is left as it was.
  CHECK(q.data.table->names() == std::vector<std::string>{"N", "D", "loss"});
}

TEST_CASE("runtime: laws registered at run time join the catalogue", "[runtime]") {
  slfit::LawEntry copy = slfit::find_law("chinchilla");
  copy.name = "chinchilla-registered";
  const slfit::LawEntry& added = slfit::register_law(copy);
  CHECK(&slfit::find_law("chinchilla-registered") == &added);
  CHECK_THROWS_WITH(slfit::register_law(copy), Catch::Contains("already in the catalogue"));
  CHECK_THROWS_WITH(slfit::find_law("chinchila"), Catch::Contains("did you mean 'chinchilla'?"));
}

TEST_CASE("runtime: a frontier keeps the row with the lowest target of each combination",
          "[runtime]") {
  // A learning-rate sweep: three rates per (N, D), in shuffled order, one tie.
  const std::filesystem::path path = tmp_dir() / "sweep.csv";
  {
    std::ofstream f(path);
    f << "N,D,lr,loss\n"
         "1e8,1e9,1e-3,3.10\n1e8,1e9,3e-3,3.05\n1e8,1e9,1e-2,3.20\n"
         "2e8,1e9,1e-2,2.90\n2e8,1e9,1e-3,2.95\n2e8,1e9,3e-3,2.90\n"
         "1e8,2e9,3e-3,3.01\n1e8,2e9,1e-3,2.99\n";
  }
  slfit::TableRequest q{path.string()};
  q.frontier = slfit::parse_frontier("N, D");
  const slfit::LoadedTable t = slfit::load_table(q);
  REQUIRE(t.table.rows() == 3);
  CHECK(t.frontier_dropped == 5);
  // File order; on the tie (2e8, 1e9) the first row with the lowest loss.
  CHECK((t.table.column("loss") == Eigen::Array3d(3.05, 2.90, 2.99)).all());
  CHECK((t.table.column("lr") == Eigen::Array3d(3e-3, 1e-2, 1e-3)).all());
  CHECK(slfit::frontier_note(q, t) ==
        "frontier (N, D): kept 3 of 8 rows, the lowest target of each combination");
  // An expression target is minimised too; `where` comes first.
  q.target = "2 * loss";
  q.where = {"lr < 5e-3"};
  const slfit::LoadedTable e = slfit::load_table(q);
  CHECK((e.table.column("loss") == Eigen::Array3d(3.05, 2.90, 2.99)).all());
  CHECK((e.table.column("lr") == Eigen::Array3d(3e-3, 3e-3, 1e-3)).all());
  q.frontier = {"N", "depth"};
  CHECK_THROWS_WITH(slfit::load_table(q), Catch::Contains("option 'frontier': no column 'depth'"));
  CHECK_THROWS_WITH(slfit::parse_frontier("N,,D"),
                    "option 'frontier' takes column names separated by commas (N,D), got 'N,,D'");
}
