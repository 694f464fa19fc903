// Parameter files: a `fit --json` output (the first fit of a `--by` list) or a plain JSON object
// of name -> value, read for predict/optimal/simulate, for two-stage fits and their covariance.
#include "parameters.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "slfit/core/limits.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/output.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {

namespace {

template <class Json = nlohmann::json>
Json load_fit_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError("cannot open parameter file '" + path + "'");
  Json j;
  try {
    j = Json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError("parameter file '" + path + "' is not valid JSON: " + e.what());
  }
  if (j.is_array() && !j.empty()) j = j[0];
  return j;
}

// The object of parameter values in a parameter file.
nlohmann::json parameter_object(const std::string& path) {
  nlohmann::json j = load_fit_file(path);
  if (j.is_object() && j.contains("parameters")) j = j["parameters"];
  if (!j.is_object()) throw DataError("parameter file '" + path + "' holds no parameter object");
  return j;
}

std::vector<double> read_params_file(const std::string& path, const LawEntry& law) {
  const nlohmann::json j = parameter_object(path);
  std::vector<double> p(law.parameters.size(), std::nan(""));
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_number()) {
      throw DataError("parameter file '" + path + "': '" + it.key() + "' is not a number");
    }
    p[law.parameter(it.key())] = it.value().get<double>();
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (std::isnan(p[i])) {
      throw DataError("parameter file '" + path + "' does not give '" + law.parameters[i].name +
                      "'");
    }
  }
  return p;
}

// Values in memory: every parameter of the law, finite, and nothing else.
std::vector<double> given_parameters(const ParameterValues& values, const LawEntry& law) {
  std::vector<double> p(law.parameters.size(), std::nan(""));
  for (const auto& [name, value] : values) {
    const std::size_t i = law.parameter(name);
    if (!std::isfinite(value)) {
      throw UsageError("option 'parameters': '" + name + "' is not a finite number");
    }
    p[i] = value;
  }
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (std::isnan(p[i])) {
      throw UsageError("option 'parameters' does not give '" + law.parameters[i].name +
                       "' of law '" + law.name + "'");
    }
  }
  return p;
}

}  // namespace

std::vector<double> chosen_parameters(const LawEntry& law, const std::string& preset,
                                      const std::string& params_path,
                                      const ParameterValues& values) {
  if (!values.empty()) {
    if (!preset.empty() || !params_path.empty()) {
      throw UsageError(
          "give exactly one of option 'preset', option 'params' and option 'parameters'");
    }
    return given_parameters(values, law);
  }
  if (preset.empty() == params_path.empty())
    throw UsageError("give exactly one of option 'preset' and option 'params'");
  return preset.empty() ? read_params_file(params_path, law) : law.preset(preset);
}

std::optional<ParameterDraws> read_parameter_draws(const std::string& path) {
  const nlohmann::json j = load_fit_file(path);
  if (!j.is_object() || !j.contains("bootstrap") || !j["bootstrap"].is_object() ||
      !j["bootstrap"].contains("draws")) {
    return std::nullopt;
  }
  const nlohmann::json& d = j["bootstrap"]["draws"];
  const std::string where = "parameter file '" + path + "', bootstrap.draws";
  if (!d.is_object() || !d.contains("parameters") || !d["parameters"].is_array() ||
      !d.contains("values") || !d["values"].is_array()) {
    throw DataError(where + ": expected an object with arrays 'parameters' and 'values'");
  }
  ParameterDraws out;
  for (const auto& name : d["parameters"]) {
    if (!name.is_string()) throw DataError(where + ".parameters: expected names (strings)");
    out.names.push_back(name.get<std::string>());
  }
  const auto& values = d["values"];
  if (values.size() > static_cast<std::size_t>(kMaxResamples)) {
    throw DataError(where + ".values: " + std::to_string(values.size()) +
                    " draws, more than the limit of " + std::to_string(kMaxResamples));
  }
  out.rows.reserve(values.size());
  for (std::size_t r = 0; r < values.size(); ++r) {
    const auto& row = values[r];
    if (!row.is_array() || row.size() != out.names.size()) {
      throw DataError(where + ".values[" + std::to_string(r) + "]: expected " +
                      std::to_string(out.names.size()) + " values, one per parameter");
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
    out.rows.push_back(std::move(v));
  }
  return out;
}

namespace detail {

std::vector<std::pair<std::string, double>> read_shared_params(const std::string& path,
                                                               const LawEntry& law) {
  const nlohmann::json j = parameter_object(path);
  std::vector<std::pair<std::string, double>> out;
  const auto names = law.parameter_names();
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(names.begin(), names.end(), it.key()) == names.end()) continue;
    if (!it.value().is_number()) {
      throw DataError("parameter file '" + path + "': '" + it.key() + "' is not a number");
    }
    out.emplace_back(it.key(), it.value().get<double>());
  }
  if (out.empty()) {
    throw UsageError("parameter file '" + path + "' shares no parameter with law '" + law.name +
                     "' (" + join(names) + ")");
  }
  return out;
}

}  // namespace detail

FitResult read_fit_json(const std::string& path) {
  // Ordered: the covariance matrix follows the order in which the parameters were written (the
  // law's), which a key-sorted object would lose.
  const auto j = load_fit_file<nlohmann::ordered_json>(path);
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

}  // namespace slfit
