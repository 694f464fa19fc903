#include "gnuplot.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/detail/text.hpp"

extern char** environ;

namespace slfit::tool::gnuplot {

namespace {

using detail::join;

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "png" or "svg" from FILE's extension; anything else is a usage error.
std::string plot_kind(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".png" || ext == ".svg") return ext.substr(1);
  throw UsageError("--plot FILE must end in .png or .svg, got '" + path + "'");
}

// Single-quoted gnuplot string (file names): a quote is doubled.
std::string gp_file(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Double-quoted gnuplot string for text shown as is (labels are set noenhanced).
std::string gp_text(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The program that renders: $SLFIT_GNUPLOT if set (empty: none), else gnuplot on PATH.
std::string find_gnuplot() {
  if (const char* env = std::getenv("SLFIT_GNUPLOT")) {
    return *env && access(env, X_OK) == 0 ? std::string(env) : std::string();
  }
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/gnuplot";
    if (access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return candidate;
    }
  }
  return "";
}

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool valid() const { return lo <= hi; }
};

// Keeps the points a log axis can show.
bool drawable(double x, double y, const Panel& p) {
  return std::isfinite(x) && std::isfinite(y) && (!p.logx || x > 0) && (!p.logy || y > 0);
}

std::string axis_commands(char axis, bool log, const Range& r) {
  if (!log) return fmt::format("unset logscale {}\nset format {} \"%g\"\n", axis, axis);
  // 10^9 style ticks where the axis spans decades or the numbers are large or small; plain
  // numbers otherwise.
  const bool powers = r.valid() && (r.hi / r.lo >= 100 || r.hi >= 1e4 || r.lo <= 1e-3);
  return fmt::format("set logscale {}\n", axis) +
         (powers ? fmt::format("set format {} \"10^{{%L}}\"\n", axis)
                 : fmt::format("set format {} \"%g\"\n", axis));
}

std::string terminal_commands(const std::string& kind, int panels) {
  const int width = panels > 1 ? 1500 : 900, height = 620;
  if (kind != "png") {
    return fmt::format("set terminal svg size {},{} enhanced font 'Sans,12' background 'white'\n",
                       width, height);
  }
  return "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n" +
         fmt::format(
             "  set terminal pngcairo size {},{} enhanced font 'Sans,11' background "
             "'white'\n",
             width, height) +
         "} else {\n" +
         fmt::format("  set terminal png size {},{} enhanced font 'Sans,11' background '#ffffff'\n",
                     width, height) +
         "}\n";
}

// The look of a panel: grid, border, legend and labels.
std::string frame_commands(const Panel& p, const std::string& title) {
  std::string script = "\nreset\n";
  script += "set grid xtics ytics lc rgb '#e0e0e0'\nset tics nomirror out\n";
  script += "set border 3 lc rgb '#404040'\n";
  // Ranges end at the data, with a little room so no point sits on the border.
  script += "set autoscale xfix\nset autoscale yfix\n";
  script += "set offsets graph 0.02, graph 0.02, graph 0.04, graph 0.04\n";
  // A long legend goes beside the panel, where it hides no data.
  int entries = 0;
  for (const Series& s : p.series) entries += s.title.empty() ? 0 : 1;
  const std::string key = entries > 7 ? "outside right top" : p.key;
  script +=
      "set key noenhanced box opaque Left reverse width 1 samplen 3 spacing 1.1 " + key + "\n";
  script += "set title " + gp_text(title) + " noenhanced\n";
  script += "set xlabel " + gp_text(p.xlabel) + " noenhanced\n";
  script += "set ylabel " + gp_text(p.ylabel) + " noenhanced\n";
  return script;
}

// The axes of a panel: scales, tick formats and the ranges gnuplot would not choose well.
std::string range_commands(const Panel& p) {
  Range xr, yr;
  for (const Series& s : p.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!drawable(s.x[i], s.y[i], p)) continue;
      xr.add(s.x[i]);
      yr.add(s.y[i]);
    }
  }
  if (p.identity && xr.valid()) {
    Range both = xr;
    both.add(yr.lo);
    both.add(yr.hi);
    xr = yr = both;
  }
  std::string script = axis_commands('x', p.logx, xr) + axis_commands('y', p.logy, yr);
  // A flat line (an optimum that does not move) gets a readable range, not rounding noise.
  for (const auto& [axis, r, log] : {std::tuple{'x', xr, p.logx}, std::tuple{'y', yr, p.logy}}) {
    if (p.identity || !r.valid() || r.hi - r.lo > 1e-6 * std::max(std::abs(r.lo), std::abs(r.hi)))
      continue;
    const double mid = 0.5 * (r.lo + r.hi), half = mid != 0 ? 0.05 * std::abs(mid) : 1.0;
    script += log ? fmt::format("set {}range [{:.9g}:{:.9g}]\n", axis, mid / 1.2, mid * 1.2)
                  : fmt::format("set {}range [{:.9g}:{:.9g}]\n", axis, mid - half, mid + half);
  }
  if (p.identity && xr.valid()) {
    // A square range with a margin, so y = x runs corner to corner.
    const double lo =
        p.logx ? xr.lo / std::pow(xr.hi / xr.lo, 0.05) : xr.lo - 0.05 * (xr.hi - xr.lo);
    const double hi =
        p.logx ? xr.hi * std::pow(xr.hi / xr.lo, 0.05) : xr.hi + 0.05 * (xr.hi - xr.lo);
    script +=
        fmt::format("set xrange [{:.9g}:{:.9g}]\nset yrange [{:.9g}:{:.9g}]\n", lo, hi, lo, hi);
    script += "set size ratio -1\n";
  }
  return script;
}

