// The tool's renderer of slfit::Figure: a gnuplot script and a data file, drawn to PNG or SVG by
// gnuplot.
//
// The output is written under a temporary name in the same folder and renamed when complete, so
// no half-written plot is left behind. Where gnuplot is not on PATH (or SLFIT_GNUPLOT names no
// program), FILE.gp and FILE.dat are written next to FILE instead and a note on stderr says how to
// render them.
#pragma once

#include <string>

#include "slfit/runtime/figure.hpp"

namespace slfit::tool::gnuplot {

// Checks FILE before any long computation: UsageError unless it ends in .png or .svg, DataError
// where its folder does not exist.
void check_plot_path(const std::string& path);

// Draws `figure` to `path` (.png or .svg) and returns true; where gnuplot is not available,
// writes PATH.gp and PATH.dat instead and returns false.
bool render(const Figure& figure, const std::string& path);

}  // namespace slfit::tool::gnuplot
