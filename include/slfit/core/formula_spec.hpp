// FormulaSpec: a law described by data rather than by C++ (a law file, or code).
//
// A formula law names its inputs (table columns), its parameters with their bounds, transforms
// and start grids, and one formula in the expression language of --derive over both. Nothing
// here is checked yet: FormulaLaw (core/formula_law.hpp) checks a spec as a whole (names, bounds,
// starts, the formula) and says which field is wrong; the law-file reader
// (runtime/law_file.hpp) only turns JSON into a spec.
//
//   slfit::FormulaSpec s;
//   s.name = "compute";
//   s.inputs = {{"C", "training FLOPs", true}};
//   s.formula = "E + A * C^-alpha";
//   s.parameters = {{.name = "E", .value = 2, .lower = 0, .transform = slfit::Transform::kLog},
//                   {.name = "A", .value = 100, .lower = 0, .transform = slfit::Transform::kLog},
//                   {.name = "alpha", .value = 0.1, .lower = 0, .upper = 2}};
//   slfit::check_formula_spec(s);  // e.g. "law 'compute': parameters.alpha.value: 3 is outside
//                                  // the bounds [0, 2]" had alpha's value been 3
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/limits.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

struct FormulaSpec {
  std::string name;
  std::string description;
  std::vector<InputSpec> inputs;
  std::string formula;
  // ParameterSpec::linear is ignored: which parameters enter linearly is read from the formula.
  std::vector<ParameterSpec> parameters;
  std::vector<Preset> presets;
  std::vector<StartGrid> start_grids;
  // Where the spec came from ("law file laws/kaplan2020.json"), for messages; empty for code.
  std::string origin;
};

namespace detail {

// `s` fit for a one-line message: control bytes escaped (a JSON key may hold "\n"), and cut to
// `max` bytes, since a name may be as long as the file it came from.
inline std::string spec_text(std::string_view s, std::size_t max = 80) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max) {
      // Never cut inside a UTF-8 sequence: drop its lead and continuation bytes already copied.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
        out.pop_back();
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      return out + "...";
    }
    const auto u = static_cast<unsigned char>(s[i]);
    if (u == '\n') {
      out += "\\n";
    } else if (u == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += s[i];
    }
  }
  return out;
}

// The shortest %g spelling that reads back as `v`: 1.0000001 must not print as 1 in "1.0000001
// is above upper 1".
inline std::string spec_number(double v) {
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v || std::isnan(v)) break;
  }
  return buf;
}

// `law '<name>'` for a spec built in code, or where it came from ("law file x.json").
inline std::string spec_where(const FormulaSpec& spec) {
  return spec.origin.empty() ? "law '" + spec_text(spec.name) + "'" : spec_text(spec.origin, 4096);
}

[[noreturn]] inline void spec_fail(const std::string& where, const std::string& field,
                                   const std::string& what) {
  throw UsageError(field.empty() ? where + ": " + what : where + ": " + field + ": " + what);
}

// The path of a named entry ("parameters.Nc"); an empty name is shown by its position.
inline std::string spec_path(std::string_view group, std::string_view name, std::size_t index) {
  if (name.empty()) return std::string(group) + "[" + std::to_string(index) + "]";
  return std::string(group) + "." + spec_text(name);
}

inline void check_spec_count(const std::string& where, std::string_view field, std::size_t n,
                             std::size_t max, std::string_view noun) {
  if (n == 0)
    spec_fail(where, std::string(field), "at least one " + std::string(noun) + " is needed");
  if (n > max) {
    spec_fail(where, std::string(field),
              std::to_string(n) + " " + std::string(noun) + "s, more than the limit of " +
                  std::to_string(max));
  }
}

// Law, preset and start-grid names are typed on the command line (--law, --preset, --starts).
inline bool is_plain_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Why `name` cannot name an input or a parameter in a formula, or "" when it can.
inline std::string name_problem(std::string_view name) {
  if (name.empty()) return "the name is empty";
  // Appended, not "'" + ...: GCC 12 warns falsely (-Wstringop-overflow) on that concatenation.
  std::string quoted = "'";
  quoted += spec_text(name);
  quoted += "'";
  bool ok = expr::is_ident_start(name[0]);
  for (char c : name) ok = ok && expr::is_ident_char(c);
  if (!ok) {
    return quoted +
           " is not a name a formula can use (letters, digits, '_' and '.', not starting " +
           "with a digit or '.')";
  }
  if (expr::is_reserved_word(name)) return quoted + " is a reserved word of the formula language";
  for (const auto& f : expr::kFunctions)
    if (f.name == name) return quoted + " is a function of the formula language";
  return "";
}

inline std::vector<std::string> parameter_names(const FormulaSpec& spec) {
  std::vector<std::string> names;
  for (const auto& p : spec.parameters) names.push_back(p.name);
  return names;
}

