// The outputs of a fit run: text report, the `fit --json` document and `fit --csv`.
#include <fmt/format.h>

#include "output_parts.hpp"
#include "slfit/fit/report.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit {

namespace detail {

Json fit_object(const FitResult& r) {
  Json j;
  j["law"] = r.law;
  j["points"] = r.points;
  j["objective"] = {{"kind", std::string(to_string(r.objective))},
                    {"delta", r.objective == Objective::kHuber ? Json(r.delta) : Json(nullptr)},
                    {"space", std::string(to_string(r.space))},
                    {"overestimate_penalty", r.overestimate_penalty},
                    {"value", number_or_null(r.objective_value)}};
  Json params = Json::object(), ses = Json::object(), at_bound = Json::object();
  std::vector<std::string> fixed;
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    params[r.names[i]] = number_or_null(r.parameters[i]);
    ses[r.names[i]] = number_or_null(r.standard_errors[i]);
    if (r.at_lower[i]) at_bound[r.names[i]] = "lower";
    if (r.at_upper[i]) at_bound[r.names[i]] = "upper";
    if (r.fixed[i]) fixed.push_back(r.names[i]);
  }
  j["parameters"] = params;
  j["standard_errors"] = ses;
  j["converged"] = r.converged();
  j["status"] = std::string(to_string(r.status));
  j["message"] = r.message;
  j["starts"] = r.starts_tried;
  j["starts_solved"] = r.starts_solved;
  j["starts_projected"] = r.starts_projected;
  j["starts_failed"] = r.starts_failed;
  j["best_start"] = r.best_start + 1;
  j["iterations"] = r.iterations;
  j["seconds"] = r.seconds;
  j["rss"] = number_or_null(r.rss);
  j["at_bound"] = at_bound;
  j["fixed"] = fixed;
  if (!r.dropped_rows.empty()) j["dropped_rows"] = r.dropped_rows;
  j["covariance_ok"] = r.covariance_ok;
  j["unidentified"] = r.unidentified;
  if (!r.covariance_message.empty()) j["covariance_message"] = r.covariance_message;
  if (r.covariance_ok) {
    // In parameter order; lets a later two-stage fit carry this fit's uncertainty forward.
    Json cov = Json::array();
    for (Eigen::Index a = 0; a < r.covariance.rows(); ++a) {
      Json row = Json::array();
      for (Eigen::Index b = 0; b < r.covariance.cols(); ++b) row.push_back(r.covariance(a, b));
      cov.push_back(row);
    }
    j["covariance"] = cov;
  }
  return j;
}

Json holdout_object(const HoldoutResult& h) {
  Json j;
  j["train_rows"] = h.train_rows;
  j["rows"] = Json::array();
  for (const auto& r : h.rows) {
    j["rows"].push_back({{"row", r.row},
                         {"observed", number_or_null(r.observed)},
                         {"predicted", number_or_null(r.predicted)},
                         {"error", number_or_null(r.error)}});
  }
  j["rmse"] = number_or_null(h.rmse);
  j["max_abs_error"] = number_or_null(h.max_abs_error);
  j["rmse_fitted_space"] = number_or_null(h.rmse_fitted);
  j["max_abs_error_fitted_space"] = number_or_null(h.max_abs_error_fitted);
  return j;
}

}  // namespace detail

