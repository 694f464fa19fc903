// The figures of fit, predict and optimal as data: panels of point and line series with their
// axes and labels. The library decides what a figure shows; a front end only draws it (the tool
// through gnuplot, the Python package through matplotlib), so both show the same thing.
//
//   slfit::Figure f = slfit::figure(slfit::run_fit(request));
//   for (const auto& panel : f.panels)
//     for (const auto& s : panel.series) draw(s.x, s.y, s.style, colour(s.color));
#pragma once

#include <string>
#include <vector>

#include "slfit/runtime/requests.hpp"

namespace slfit {

enum class SeriesStyle { kPoints, kLines, kLinesPoints };

struct Series {
  std::string title;  // legend entry; empty for none
  std::vector<double> x, y;
  SeriesStyle style = SeriesStyle::kLines;
  int color = 0;    // index into the palette; -1 black; -2 by palette value (see Panel::cblabel)
  int dash = 1;     // 1 solid, 2 dashed, 3 dotted, ... (gnuplot's dash types)
  int point = 7;    // gnuplot point type: 7 filled circle, 6 open circle, 5 filled square, ...
  double cb = 0.0;  // with color -2: the value that picks the colour on the panel's palette
  bool key_only = false;  // no data: a legend entry only
};

struct Panel {
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  bool identity = false;  // draw y = x over a square range
  std::string key = "top right";
  std::string cblabel;  // with series of color -2: the palette's label ...
  bool logcb = false;   // ... and scale
  std::vector<Series> series;
};

struct Figure {
  std::string title;
  std::vector<Panel> panels;  // side by side
};

// The ten colours of Tableau's palette: distinct, and readable on white.
const char* palette_color(int i);
inline constexpr int kPaletteColors = 10;

// fit: (a) the target against one input (D where the law has it, else the input with the most
// distinct values), observed points and fitted curves, one colour per combination of the other
// inputs, held-out rows marked; (b) predicted against observed with the identity line.
// Throws UsageError for runs it cannot draw (a format-column fit).
Figure figure(const FitRun& run, const std::string& title = "");
// predict: the law against its most varied input, one curve per combination of the rest (the
// law's presentation may fix the input and its range).
Figure figure(const PredictRun& run, const std::string& title = "");
// optimal: the analysis' plotted outputs against the swept input.
Figure figure(const OptimalRun& run, const std::string& title = "");

// isoflop: (a) the loss against N at each budget with its parabola and minimum, budgets left out
// drawn open; (b) the budgets' N_opt and D_opt against C with the fitted power laws (with `by`:
// the first group).
Figure figure(const IsoflopRun& run, const std::string& title = "");

// A number for a legend or a report: 7e9 -> "7B" for counts (N, D, tokens), else compact %g.
std::string short_number(const std::string& name, double v);

}  // namespace slfit
