// The figures of fit, predict and optimal. What they show comes from the law's entry (its
// presentation and its analyses' plot fields), never from its name, so a registered law is drawn
// as well as a built-in one.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "figure_parts.hpp"
#include "slfit/core/error.hpp"
#include "slfit/fit/report.hpp"
#include "slfit/runtime/figure.hpp"

namespace slfit {

namespace {

using detail::colour;
using detail::distinct;
using detail::Grouping;
using detail::input_label;
using detail::key_place;
using detail::law_at;
using detail::spans_decades;
using detail::sweep;

// One fitted part of a table: its rows and parameters (the whole table, or one `by` group).
struct FitPart {
  std::vector<Eigen::Index> rows;
  std::vector<double> parameters;
  double value = 0.0;  // the `by` group's value
};

std::vector<FitPart> fit_parts(const FitRun& run) {
  const Table& table = run.data.table;
  std::vector<FitPart> parts;
  if (!run.groups.empty()) {
    const ColumnView c = table.column(run.request.by);
    for (const auto& g : run.groups) {
      FitPart p{{}, g.fit.parameters, g.value};
      for (Eigen::Index r = 0; r < c.size(); ++r)
        if (c(r) == g.value) p.rows.push_back(r);
      parts.push_back(std::move(p));
    }
  } else if (run.fit) {
    FitPart p{{}, run.fit->parameters, 0.0};
    for (Eigen::Index r = 0; r < table.rows(); ++r) p.rows.push_back(r);
    parts.push_back(std::move(p));
  }
  return parts;
}

// How the fit figure's rows map to curves: the x input and the key of every other input (and
// of the group, where it is not one of them).
struct FitLayout {
  std::vector<std::string> names;
  std::vector<std::vector<double>> in;
  std::size_t xi = 0;
  bool by_in_key = false;
  std::vector<std::string> key_names;
  Grouping g;
  std::map<std::vector<double>, std::size_t> part_of;

  std::vector<double> key_of(const FitPart& part, Eigen::Index r) const {
    std::vector<double> k;
    if (by_in_key) k.push_back(part.value);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != xi) k.push_back(in[i][static_cast<std::size_t>(r)]);
    return k;
  }
  // The point of key k's curve with x left to fill in.
  std::vector<double> point_of(std::size_t k) const {
    std::vector<double> point(names.size());
    std::size_t o = by_in_key ? 1 : 0;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != xi) point[i] = g.keys[k][o++];
    return point;
  }
};

FitLayout fit_layout(const LawEntry& law, const Table& table, const ColumnMap& columns,
                     const std::vector<FitPart>& parts, const std::string& by) {
  FitLayout l;
  l.names = law.input_names();
  l.in.resize(l.names.size());
  for (std::size_t i = 0; i < l.names.size(); ++i) {
    const ColumnView c = table.column(column_for(columns, l.names[i]));
    l.in[i].assign(c.data(), c.data() + c.size());
  }
  l.xi = detail::pick_x(l.names, l.in, true);
  // The group goes into a curve's key unless it is one of the other inputs already.
  l.by_in_key = parts.size() > 1;
  for (std::size_t i = 0; i < l.names.size(); ++i)
    if (i != l.xi && column_for(columns, l.names[i]) == by) l.by_in_key = false;
  if (l.by_in_key) l.key_names.push_back(by);
  for (std::size_t i = 0; i < l.names.size(); ++i)
    if (i != l.xi) l.key_names.push_back(l.names[i]);
  std::vector<std::vector<double>> keys;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    for (Eigen::Index r : parts[p].rows) {
      keys.push_back(l.key_of(parts[p], r));
      l.part_of[keys.back()] = p;
    }
  }
  l.g = detail::group_by(l.key_names, keys);
  return l;
}

// The fit figure's series per key: observed points (fitted and held-out rows), fitted curves,
// predicted against observed; and the values that decide the axes.
struct FitSeries {
  std::vector<Series> obs, held, curve, pvso, pvso_held;
  std::vector<double> all_x, all_y, all_pred;
  double sq[2] = {0.0, 0.0};  // fitted rows, held-out rows
  int count[2] = {0, 0};
};