namespace {

using detail::Json;
using detail::number_or_null;

Json interval_json(const Interval& i) {
  return Json::array({number_or_null(i.lower), number_or_null(i.upper)});
}

// Every resample's parameters (null where it failed), for intervals that combine two fits.
Json draws_object(const BootstrapResult& b) {
  Json names = Json::array(), values = Json::array();
  for (const auto& e : b.parameters) names.push_back(e.name);
  for (const auto& row : b.samples) {
    Json r = Json::array();
    for (double v : row) r.push_back(number_or_null(v));
    values.push_back(std::move(r));
  }
  return {{"parameters", names}, {"values", values}};
}

Json bootstrap_object(const BootstrapResult& b) {
  Json j;
  j["resamples"] = b.resamples;
  j["group"] = b.group.empty() ? Json(nullptr) : Json(b.group);
  j["groups"] = b.groups;
  j["failed"] = b.failed;
  j["not_converged"] = b.not_converged;
  Json se = Json::object(), ci = se, cov_se = se, cov_ci = se;
  for (const auto& e : b.parameters) {
    se[e.name] = number_or_null(e.standard_error);
    ci[e.name] = interval_json(e.percentile);
    cov_se[e.name] = number_or_null(e.covariance_se);
    cov_ci[e.name] = interval_json(e.covariance);
  }
  j["se"] = se;
  j["ci95"] = ci;
  j["covariance_se"] = cov_se;
  j["covariance_ci95"] = cov_ci;
  if (!b.derived.empty()) {
    Json d = Json::object();
    for (const auto& e : b.derived) {
      d[e.name] = {{"estimate", number_or_null(e.estimate)},
                   {"se", number_or_null(e.standard_error)},
                   {"ci95", interval_json(e.percentile)},
                   {"covariance_se", number_or_null(e.covariance_se)},
                   {"valid", e.valid}};
    }
    j["derived"] = d;
  }
  j["warnings"] = b.warnings;
  j["seconds"] = b.seconds;
  return j;
}

Json prediction_object(const PredictionResult& p, const Table& at) {
  Json j;
  j["method"] = p.method_description;
  j["level"] = p.level;
  j["residual_sd"] = number_or_null(p.residual_sd);
  j["rows"] = Json::array();
  for (std::size_t i = 0; i < p.points.size(); ++i) {
    Json row;
    for (const auto& n : at.names()) row[n] = at.column(n)(static_cast<Eigen::Index>(i));
    row["value"] = number_or_null(p.points[i].prediction);
    row["mean_interval"] = interval_json(p.points[i].mean_interval);
    row["interval"] = interval_json(p.points[i].interval);
    j["rows"].push_back(row);
  }
  return j;
}

void add_format_fields(Json& j, const CompressionFit& c) {
  Json m = Json::object(), se = m;
  for (const auto& [name, v] : c.multipliers) m[name] = number_or_null(v);
  for (const auto& [name, v] : c.standard_errors) se[name] = number_or_null(v);
  j["format_column"] = c.format_column;
  j["reference"] = c.reference;
  j["multipliers"] = m;
  j["multiplier_standard_errors"] = se;
}

std::string interval_text(const Interval& i) {
  return "[" + format_value(i.lower) + ", " + format_value(i.upper) + "]";
}

std::string prediction_report(const PredictionResult& p, const Table& at) {
  std::string s =
      fmt::format("\npredictions ({}; {:g}% intervals):\n", p.method_description, 100 * p.level);
  for (const auto& n : at.names()) s += fmt::format("{:>12}", n);
  s += fmt::format(" {:>12} {:>27} {:>27}\n", "value", "interval of the mean", "new observation");
  for (std::size_t i = 0; i < p.points.size(); ++i) {
    for (const auto& n : at.names())
      s += fmt::format("{:>12.5g}", at.column(n)(static_cast<Eigen::Index>(i)));
    const auto& q = p.points[i];
    s += fmt::format(" {:>12} {:>27} {:>27}\n", format_value(q.prediction, 7),
                     interval_text(q.mean_interval), interval_text(q.interval));
  }
  return s;
}

std::string estimate_line(const BootstrapEstimate& e, std::size_t width) {
  return fmt::format("{:<{}} {:>12} {:>11} {:>25} {:>11}\n", e.name, width,
                     format_value(e.estimate), format_value(e.standard_error, 4),
                     interval_text(e.percentile), format_value(e.covariance_se, 4));
}

std::string bootstrap_report(const BootstrapResult& b) {
  std::string s = fmt::format("\nbootstrap: {} resamples of {} ({} failed, {} not converged)\n",
                              b.resamples, b.group.empty() ? "rows" : "groups of '" + b.group + "'",
                              b.failed, b.not_converged);
  // As wide as the longest name (a per-level parameter's), at least 12.
  std::size_t width = 12;
  for (const auto* list : {&b.parameters, &b.derived})
    for (const auto& e : *list) width = std::max(width, e.name.size());
  s += fmt::format("{:<{}} {:>12} {:>11} {:>25} {:>11}\n", "parameter", width, "estimate",
                   "boot. s.e.", "95% percentile interval", "cov. s.e.");
  for (const auto& e : b.parameters) s += estimate_line(e, width);
  for (const auto& e : b.derived) s += estimate_line(e, width);
  for (const auto& w : b.warnings) s += "warning: " + w + "\n";
  return s;
}

std::string holdout_report(const HoldoutResult& h) {
  std::string s =
      fmt::format("\nheld out {} rows (fitted on {}): RMSE {}, max |error| {}\n", h.rows.size(),
                  h.train_rows, format_value(h.rmse, 5), format_value(h.max_abs_error, 5));
  s += fmt::format("{:>6} {:>14} {:>14} {:>12}\n", "row", "observed", "predicted", "error");
  for (const auto& r : h.rows) {
    s += fmt::format("{:>6} {:>14} {:>14} {:>12}\n", r.row, format_value(r.observed, 8),
                     format_value(r.predicted, 8), format_value(r.error, 4));
  }
  return s;
}

std::string format_fit_report(const CompressionFit& c) {
  std::size_t width = std::max<std::size_t>(16, c.format_column.size());
  for (const auto& m : c.multipliers) width = std::max(width, m.first.size());
  std::string s =
      fmt::format("\n{:<{}} {:>12} {:>12}\n", c.format_column, width, "multiplier", "std. error");
  for (std::size_t i = 0; i < c.multipliers.size(); ++i) {
    s += fmt::format("{:<{}} {:>12} {:>12}\n", c.multipliers[i].first, width,
                     format_value(c.multipliers[i].second),
                     format_value(c.standard_errors[i].second, 4));
  }
  return s;
}

std::string by_report(const FitRun& run) {
  std::string s;
  for (const auto& g : run.groups) {
    s += fmt::format("== {} = {} ({} rows)\n", g.column, format_group_value(g.value), g.rows) +
         full_report(g.fit) + "\n";
  }
  s += fmt::format("summary by {}:\n{:>10}", run.request.by, run.request.by);
  for (const auto& n : run.law->parameter_names()) s += fmt::format(" {:>12}", n);
  s += fmt::format(" {:>14} {}\n", "objective", "status");
  for (const auto& g : run.groups) {
    s += fmt::format("{:>10}", format_group_value(g.value));
    for (double v : g.fit.parameters) s += fmt::format(" {:>12}", format_value(v));
    s += fmt::format(" {:>14} {}\n", format_value(g.fit.objective_value, 8),
                     to_string(g.fit.status));
  }
  return s;
}

}  // namespace

