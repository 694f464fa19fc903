// What `--plot` draws: the figures of fit, predict and optimal (rendered by plot.hpp).
//
// fit: (a) the target against one input (D where the law has it, else the input with the most
// distinct values), observed points and fitted curves, one colour per combination of the other
// inputs; (b) predicted against observed with the identity line. predict: the law's value against
// its most varied input (QiD: against D from 1e9 to 1e14 tokens at least), one curve per
// combination of the rest. optimal: the quantity's outputs against the swept input (chinchilla's
// allocation: the compute-optimal frontier N_opt and D_opt against C).
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "figure_parts.hpp"
#include "optimal.hpp"
#include "plot.hpp"
#include "slfit/slfit.hpp"

namespace slfit::tool {

// One fitted part of a table: its rows and parameters (the whole table, or one --by group).
struct FitPart {
  std::vector<Eigen::Index> rows;
  std::vector<double> parameters;
  double value = 0.0;  // the --by group's value
};

// `by`: the --by column where the parts are groups (empty for one fit).
inline plot::Figure fit_figure(const LawEntry& law, const Table& table, const ColumnMap& columns,
                               const std::string& target, const std::vector<FitPart>& parts,
                               const std::string& by, const Mask* held_out,
                               const std::string& title) {
  const std::vector<std::string> names = law.input_names();
  std::vector<std::vector<double>> in(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Array& c = table.column(column_for(columns, names[i]));
    in[i].assign(c.data(), c.data() + c.size());
  }
  const Array& y = table.column(column_for(columns, target));
  const std::size_t xi = pick_x(names, in, true);
  std::vector<std::string> key_names;
  // The group goes into a curve's key unless it is one of the other inputs already.
  bool by_in_key = parts.size() > 1;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (i != xi && column_for(columns, names[i]) == by) by_in_key = false;
  if (by_in_key) key_names.push_back(by);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (i != xi) key_names.push_back(names[i]);
  auto key_of = [&](std::size_t part, Eigen::Index r) {
    std::vector<double> k;
    if (by_in_key) k.push_back(parts[part].value);
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != xi) k.push_back(in[i][static_cast<std::size_t>(r)]);
    return k;
  };
  std::vector<std::vector<double>> keys;
  std::map<std::vector<double>, std::size_t> part_of;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    for (Eigen::Index r : parts[p].rows) {
      keys.push_back(key_of(p, r));
      part_of[keys.back()] = p;
    }
  }
  const Grouping g = group_by(key_names, keys);

  plot::Panel a, b;
  a.xlabel = input_label(names[xi], law.inputs[xi].meaning);
  a.ylabel = target == "loss" ? value_label(law.name) : target + " (" + value_label(law.name) + ")";
  a.title = "observed (points) and fitted (lines)";
  b.title = "predicted against observed";
  b.xlabel = "observed " + target;
  b.ylabel = "predicted " + target;
  b.identity = true;
  b.key = "top left";
  if (g.palette) a.cblabel = b.cblabel = input_label(key_names[g.palette_input]);
  const std::size_t nk = g.keys.size();
  std::vector<plot::Series> obs(nk), held(nk), curve(nk), pvso(nk), pvso_held(nk);
  std::vector<double> all_x, all_y, all_pred;
  double sq[2] = {0.0, 0.0};  // fitted rows, held-out rows
  int count[2] = {0, 0};
  for (std::size_t p = 0; p < parts.size(); ++p) {
    Array pred = Array::Constant(table.rows(), std::nan(""));
    try {
      pred = law.evaluate(table, parts[p].parameters, columns);
    } catch (const std::exception&) {  // a failed group: its points without predictions
    }
    for (Eigen::Index r : parts[p].rows) {
      const std::size_t k = key_index(g, key_of(p, r));
      const bool out = held_out && (*held_out)(r);
      const double xv = in[xi][static_cast<std::size_t>(r)];
      (out ? held : obs)[k].x.push_back(xv);
      (out ? held : obs)[k].y.push_back(y(r));
      (out ? pvso_held : pvso)[k].x.push_back(y(r));
      (out ? pvso_held : pvso)[k].y.push_back(pred(r));
      all_x.push_back(xv);
      all_y.push_back(y(r));
      all_pred.push_back(pred(r));
      if (std::isfinite(pred(r))) sq[out] += (pred(r) - y(r)) * (pred(r) - y(r)), ++count[out];
    }
  }
  a.logx = spans_decades(all_x);
  a.logy = spans_decades(all_y, 30.0);
  std::vector<double> both = all_y;
  both.insert(both.end(), all_pred.begin(), all_pred.end());
  b.logx = b.logy = spans_decades(both, 30.0);
  if (g.palette) {
    std::vector<double> cbv;
    for (const auto& k : g.keys) cbv.push_back(k[g.palette_input]);
    a.logcb = b.logcb = spans_decades(cbv);
  }
  for (std::size_t k = 0; k < nk; ++k) {
    // The fitted curve over the span of this group's x values (a little beyond).
    std::vector<double> xs = obs[k].x;
    xs.insert(xs.end(), held[k].x.begin(), held[k].x.end());
    const auto [lo_it, hi_it] = std::minmax_element(xs.begin(), xs.end());
    double lo = *lo_it, hi = *hi_it;
    if (a.logx) {
      lo /= 1.25, hi *= 1.25;
    } else {
      const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(0.5, 0.1 * std::abs(lo));
      lo -= pad, hi += pad;
    }
    // Parameters of the part this key belongs to, and the other inputs' values.
    const std::size_t part = part_of[g.keys[k]];
    std::vector<double> point(names.size());
    std::size_t o = by_in_key ? 1 : 0;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != xi) point[i] = g.keys[k][o++];
    for (double xv : sweep(lo, hi, a.logx)) {
      point[xi] = xv;
      curve[k].x.push_back(xv);
      curve[k].y.push_back(law_at(law, parts[part].parameters, names, point));
    }
    curve[k].style = plot::Style::kLines;
    curve[k].title = g.palette || g.two_way ? "" : g.labels[k];
    obs[k].style = held[k].style = pvso[k].style = pvso_held[k].style = plot::Style::kPoints;
    held[k].point = pvso_held[k].point = 6;
    for (auto* s : {&obs[k], &held[k], &curve[k], &pvso[k], &pvso_held[k]}) colour(*s, g, k);
  }
  a.key = key_place(curve);
  for (std::size_t k = 0; k < nk; ++k) a.series.push_back(curve[k]);
  for (std::size_t k = 0; k < nk; ++k) {
    a.series.push_back(obs[k]);
    a.series.push_back(held[k]);
    b.series.push_back(pvso[k]);
    b.series.push_back(pvso_held[k]);
  }
  for (const auto& e : g.legend) a.series.push_back(e);
  if (g.palette) {  // no legend per curve: say what points and lines are
    plot::Series po, li;
    po.key_only = li.key_only = true;
    po.style = plot::Style::kPoints, li.style = plot::Style::kLines;
    po.color = li.color = -1;
    po.title = "observed", li.title = "fitted";
    a.series.push_back(po);
    a.series.push_back(li);
  }
  if (held_out && held_out->any()) {
    plot::Series h;
    h.key_only = true, h.style = plot::Style::kPoints, h.point = 6, h.color = -1;
    h.title = "held out";
    a.series.push_back(h);
    b.series.push_back(h);
  }
  if (count[0] > 0) b.title += fmt::format(" (RMSE {:.3g}", std::sqrt(sq[0] / count[0]));
  if (count[1] > 0) b.title += fmt::format("; held out {:.3g}", std::sqrt(sq[1] / count[1]));
  if (count[0] > 0) b.title += ")";
  return {title, {a, b}};
}

