// The outputs of predict, optimal and compare, and every --csv table.
#include <fmt/format.h>

#include "output_parts.hpp"
#include "slfit/fit/report.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit {

namespace detail {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\n";
}

std::string table_csv(const std::vector<std::string>& head,
                      const std::vector<std::vector<double>>& rows) {
  std::string out = csv_row(head);
  for (const auto& r : rows) {
    std::vector<std::string> fields;
    for (double v : r) fields.push_back(csv_number(v));
    out += csv_row(fields);
  }
  return out;
}

}  // namespace detail

namespace {

using detail::csv_number;
using detail::csv_row;
using detail::Json;
using detail::number_or_null;

// One row per parameter; with a bootstrap, its standard error and interval too.
std::string fit_csv(const FitResult& r, const BootstrapResult* boot) {
  std::vector<std::string> head = {"parameter", "value", "standard_error", "fixed", "at_bound"};
  if (boot) head.insert(head.end(), {"bootstrap_se", "ci95_lower", "ci95_upper"});
  std::string out = csv_row(head);
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    std::vector<std::string> row = {r.names[i], csv_number(r.parameters[i]),
                                    csv_number(r.standard_errors[i]), r.fixed[i] ? "1" : "0",
                                    r.at_lower[i] ? "lower" : (r.at_upper[i] ? "upper" : "")};
    if (boot) {
      bool found = false;
      for (const auto& e : boot->parameters) {
        if (e.name != r.names[i]) continue;
        row.insert(row.end(), {csv_number(e.standard_error), csv_number(e.percentile.lower),
                               csv_number(e.percentile.upper)});
        found = true;
      }
      if (!found) row.insert(row.end(), {"", "", ""});
    }
    out += csv_row(row);
  }
  return out;
}

// One row per group: its value, rows, status, objective, then each parameter and its standard
// error (se_NAME).
std::string fit_by_csv(const std::vector<GroupFit>& groups, const std::vector<std::string>& names) {
  std::vector<std::string> head = {groups.empty() ? "group" : groups.front().column, "rows",
                                   "status", "objective"};
  for (const auto& n : names) head.push_back(n);
  for (const auto& n : names) head.push_back("se_" + n);
  std::string out = csv_row(head);
  for (const auto& g : groups) {
    std::vector<std::string> row = {csv_number(g.value), std::to_string(g.rows),
                                    std::string(to_string(g.fit.status)),
                                    csv_number(g.fit.objective_value)};
    for (std::size_t i = 0; i < names.size(); ++i)
      row.push_back(i < g.fit.parameters.size() ? csv_number(g.fit.parameters[i]) : "");
    for (std::size_t i = 0; i < names.size(); ++i)
      row.push_back(i < g.fit.standard_errors.size() ? csv_number(g.fit.standard_errors[i]) : "");
    out += csv_row(row);
  }
  return out;
}

Json preset_json(const std::string& preset) {
  return preset.empty() ? Json(nullptr) : Json(preset);
}

std::vector<std::string> names_of(const Outputs& row) {
  std::vector<std::string> out;
  for (const auto& [k, v] : row) out.push_back(k);
  return out;
}

}  // namespace

std::string to_csv(const FitRun& run) {
  if (!run.request.by.empty()) return fit_by_csv(run.groups, run.law->parameter_names());
  return fit_csv(*run.fit, run.bootstrap ? &*run.bootstrap : nullptr);
}

std::string report(const PredictRun& run) {
  const auto names = run.inputs.names();
  std::string s;
  for (const auto& n : names) s += fmt::format("{:>14}  ", n);
  s += fmt::format("{:>14}", "value");
  if (run.observed) s += fmt::format("  {:>14}", "observed");
  s += "\n";
  for (Eigen::Index r = 0; r < run.inputs.rows(); ++r) {
    for (const auto& n : names) s += fmt::format("{:>14.6g}  ", run.inputs.column(n)(r));
    s += fmt::format("{:>14.7g}", run.values(r));
    if (run.observed) s += fmt::format("  {:>14.7g}", (*run.observed)(r));
    s += "\n";
  }
  return s;
}

// One row of a predict run: its inputs, the law's value and, where known, the observed value.
static Outputs predict_row(const PredictRun& run, Eigen::Index r) {
  Outputs out;
  for (const auto& n : run.inputs.names()) out.emplace_back(n, run.inputs.column(n)(r));
  out.emplace_back("value", run.values(r));
  if (run.observed) out.emplace_back("observed", (*run.observed)(r));
  return out;
}