std::string fit_json(const FitResult& r) { return detail::fit_object(r).dump(2); }

namespace {

// What `frontier` did, before the fit's report.
std::string frontier_line(const FitRun& run) {
  const std::string note = frontier_note(run.request.data, run.data);
  return note.empty() ? note : note + "\n";
}

// The `frontier` object of the JSON: the columns, rows kept and dropped.
void add_frontier(Json& j, const FitRun& run) {
  if (run.request.data.frontier.empty()) return;
  j["frontier"] = {{"columns", run.request.data.frontier},
                   {"kept", run.data.table.rows()},
                   {"dropped", run.data.frontier_dropped}};
}

}  // namespace

std::string report(const FitRun& run) {
  if (!run.request.by.empty()) return frontier_line(run) + by_report(run);
  std::string s = frontier_line(run) + full_report(*run.fit);
  if (run.formats) s += format_fit_report(*run.formats);
  if (run.bootstrap) s += bootstrap_report(*run.bootstrap);
  if (run.holdout) s += holdout_report(*run.holdout);
  if (run.predictions) s += prediction_report(*run.predictions, run.prediction_points);
  return s;
}

std::string to_json(const FitRun& run) {
  if (!run.request.by.empty()) {
    Json out = Json::array();
    for (const auto& g : run.groups) {
      Json j;
      j["by"] = g.column;
      j["group"] = g.value;
      const Json fit = detail::fit_object(g.fit);
      for (auto it = fit.begin(); it != fit.end(); ++it) j[it.key()] = it.value();
      add_frontier(j, run);
      out.push_back(j);
    }
    return out.dump(2);
  }
  Json j = detail::fit_object(*run.fit);
  if (run.formats) add_format_fields(j, *run.formats);
  add_frontier(j, run);
  if (run.bootstrap) {
    j["bootstrap"] = bootstrap_object(*run.bootstrap);
    if (run.request.draws) j["bootstrap"]["draws"] = draws_object(*run.bootstrap);
  }
  if (run.holdout) j["holdout"] = detail::holdout_object(*run.holdout);
  if (run.predictions)
    j["predictions"] = prediction_object(*run.predictions, run.prediction_points);
  return j.dump(2);
}

}  // namespace slfit
