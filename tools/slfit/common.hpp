// Helpers shared by the tool's subcommands: strict number parsing, NAME=VALUE flags, --at grids,
// loading a table with --derive/--where/--target applied, and parameter files.
#pragma once

#include <algorithm>
#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "builtin_laws.hpp"  // before any use: the laws' fitters come from slfit_instances
#include "slfit/laws/registry.hpp"
#include "slfit/slfit.hpp"

namespace slfit::tool {

inline std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// A whole-string double; `what` names the flag for the message.
inline double parse_number(std::string_view text, const std::string& what) {
  const std::string t = trim(text);
  double v = 0.0;
  const char* first = t.data();
  if (!t.empty() && t[0] == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
    throw UsageError(what + ": '" + std::string(text) + "' is not a finite number");
  }
  return v;
}

inline std::pair<std::string, std::string> split_key_value(std::string_view text,
                                                           const std::string& flag) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || trim(text.substr(0, eq)).empty()) {
    throw UsageError(flag + " expects NAME=VALUE, got '" + std::string(text) + "'");
  }
  return {trim(text.substr(0, eq)), trim(text.substr(eq + 1))};
}

// A parameter file: a `fit --json` output (the first fit of a `--by` list), or a plain object.
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
inline nlohmann::json parameter_object(const std::string& path) {
  nlohmann::json j = load_fit_file(path);
  if (j.is_object() && j.contains("parameters")) j = j["parameters"];
  if (!j.is_object()) throw DataError("parameter file '" + path + "' holds no parameter object");
  return j;
}

// The parameters of a `fit --json` file (or a plain object) that law `law` also has, for
// --fix-from: the second stage of a two-stage fit.
inline std::vector<std::pair<std::string, double>> read_shared_params(const std::string& path,
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
                     "' (" + detail::join(names) + ")");
  }
  return out;
}

// A first-stage fit read back from `fit --json` (names, values, fixed flags, covariance), so a
// second stage can add its uncertainty. covariance_ok is false where the file has none.
inline FitResult read_fit_json(const std::string& path) {
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
  if (j.contains("covariance") && j["covariance"].is_array() &&
      static_cast<Eigen::Index>(j["covariance"].size()) == k) {
    r.covariance = Eigen::MatrixXd::Zero(k, k);
    bool ok = true;
    for (Eigen::Index a = 0; a < k; ++a) {
      const auto& row = j["covariance"][static_cast<std::size_t>(a)];
      if (!row.is_array() || static_cast<Eigen::Index>(row.size()) != k) {
        ok = false;
        break;
      }
      for (Eigen::Index b = 0; b < k; ++b) {
        const auto& v = row[static_cast<std::size_t>(b)];
        ok = ok && v.is_number();
        if (v.is_number()) r.covariance(a, b) = v.get<double>();
      }
    }
    r.covariance_ok = ok;
  }
  return r;
}

inline void law_input_check(const LawEntry& law, const std::string& name) {
  for (const auto& in : law.inputs)
    if (in.name == name) return;
  throw UsageError("law '" + law.name + "' has no input '" + name + "'" +
                   detail::did_you_mean(name, law.input_names()) +
                   "; inputs are: " + detail::join(law.input_names()));
}

inline bool law_has_input(const LawEntry& law, std::string_view name) {
  for (const auto& in : law.inputs)
    if (in.name == name) return true;
  return false;
}