// The legend switch and, for series coloured by value, the palette and its scale.
std::string palette_commands(const Panel& p) {
  bool palette = false, titles = p.identity;  // y = x has a legend entry
  Range cb;
  for (const Series& s : p.series) {
    palette = palette || s.color == -2;
    titles = titles || !s.title.empty();
    if (s.color == -2) cb.add(s.cb);
  }
  std::string script;
  if (!titles) script += "unset key\n";
  if (!palette) return script;
  // The colour range by hand: gnuplot does not autoscale it from `lc palette cb`.
  if (cb.lo == cb.hi)
    cb.lo = p.logcb ? cb.lo / 2 : cb.lo - 1, cb.hi = p.logcb ? cb.hi * 2 : cb.hi + 1;
  script += fmt::format("set cbrange [{:.9g}:{:.9g}]\n", cb.lo, cb.hi);
  script +=
      "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 "
      "'#e8c81e')\n";
  script += "set cblabel " + gp_text(p.cblabel) + " noenhanced\n";
  if (p.logcb) script += "set logscale cb\nset format cb \"10^{%L}\"\n";
  return script;
}

std::string style_of(const Series& s) {
  switch (s.style) {
    case SeriesStyle::kPoints:
      return fmt::format("with points pt {} ps {}", s.point, s.point == 6 ? 1.4 : 1.1);
    case SeriesStyle::kLines:  // thin where a palette colours many curves
      return fmt::format("with lines lw {} dt {}", s.color == -2 ? 1 : 2, s.dash);
    case SeriesStyle::kLinesPoints:
      return fmt::format("with linespoints lw 2 dt {} pt {} ps 1.1", s.dash, s.point);
  }
  return "";
}

// The plot command of a panel; its series' points go to `data` as blocks from `block` on.
std::string plot_command(const Panel& p, const std::string& data_path, int& block,
                         std::string& data) {
  std::vector<std::string> items;
  for (const Series& s : p.series) {
    const std::string how = style_of(s);
    const std::string color = s.color == -2 ? fmt::format("lc palette cb {:.9g}", s.cb)
                                            : fmt::format("lc rgb '{}'", palette_color(s.color));
    const std::string title =
        s.title.empty() ? std::string("notitle") : "title " + gp_text(s.title) + " noenhanced";
    if (s.key_only) {
      items.push_back("NaN " + how + " " + color + " " + title);
      continue;
    }
    std::string rows;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (drawable(s.x[i], s.y[i], p)) rows += fmt::format("{:.10g} {:.10g}\n", s.x[i], s.y[i]);
    }
    if (rows.empty()) continue;
    data += fmt::format("# block {}: {}\n", block, s.title) + rows + "\n\n";
    items.push_back(fmt::format("{} index {} using 1:2 {} {} {}", gp_file(data_path), block, how,
                                color, title));
    ++block;
  }
  if (p.identity) items.push_back("x with lines lw 1 dt 2 lc rgb '#000000' title 'y = x'");
  if (items.empty()) {
    return "set label 1 'nothing to draw' at graph 0.5,0.5 center\n"
           "set xrange [0:1]\nset yrange [0:1]\nplot NaN notitle\n";
  }
  return "plot " + join(items, ", \\\n     ") + "\n";
}