// The value of a law against its most varied --at input (QiD: D from 1e9 to 1e14 at least).
inline plot::Figure predict_figure(const LawEntry& law, const std::vector<double>& p,
                                   const Table& grid, const std::string& title) {
  const std::vector<std::string> names = law.input_names();
  const std::vector<std::vector<double>> in = grid_columns(grid, names);
  const bool qid = law.name == "qid";
  const std::size_t xi = pick_x(names, in, qid);
  const Grouping g = group_others(grid, names, in, xi);
  const std::vector<std::string>& others = g.others;
  const auto xs = distinct(in[xi]);
  double lo = xs.front(), hi = xs.back();
  if (qid) {
    lo = std::min(lo, 1e9), hi = std::max(hi, 1e14);
  } else if (lo > 0 && hi / lo < 10) {
    lo /= 10, hi *= 10;
  } else if (lo == hi) {
    lo -= 1, hi += 1;
  }
  plot::Panel a;
  a.logx = lo > 0 && hi / lo >= 10;
  a.xlabel = input_label(names[xi], law.inputs[xi].meaning);
  a.ylabel = value_label(law.name);
  a.title = "lines: the law; points: the --at values";
  a.key = qid ? "bottom right" : "top right";
  if (g.palette) a.cblabel = input_label(others[g.palette_input]);
  // QiD in the style of Ouyang et al.'s Figure 1: a colour per model size, a dash per bit width.
  const bool two_way = !g.palette && others.size() == 2 && g.keys.size() > 1;
  std::vector<double> first, second;
  for (const auto& k : g.keys) {
    if (k.size() == 2) first.push_back(k[0]), second.push_back(k[1]);
  }
  first = distinct(first), second = distinct(second);
  const bool by_two = two_way && first.size() * second.size() == g.keys.size() &&
                      first.size() <= static_cast<std::size_t>(plot::kColors) && second.size() <= 5;
  std::vector<double> all_y;
  std::vector<plot::Series> curves, marks;
  for (std::size_t k = 0; k < g.keys.size(); ++k) {
    plot::Series c, m;
    c.title = g.palette || g.two_way ? "" : g.labels[k];
    colour(c, g, k);
    if (by_two) {
      c.color =
          static_cast<int>(std::find(first.begin(), first.end(), g.keys[k][0]) - first.begin());
      c.dash = 1 + static_cast<int>(std::find(second.begin(), second.end(), g.keys[k][1]) -
                                    second.begin());
    }
    m = c;
    m.title.clear();
    m.style = plot::Style::kPoints;
    std::vector<double> point(names.size());
    std::size_t o = 0;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != xi) point[i] = g.keys[k][o++];
    for (double xv : sweep(lo, hi, a.logx)) {
      point[xi] = xv;
      c.x.push_back(xv);
      c.y.push_back(law_at(law, p, names, point));
      all_y.push_back(c.y.back());
    }
    for (double xv : xs) {
      point[xi] = xv;
      m.x.push_back(xv);
      m.y.push_back(law_at(law, p, names, point));
    }
    curves.push_back(std::move(c));
    marks.push_back(std::move(m));
  }
  a.logy = qid || spans_decades(all_y, 30.0);
  if (!qid) a.key = key_place(curves);
  if (g.palette) {
    std::vector<double> cbv;
    for (const auto& k : g.keys) cbv.push_back(k[g.palette_input]);
    a.logcb = spans_decades(cbv);
  }
  for (auto& c : curves) a.series.push_back(std::move(c));
  for (auto& m : marks) a.series.push_back(std::move(m));
  for (const auto& e : g.legend) a.series.push_back(e);
  return {title, {a}};
}