// --at "N=7e9,70e9" values, several flags combined into one grid of all combinations; names
// must be in `allowed`. With `formats`, --at "format=E4M3,E2M1" sets E and M together.
inline Table parse_grid(const std::vector<std::string>& flags,
                        const std::vector<std::string>& allowed, bool formats_allowed) {
  Axes axes;
  std::vector<FloatFormat> formats;
  for (const auto& f : flags) {
    auto [name, list] = split_key_value(f, "--at");
    for (const auto& [existing, values] : axes)
      if (existing == name) throw UsageError("--at gives '" + name + "' twice");
    std::stringstream ss(list);
    std::string item;
    std::vector<double> values;
    if (name == "format") {
      if (!formats_allowed) {
        throw UsageError("--at format=... needs inputs E and M; here the inputs are " +
                         detail::join(allowed));
      }
      while (std::getline(ss, item, ',')) {
        formats.push_back(parse_float_format(trim(item)));
        values.push_back(static_cast<double>(values.size()));
      }
    } else {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        throw UsageError("unknown input '" + name + "'" + detail::did_you_mean(name, allowed) +
                         "; inputs are: " + detail::join(allowed));
      }
      while (std::getline(ss, item, ',')) {
        // Channel-wise scaling acts as a block of 2^13.1567 elements in Sun et al.'s law.
        values.push_back(name == "B" && trim(item) == "channel"
                             ? kCapybaraChannelwiseBlock
                             : parse_number(item, "--at " + name));
      }
    }
    if (values.empty()) throw UsageError("--at " + name + " has no values");
    axes.emplace_back(name, std::move(values));
  }
  const Table grid = grid_table(axes);
  Table out("<grid>");
  for (const auto& name : grid.names()) {
    if (name != "format") {
      out.add_column(name, grid.column(name));
      continue;
    }
    if (grid.has("E") || grid.has("M")) throw UsageError("--at gives both 'format' and E or M");
    const Array& idx = grid.column(name);
    Array e(idx.size()), m(idx.size());
    for (Eigen::Index r = 0; r < idx.size(); ++r) {
      const FloatFormat& fm = formats[static_cast<std::size_t>(idx(r))];
      e(r) = fm.E;
      m(r) = fm.M;
    }
    out.add_column("E", std::move(e));
    out.add_column("M", std::move(m));
  }
  return out;
}

// The grid of a law's inputs: every input must be given.
inline Table parse_at(const std::vector<std::string>& flags, const LawEntry& law) {
  const auto names = law.input_names();
  const Table out = parse_grid(flags, names, law_has_input(law, "E") && law_has_input(law, "M"));
  for (const auto& in : law.inputs) {
    if (!out.has(in.name)) {
      throw UsageError("law '" + law.name + "' needs input '" + in.name + "' (" + in.meaning +
                       "): add --at \"" + in.name + "=VALUE,...\"");
    }
  }
  return out;
}

// The candidate closest to `word` (as detail::did_you_mean chooses it), or "".
inline std::string closest_name(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = word.size() / 3 + 2;
  for (const auto& c : candidates) {
    const std::size_t d = detail::edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

// "no column 'X' in table 'f.csv' (did you mean 'x'?); columns are: ..." for `what` (a flag).
inline std::string missing_column_message(const Table& table, const std::string& name,
                                          const std::string& what) {
  return (what.empty() ? std::string() : what + ": ") + "no column '" + name + "' in " +
         table.label() + detail::did_you_mean(name, table.names()) +
         "; columns are: " + detail::join(table.names());
}

inline void require_column(const Table& table, const std::string& name,
                           const std::string& what = "") {
  if (!table.has(name)) throw DataError(missing_column_message(table, name, what));
}

// Every column an expression reads must exist (checked here to suggest the right name).
inline void require_variables(const Table& table, const Expression& e, const std::string& text) {
  for (const auto& v : e.variables()) {
    if (!table.has(v))
      throw DataError(missing_column_message(table, v, "expression \"" + text + "\""));
  }
}

// Reads FILE.csv and applies --derive, --where and --target; returns the table and the name of
// the column that holds the target.
struct LoadedTable {
  Table table;
  std::string target;
};

inline LoadedTable load_table(const std::string& path, const std::vector<std::string>& derives,
                              const std::vector<std::string>& wheres, const std::string& target) {
  LoadedTable out{read_csv(path), target};
  for (const auto& d : derives) {
    auto [name, expr] = parse_assignment(d);
    require_variables(out.table, expr, d);
    derive(out.table, name, expr);
  }
  for (const auto& w : wheres) {
    const Expression e = Expression::parse(w);
    require_variables(out.table, e, w);
    out.table = filter_rows(out.table, e);
    if (out.table.empty())
      throw DataError("no rows of '" + path + "' satisfy --where \"" + w + "\"");
  }
  const Expression t = Expression::parse(target);
  const auto vars = t.variables();
  const bool plain =
      vars.size() == 1 && (trim(target) == vars[0] || trim(target) == "\"" + vars[0] + "\"" ||
                           trim(target) == "`" + vars[0] + "`");
  if (plain) {
    out.target = vars[0];
  } else {
    require_variables(out.table, t, target);
    out.target = "target";
    derive(out.table, out.target, t);
  }
  return out;
}

// Parameter values from a JSON file: a `slfit fit --json` output (its "parameters" object), or a
// plain object of name -> value. Every parameter of the law must be given.
inline std::vector<double> read_params_file(const std::string& path, const LawEntry& law) {
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

}  // namespace slfit::tool