FitSeries fit_points(const LawEntry& law, const Table& table, const ColumnMap& columns,
                     const ColumnView y, const std::vector<FitPart>& parts, const FitLayout& l,
                     const Mask* held_out) {
  const std::size_t nk = l.g.keys.size();
  FitSeries s;
  s.obs.resize(nk), s.held.resize(nk), s.curve.resize(nk), s.pvso.resize(nk);
  s.pvso_held.resize(nk);
  for (const FitPart& part : parts) {
    Array pred = Array::Constant(table.rows(), std::nan(""));
    try {
      pred = law.evaluate(table, part.parameters, columns);
    } catch (const std::exception&) {  // a failed group: its points without predictions
    }
    for (Eigen::Index r : part.rows) {
      const std::size_t k = detail::key_index(l.g, l.key_of(part, r));
      const bool out = held_out && (*held_out)(r);
      const double xv = l.in[l.xi][static_cast<std::size_t>(r)];
      (out ? s.held : s.obs)[k].x.push_back(xv);
      (out ? s.held : s.obs)[k].y.push_back(y(r));
      (out ? s.pvso_held : s.pvso)[k].x.push_back(y(r));
      (out ? s.pvso_held : s.pvso)[k].y.push_back(pred(r));
      s.all_x.push_back(xv);
      s.all_y.push_back(y(r));
      s.all_pred.push_back(pred(r));
      if (std::isfinite(pred(r))) s.sq[out] += (pred(r) - y(r)) * (pred(r) - y(r)), ++s.count[out];
    }
  }
  return s;
}

// The span of a curve through points at `xs`, a little beyond them.
std::pair<double, double> padded_span(const std::vector<double>& xs, bool logx) {
  const auto [lo_it, hi_it] = std::minmax_element(xs.begin(), xs.end());
  double lo = *lo_it, hi = *hi_it;
  if (logx) {
    lo /= 1.25, hi *= 1.25;
  } else {
    const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(0.5, 0.1 * std::abs(lo));
    lo -= pad, hi += pad;
  }
  return {lo, hi};
}

// A log colour scale where the palette input spans decades.
bool log_palette(const Grouping& g) {
  std::vector<double> cbv;
  for (const auto& k : g.keys) cbv.push_back(k[g.palette_input]);
  return spans_decades(cbv);
}

// Key k's fitted curve over the span of its x values (a little beyond), and its styles.
void fit_curve(const LawEntry& law, const std::vector<FitPart>& parts, const FitLayout& l,
               bool logx, std::size_t k, FitSeries& s) {
  std::vector<double> xs = s.obs[k].x;
  xs.insert(xs.end(), s.held[k].x.begin(), s.held[k].x.end());
  const auto [lo, hi] = padded_span(xs, logx);
  const FitPart& part = parts[l.part_of.at(l.g.keys[k])];
  std::vector<double> point = l.point_of(k);
  for (double xv : sweep(lo, hi, logx)) {
    point[l.xi] = xv;
    s.curve[k].x.push_back(xv);
    s.curve[k].y.push_back(law_at(law, part.parameters, l.names, point));
  }
  s.curve[k].style = SeriesStyle::kLines;
  s.curve[k].title = l.g.palette || l.g.two_way ? "" : l.g.labels[k];
  for (auto* p : {&s.obs[k], &s.held[k], &s.pvso[k], &s.pvso_held[k]})
    p->style = SeriesStyle::kPoints;
  s.held[k].point = s.pvso_held[k].point = 6;
  for (auto* p : {&s.obs[k], &s.held[k], &s.curve[k], &s.pvso[k], &s.pvso_held[k]})
    colour(*p, l.g, k);
}

Series key_entry(const std::string& title, SeriesStyle style, int point = 7) {
  Series e;
  e.key_only = true, e.style = style, e.point = point, e.color = -1;
  e.title = title;
  return e;
}