// The parameter `name` of a preset or start grid, which must be declared.
inline void check_spec_reference(const FormulaSpec& spec, const std::string& field,
                                 std::string_view name) {
  const auto names = parameter_names(spec);
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::vector<std::string> shown;
  for (const auto& n : names) shown.push_back(spec_text(n));
  spec_fail(spec_where(spec), field,
            "no parameter '" + spec_text(name) + "'" + did_you_mean(name, names) +
                "; parameters are " + join(shown));
}

inline void check_spec_name(const FormulaSpec& spec) {
  const std::string where = spec_where(spec);
  if (spec.name.empty()) spec_fail(where, "name", "the law needs a name");
  if (!is_plain_name(spec.name)) {
    spec_fail(
        where, "name",
        "'" + spec_text(spec.name) + "' is not a law name (letters, digits, '-', '_' and '.')");
  }
}

inline void check_spec_inputs(const FormulaSpec& spec) {
  const std::string where = spec_where(spec);
  check_spec_count(where, "inputs", spec.inputs.size(), static_cast<std::size_t>(kMaxFormulaInputs),
                   "input");
  for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
    const InputSpec& in = spec.inputs[i];
    const std::string at = "inputs[" + std::to_string(i) + "]";
    if (const std::string why = name_problem(in.name); !why.empty())
      spec_fail(where, at + ".name", why);
    for (std::size_t j = 0; j < i; ++j) {
      if (spec.inputs[j].name == in.name) {
        spec_fail(where, at + ".name",
                  "'" + spec_text(in.name) + "' is also inputs[" + std::to_string(j) + "]");
      }
    }
    if (std::isnan(in.min)) spec_fail(where, at + ".min", "is NaN");
    if (std::isnan(in.max)) spec_fail(where, at + ".max", "is NaN");
    if (in.min > in.max) {
      spec_fail(where, at + ".min", spec_number(in.min) + " is above max " + spec_number(in.max));
    }
    if (in.positive && in.max <= 0) {
      spec_fail(where, at + ".max",
                spec_number(in.max) + " leaves no value for a positive input (set positive to " +
                    "false, or raise max)");
    }
  }
}

// Bounds, start value and grid of one parameter (its name is checked by the caller).
inline void check_spec_values(const std::string& where, const std::string& at,
                              const ParameterSpec& p) {
  if (std::isnan(p.lower)) spec_fail(where, at + ".lower", "is NaN");
  if (std::isnan(p.upper)) spec_fail(where, at + ".upper", "is NaN");
  if (p.lower > p.upper) {
    spec_fail(where, at + ".lower",
              spec_number(p.lower) + " is above upper " + spec_number(p.upper));
  }
  const bool log = p.transform == Transform::kLog;
  if (log && !(p.upper > 0)) {
    spec_fail(where, at + ".upper",
              spec_number(p.upper) + " leaves no positive value for transform log");
  }
  const std::string box = "[" + spec_number(p.lower) + ", " + spec_number(p.upper) + "]";
  const auto check_value = [&](const std::string& field, double v) {
    if (!std::isfinite(v)) spec_fail(where, field, spec_number(v) + " is not a finite number");
    if (v < p.lower || v > p.upper)
      spec_fail(where, field, spec_number(v) + " is outside the bounds " + box);
    if (log && !(v > 0)) {
      spec_fail(where, field, spec_number(v) + " is not positive, as transform log needs");
    }
  };
  // The grid first: a law file that leaves out `value` takes the grid's first value, and the
  // message should name the number the user wrote.
  for (std::size_t g = 0; g < p.grid.size(); ++g)
    check_value(at + ".grid[" + std::to_string(g) + "]", p.grid[g]);
  check_value(at + ".value", p.value);
}

// A parameter with one value per level of a column: the column can be written in a formula
// (`eff[format]`), and the reference level's value lies within the parameter's bounds.
inline void check_spec_per(const std::string& where, const std::string& at,
                           const ParameterSpec& p) {
  if (p.per.empty()) {
    if (!p.reference.empty())
      spec_fail(where, at + ".reference", "goes with 'per' (the column whose level it names)");
    return;
  }
  if (const std::string why = name_problem(p.per); !why.empty()) spec_fail(where, at + ".per", why);
  const double v = p.reference_value;
  if (!std::isfinite(v) || v < p.lower || v > p.upper ||
      (p.transform == Transform::kLog && !(v > 0))) {
    spec_fail(where, at + ".reference_value",
              spec_number(v) + " is not a value the parameter can take (bounds [" +
                  spec_number(p.lower) + ", " + spec_number(p.upper) + "]" +
                  (p.transform == Transform::kLog ? ", positive" : "") + ")");
  }
}

