// The tool's uncertainty outputs: fit --bootstrap, fit --holdout and slfit compare.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "json_output.hpp"
#include "slfit/slfit.hpp"

namespace slfit::tool {

// A progress bar on stderr, drawn only when stderr is a terminal (so logs and CI stay clean).
inline std::function<void(int, int)> progress_bar(const std::string& label) {
  if (!isatty(fileno(stderr))) return {};
  return [label](int done, int total) {
    const int width = 40;
    const int filled = total > 0 ? done * width / total : width;
    std::fprintf(stderr, "\r%s [%s%s] %d/%d", label.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), done, total);
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

inline nlohmann::ordered_json interval_json(const Interval& i) {
  return nlohmann::ordered_json::array({number_or_null(i.lower), number_or_null(i.upper)});
}

inline nlohmann::ordered_json bootstrap_json(const BootstrapResult& b) {
  nlohmann::ordered_json j;
  j["resamples"] = b.resamples;
  j["group"] = b.group.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(b.group);
  j["groups"] = b.groups;
  j["failed"] = b.failed;
  j["not_converged"] = b.not_converged;
  nlohmann::ordered_json se = nlohmann::ordered_json::object(), ci = se, cov_se = se, cov_ci = se;
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
    nlohmann::ordered_json d = nlohmann::ordered_json::object();
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

inline nlohmann::ordered_json prediction_json(const PredictionResult& p, const Table& at) {
  nlohmann::ordered_json j;
  j["method"] = p.method_description;
  j["level"] = p.level;
  j["residual_sd"] = number_or_null(p.residual_sd);
  j["rows"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < p.points.size(); ++i) {
    nlohmann::ordered_json row;
    for (const auto& n : at.names()) row[n] = at.column(n)(static_cast<Eigen::Index>(i));
    row["value"] = number_or_null(p.points[i].prediction);
    row["mean_interval"] = interval_json(p.points[i].mean_interval);
    row["interval"] = interval_json(p.points[i].interval);
    j["rows"].push_back(row);
  }
  return j;
}

inline std::string prediction_report(const PredictionResult& p, const Table& at) {
  std::string s =
      fmt::format("\npredictions ({}; {:g}% intervals):\n", p.method_description, 100 * p.level);
  for (const auto& n : at.names()) s += fmt::format("{:>12}", n);
  s += fmt::format(" {:>12} {:>27} {:>27}\n", "value", "interval of the mean", "new observation");
  for (std::size_t i = 0; i < p.points.size(); ++i) {
    for (const auto& n : at.names())
      s += fmt::format("{:>12.5g}", at.column(n)(static_cast<Eigen::Index>(i)));
    const auto& q = p.points[i];
    s += fmt::format(
        " {:>12} {:>27} {:>27}\n", format_value(q.prediction, 7),
        "[" + format_value(q.mean_interval.lower) + ", " + format_value(q.mean_interval.upper) +
            "]",
        "[" + format_value(q.interval.lower) + ", " + format_value(q.interval.upper) + "]");
  }
  return s;
}

inline std::string bootstrap_report(const BootstrapResult& b) {
  std::string s = fmt::format("\nbootstrap: {} resamples of {} ({} failed, {} not converged)\n",
                              b.resamples, b.group.empty() ? "rows" : "groups of '" + b.group + "'",
                              b.failed, b.not_converged);
  s += fmt::format("{:<12} {:>12} {:>11} {:>25} {:>11}\n", "parameter", "estimate", "boot. s.e.",
                   "95% percentile interval", "cov. s.e.");
  for (const auto& e : b.parameters) {
    s += fmt::format(
        "{:<12} {:>12} {:>11} {:>25} {:>11}\n", e.name, format_value(e.estimate),
        format_value(e.standard_error, 4),
        "[" + format_value(e.percentile.lower) + ", " + format_value(e.percentile.upper) + "]",
        format_value(e.covariance_se, 4));
  }
  for (const auto& e : b.derived) {
    s += fmt::format(
        "{:<12} {:>12} {:>11} {:>25} {:>11}\n", e.name, format_value(e.estimate),
        format_value(e.standard_error, 4),
        "[" + format_value(e.percentile.lower) + ", " + format_value(e.percentile.upper) + "]",
        format_value(e.covariance_se, 4));
  }
  for (const auto& w : b.warnings) s += "warning: " + w + "\n";
  return s;
}

inline nlohmann::ordered_json holdout_json(const HoldoutResult& h) {
  nlohmann::ordered_json j;
  j["train_rows"] = h.train_rows;
  j["rows"] = nlohmann::ordered_json::array();
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

inline std::string holdout_report(const HoldoutResult& h) {
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

inline nlohmann::ordered_json comparison_json(const Comparison& c) {
  nlohmann::ordered_json j;
  j["laws"] = nlohmann::ordered_json::array();
  for (const auto& s : c.scores) {
    nlohmann::ordered_json l;
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
      l["holdout"] = holdout_json(*s.holdout);
    }
    l["fit"] = fit_json(s.fit);
    j["laws"].push_back(l);
  }
  j["best_by_aic"] = c.best_by_aic;
  j["best_by_bic"] = c.best_by_bic;
  j["best_by_holdout"] = c.best_by_holdout.empty() ? nlohmann::ordered_json(nullptr)
                                                   : nlohmann::ordered_json(c.best_by_holdout);
  j["warnings"] = c.warnings;
  return j;
}

inline std::string comparison_report(const Comparison& c) {
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

}  // namespace slfit::tool