// Panels (a) and (b) filled with the series, in drawing order, and their legends.
void fill_fit_panels(const FitLayout& l, FitSeries& s, bool any_held, Panel& a, Panel& b) {
  const std::size_t nk = l.g.keys.size();
  a.key = key_place(s.curve);
  for (std::size_t k = 0; k < nk; ++k) a.series.push_back(s.curve[k]);
  for (std::size_t k = 0; k < nk; ++k) {
    a.series.push_back(s.obs[k]);
    a.series.push_back(s.held[k]);
    b.series.push_back(s.pvso[k]);
    b.series.push_back(s.pvso_held[k]);
  }
  for (const auto& e : l.g.legend) a.series.push_back(e);
  if (l.g.palette) {  // no legend per curve: say what points and lines are
    a.series.push_back(key_entry("observed", SeriesStyle::kPoints));
    a.series.push_back(key_entry("fitted", SeriesStyle::kLines));
  }
  if (any_held) {
    a.series.push_back(key_entry("held out", SeriesStyle::kPoints, 6));
    b.series.push_back(a.series.back());
  }
  if (s.count[0] > 0) b.title += fmt::format(" (RMSE {:.3g}", std::sqrt(s.sq[0] / s.count[0]));
  if (s.count[1] > 0) b.title += fmt::format("; held out {:.3g}", std::sqrt(s.sq[1] / s.count[1]));
  if (s.count[0] > 0) b.title += ")";
}

// `by`: the column whose groups are the parts (empty for one fit).
Figure fit_figure(const LawEntry& law, const Table& table, const ColumnMap& columns,
                  const std::string& target, const std::vector<FitPart>& parts,
                  const std::string& by, const Mask* held_out, const std::string& title) {
  const FitLayout l = fit_layout(law, table, columns, parts, by);
  const ColumnView y = table.column(column_for(columns, target));
  const std::string& value = law.presentation.value_label;
  Panel a, b;
  a.xlabel = input_label(l.names[l.xi], law.inputs[l.xi].meaning);
  a.ylabel = target == "loss" ? value : target + " (" + value + ")";
  a.title = "observed (points) and fitted (lines)";
  b.title = "predicted against observed";
  b.xlabel = "observed " + target;
  b.ylabel = "predicted " + target;
  b.identity = true;
  b.key = "top left";
  if (l.g.palette) a.cblabel = b.cblabel = input_label(l.key_names[l.g.palette_input]);
  FitSeries s = fit_points(law, table, columns, y, parts, l, held_out);
  a.logx = spans_decades(s.all_x);
  a.logy = spans_decades(s.all_y, 30.0);
  std::vector<double> both = s.all_y;
  both.insert(both.end(), s.all_pred.begin(), s.all_pred.end());
  b.logx = b.logy = spans_decades(both, 30.0);
  if (l.g.palette) a.logcb = b.logcb = log_palette(l.g);
  for (std::size_t k = 0; k < l.g.keys.size(); ++k) fit_curve(law, parts, l, a.logx, k, s);
  fill_fit_panels(l, s, held_out && held_out->any(), a, b);
  return {title, {a, b}};
}

// The law along input `xi` at `xs`, the other inputs at their values in `key` (in input order).
std::vector<double> law_along(const LawEntry& law, const std::vector<double>& p,
                              const std::vector<std::string>& names, const std::vector<double>& key,
                              std::size_t xi, const std::vector<double>& xs) {
  std::vector<double> point(names.size());
  std::size_t o = 0;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (i != xi) point[i] = key[o++];
  std::vector<double> out;
  for (double xv : xs) {
    point[xi] = xv;
    out.push_back(law_at(law, p, names, point));
  }
  return out;
}

std::string source_of(const std::string& preset, const std::string& params_path) {
  return preset.empty() ? "parameters from " + params_path : "preset " + preset;
}

// The x range of a prediction: the grid's values, widened to the law's sweep range where it has
// one, else to a decade either side of a narrow range.
std::pair<double, double> predict_range(const Presentation& pr, bool fixed,
                                        const std::vector<double>& xs) {
  double lo = xs.front(), hi = xs.back();
  if (fixed && pr.sweep_to > pr.sweep_from) {
    lo = std::min(lo, pr.sweep_from), hi = std::max(hi, pr.sweep_to);
  } else if (lo > 0 && hi / lo < 10) {
    lo /= 10, hi *= 10;
  } else if (lo == hi) {
    lo -= 1, hi += 1;
  }
  return {lo, hi};
}

