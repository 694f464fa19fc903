// --csv: the tool's tables as CSV, a header row then one row per record, numbers at full
// precision (the shortest text that reads back as the same double; empty where unavailable).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "slfit/slfit.hpp"

namespace slfit::tool {

inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

inline std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

inline std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
  return out + "\n";
}

// fit --csv: one row per parameter; with a bootstrap, its standard error and interval too.
inline std::string fit_csv(const FitResult& r, const BootstrapResult* boot) {
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

// fit --by --csv: one row per group: its value, rows, status, objective, then each parameter and
// its standard error (se_NAME).
inline std::string fit_by_csv(const std::vector<GroupFit>& groups,
                              const std::vector<std::string>& names) {
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

// compare --csv: one row per law, best first.
inline std::string comparison_csv(const Comparison& c) {
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

// A table of named columns (predict, optimal): header, then rows.
inline std::string table_csv(const std::vector<std::string>& head,
                             const std::vector<std::vector<double>>& rows) {
  std::string out = csv_row(head);
  for (const auto& r : rows) {
    std::vector<std::string> fields;
    for (double v : r) fields.push_back(csv_number(v));
    out += csv_row(fields);
  }
  return out;
}

}  // namespace slfit::tool