std::string to_json(const PredictRun& run) {
  Json j;
  j["law"] = run.law->name;
  j["preset"] = preset_json(run.preset);
  j["rows"] = Json::array();
  for (Eigen::Index r = 0; r < run.inputs.rows(); ++r) {
    Json row;
    for (const auto& [k, v] : predict_row(run, r))
      row[k] = k == "value" || k == "observed" ? number_or_null(v) : Json(v);
    j["rows"].push_back(row);
  }
  return j.dump(2);
}

std::string to_csv(const PredictRun& run) {
  std::vector<std::vector<double>> rows;
  for (Eigen::Index r = 0; r < run.inputs.rows(); ++r) {
    std::vector<double> row;
    for (const auto& [k, v] : predict_row(run, r)) row.push_back(v);
    rows.push_back(std::move(row));
  }
  std::vector<std::string> head = run.inputs.names();
  head.push_back("value");
  if (run.observed) head.push_back("observed");
  return detail::table_csv(head, rows);
}

namespace {

// The multiplier's intervals, one line per grid point.
std::string intervals_report(const OptimalRun& run) {
  std::string s =
      run.labels.empty()
          ? fmt::format("95% intervals from {} pairs of bootstrap draws (draw i of each fit):\n",
                        run.intervals->pairs)
          : fmt::format("95% intervals from {} bootstrap draws:\n", run.intervals->pairs);
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    if (run.labels.empty()) {
      s += fmt::format("  {} = {:.7g}:", run.rows[i].front().first, run.rows[i].front().second);
    } else {
      s += fmt::format("  {} = {}:", run.label_name, run.labels[i]);
    }
    for (const auto& [k, v] : run.intervals->ci95[i])
      s += fmt::format(" {} [{}, {}]", k, format_value(v.lower, 5), format_value(v.upper, 5));
    if (run.intervals->failed[i] > 0)
      s += fmt::format(" ({} {} failed)", run.intervals->failed[i],
                       run.labels.empty() ? "pairs" : "draws");
    s += "\n";
  }
  return s;
}

}  // namespace

std::string report(const OptimalRun& run) {
  std::string s = run.law->name + " " + run.analysis->quantity + ": " + run.analysis->help + "\n";
  // Columns of 15 characters, wider where a name needs it (tokens_per_parameter), so that names
  // never run together.
  std::vector<std::size_t> width;
  std::size_t label_width = run.label_name.size();
  for (const auto& l : run.labels) label_width = std::max(label_width, l.size());
  if (!run.labels.empty()) s += fmt::format("{:<{}}", run.label_name, label_width);
  for (const auto& k : names_of(run.rows.front())) {
    width.push_back(std::max<std::size_t>(15, k.size() + 2));
    s += fmt::format("{:>{}}", k, width.back());
  }
  s += "\n";
  for (std::size_t k = 0; k < run.rows.size(); ++k) {
    const auto& r = run.rows[k];
    if (!run.labels.empty()) s += fmt::format("{:<{}}", run.labels[k], label_width);
    for (std::size_t i = 0; i < r.size(); ++i)
      s += fmt::format("{:>{}.7g}", r[i].second, i < width.size() ? width[i] : 15);
    s += "\n";
  }
  if (run.intervals) s += intervals_report(run);
  for (const auto& w : run.warnings) s += "warning: " + w + "\n";
  return s;
}

std::string to_json(const OptimalRun& run) {
  Json j;
  j["law"] = run.law->name;
  j["preset"] = preset_json(run.preset);
  j["quantity"] = run.analysis->quantity;
  for (const auto& [k, v] : run.summary) j[k] = v;
  j["rows"] = Json::array();
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    Json row;
    if (!run.labels.empty()) row[run.label_name] = run.labels[i];
    for (const auto& [k, v] : run.rows[i]) row[k] = number_or_null(v);
    if (run.intervals) {
      Json ci = Json::object();
      for (const auto& [k, v] : run.intervals->ci95[i])
        ci[k] = Json::array({number_or_null(v.lower), number_or_null(v.upper)});
      row["ci95"] = ci;
      row[run.labels.empty() ? "failed_pairs" : "failed_draws"] = run.intervals->failed[i];
    }
    j["rows"].push_back(row);
  }
  if (run.intervals) j[run.labels.empty() ? "paired_draws" : "draws"] = run.intervals->pairs;
  j["warnings"] = run.warnings;
  return j.dump(2);
}