// A colour per value of the first other input and a dash per value of the second, where the
// grid is their full product (a model size and a bit width, as in Ouyang et al.'s Figure 1).
struct TwoWay {
  bool on = false;
  std::vector<double> first, second;
};

TwoWay two_way_of(const Grouping& g) {
  TwoWay t;
  if (g.palette || g.others.size() != 2 || g.keys.size() <= 1) return t;
  for (const auto& k : g.keys) t.first.push_back(k[0]), t.second.push_back(k[1]);
  t.first = distinct(t.first), t.second = distinct(t.second);
  t.on = t.first.size() * t.second.size() == g.keys.size() &&
         t.first.size() <= static_cast<std::size_t>(kPaletteColors) && t.second.size() <= 5;
  return t;
}

// The index of the x input in a prediction figure: the law's sweep input where it has one.
std::size_t predict_x(const LawEntry& law, const std::vector<std::string>& names,
                      const std::vector<std::vector<double>>& in, bool& fixed) {
  const std::string& sweep_input = law.presentation.sweep_input;
  fixed = false;
  if (!sweep_input.empty()) {
    const auto it = std::find(names.begin(), names.end(), sweep_input);
    if (it != names.end()) {
      fixed = true;
      return static_cast<std::size_t>(it - names.begin());
    }
  }
  return detail::pick_x(names, in, false);
}

Figure predict_grid_figure(const LawEntry& law, const std::vector<double>& p, const Table& grid,
                           const std::string& title) {
  const std::vector<std::string> names = law.input_names();
  const std::vector<std::vector<double>> in = detail::grid_columns(grid, names);
  bool fixed = false;
  const std::size_t xi = predict_x(law, names, in, fixed);
  const Grouping g = detail::group_others(grid, names, in, xi);
  const auto xs = distinct(in[xi]);
  const auto [lo, hi] = predict_range(law.presentation, fixed, xs);
  Panel a;
  a.logx = lo > 0 && hi / lo >= 10;
  a.xlabel = input_label(names[xi], law.inputs[xi].meaning);
  a.ylabel = law.presentation.value_label;
  a.title = "lines: the law; points: the --at values";
  if (g.palette) a.cblabel = input_label(g.others[g.palette_input]);
  const TwoWay two = two_way_of(g);
  std::vector<double> all_y;
  std::vector<Series> curves, marks;
  for (std::size_t k = 0; k < g.keys.size(); ++k) {
    Series c;
    c.title = g.palette || g.two_way ? "" : g.labels[k];
    colour(c, g, k);
    if (two.on) {
      c.color = static_cast<int>(detail::position(two.first, g.keys[k][0]));
      c.dash = 1 + static_cast<int>(detail::position(two.second, g.keys[k][1]));
    }
    Series m = c;
    m.title.clear();
    m.style = SeriesStyle::kPoints;
    c.x = sweep(lo, hi, a.logx);
    c.y = law_along(law, p, names, g.keys[k], xi, c.x);
    all_y.insert(all_y.end(), c.y.begin(), c.y.end());
    m.x = xs;
    m.y = law_along(law, p, names, g.keys[k], xi, xs);
    curves.push_back(std::move(c));
    marks.push_back(std::move(m));
  }
  a.logy = law.presentation.log_value || spans_decades(all_y, 30.0);
  a.key = fixed ? "bottom right" : key_place(curves);
  if (g.palette) a.logcb = log_palette(g);
  for (auto& c : curves) a.series.push_back(std::move(c));
  for (auto& m : marks) a.series.push_back(std::move(m));
  for (const auto& e : g.legend) a.series.push_back(e);
  return {title, {a}};
}

// Key k's points of a prediction from a table's rows: the law (filled) and observed (open).
void data_points(const PredictRun& run, const Grouping& g, const std::vector<double>& xv,
                 const std::vector<std::vector<double>>& keys, std::vector<Series>& law_pts,
                 std::vector<Series>& obs_pts) {
  for (std::size_t r = 0; r < keys.size(); ++r) {
    const std::size_t k = detail::key_index(g, keys[r]);
    const auto i = static_cast<Eigen::Index>(r);
    law_pts[k].x.push_back(xv[r]);
    law_pts[k].y.push_back(run.values(i));
    if (run.observed) {
      obs_pts[k].x.push_back(xv[r]);
      obs_pts[k].y.push_back((*run.observed)(i));
    }
  }
}

