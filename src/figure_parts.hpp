// Pieces of the figures (figures.cpp): axis labels with units, sweeps, the choice of the x axis,
// and how curves are grouped and coloured. Not installed.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "slfit/core/table.hpp"
#include "slfit/runtime/figure.hpp"
#include "slfit/runtime/law_entry.hpp"

namespace slfit::detail {

// An axis label with units: "training tokens D", "training compute C (FLOP)", ...
std::string input_label(const std::string& name, const std::string& meaning = "");

// Positive values whose largest is at least `ratio` times the smallest: a log axis reads better.
bool spans_decades(const std::vector<double>& v, double ratio = 20.0);

std::vector<double> distinct(std::vector<double> v);

// Where the legend goes: top left over curves that rise, top right over curves that fall.
std::string key_place(const std::vector<Series>& curves);

// `n` points from lo to hi, log-spaced where `log`.
std::vector<double> sweep(double lo, double hi, bool log, int n = 80);

// The input drawn along x: D where present and as varied as any (or always, with `prefer_d`),
// else the most varied input.
std::size_t pick_x(const std::vector<std::string>& names,
                   const std::vector<std::vector<double>>& values, bool prefer_d);

// The law at one point, or NaN where it is not defined there.
double law_at(const LawEntry& law, const std::vector<double>& p,
              const std::vector<std::string>& names, const std::vector<double>& v);

// Colours for curves keyed by the values of the other inputs: a legend colour per combination
// (up to ten); beyond that, where two inputs vary (N and bits, say), a colour per value of the
// first and a dash and point type per value of the second, each with its own legend entry;
// else a palette over the first varying input.
struct Grouping {
  std::vector<std::string> others;        // the inputs the curves are keyed by
  std::vector<std::vector<double>> keys;  // distinct combinations, sorted
  std::vector<std::string> labels;
  bool palette = false;
  std::size_t palette_input = 0;  // index into `others`
  bool two_way = false;
  std::size_t first = 0, second = 0;  // indices into `others`
  std::vector<double> first_values, second_values;
  std::vector<Series> legend;  // the entries of a two-way legend
};

inline constexpr int kPointTypes[] = {7, 5, 9, 11, 13};

Grouping group_by(const std::vector<std::string>& others,
                  const std::vector<std::vector<double>>& rows);

// A figure's grid read as columns, in the order of `names`.
std::vector<std::vector<double>> grid_columns(const Table& grid,
                                              const std::vector<std::string>& names);

// The curves of a figure whose x axis is input `xi`: every other input's values at each of the
// grid's rows, grouped into their distinct combinations.
Grouping group_others(const Table& grid, const std::vector<std::string>& names,
                      const std::vector<std::vector<double>>& in, std::size_t xi);

std::size_t key_index(const Grouping& g, const std::vector<double>& key);

std::size_t position(const std::vector<double>& v, double x);

// The colour of key k's series; in a two-way grouping also its dash and point type (an open
// circle, point type 6, stays open).
void colour(Series& s, const Grouping& g, std::size_t k);

}  // namespace slfit::detail