// What optimal --plot draws for each quantity: outputs and the y axis label.
inline std::pair<std::vector<std::string>, std::string> optimal_outputs(const std::string& q) {
  if (q == "allocation") return {{"N", "D"}, "compute-optimal N (parameters) and D (tokens)"};
  if (q == "compute") return {{"C"}, "training compute C (FLOP)"};
  if (q == "precision") return {{"P"}, "optimal training precision P (bits)"};
  if (q == "dcrit") return {{"dcrit"}, "critical data size D_crit (tokens)"};
  if (q == "format") return {{"E", "M"}, "best exponent bits E and mantissa bits M"};
  if (q == "tokens") return {{"tokens"}, "training tokens D reaching the QiD (tokens)"};
  if (q == "multiplier") return {{"multiplier"}, "effective-parameter multiplier"};
  if (q == "wa-ratio") return {{"wa_ratio"}, "delta_W4A4 / (delta_W4A16 + delta_W16A4)"};
  return {{}, q};
}

// An optimal quantity's outputs against its most varied input; continuous inputs (C, N, D, loss,
// qid) are swept between and around the --at values.
inline plot::Figure optimal_figure(const OptimalSpec& spec, const std::vector<double>& p,
                                   const Table& grid, const std::string& title) {
  const std::vector<std::string> names = grid.names();
  const std::vector<std::vector<double>> in = grid_columns(grid, names);
  std::size_t xi = pick_x(names, in, false);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == "C" && distinct(in[i]).size() == distinct(in[xi]).size()) xi = i;
  const Grouping g = group_others(grid, names, in, xi);
  const std::vector<std::string>& others = g.others;
  auto [outputs, ylabel] = optimal_outputs(spec.quantity);
  const auto xs = distinct(in[xi]);
  const std::string& xn = names[xi];
  const bool continuous = xn == "C" || xn == "N" || xn == "D" || xn == "loss" || xn == "qid";
  double lo = xs.front(), hi = xs.back();
  if (continuous && lo > 0 && hi / lo < 100) lo /= 30, hi *= 30;
  plot::Panel a;
  a.logx = lo > 0 && hi / lo >= 10;
  // The meaning of the swept input, where the (first) law of the quantity has it as an input.
  std::string meaning;
  for (const auto& in : find_law(spec.law.substr(0, spec.law.find('|'))).inputs)
    if (in.name == xn) meaning = in.meaning;
  if (spec.quantity == "format" && xn == "P") meaning = "bit budget (sign, exponent, mantissa)";
  a.xlabel = input_label(xn, meaning);
  a.ylabel = ylabel;
  a.title = continuous ? "lines: swept between and around the --at values (points)" : "";
  a.key = "top left";
  std::vector<double> all_y;
  std::vector<plot::Series> lines, marks;
  const std::vector<double> along = continuous ? sweep(lo, hi, a.logx, 60) : xs;
  for (std::size_t k = 0; k < g.keys.size(); ++k) {
    Row row;
    std::size_t o = 0;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (i != xi) row[names[i]] = g.keys[k][o++];
    auto eval = [&](double xv) {
      row[xn] = xv;
      std::map<std::string, double> out;
      try {
        for (const auto& [n, v] : spec.run(p, row)) out[n] = v;
      } catch (const std::exception&) {
      }
      return out;
    };
    std::vector<plot::Series> ls(outputs.size()), ms(outputs.size());
    for (std::size_t j = 0; j < outputs.size(); ++j) {
      std::string label = outputs[j] == "dcrit" ? "D_crit" : outputs[j];
      if (spec.quantity == "allocation") label += "_opt";
      if (g.keys.size() > 1 || others.empty()) {
        if (g.keys.size() > 1) label += (outputs.size() > 1 ? ", " : " at ") + g.labels[k];
      }
      ls[j].title = label;
      ls[j].style = continuous ? plot::Style::kLines : plot::Style::kLinesPoints;
      // One output: a colour per curve. Several: a colour per output, a dash per curve.
      ls[j].color = outputs.size() > 1 ? static_cast<int>(j) : static_cast<int>(k);
      ls[j].dash = outputs.size() > 1 ? 1 + static_cast<int>(k % 5) : 1;
      ms[j] = ls[j];
      ms[j].title.clear();
      ms[j].style = plot::Style::kPoints;
    }
    for (double xv : along) {
      const auto out = eval(xv);
      for (std::size_t j = 0; j < outputs.size(); ++j) {
        const auto it = out.find(outputs[j]);
        ls[j].x.push_back(xv);
        ls[j].y.push_back(it == out.end() ? std::nan("") : it->second);
        all_y.push_back(ls[j].y.back());
      }
    }
    if (continuous) {
      for (double xv : xs) {
        const auto out = eval(xv);
        for (std::size_t j = 0; j < outputs.size(); ++j) {
          const auto it = out.find(outputs[j]);
          ms[j].x.push_back(xv);
          ms[j].y.push_back(it == out.end() ? std::nan("") : it->second);
        }
      }
    }
    for (auto& s : ls) lines.push_back(std::move(s));
    if (continuous)
      for (auto& s : ms) marks.push_back(std::move(s));
  }
  a.logy = spans_decades(all_y, 30.0);
  a.key = key_place(lines);
  for (auto& s : lines) a.series.push_back(std::move(s));
  for (auto& s : marks) a.series.push_back(std::move(s));
  return {title, {a}};
}

}  // namespace slfit::tool
