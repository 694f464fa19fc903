// Grids of points from "NAME=V1,V2" items: the inputs of predict, simulate and the analyses.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "runtime_detail.hpp"
#include "slfit/core/limits.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {

double parse_number(std::string_view text, const std::string& what) {
  const std::string t = detail::trim(text);
  double v = 0.0;
  const char* first = t.data();
  if (!t.empty() && t[0] == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) {
    throw UsageError(what + ": '" + std::string(text) + "' is not a finite number");
  }
  return v;
}

double parse_bound(const std::string& text, const std::string& what) {
  const std::string t = detail::trim(text);
  if (t == "inf" || t == "+inf") return kInf;
  if (t == "-inf") return -kInf;
  return parse_number(t, what);
}

StartSpec parse_start_points(const std::vector<std::string>& items) {
  std::vector<std::map<std::string, double, std::less<>>> points;
  for (const auto& sp : items) {
    std::map<std::string, double, std::less<>> point;
    std::stringstream ss(sp);
    std::string item;
    while (std::getline(ss, item, ',')) {
      auto [name, value] = split_key_value(item, "start");
      point[name] = parse_number(value, "option 'start' " + name);
    }
    points.push_back(std::move(point));
  }
  return StartSpec::explicit_points(std::move(points));
}

std::pair<std::string, std::string> split_key_value(std::string_view text,
                                                    const std::string& option) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || detail::trim(text.substr(0, eq)).empty()) {
    throw UsageError("option '" + option + "' expects NAME=VALUE, got '" + std::string(text) + "'");
  }
  return {detail::trim(text.substr(0, eq)), detail::trim(text.substr(eq + 1))};
}

namespace {

std::string fmt_count(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

double grid_value(const std::string& name, const std::string& item,
                  const std::vector<NamedValue>& named, const std::string& option) {
  const std::string word = detail::trim(item);
  for (const auto& n : named)
    if (n.input == name && n.word == word) return n.value;
  return parse_number(item, "option '" + option + "' " + name);
}

// E and M columns in place of a format column of indices into `formats`.
Table expand_formats(const Table& grid, const std::vector<FloatFormat>& formats) {
  Table out("<grid>");
  for (const auto& name : grid.names()) {
    if (name != "format") {
      out.add_column(name, grid.column(name));
      continue;
    }
    if (grid.has("E") || grid.has("M"))
      throw UsageError("option 'at' gives both 'format' and E or M");
    const ColumnView idx = grid.column(name);
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

// Every combination of the axes is a row: refuse a grid too large before building it.
void check_grid_size(const Axes& axes, const std::string& option) {
  double points = 1.0;
  for (const auto& [name, values] : axes) points *= static_cast<double>(values.size());
  if (points > static_cast<double>(kMaxGridPoints)) {
    throw UsageError("option '" + option + "' gives a grid of " + fmt_count(points) +
                     " points, more than the limit of " + std::to_string(kMaxGridPoints) +
                     " (every point is a row held in memory): give fewer values");
  }
}

}  // namespace

Table parse_grid(const std::vector<std::string>& items, const std::vector<std::string>& allowed,
                 const std::vector<NamedValue>& named, const std::string& option) {
  const bool formats_allowed = std::find(allowed.begin(), allowed.end(), "E") != allowed.end() &&
                               std::find(allowed.begin(), allowed.end(), "M") != allowed.end();
  Axes axes;
  std::vector<FloatFormat> formats;
  for (const auto& f : items) {
    auto [name, list] = split_key_value(f, option);
    for (const auto& [existing, values] : axes)
      if (existing == name) throw UsageError("option '" + option + "' gives '" + name + "' twice");
    std::stringstream ss(list);
    std::string item;
    std::vector<double> values;
    if (name == "format") {
      if (!formats_allowed) {
        throw UsageError("option '" + option + "' format=... needs inputs E and M; here the " +
                         "inputs are " + detail::join(allowed));
      }
      while (std::getline(ss, item, ',')) {
        formats.push_back(parse_float_format(detail::trim(item)));
        values.push_back(static_cast<double>(values.size()));
      }
    } else {
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        throw UsageError("unknown input '" + name + "'" + detail::did_you_mean(name, allowed) +
                         "; inputs are: " + detail::join(allowed));
      }
      while (std::getline(ss, item, ',')) values.push_back(grid_value(name, item, named, option));
    }
    if (values.empty()) throw UsageError("option '" + option + "' " + name + " has no values");
    axes.emplace_back(name, std::move(values));
  }
  check_grid_size(axes, option);
  return expand_formats(grid_table(axes), formats);
}

Table law_grid(const std::vector<std::string>& items, const LawEntry& law,
               const std::string& option) {
  const Table out = parse_grid(items, law.input_names(), law.named_values, option);
  for (const auto& in : law.inputs) {
    if (!out.has(in.name)) {
      throw UsageError("law '" + law.name + "' needs input '" + in.name + "' (" + in.meaning +
                       "): add option '" + option + "' \"" + in.name + "=VALUE,...\"");
    }
  }
  return out;
}

Table analysis_grid(const std::vector<std::string>& items, const LawEntry& law,
                    const Analysis& analysis, const std::string& option) {
  std::vector<std::string> allowed = analysis.required;
  allowed.insert(allowed.end(), analysis.optional.begin(), analysis.optional.end());
  const Table grid = parse_grid(items, allowed, law.named_values, option);
  for (const auto& name : analysis.required) {
    if (!grid.has(name)) {
      throw UsageError(
          "option 'quantity' " + analysis.quantity + " needs option '" + option + "' " + name +
          "=VALUE,... (inputs: " + detail::join(analysis.required) +
          (analysis.optional.empty() ? "" : "; optional: " + detail::join(analysis.optional)) +
          ")");
    }
  }
  return grid;
}

}  // namespace slfit
