#include "parameter_json.hpp"

#include <algorithm>
#include <cmath>

#include "slfit/core/error.hpp"
#include "slfit/core/limits.hpp"

namespace slfit::detail {

void parse_draws(const nlohmann::json& d, const std::string& where, std::vector<std::string>& names,
                 std::vector<std::vector<double>>& rows) {
  if (!d.is_object() || !d.contains("parameters") || !d["parameters"].is_array() ||
      !d.contains("values") || !d["values"].is_array()) {
    throw DataError(where + ": expected an object with arrays 'parameters' and 'values'");
  }
  names.clear();
  rows.clear();
  for (const auto& name : d["parameters"]) {
    if (!name.is_string()) throw DataError(where + ".parameters: expected names (strings)");
    names.push_back(name.get<std::string>());
  }
  const auto& values = d["values"];
  if (values.size() > static_cast<std::size_t>(kMaxResamples)) {
    throw DataError(where + ".values: " + std::to_string(values.size()) +
                    " draws, more than the limit of " + std::to_string(kMaxResamples));
  }
  rows.reserve(values.size());
  for (std::size_t r = 0; r < values.size(); ++r) {
    const auto& row = values[r];
    if (!row.is_array() || row.size() != names.size()) {
      throw DataError(where + ".values[" + std::to_string(r) + "]: expected " +
                      std::to_string(names.size()) + " values, one per parameter");
    }
    std::vector<double> v;
    v.reserve(row.size());
    for (const auto& x : row) {
      if (!x.is_null() && !x.is_number()) {
        throw DataError(where + ".values[" + std::to_string(r) +
                        "]: expected numbers, or null for a failed resample");
      }
      v.push_back(x.is_null() ? std::nan("") : x.get<double>());
    }
    rows.push_back(std::move(v));
  }
}

FitResult fit_from_json(const nlohmann::ordered_json& j) {
  FitResult r;
  if (!j.is_object() || !j.contains("parameters") || !j["parameters"].is_object()) return r;
  for (auto it = j["parameters"].begin(); it != j["parameters"].end(); ++it) {
    r.names.push_back(it.key());
    r.parameters.push_back(it.value().is_number() ? it.value().get<double>() : std::nan(""));
    bool fixed = false;
    if (j.contains("fixed") && j["fixed"].is_array())
      for (const auto& f : j["fixed"]) fixed = fixed || (f.is_string() && f == it.key());
    r.fixed.push_back(fixed);
  }
  // The noise of the fit (a design reads it): residual sum of squares, rows and space.
  if (j.contains("rss") && j["rss"].is_number()) r.rss = j["rss"].get<double>();
  if (j.contains("points") && j["points"].is_number_integer())
    r.points = std::max<Eigen::Index>(0, j["points"].get<Eigen::Index>());
  if (j.contains("objective") && j["objective"].is_object() && j["objective"].contains("space") &&
      j["objective"]["space"] == "linear") {
    r.space = Space::kLinear;
  }
  const auto k = static_cast<Eigen::Index>(r.names.size());
  if (!j.contains("covariance") || !j["covariance"].is_array() ||
      static_cast<Eigen::Index>(j["covariance"].size()) != k) {
    return r;
  }
  r.covariance = Eigen::MatrixXd::Zero(k, k);
  bool ok = true;
  for (Eigen::Index a = 0; a < k && ok; ++a) {
    const auto& row = j["covariance"][static_cast<std::size_t>(a)];
    ok = row.is_array() && static_cast<Eigen::Index>(row.size()) == k;
    for (Eigen::Index b = 0; ok && b < k; ++b) {
      const auto& v = row[static_cast<std::size_t>(b)];
      ok = v.is_number();
      if (ok) r.covariance(a, b) = v.get<double>();
    }
  }
  r.covariance_ok = ok;
  return r;
}

}  // namespace slfit::detail
