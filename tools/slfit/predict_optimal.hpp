// `slfit predict` and `slfit optimal`: tables of a law's values and of its analyses over an --at
// grid, as text, JSON or CSV, and drawn with --plot.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "common.hpp"
#include "csv_output.hpp"
#include "figures.hpp"
#include "json_output.hpp"
#include "optimal.hpp"
#include "plot.hpp"
#include "slfit/slfit.hpp"

namespace slfit::tool {

struct PredictArgs {
  std::string law, preset, params, plot;
  std::vector<std::string> at;
  bool json = false, csv = false;
};

inline std::vector<double> chosen_parameters(const LawEntry& law, const std::string& preset,
                                             const std::string& params) {
  if (preset.empty() == params.empty())
    throw UsageError("give exactly one of --preset and --params");
  return preset.empty() ? read_params_file(params, law) : law.preset(preset);
}

// --law, --preset | --params, and the --at grid, shared by predict and simulate.
inline void add_law_source_options(CLI::App* cmd, std::string& law, std::string& preset,
                                   std::string& params, std::vector<std::string>& at) {
  cmd->add_option("--law", law, "law name (see `slfit laws`)")->required();
  cmd->add_option("--preset", preset, "preset name");
  cmd->add_option("--params", params, "JSON file with parameters (e.g. from fit --json)");
  cmd->add_option("--at", at, "input values: NAME=V1,V2,... (repeat for a grid; format=E4M3)")
      ->required();
}

inline int run_predict(const PredictArgs& a) {
  if (!a.plot.empty()) plot::check_plot_path(a.plot);
  if (a.json && a.csv) throw UsageError("give at most one of --json and --csv");
  const LawEntry& law = find_law(a.law);
  const auto p = chosen_parameters(law, a.preset, a.params);
  const Table grid = parse_at(a.at, law);
  const Array v = law.evaluate(grid, p, {});
  const auto names = grid.names();
  if (!a.plot.empty()) {
    const std::string source =
        a.preset.empty() ? "parameters from " + a.params : "preset " + a.preset;
    plot::render(
        predict_figure(law, p, grid, fmt::format("slfit predict --law {} ({})", law.name, source)),
        a.plot);
  }
  if (a.csv) {
    std::vector<std::string> head = names;
    head.push_back("value");
    std::vector<std::vector<double>> rows;
    for (Eigen::Index r = 0; r < grid.rows(); ++r) {
      std::vector<double> row;
      for (const auto& n : names) row.push_back(grid.column(n)(r));
      row.push_back(v(r));
      rows.push_back(std::move(row));
    }
    std::cout << table_csv(head, rows);
    return 0;
  }
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
  for (const auto& n : names) std::cout << fmt::format("{:>14}  ", n);
  std::cout << fmt::format("{:>14}", "value") << "\n";
  for (Eigen::Index r = 0; r < grid.rows(); ++r) {
    for (const auto& n : names) std::cout << fmt::format("{:>14.6g}  ", grid.column(n)(r));
    std::cout << fmt::format("{:>14.7g}", v(r)) << "\n";
  }
  return 0;
}

struct OptimalArgs {
  std::string law, preset, params, quantity, plot;
  std::vector<std::string> at;
  bool json = false, csv = false;
};

inline int run_optimal(const OptimalArgs& a) {
  if (!a.plot.empty()) plot::check_plot_path(a.plot);
  if (a.json && a.csv) throw UsageError("give at most one of --json and --csv");
  const LawEntry& law = find_law(a.law);
  const OptimalSpec& spec = find_optimal(law.name, a.quantity);
  const std::vector<double> p = chosen_parameters(law, a.preset, a.params);
  const Table grid = optimal_grid(a.at, spec);
  const auto names = grid.names();
  std::vector<Outputs> rows;
  for (Eigen::Index i = 0; i < grid.rows(); ++i) {
    Row r;
    for (const auto& n : names) r[n] = grid.column(n)(i);
    Outputs out;
    for (const auto& n : names) out.emplace_back(n, r[n]);
    for (auto& kv : spec.run(p, r)) {
      // An input the analysis also reports (N when N was given) appears once.
      auto same =
          std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.first == kv.first; });
      if (same == out.end()) {
        out.push_back(std::move(kv));
      } else {
        same->second = kv.second;
      }
    }
    rows.push_back(std::move(out));
  }
  if (!a.plot.empty()) {
    const std::string source =
        a.preset.empty() ? "parameters from " + a.params : "preset " + a.preset;
    plot::render(optimal_figure(spec, p, grid,
                                fmt::format("slfit optimal --law {} --quantity {} ({})", law.name,
                                            spec.quantity, source)),
                 a.plot);
  }
  if (a.csv) {
    std::vector<std::string> head;
    for (const auto& [k, v] : rows.front()) head.push_back(k);
    std::vector<std::vector<double>> values;
    for (const auto& r : rows) {
      std::vector<double> row;
      for (const auto& [k, v] : r) row.push_back(v);
      values.push_back(std::move(row));
    }
    std::cout << table_csv(head, values);
    return 0;
  }
  if (a.json) {
    nlohmann::ordered_json j;
    j["law"] = law.name;
    j["preset"] =
        a.preset.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(a.preset);
    j["quantity"] = a.quantity;
    if (law.name == "chinchilla") {
      const AllocationExponents e = chinchilla_exponents(p);
      j["G"] = e.G;
      j["a"] = e.a;
      j["b"] = e.b;
    }
    j["rows"] = nlohmann::ordered_json::array();
    for (const auto& r : rows) {
      nlohmann::ordered_json row;
      for (const auto& [k, v] : r) row[k] = number_or_null(v);
      j["rows"].push_back(row);
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << law.name << " " << spec.quantity << ": " << spec.help << "\n";
  for (const auto& [k, v] : rows.front()) std::cout << fmt::format("{:>15}", k);
  std::cout << "\n";
  for (const auto& r : rows) {
    for (const auto& [k, v] : r) std::cout << fmt::format("{:>15.7g}", v);
    std::cout << "\n";
  }
  return 0;
}

}  // namespace slfit::tool