// A prediction at a table's rows, drawn like the fit figure's first panel: the law against the
// most varied input, one curve per combination of the others, the law's values at the rows as
// filled points and the observed values (where the table has them) as open ones.
Figure predict_data_figure(const PredictRun& run, const std::string& title) {
  const LawEntry& law = *run.law;
  const std::vector<std::string> names = law.input_names();
  const std::vector<std::vector<double>> in = detail::grid_columns(run.inputs, names);
  bool fixed = false;
  const std::size_t xi = predict_x(law, names, in, fixed);
  const Grouping g = detail::group_others(run.inputs, names, in, xi);
  const std::size_t nk = g.keys.size();
  std::vector<std::vector<double>> keys(in[xi].size());
  for (std::size_t r = 0; r < keys.size(); ++r)
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != xi) keys[r].push_back(in[i][r]);
  std::vector<Series> curves(nk), law_pts(nk), obs_pts(nk);
  data_points(run, g, in[xi], keys, law_pts, obs_pts);
  std::vector<double> all_y(run.values.data(), run.values.data() + run.values.size());
  if (run.observed)
    all_y.insert(all_y.end(), run.observed->data(), run.observed->data() + run.observed->size());
  Panel a;
  a.logx = spans_decades(in[xi]);
  a.logy = law.presentation.log_value || spans_decades(all_y, 30.0);
  a.xlabel = input_label(names[xi], law.inputs[xi].meaning);
  a.ylabel = law.presentation.value_label;
  a.title = run.observed ? "the law (lines, filled points) and observed (open points)"
                         : "the law (lines) at the rows (points)";
  if (g.palette) a.cblabel = input_label(g.others[g.palette_input]);
  for (std::size_t k = 0; k < nk; ++k) {
    const auto [lo, hi] = padded_span(law_pts[k].x, a.logx);
    curves[k].x = sweep(lo, hi, a.logx);
    curves[k].y = law_along(law, run.parameters, names, g.keys[k], xi, curves[k].x);
    curves[k].title = g.palette || g.two_way ? "" : g.labels[k];
    law_pts[k].style = obs_pts[k].style = SeriesStyle::kPoints;
    obs_pts[k].point = 6;
    for (auto* s : {&curves[k], &law_pts[k], &obs_pts[k]}) colour(*s, g, k);
  }
  a.key = key_place(curves);
  if (g.palette) a.logcb = log_palette(g);
  for (auto& c : curves) a.series.push_back(std::move(c));
  for (std::size_t k = 0; k < nk; ++k) {
    a.series.push_back(std::move(law_pts[k]));
    if (run.observed) a.series.push_back(std::move(obs_pts[k]));
  }
  for (const auto& e : g.legend) a.series.push_back(e);
  if (g.palette) a.series.push_back(key_entry("the law", SeriesStyle::kLines));
  if (run.observed) a.series.push_back(key_entry("observed", SeriesStyle::kPoints, 6));
  return {title, {a}};
}

// The swept input of an optimal figure: the most varied, C where it is as varied as that.
std::size_t optimal_x(const std::vector<std::string>& names,
                      const std::vector<std::vector<double>>& in) {
  std::size_t xi = detail::pick_x(names, in, false);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == "C" && distinct(in[i]).size() == distinct(in[xi]).size()) xi = i;
  return xi;
}

// The x axis label: the analysis' meaning of the input, else the law's.
std::string optimal_xlabel(const LawEntry& law, const Analysis& analysis, const std::string& xn) {
  std::string meaning;
  for (const auto& spec : law.inputs)
    if (spec.name == xn) meaning = spec.meaning;
  if (const auto it = analysis.input_meanings.find(xn); it != analysis.input_meanings.end())
    meaning = it->second;
  return input_label(xn, meaning);
}

// The plotted outputs of an analysis at one point; NaN where it is undefined there.
std::vector<double> plotted_at(const OptimalRun& run, Row& row, const std::string& xn, double xv) {
  row[xn] = xv;
  std::map<std::string, double> out;
  try {
    for (const auto& [n, v] : run.analysis->run(run.parameters, row)) out[n] = v;
  } catch (const std::exception&) {
  }
  std::vector<double> values;
  for (const auto& name : run.analysis->plotted) {
    const auto it = out.find(name);
    values.push_back(it == out.end() ? std::nan("") : it->second);
  }
  return values;
}

