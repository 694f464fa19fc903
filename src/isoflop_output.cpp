// What an IsoFLOP run looks like: the text report, the JSON of the CLI contract, the budgets as
// CSV, and its figure (the profiles with their parabolas, and the fitted frontier).
#include <fmt/format.h>

#include "figure_parts.hpp"
#include "output_parts.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/runtime/figure.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit {

namespace {

using detail::Json;
using detail::number_or_null;

Json interval_json(const Interval& i) {
  return Json::array({number_or_null(i.lower), number_or_null(i.upper)});
}

Json power_law_json(const IsoflopPowerLaw& p, bool bootstrapped) {
  Json j;
  j["exponent"] = number_or_null(p.exponent);
  j["coefficient"] = number_or_null(p.coefficient);
  if (bootstrapped) {
    j["ci95"] = {{"exponent", interval_json(p.exponent_ci)},
                 {"coefficient", interval_json(p.coefficient_ci)}};
  }
  return j;
}

Json group_json(const IsoflopRun& run, const IsoflopGroup& g) {
  const IsoflopResult& r = g.result;
  const bool boot = r.resamples > 0;
  Json j;
  if (!run.request.by.empty()) j["group"] = g.group;
  j["budgets"] = Json::array();
  for (const auto& b : r.budgets) {
    j["budgets"].push_back({{"C", b.C},
                            {"N", number_or_null(b.N)},
                            {"D", number_or_null(b.D)},
                            {"loss", number_or_null(b.loss)},
                            {"points", b.points},
                            {"interior", b.interior},
                            {"used", b.used},
                            {"reason", b.used ? Json(nullptr) : Json(b.reason)},
                            {"offset", number_or_null(b.offset)},
                            {"off_centre", b.off_centre},
                            {"curvature", number_or_null(b.curvature)}});
  }
  j["budgets_used"] = r.used;
  j["N"] = power_law_json(r.N, boot);
  j["D"] = power_law_json(r.D, boot);
  if (boot) {
    j["resamples"] = r.resamples;
    j["failed"] = r.failed;
  }
  j["rows"] = Json::array();
  for (const auto& p : g.rows) {
    Json row = {{"C", p.C},
                {"N", number_or_null(p.N)},
                {"D", number_or_null(p.D)},
                {"tokens_per_parameter", number_or_null(p.tokens_per_parameter)}};
    if (boot) {
      row["ci95"] = {{"N", interval_json(p.N_ci)},
                     {"D", interval_json(p.D_ci)},
                     {"tokens_per_parameter", interval_json(p.tokens_per_parameter_ci)}};
    }
    j["rows"].push_back(row);
  }
  j["warnings"] = r.warnings;
  if (g.law) {
    auto outputs = [](const std::vector<Outputs>& rows) {
      Json out = Json::array();
      for (const auto& row : rows) {
        Json o;
        for (const auto& [k, v] : row) o[k] = number_or_null(v);
        out.push_back(o);
      }
      return out;
    };
    j["law"] = {{"name", g.law->law->name},
                {"fit", detail::fit_object(g.law->fit)},
                {"budgets", outputs(g.law->budgets)},
                {"rows", outputs(g.law->rows)}};
  }
  if (!run.request.data.frontier.empty()) {
    j["frontier"] = {{"columns", run.request.data.frontier},
                     {"kept", run.data.table.rows()},
                     {"dropped", run.data.frontier_dropped}};
  }
  return j;
}

std::string ci_text(const Interval& i) {
  return std::isfinite(i.lower) ? fmt::format(" [{:.4g}, {:.4g}]", i.lower, i.upper) : "";
}

double output(const Outputs& row, const char* name) {
  for (const auto& [k, v] : row)
    if (k == name) return v;
  return std::nan("");
}

// Approach 3 beside Approach 2: the law's allocation at each budget next to the profiles'.
std::string law_report(const IsoflopLawSide& side, const IsoflopGroup& g) {
  std::string s = fmt::format("law {} fitted to the same runs: {}, objective {:.6g} (",
                              side.law->name, to_string(side.fit.status), side.fit.objective_value);
  for (std::size_t i = 0; i < side.fit.names.size(); ++i)
    s += fmt::format("{}{} = {:.6g}", i ? ", " : "", side.fit.names[i], side.fit.parameters[i]);
  s += ")\n";
  if (side.budgets.empty() && side.rows.empty()) return s;
  s += fmt::format("{:>10} {:>14} {:>14} {:>14} {:>14}\n", "C", "IsoFLOP N_opt", "law N_opt",
                   "IsoFLOP D_opt", "law D_opt");
  std::size_t k = 0;
  for (const auto& b : g.result.budgets) {
    if (!b.used) continue;
    const Outputs& row = side.budgets[k++];
    s += fmt::format("{:>10.4g} {:>14.5g} {:>14.5g} {:>14.5g} {:>14.5g}\n", b.C, b.N,
                     output(row, "N"), b.D, output(row, "D"));
  }
  for (std::size_t i = 0; i < g.rows.size() && i < side.rows.size(); ++i) {
    s += fmt::format("{:>10.4g} {:>14.5g} {:>14.5g} {:>14.5g} {:>14.5g}  (extrapolated)\n",
                     g.rows[i].C, g.rows[i].N, output(side.rows[i], "N"), g.rows[i].D,
                     output(side.rows[i], "D"));
  }
  return s;
}

std::string group_report(const IsoflopRun& run, const IsoflopGroup& g) {
  const IsoflopResult& r = g.result;
  std::string s;
  if (!g.group.empty()) s += "group " + run.request.by + " = " + g.group + "\n";
  s += fmt::format("{:>10} {:>6} {:>12} {:>12} {:>9} {:>7}  {}\n", "C", "runs", "N_opt", "D_opt",
                   "loss", "offset", "used");
  for (const auto& b : r.budgets) {
    s += fmt::format("{:>10.4g} {:>6} {:>12.5g} {:>12.5g} {:>9.5g} {:>7.2f}  {}\n", b.C, b.points,
                     b.N, b.D, b.loss, b.offset,
                     b.used ? (b.off_centre ? "yes (off centre)" : "yes") : "no: " + b.reason);
  }
  const std::string level = fmt::format("{:g}%", 100 * r.level);
  s += fmt::format("N_opt = {:.6g} C^{:.6g}", r.N.coefficient, r.N.exponent);
  if (r.resamples > 0) s += "   exponent " + level + ci_text(r.N.exponent_ci);
  s += fmt::format("\nD_opt = {:.6g} C^{:.6g}", r.D.coefficient, r.D.exponent);
  if (r.resamples > 0) s += "   exponent " + level + ci_text(r.D.exponent_ci);
  s += fmt::format("\n{} of {} budgets used", r.used, r.budgets.size());
  if (r.resamples > 0)
    s += fmt::format("; bootstrap: {} resamples within budgets, {} failed", r.resamples, r.failed);
  s += "\n";
  for (const auto& p : g.rows) {
    s += fmt::format(
        "at C = {:.4g}: N_opt = {:.4g}{}, D_opt = {:.4g}{}, {:.4g} tokens per parameter{}\n", p.C,
        p.N, ci_text(p.N_ci), p.D, ci_text(p.D_ci), p.tokens_per_parameter,
        ci_text(p.tokens_per_parameter_ci));
  }
  if (g.law) s += law_report(*g.law, g);
  for (const auto& w : r.warnings) s += "warning: " + w + "\n";
  return s;
}

}  // namespace

