// The outputs of a design run: text report, `design --json`, `design --csv` and the figure.
#include <fmt/format.h>

#include "output_parts.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/design.hpp"

namespace slfit {

namespace {

std::string space_word(Space s) { return s == Space::kLog ? "log loss" : "loss"; }

double input_at(const Table& t, const std::string& name, Eigen::Index i) {
  return t.column(name)(i);
}

}  // namespace

std::string report(const DesignRun& run) {
  const LawEntry& law = *run.law;
  const DesignResult& r = run.result;
  std::string out =
      fmt::format("slfit design: law {}, strategy {}\n", law.name, to_string(r.strategy));
  out += fmt::format("belief:      {}\n", run.belief);
  out += fmt::format("uncertainty: {}; gains averaged over {} parameter sample{}\n",
                     run.uncertainty, run.samples, run.samples == 1 ? "" : "s");
  out += fmt::format("noise:       {:.4g} in {} per run, from {}\n", run.noise,
                     space_word(run.space), run.noise_source);
  out += fmt::format("pool:        {} candidate runs costing {:.4g} in all (cost = {})\n",
                     run.pool.rows(), run.pool_cost, run.cost_text);
  out += fmt::format("targets:     {} points\n", run.targets.rows());
  out += fmt::format("budget:      {:.4g} ({:.2f}% of the pool's cost); spent {:.4g} on {} run{}\n",
                     r.budget, 100.0 * r.budget / run.pool_cost, r.spent(), r.steps.size(),
                     r.steps.size() == 1 ? "" : "s");
  const double after = r.steps.empty() ? r.initial_rmse : r.steps.back().target_rmse;
  out += fmt::format("predicted RMSE at the targets ({}): {:.4g} now, {:.4g} after these runs\n\n",
                     space_word(run.space), r.initial_rmse, after);
  std::vector<std::string> head{"step", "row"};
  for (const auto& in : law.inputs) head.push_back(in.name);
  for (const char* h : {"cost", "cumulative", "target_rmse"}) head.push_back(h);
  std::string line;
  for (const auto& h : head) line += fmt::format("{:>12}", h);
  out += line + "\n";
  for (std::size_t s = 0; s < r.steps.size(); ++s) {
    const DesignStep& st = r.steps[s];
    line = fmt::format("{:>12}{:>12}", s + 1, run.rows[static_cast<std::size_t>(st.candidate)]);
    for (const auto& in : law.inputs)
      line += fmt::format("{:>12.4g}", input_at(run.pool, in.name, st.candidate));
    line += fmt::format("{:>12.4g}{:>12.4g}{:>12.4g}", st.cost, st.cumulative_cost, st.target_rmse);
    out += line + "\n";
  }
  for (const auto& w : run.warnings) out += "warning: " + w + "\n";
  return out;
}

std::string to_json(const DesignRun& run) {
  using detail::Json;
  using detail::number_or_null;
  const DesignResult& r = run.result;
  Json j;
  j["law"] = run.law->name;
  j["strategy"] = std::string(to_string(r.strategy));
  j["belief"] = run.belief;
  Json params = Json::object();
  for (std::size_t k = 0; k < run.names.size(); ++k)
    params[run.names[k]] = number_or_null(run.parameters[k]);
  j["parameters"] = params;
  std::vector<std::string> designed;
  for (std::size_t k = 0; k < run.names.size(); ++k)
    if (run.designed[k]) designed.push_back(run.names[k]);
  j["designed"] = designed;
  j["uncertainty"] = run.uncertainty;
  j["samples"] = run.samples;
  j["space"] = std::string(to_string(run.space));
  j["noise"] = run.noise;
  j["noise_source"] = run.noise_source;
  j["cost"] = run.cost_text;
  j["candidates"] = run.pool.rows();
  j["pool_cost"] = run.pool_cost;
  j["targets"] = run.targets.rows();
  j["budget"] = r.budget;
  j["spent"] = r.spent();
  j["initial_rmse"] = number_or_null(r.initial_rmse);
  Json steps = Json::array();
  for (std::size_t s = 0; s < r.steps.size(); ++s) {
    const DesignStep& st = r.steps[s];
    Json o;
    o["step"] = s + 1;
    o["row"] = run.rows[static_cast<std::size_t>(st.candidate)];
    for (const auto& in : run.law->inputs) o[in.name] = input_at(run.pool, in.name, st.candidate);
    o["cost"] = st.cost;
    o["cumulative_cost"] = st.cumulative_cost;
    o["target_rmse"] = number_or_null(st.target_rmse);
    steps.push_back(o);
  }
  j["steps"] = steps;
  j["warnings"] = run.warnings;
  return j.dump(2);
}

std::string to_csv(const DesignRun& run) {
  std::vector<std::string> head{"step", "row"};
  for (const auto& in : run.law->inputs) head.push_back(in.name);
  for (const char* h : {"cost", "cumulative_cost", "target_rmse"}) head.push_back(h);
  std::vector<std::vector<double>> rows;
  for (std::size_t s = 0; s < run.result.steps.size(); ++s) {
    const DesignStep& st = run.result.steps[s];
    std::vector<double> row{static_cast<double>(s + 1),
                            static_cast<double>(run.rows[static_cast<std::size_t>(st.candidate)])};
    for (const auto& in : run.law->inputs) row.push_back(input_at(run.pool, in.name, st.candidate));
    row.insert(row.end(), {st.cost, st.cumulative_cost, st.target_rmse});
    rows.push_back(std::move(row));
  }
  return detail::table_csv(head, rows);
}

Figure figure(const DesignRun& run, const std::string& title) {
  const LawEntry& law = *run.law;
  // N and D where the law has them, else its first two inputs (one input: against the cost).
  std::string xn = law.inputs.front().name, yn;
  if (law.has_input("N") && law.has_input("D")) {
    xn = "N";
    yn = "D";
  } else if (law.inputs.size() > 1) {
    yn = law.inputs[1].name;
  }
  auto xs = [&](const Table& t) {
    const Array v = t.rows() ? Array(t.column(xn)) : Array();
    return std::vector<double>(v.data(), v.data() + v.size());
  };
  auto ys = [&](const Table& t, const Eigen::ArrayXd* cost) {
    const Array v = !yn.empty() ? (t.rows() ? Array(t.column(yn)) : Array()) : *cost;
    return std::vector<double>(v.data(), v.data() + v.size());
  };
  Panel a;
  a.xlabel = xn;
  a.ylabel = yn.empty() ? "cost" : yn;
  a.key = "outside right";
  a.cblabel = "order bought";
  Series pool{"candidates", xs(run.pool), ys(run.pool, &run.cost), SeriesStyle::kPoints, 7};
  pool.point = 6;
  a.series.push_back(pool);
  if (run.pilot.rows() > 0 && !yn.empty()) {
    Series pilot{"pilot runs", xs(run.pilot), ys(run.pilot, nullptr), SeriesStyle::kPoints, 2};
    pilot.point = 5;
    a.series.push_back(pilot);
  }
  if (!yn.empty()) {
    Series targets{"targets", xs(run.targets), ys(run.targets, nullptr), SeriesStyle::kPoints, 3};
    targets.point = 9;
    a.series.push_back(targets);
  }
  Series key{"bought (colour: order)", {}, {}, SeriesStyle::kPoints, 0};
  key.key_only = true;
  a.series.push_back(key);
  const auto px = xs(run.pool), py = ys(run.pool, &run.cost);
  for (std::size_t s = 0; s < run.result.steps.size(); ++s) {
    const auto c = static_cast<std::size_t>(run.result.steps[s].candidate);
    Series b{"", {px[c]}, {py[c]}, SeriesStyle::kPoints, -2};
    b.cb = static_cast<double>(s + 1);
    a.series.push_back(b);
  }
  bool positive = true;
  for (const auto& s : a.series) {
    for (double v : s.x) positive = positive && v > 0.0;
  }
  a.logx = positive;
  positive = true;
  for (const auto& s : a.series) {
    for (double v : s.y) positive = positive && v > 0.0;
  }
  a.logy = positive;
  const std::string t =
      title.empty() ? fmt::format("slfit design --law {} --strategy {}: {} runs, {:.3g} of {:.3g}",
                                  law.name, to_string(run.result.strategy), run.result.steps.size(),
                                  run.result.spent(), run.result.budget)
                    : title;
  return {t, {a}};
}

}  // namespace slfit