// Key k's lines (and, for a swept input, the points at the grid's values), one per output.
struct OptimalCurves {
  std::vector<Series> lines, marks;
  std::vector<double> all_y;
};

void optimal_curves(const OptimalRun& run, const Grouping& g, const std::vector<std::string>& names,
                    std::size_t xi, bool continuous, const std::vector<double>& along,
                    const std::vector<double>& xs, std::size_t k, OptimalCurves& c) {
  const Analysis& an = *run.analysis;
  const std::vector<std::string>& outputs = an.plotted;
  const std::string& xn = names[xi];
  Row row;
  std::size_t o = 0;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (i != xi) row[names[i]] = g.keys[k][o++];
  std::vector<Series> ls(outputs.size()), ms(outputs.size());
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    const auto named = an.output_labels.find(outputs[j]);
    std::string label = named == an.output_labels.end() ? outputs[j] : named->second;
    if (g.keys.size() > 1) label += (outputs.size() > 1 ? ", " : " at ") + g.labels[k];
    ls[j].title = label;
    ls[j].style = continuous ? SeriesStyle::kLines : SeriesStyle::kLinesPoints;
    // One output: a colour per curve. Several: a colour per output, a dash per curve.
    ls[j].color = outputs.size() > 1 ? static_cast<int>(j) : static_cast<int>(k);
    ls[j].dash = outputs.size() > 1 ? 1 + static_cast<int>(k % 5) : 1;
    ms[j] = ls[j];
    ms[j].title.clear();
    ms[j].style = SeriesStyle::kPoints;
  }
  for (double xv : along) {
    const auto out = plotted_at(run, row, xn, xv);
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      ls[j].x.push_back(xv);
      ls[j].y.push_back(out[j]);
      c.all_y.push_back(out[j]);
    }
  }
  if (continuous) {
    for (double xv : xs) {
      const auto out = plotted_at(run, row, xn, xv);
      for (std::size_t j = 0; j < outputs.size(); ++j) {
        ms[j].x.push_back(xv);
        ms[j].y.push_back(out[j]);
      }
    }
  }
  for (auto& s : ls) c.lines.push_back(std::move(s));
  if (continuous)
    for (auto& s : ms) c.marks.push_back(std::move(s));
}

// The compute multiplier's 95% intervals from paired draws: a bar at each grid point.
void add_interval_bars(const OptimalRun& run, const std::string& xn, Panel& a) {
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    const auto x = std::find_if(run.rows[i].begin(), run.rows[i].end(),
                                [&](const auto& kv) { return kv.first == xn; });
    for (const auto& [name, ci] : run.intervals->ci95[i]) {
      if (name != "multiplier" || x == run.rows[i].end()) continue;
      Series bar;
      if (i == 0)
        bar.title = fmt::format("95% interval ({} pairs of bootstrap draws)", run.intervals->pairs);
      bar.x = {x->second, x->second};
      bar.y = {ci.lower, ci.upper};
      bar.style = SeriesStyle::kLinesPoints;
      bar.color = -1;
      bar.point = 1;  // a cross at each end
      a.series.push_back(std::move(bar));
    }
  }
}