std::string report(const IsoflopRun& run) {
  std::string s = fmt::format("isoflop: {} (N from {}, D from {}; loss from {})\n",
                              run.data.table.label(), run.N_from, run.D_from, run.data.target);
  if (const std::string note = frontier_note(run.request.data, run.data); !note.empty())
    s += note + "\n";
  for (std::size_t i = 0; i < run.groups.size(); ++i)
    s += (i ? "\n" : "") + group_report(run, run.groups[i]);
  return s;
}

std::string to_json(const IsoflopRun& run) {
  if (run.request.by.empty()) return group_json(run, run.groups.front()).dump(2);
  Json j = Json::array();
  for (const auto& g : run.groups) j.push_back(group_json(run, g));
  return j.dump(2);
}

std::string to_csv(const IsoflopRun& run) {
  const bool by = !run.request.by.empty();
  std::vector<std::string> head = {"C", "points", "N", "D", "loss", "offset", "used", "reason"};
  if (by) head.insert(head.begin(), run.request.by);
  std::string out = detail::csv_row(head);
  for (const auto& g : run.groups) {
    for (const auto& b : g.result.budgets) {
      std::vector<std::string> row = {detail::csv_number(b.C),    std::to_string(b.points),
                                      detail::csv_number(b.N),    detail::csv_number(b.D),
                                      detail::csv_number(b.loss), detail::csv_number(b.offset),
                                      b.used ? "true" : "false",  b.reason};
      if (by) row.insert(row.begin(), g.group);
      out += detail::csv_row(row);
    }
  }
  return out;
}

