// JSON documents printed by the tool (the CLI contract in DESIGN.md names their keys).
#pragma once

#include <cmath>
#include <nlohmann/json.hpp>

#include "slfit/slfit.hpp"

namespace slfit::tool {

// NaN has no JSON spelling: it becomes null, and the status fields say why.
inline nlohmann::ordered_json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

inline nlohmann::ordered_json fit_json(const FitResult& r) {
  nlohmann::ordered_json j;
  j["law"] = r.law;
  j["points"] = r.points;
  j["objective"] = {{"kind", std::string(to_string(r.objective))},
                    {"delta", r.objective == Objective::kHuber ? nlohmann::ordered_json(r.delta)
                                                               : nlohmann::ordered_json(nullptr)},
                    {"space", std::string(to_string(r.space))},
                    {"value", number_or_null(r.objective_value)}};
  nlohmann::ordered_json params = nlohmann::ordered_json::object(),
                         ses = nlohmann::ordered_json::object();
  nlohmann::ordered_json at_bound = nlohmann::ordered_json::object();
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
    // In parameter order; lets a later --fix-from carry this fit's uncertainty forward.
    nlohmann::ordered_json cov = nlohmann::ordered_json::array();
    for (Eigen::Index a = 0; a < r.covariance.rows(); ++a) {
      nlohmann::ordered_json row = nlohmann::ordered_json::array();
      for (Eigen::Index b = 0; b < r.covariance.cols(); ++b) row.push_back(r.covariance(a, b));
      cov.push_back(row);
    }
    j["covariance"] = cov;
  }
  return j;
}

}  // namespace slfit::tool