// The script and the data for `figure`, drawn to `output` as `kind` (png or svg).
void write_script(const Figure& figure, const std::string& kind, const std::string& output,
                  const std::string& data_path, std::string& script, std::string& data) {
  const int n = static_cast<int>(figure.panels.size());
  script += terminal_commands(kind, n);
  script += "set output " + gp_file(output) + "\n";
  script += "set encoding utf8\n";
  if (n > 1) {
    script += fmt::format("set multiplot layout 1,{} title {} noenhanced font ',13'\n", n,
                          gp_text(figure.title));
  }
  int block = 0;
  for (const Panel& p : figure.panels) {
    // One panel carries the figure's title; several share it as the multiplot's.
    script +=
        frame_commands(p, n > 1 ? p.title : figure.title + (p.title.empty() ? "" : "\n" + p.title));
    script += range_commands(p);
    script += palette_commands(p);
    script += plot_command(p, data_path, block, data);
  }
  if (n > 1) script += "unset multiplot\n";
  script += "set output\n";
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw DataError("cannot write '" + path + "'");
}

// Writes `text` to `path` through a temporary file in the same folder.
void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + fmt::format(".tmp-{}", static_cast<long>(getpid()));
  try {
    write_file(tmp, text);
    std::filesystem::rename(tmp, path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw DataError("cannot write '" + path + "'");
  }
}

// Runs `program script`, stdout to /dev/null and stderr to `err`; returns the exit status.
int run_program(const std::string& program, const std::string& script, const std::string& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> argv = {const_cast<char*>("gnuplot"), const_cast<char*>(script.c_str()),
                             nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

// Checks FILE before any long computation: its extension and that its folder exists.
void check_plot_path(const std::string& path) {
  plot_kind(path);
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir)) {
    throw DataError("cannot write plot '" + path + "': no folder '" + dir.string() + "'");
  }
}

// Draws `figure` to `path` (.png or .svg). Returns false (and writes the script and data) where
// gnuplot is not available.
bool render(const Figure& figure, const std::string& path) {
  const std::string kind = plot_kind(path);
  const std::string program = find_gnuplot();
  if (program.empty()) {
    std::string script, data;
    write_script(figure, kind, path, path + ".dat", script, data);
    write_file_atomically(path + ".dat", data);
    write_file_atomically(path + ".gp", script);
    std::cerr << "slfit: note: gnuplot not found; wrote " << path << ".gp and " << path
              << ".dat: render with `gnuplot " << path << ".gp`\n";
    return false;
  }
  const auto p = std::filesystem::path(path);
  const std::string stem =
      (p.parent_path() / ("." + p.filename().string() + fmt::format(".slfit-{}", getpid())))
          .string();
  const std::string tmp_out = stem + "." + kind, tmp_gp = stem + ".gp", tmp_dat = stem + ".dat",
                    tmp_err = stem + ".err";
  auto cleanup = [&] {
    std::error_code ec;
    for (const auto& f : {tmp_out, tmp_gp, tmp_dat, tmp_err}) std::filesystem::remove(f, ec);
  };
  try {
    std::string script, data;
    write_script(figure, kind, tmp_out, tmp_dat, script, data);
    write_file(tmp_dat, data);
    write_file(tmp_gp, script);
    const int rc = run_program(program, tmp_gp, tmp_err);
    std::error_code ec;
    if (rc != 0 || std::filesystem::file_size(tmp_out, ec) == 0 || ec) {
      std::ifstream in(tmp_err);
      std::string line, first;
      while (std::getline(in, line))
        if (first.empty() && !trim(line).empty()) first = trim(line);
      throw DataError("gnuplot (" + program + ") could not draw '" + path + "'" +
                      (first.empty() ? std::string() : ": " + first));
    }
    std::filesystem::rename(tmp_out, path);
  } catch (const std::filesystem::filesystem_error& e) {
    cleanup();
    throw DataError("cannot write plot '" + path + "': " + e.code().message());
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  return true;
}

}  // namespace slfit::tool::gnuplot