std::string to_csv(const OptimalRun& run) {
  std::vector<std::string> head = names_of(run.rows.front());
  if (run.intervals) {
    for (const auto& [k, v] : run.intervals->ci95.front()) {
      head.push_back(k + "_lower");
      head.push_back(k + "_upper");
    }
  }
  std::vector<std::vector<double>> values;
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    std::vector<double> row;
    for (const auto& [k, v] : run.rows[i]) row.push_back(v);
    if (run.intervals) {
      for (const auto& [k, v] : run.intervals->ci95[i]) {
        row.push_back(v.lower);
        row.push_back(v.upper);
      }
    }
    values.push_back(std::move(row));
  }
  if (run.labels.empty()) return detail::table_csv(head, values);
  // The level first: text, the rest numbers.
  head.insert(head.begin(), run.label_name);
  std::string out = csv_row(head);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::vector<std::string> fields = {run.labels[i]};
    for (double v : values[i]) fields.push_back(csv_number(v));
    out += csv_row(fields);
  }
  return out;
}

std::string report(const Comparison& c) {
  std::string s = fmt::format("{:<14} {:>6} {:>3} {:>12} {:>11} {:>11} {:>13} {:>9}\n", "law",
                              "points", "k", "RSS", "dAIC", "dBIC", "holdout RMSE", "status");
  for (const auto& l : c.scores) {
    s += fmt::format(
        "{:<14} {:>6} {:>3} {:>12} {:>11} {:>11} {:>13} {:>9}\n", l.name, l.n, l.k,
        format_value(l.rss, 6), format_value(l.delta_aic, 4), format_value(l.delta_bic, 4),
        l.holdout ? format_value(l.holdout->rmse, 4) : std::string("-"), to_string(l.fit.status));
  }
  s += fmt::format("best by AIC: {}; by BIC: {}", c.best_by_aic, c.best_by_bic);
  if (!c.best_by_holdout.empty()) s += fmt::format("; by held-out error: {}", c.best_by_holdout);
  s += "\n";
  for (const auto& w : c.warnings) s += "warning: " + w + "\n";
  return s;
}

std::string to_json(const Comparison& c) {
  Json j;
  j["laws"] = Json::array();
  for (const auto& s : c.scores) {
    Json l;
    l["law"] = s.name;
    l["points"] = s.n;
    l["k"] = s.k;
    l["rss"] = number_or_null(s.rss);
    l["aic"] = number_or_null(s.aic);
    l["bic"] = number_or_null(s.bic);
    l["delta_aic"] = number_or_null(s.delta_aic);
    l["delta_bic"] = number_or_null(s.delta_bic);
    l["rank_aic"] = s.rank_aic;
    l["rank_bic"] = s.rank_bic;
    if (s.holdout) {
      l["rank_holdout"] = s.rank_holdout;
      l["holdout"] = detail::holdout_object(*s.holdout);
    }
    l["fit"] = detail::fit_object(s.fit);
    j["laws"].push_back(l);
  }
  j["best_by_aic"] = c.best_by_aic;
  j["best_by_bic"] = c.best_by_bic;
  j["best_by_holdout"] = c.best_by_holdout.empty() ? Json(nullptr) : Json(c.best_by_holdout);
  j["warnings"] = c.warnings;
  return j.dump(2);
}

std::string to_csv(const Comparison& c) {
  std::string out = csv_row({"law", "points", "k", "rss", "aic", "bic", "delta_aic", "delta_bic",
                             "rank_aic", "rank_bic", "holdout_rmse", "status"});
  for (const auto& l : c.scores) {
    out += csv_row({l.name, std::to_string(l.n), std::to_string(l.k), csv_number(l.rss),
                    csv_number(l.aic), csv_number(l.bic), csv_number(l.delta_aic),
                    csv_number(l.delta_bic), std::to_string(l.rank_aic), std::to_string(l.rank_bic),
                    l.holdout ? csv_number(l.holdout->rmse) : "",
                    std::string(to_string(l.fit.status))});
  }
  return out;
}

std::string to_csv(const Table& t) {
  const auto names = t.names();
  std::string out;
  for (std::size_t c = 0; c < names.size(); ++c) out += (c ? "," : "") + names[c];
  out += "\n";
  for (Eigen::Index r = 0; r < t.rows(); ++r) {
    for (std::size_t c = 0; c < names.size(); ++c)
      out += fmt::format("{}{:.17g}", c ? "," : "", t.column(names[c])(r));
    out += "\n";
  }
  return out;
}

}  // namespace slfit
