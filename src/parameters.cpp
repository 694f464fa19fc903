// Parameter files: a `fit --json` output (the first fit of a `--by` list) or a plain JSON object
// of name -> value, read for predict/optimal/simulate, for two-stage fits and their covariance.
#include "parameters.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "parameter_json.hpp"
#include "slfit/core/limits.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/levels.hpp"
#include "slfit/runtime/output.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {

namespace {

// The file's text, refused past kMaxParameterFileBytes before more is read (a FIFO too).
std::string parameter_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot open parameter file '" + path + "'");
  std::string text;
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0) {
    text.append(block, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxParameterFileBytes) {
      throw DataError("parameter file '" + path + "' is larger than the limit of " +
                      std::to_string(kMaxParameterFileBytes >> 20) + " MB");
    }
  }
  return text;
}

template <class Json = nlohmann::json>
Json load_fit_file(const std::string& path) {
  const std::string text = parameter_file_text(path);
  Json j;
  try {
    j = Json::parse(text);
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

bool has_levels(const LawEntry& law) {
  return std::any_of(law.parameters.begin(), law.parameters.end(),
                     [](const ParameterSpec& p) { return !p.per.empty(); });
}

ParameterValues chosen_named_parameters(const LawEntry& law, const std::string& preset,
                                        const std::string& params_path,
                                        const ParameterValues& values) {
  if (!preset.empty()) {
    throw UsageError("law '" + law.name + "' has per-level parameters and no presets: give " +
                     "option 'params' (a fit's JSON)");
  }
  if (params_path.empty() == values.empty())
    throw UsageError("give exactly one of option 'params' and option 'parameters'");
  ParameterValues out = values;
  const std::string where =
      params_path.empty() ? "option 'parameters'" : "parameter file '" + params_path + "'";
  if (!params_path.empty()) {
    const nlohmann::json j = parameter_object(params_path);
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!it.value().is_number()) throw DataError(where + ": '" + it.key() + "' is not a number");
      out[it.key()] = it.value().get<double>();
    }
  }
  std::vector<bool> given(law.parameters.size(), false);
  for (const auto& [name, v] : out) {
    std::string base, level;
    const bool levelled = detail::split_level_name(name, base, level);
    const std::size_t i = law.parameter(levelled ? base : name);
    if (levelled != !law.parameters[i].per.empty()) {
      throw UsageError(where + ": '" + name + "': parameter '" + law.parameters[i].name +
                       (levelled ? "' has one value, not one per level"
                                 : "' has one value per level of column '" + law.parameters[i].per +
                                       "': give " + law.parameters[i].name + "[LEVEL]"));
    }
    if (!std::isfinite(v)) throw UsageError(where + ": '" + name + "' is not a finite number");
    given[i] = true;
  }
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!given[i]) {
      throw UsageError(where + " does not give '" + law.parameters[i].name + "'" +
                       (law.parameters[i].per.empty() ? "" : " for any level"));
    }
  }
  return out;
}

std::optional<ParameterDraws> read_parameter_draws(const std::string& path) {
  const nlohmann::json j = load_fit_file(path);
  if (!j.is_object() || !j.contains("bootstrap") || !j["bootstrap"].is_object() ||
      !j["bootstrap"].contains("draws")) {
    return std::nullopt;
  }
  ParameterDraws out;
  detail::parse_draws(j["bootstrap"]["draws"], "parameter file '" + path + "', bootstrap.draws",
                      out.names, out.rows);
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
  return detail::fit_from_json(load_fit_file<nlohmann::ordered_json>(path));
}

}  // namespace slfit
