#include "figure_parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

#include "slfit/core/parameter.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

const char* palette_color(int i) {
  static const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return i < 0 ? "#000000" : kColors[i % kPaletteColors];
}

std::string short_number(const std::string& name, double v) {
  if ((name == "N" || name == "D" || name == "N_eff" || name == "tokens") && v >= 1e3) {
    static const std::pair<double, const char*> kUnits[] = {
        {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
    for (const auto& [scale, unit] : kUnits) {
      if (v >= scale) return fmt::format("{:.3g}{}", v / scale, unit);
    }
  }
  std::string s = fmt::format("{:.4g}", v);
  // 1e+09 -> 1e9
  const auto e = s.find("e+");
  if (e != std::string::npos) {
    std::string exp = s.substr(e + 2);
    exp.erase(0, std::min(exp.find_first_not_of('0'), exp.size() - 1));
    s = s.substr(0, e) + "e" + exp;
  }
  return s;
}

}  // namespace slfit

namespace slfit::detail {

std::string input_label(const std::string& name, const std::string& meaning) {
  if (name == "N") return "parameters N";
  if (name == "D") return "training tokens D";
  if (name == "C") return "training compute C (FLOP)";
  if (name == "loss") return "target loss (nats/token)";
  if (name == "qid") return "QiD (nats/token)";
  if (name == "G") return "group size G (elements)";
  if (name == "B") return "block size B (elements)";
  if (name == "P" || name.rfind("P_", 0) == 0) {
    return (meaning.empty() ? std::string("bit width") : meaning) + " " + name;
  }
  return meaning.empty() ? name : meaning + " " + name;
}

bool spans_decades(const std::vector<double>& v, double ratio) {
  double lo = kInf, hi = -kInf;
  for (double x : v) {
    if (!std::isfinite(x)) continue;
    if (x <= 0) return false;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  return lo <= hi && hi / lo >= ratio;
}

std::vector<double> distinct(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::string key_place(const std::vector<Series>& curves) {
  int rising = 0;
  for (const auto& c : curves) {
    double first = std::nan(""), last = std::nan("");
    for (double v : c.y) {
      if (!std::isfinite(v)) continue;
      if (std::isnan(first)) first = v;
      last = v;
    }
    if (std::isfinite(first)) rising += last > first ? 1 : -1;
  }
  return rising > 0 ? "top left" : "top right";
}

std::vector<double> sweep(double lo, double hi, bool log, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / (n - 1);
    out.push_back(log ? lo * std::pow(hi / lo, t) : lo + (hi - lo) * t);
  }
  return out;
}

std::size_t pick_x(const std::vector<std::string>& names,
                   const std::vector<std::vector<double>>& values, bool prefer_d) {
  std::size_t best = 0, best_count = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::size_t c = distinct(values[i]).size();
    if (c > best_count) best = i, best_count = c;
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "D" && (prefer_d || distinct(values[i]).size() == best_count)) return i;
  }
  return best;
}

double law_at(const LawEntry& law, const std::vector<double>& p,
              const std::vector<std::string>& names, const std::vector<double>& v) {
  Table t("<plot>");
  for (std::size_t i = 0; i < names.size(); ++i) t.add_column(names[i], Array::Constant(1, v[i]));
  try {
    return law.evaluate(t, p, {})(0);
  } catch (const std::exception&) {
    return std::nan("");
  }
}

namespace {

// A legend entry per value of the first input (a colour) and of the second (a dash and point).
std::vector<Series> two_way_legend(const Grouping& g) {
  std::vector<Series> legend;
  const std::string& first = g.others[g.first];
  const std::string& second = g.others[g.second];
  for (std::size_t j = 0; j < g.first_values.size(); ++j) {
    Series e;
    e.key_only = true, e.color = static_cast<int>(j);
    e.title = first + "=" + short_number(first, g.first_values[j]);
    legend.push_back(e);
  }
  for (std::size_t j = 0; j < g.second_values.size(); ++j) {
    Series e;
    e.key_only = true, e.color = -1, e.style = SeriesStyle::kLinesPoints;
    e.dash = 1 + static_cast<int>(j), e.point = kPointTypes[j];
    e.title = second + "=" + short_number(second, g.second_values[j]);
    legend.push_back(e);
  }
  return legend;
}

}  // namespace

Grouping group_by(const std::vector<std::string>& others,
                  const std::vector<std::vector<double>>& rows) {
  Grouping g;
  g.others = others;
  g.keys = rows;
  std::sort(g.keys.begin(), g.keys.end());
  g.keys.erase(std::unique(g.keys.begin(), g.keys.end()), g.keys.end());
  std::vector<bool> varies(others.size(), false);
  for (const auto& k : g.keys)
    for (std::size_t i = 0; i < others.size(); ++i) varies[i] = varies[i] || k[i] != g.keys[0][i];
  for (const auto& k : g.keys) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < others.size(); ++i) {
      if (varies[i] || g.keys.size() == 1) {
        parts.push_back(others[i] + "=" + short_number(others[i], k[i]));
      }
    }
    g.labels.push_back(join(parts));
  }
  std::vector<std::size_t> varying;
  for (std::size_t i = 0; i < others.size(); ++i)
    if (varies[i]) varying.push_back(i);
  if (!varying.empty()) g.palette_input = varying[0];
  if (g.keys.size() <= static_cast<std::size_t>(kPaletteColors)) return g;
  if (varying.size() == 2) {
    g.first = varying[0], g.second = varying[1];
    for (const auto& k : g.keys) {
      g.first_values.push_back(k[g.first]);
      g.second_values.push_back(k[g.second]);
    }
    g.first_values = distinct(g.first_values), g.second_values = distinct(g.second_values);
    g.two_way = g.first_values.size() <= static_cast<std::size_t>(kPaletteColors) &&
                g.second_values.size() <= 5;
  }
  g.palette = !g.two_way;
  if (g.two_way) g.legend = two_way_legend(g);
  return g;
}

std::vector<std::vector<double>> grid_columns(const Table& grid,
                                              const std::vector<std::string>& names) {
  std::vector<std::vector<double>> in(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const ColumnView c = grid.column(names[i]);
    in[i].assign(c.data(), c.data() + c.size());
  }
  return in;
}

Grouping group_others(const Table& grid, const std::vector<std::string>& names,
                      const std::vector<std::vector<double>>& in, std::size_t xi) {
  std::vector<std::string> others;
  std::vector<std::vector<double>> keys(static_cast<std::size_t>(grid.rows()));
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == xi) continue;
    others.push_back(names[i]);
    for (std::size_t r = 0; r < keys.size(); ++r) keys[r].push_back(in[i][r]);
  }
  return group_by(others, keys);
}

std::size_t key_index(const Grouping& g, const std::vector<double>& key) {
  return static_cast<std::size_t>(std::lower_bound(g.keys.begin(), g.keys.end(), key) -
                                  g.keys.begin());
}

std::size_t position(const std::vector<double>& v, double x) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

void colour(Series& s, const Grouping& g, std::size_t k) {
  if (g.two_way) {
    s.color = static_cast<int>(position(g.first_values, g.keys[k][g.first]));
    const std::size_t j = position(g.second_values, g.keys[k][g.second]);
    s.dash = 1 + static_cast<int>(j);
    if (s.point != 6) s.point = kPointTypes[j];
  } else if (g.palette) {
    s.color = -2;
    s.cb = g.keys[k].empty() ? 0.0 : g.keys[k][g.palette_input];
  } else {
    s.color = static_cast<int>(k);
  }
}

}  // namespace slfit::detail