namespace {

// (a) loss against N at each budget: the runs, the parabola over the sampled range and its
// vertex; budgets left out drawn with open circles and no vertex.
Panel profiles_panel(const IsoflopRun& run, const IsoflopGroup& g) {
  Panel p;
  p.title = "IsoFLOP profiles" + (g.group.empty() ? std::string() : " (" + g.group + ")");
  p.xlabel = detail::input_label("N", "");
  p.ylabel = run.data.target;
  p.logx = true;
  const IsoflopRequest& q = run.request;
  const Table& t = run.data.table;
  const auto it = q.columns.find("C");
  const ColumnView c = t.column(it == q.columns.end() ? "C" : it->second);
  const ColumnView y = t.column(run.data.target);
  const auto labels = q.by.empty() ? std::vector<std::string>() : t.labels(q.by);
  for (std::size_t k = 0; k < g.result.budgets.size(); ++k) {
    const IsoflopBudget& b = g.result.budgets[k];
    Series runs;
    runs.title = "C = " + short_number("C", b.C) + (b.used ? "" : " (left out)");
    runs.style = SeriesStyle::kPoints;
    runs.color = static_cast<int>(k % kPaletteColors);
    runs.point = b.used ? 7 : 6;
    for (Eigen::Index r = 0; r < c.size(); ++r) {
      if (c(r) != b.C || (!labels.empty() && labels[static_cast<std::size_t>(r)] != g.group))
        continue;
      const ColumnView n_col =
          run.N_from.rfind("C/", 0) == 0 ? t.column(run.D_from) : t.column(run.N_from);
      const double n = run.N_from.rfind("C/", 0) == 0 ? c(r) / (6.0 * n_col(r)) : n_col(r);
      runs.x.push_back(n);
      runs.y.push_back(y(r));
    }
    p.series.push_back(runs);
    if (!std::isfinite(b.in_N.c[2])) continue;
    Series curve;
    curve.color = runs.color;
    for (const double x : detail::sweep(b.in_N.x_min, b.in_N.x_max, false, 40)) {
      curve.x.push_back(std::exp(x));
      curve.y.push_back(b.in_N.at(x));
    }
    curve.dash = b.used ? 1 : 2;
    p.series.push_back(curve);
    if (!b.used) continue;
    Series vertex;
    vertex.style = SeriesStyle::kPoints;
    vertex.color = -1;
    vertex.point = 5;
    vertex.x = {b.N};
    vertex.y = {b.loss};
    if (k == 0 || std::none_of(p.series.begin(), p.series.end(),
                               [](const Series& s) { return s.title == "minimum"; }))
      vertex.title = "minimum";
    p.series.push_back(vertex);
  }
  return p;
}

// (b) the budgets' optima and the fitted power laws N_opt(C), D_opt(C), out to the `at` budgets.
Panel frontier_panel(const IsoflopGroup& g) {
  Panel p;
  p.title = "compute-optimal frontier";
  p.xlabel = detail::input_label("C", "");
  p.ylabel = "N_opt, D_opt";
  p.logx = p.logy = true;
  p.key = "top left";
  double lo = kInf, hi = -kInf;
  for (const auto& b : g.result.budgets) lo = std::min(lo, b.C), hi = std::max(hi, b.C);
  for (const auto& r : g.rows) lo = std::min(lo, r.C), hi = std::max(hi, r.C);
  const std::pair<const IsoflopPowerLaw*, std::string> laws[] = {{&g.result.N, "N"},
                                                                 {&g.result.D, "D"}};
  for (int k = 0; k < 2; ++k) {
    const auto& [law, name] = laws[k];
    Series optima;
    optima.style = SeriesStyle::kPoints;
    optima.color = k;
    optima.title = name + "_opt of a budget";
    for (const auto& b : g.result.budgets) {
      if (!b.used) continue;
      optima.x.push_back(b.C);
      optima.y.push_back(name == "N" ? b.N : b.D);
    }
    Series fit;
    fit.color = k;
    fit.title = fmt::format("{}_opt = {:.3g} C^{:.3f}", name, law->coefficient, law->exponent);
    for (const double c : detail::sweep(lo, hi, true, 40)) {
      fit.x.push_back(c);
      fit.y.push_back(law->at(c));
    }
    p.series.push_back(optima);
    p.series.push_back(fit);
    if (g.rows.empty()) continue;
    Series at;
    at.style = SeriesStyle::kPoints;
    at.color = k;
    at.point = 9;
    for (const auto& r : g.rows) {
      at.x.push_back(r.C);
      at.y.push_back(name == "N" ? r.N : r.D);
    }
    p.series.push_back(at);
  }
  return p;
}

}  // namespace

Figure figure(const IsoflopRun& run, const std::string& title) {
  Figure f;
  f.title = title.empty() ? "slfit isoflop: " + run.data.table.label() : title;
  const IsoflopGroup& g = run.groups.front();
  f.panels = {profiles_panel(run, g), frontier_panel(g)};
  return f;
}

}  // namespace slfit