inline void check_spec_parameters(const FormulaSpec& spec) {
  const std::string where = spec_where(spec);
  check_spec_count(where, "parameters", spec.parameters.size(),
                   static_cast<std::size_t>(kMaxFormulaParameters), "parameter");
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const ParameterSpec& p = spec.parameters[i];
    const std::string at = spec_path("parameters", p.name, i);
    if (const std::string why = name_problem(p.name); !why.empty()) spec_fail(where, at, why);
    for (std::size_t j = 0; j < i; ++j)
      if (spec.parameters[j].name == p.name) spec_fail(where, at, "declared twice");
    for (std::size_t j = 0; j < spec.inputs.size(); ++j) {
      if (spec.inputs[j].name == p.name) {
        spec_fail(where, at,
                  "'" + spec_text(p.name) + "' is also an input (inputs[" + std::to_string(j) +
                      "]); a name is either an input or a parameter");
      }
    }
    check_spec_values(where, at, p);
    check_spec_per(where, at, p);
  }
}

// The names of presets and start grids: plain, and each used once.
template <class Named>
void check_spec_entry_names(const std::string& where, std::string_view group,
                            const std::vector<Named>& entries) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string at = spec_path(group, entries[i].name, i);
    if (!is_plain_name(entries[i].name)) {
      spec_fail(where, at,
                (entries[i].name.empty() ? std::string("the name is empty")
                                         : "'" + spec_text(entries[i].name) + "' is not a name") +
                    " (letters, digits, '-', '_' and '.')");
    }
    for (std::size_t j = 0; j < i; ++j)
      if (entries[j].name == entries[i].name) spec_fail(where, at, "given twice");
  }
}

inline void check_spec_presets(const FormulaSpec& spec) {
  const std::string where = spec_where(spec);
  check_spec_entry_names(where, "presets", spec.presets);
  for (std::size_t i = 0; i < spec.presets.size(); ++i) {
    const Preset& preset = spec.presets[i];
    const std::string at = spec_path("presets", preset.name, i) + ".values";
    for (std::size_t v = 0; v < preset.values.size(); ++v) {
      const auto& [name, value] = preset.values[v];
      const std::string field = spec_path(at, name, v);
      check_spec_reference(spec, field, name);
      for (std::size_t w = 0; w < v; ++w)
        if (preset.values[w].first == name) spec_fail(where, field, "given twice");
      if (!std::isfinite(value)) spec_fail(where, field, spec_number(value) + " is not finite");
    }
    std::vector<std::string> missing;
    for (const auto& p : spec.parameters) {
      const bool given = std::any_of(preset.values.begin(), preset.values.end(),
                                     [&](const auto& nv) { return nv.first == p.name; });
      if (!given) missing.push_back(spec_text(p.name));
    }
    if (!missing.empty()) {
      spec_fail(where, at, "a preset gives every parameter; missing " + join(missing));
    }
  }
}

inline void check_spec_start_grids(const FormulaSpec& spec) {
  const std::string where = spec_where(spec);
  check_spec_entry_names(where, "start_grids", spec.start_grids);
  for (std::size_t i = 0; i < spec.start_grids.size(); ++i) {
    const StartGrid& grid = spec.start_grids[i];
    const std::string at = spec_path("start_grids", grid.name, i) + ".values";
    for (std::size_t v = 0; v < grid.values.size(); ++v) {
      const auto& [name, values] = grid.values[v];
      const std::string field = spec_path(at, name, v);
      check_spec_reference(spec, field, name);
      for (std::size_t w = 0; w < v; ++w)
        if (grid.values[w].first == name) spec_fail(where, field, "given twice");
      if (values.empty()) spec_fail(where, field, "no values");
      // Values outside the bounds are dropped when the grid is used (fit/starts.hpp), but a
      // value that is not finite, or not positive under a log transform, is no start at all.
      const ParameterSpec& p = spec.parameters[parameter_index(spec.parameters, name, spec.name)];
      for (std::size_t k = 0; k < values.size(); ++k) {
        const std::string item = field + "[" + std::to_string(k) + "]";
        if (!std::isfinite(values[k]))
          spec_fail(where, item, spec_number(values[k]) + " is not finite");
        if (p.transform == Transform::kLog && !(values[k] > 0))
          spec_fail(where, item,
                    spec_number(values[k]) + " is not positive, as transform log needs");
      }
    }
  }
}

}  // namespace detail

// Checks everything in `spec` but its formula (FormulaLaw parses that): the law's name; 1 to
// kMaxFormulaInputs inputs and 1 to kMaxFormulaParameters parameters, named so that a formula can
// use them and each name used once; bounds, start values and grids; presets that give every
// parameter once; start grids over declared parameters. Throws UsageError with one line,
// "<where>: <field>: <what>", e.g.
//   law file k.json: parameters.Nc.value: -1 is outside the bounds [0, inf]
//   law 'kaplan-data': presets.kaplan2020.values.alphaM: no parameter 'alphaM' (did you mean
//   'alphaN'?); parameters are Nc, Dc, alphaN, alphaD
inline void check_formula_spec(const FormulaSpec& spec) {
  detail::check_spec_name(spec);
  detail::check_spec_inputs(spec);
  detail::check_spec_parameters(spec);
  detail::check_spec_presets(spec);
  detail::check_spec_start_grids(spec);
}

}  // namespace slfit