// An analysis' plotted outputs against its most varied input; continuous inputs (C, N, D, loss,
// qid) are swept between and around the grid's values.
Figure optimal_figure(const OptimalRun& run, const std::string& title) {
  const std::vector<std::string> names = run.grid.names();
  const std::vector<std::vector<double>> in = detail::grid_columns(run.grid, names);
  const std::size_t xi = optimal_x(names, in);
  const Grouping g = detail::group_others(run.grid, names, in, xi);
  const auto xs = distinct(in[xi]);
  const std::string& xn = names[xi];
  const bool continuous = xn == "C" || xn == "N" || xn == "D" || xn == "loss" || xn == "qid";
  double lo = xs.front(), hi = xs.back();
  if (continuous && lo > 0 && hi / lo < 100) lo /= 30, hi *= 30;
  Panel a;
  a.logx = lo > 0 && hi / lo >= 10;
  a.xlabel = optimal_xlabel(*run.law, *run.analysis, xn);
  a.ylabel = run.analysis->plot_label.empty() ? run.analysis->quantity : run.analysis->plot_label;
  a.title = continuous ? "lines: swept between and around the --at values (points)" : "";
  const std::vector<double> along = continuous ? sweep(lo, hi, a.logx, 60) : xs;
  OptimalCurves c;
  for (std::size_t k = 0; k < g.keys.size(); ++k)
    optimal_curves(run, g, names, xi, continuous, along, xs, k, c);
  a.logy = spans_decades(c.all_y, 30.0);
  for (auto& s : c.lines) a.series.push_back(std::move(s));
  for (auto& s : c.marks) a.series.push_back(std::move(s));
  if (run.intervals) add_interval_bars(run, xn, a);
  a.key = key_place(a.series);
  return {title, {a}};
}

}  // namespace

Figure figure(const FitRun& run, const std::string& title) {
  if (!run.law) throw UsageError("no law to plot");
  if (!run.options.per.empty())
    throw UsageError("option 'plot' is not available for a fit with per-level parameters yet");
  const std::vector<FitPart> parts = fit_parts(run);
  if (parts.empty()) throw UsageError("no fit to plot");
  const std::string by = run.groups.empty() ? std::string() : run.request.by;
  std::string t = title;
  if (t.empty()) {
    const FitResult& r = run.groups.empty() ? *run.fit : run.groups.front().fit;
    t = fmt::format("slfit fit --law {}: {} ({} rows{}), {}", run.law->name,
                    std::filesystem::path(run.source).filename().string(), run.data.table.rows(),
                    by.empty() ? "" : ", by " + by, objective_label(r));
  }
  const std::string target = run.options.target.empty() ? run.data.target : run.options.target;
  const Mask* held = run.held_out.size() > 0 ? &run.held_out : nullptr;
  return fit_figure(*run.law, run.data.table, run.options.columns, target, parts, by, held, t);
}

Figure figure(const PredictRun& run, const std::string& title) {
  if (!run.law) throw UsageError("no law to plot");
  const std::string t = title.empty() ? fmt::format("slfit predict --law {} ({})", run.law->name,
                                                    source_of(run.preset, run.params_path))
                                      : title;
  if (run.from_data) return predict_data_figure(run, t);
  return predict_grid_figure(*run.law, run.parameters, run.inputs, t);
}

// Levels (precision-efficiency): each level's value against its bits, one colour per level, with
// its 95% interval as a bar where the fit carried bootstrap draws.
Figure level_figure(const OptimalRun& run, const std::string& title) {
  Panel a;
  a.xlabel = "bits per parameter (P)";
  a.ylabel = run.analysis->plot_label;
  a.key = "outside right";
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    const double p = run.rows[i][0].second, v = run.rows[i][2].second;
    Series s;
    s.title = run.labels[i];
    s.x = {p};
    s.y = {v};
    s.style = SeriesStyle::kPoints;
    s.color = static_cast<int>(i % kPaletteColors);
    s.point = i < kPaletteColors ? 7 : 5;
    a.series.push_back(std::move(s));
    if (!run.intervals) continue;
    const Interval ci = run.intervals->ci95[i][1].second;
    Series bar;
    bar.x = {p, p};
    bar.y = {ci.lower, ci.upper};
    bar.style = SeriesStyle::kLines;
    bar.color = static_cast<int>(i % kPaletteColors);
    a.series.push_back(std::move(bar));
  }
  if (run.intervals)
    a.title = fmt::format("bars: 95% intervals from {} bootstrap draws", run.intervals->pairs);
  return {title, {a}};
}

Figure figure(const OptimalRun& run, const std::string& title) {
  if (!run.law || !run.analysis) throw UsageError("no analysis to plot");
  const std::string t =
      title.empty() ? fmt::format("slfit optimal --law {} --quantity {} ({})", run.law->name,
                                  run.analysis->quantity, source_of(run.preset, run.params_path))
                    : title;
  if (!run.labels.empty()) return level_figure(run, t);
  return optimal_figure(run, t);
}

}  // namespace slfit
