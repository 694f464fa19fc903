// Human-readable reports of a FitResult.
//
//   std::cout << slfit::brief_report(r);   // one line
//   std::cout << slfit::full_report(r);    // status, objective, starts and a parameter table
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "slfit/fit/result.hpp"

namespace slfit {

// A number with 6 significant digits, or "n/a" for the NaN of an unavailable value.
inline std::string format_value(double v, int digits = 6) {
  if (std::isnan(v)) return "n/a";
  return fmt::format("{:.{}g}", v, digits);
}

inline std::string objective_label(const FitResult& r) {
  return r.objective_function().label() + " in " + std::string(to_string(r.space)) + " space";
}

inline std::string brief_report(const FitResult& r) {
  std::string s = fmt::format("{}: {}, {} = {}, {} points, {} starts", r.law, to_string(r.status),
                              objective_label(r), format_value(r.objective_value, 10), r.points,
                              r.starts_tried);
  for (std::size_t i = 0; i < r.names.size(); ++i)
    s += fmt::format(", {}={}", r.names[i], format_value(r.parameters[i]));
  return s + "\n";
}

inline std::string full_report(const FitResult& r) {
  std::string s;
  s += fmt::format("law        {}\n", r.law);
  s += fmt::format("status     {}{}\n", to_string(r.status),
                   r.message.empty() ? "" : " (" + r.message + ")");
  s += fmt::format("objective  {} = {}\n", objective_label(r), format_value(r.objective_value, 11));
  s +=
      fmt::format("points     {} (RSS {} in the fitted space)\n", r.points, format_value(r.rss, 8));
  s += fmt::format(
      "starts     {} tried{}, {} not finite; best from start #{}; {} iterations; {:.2f} s\n",
      r.starts_tried,
      r.starts_solved < r.starts_tried
          ? fmt::format(" (screened to {}{})", r.starts_solved,
                        r.starts_projected > 0 ? fmt::format(", {} projected", r.starts_projected)
                                               : std::string())
          : std::string(),
      r.starts_failed, r.best_start + 1, r.iterations, r.seconds);
  // As wide as the longest name (a per-level parameter's, `eff[w4a4-sparse24]`), at least 12.
  std::size_t width = 12;
  for (const auto& n : r.names) width = std::max(width, n.size());
  s += fmt::format("\n{:<{}} {:>14} {:>12}  {}\n", "parameter", width, "value", "std. error",
                   "note");
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    std::string note;
    if (r.fixed[i]) note = "fixed";
    if (r.at_lower[i]) note = "at lower bound";
    if (r.at_upper[i]) note = "at upper bound";
    if (!r.identified(r.names[i])) note += std::string(note.empty() ? "" : ", ") + "not identified";
    s += fmt::format("{:<{}} {:>14} {:>12}  {}\n", r.names[i], width,
                     format_value(r.parameters[i], 8),
                     r.fixed[i] ? "-" : format_value(r.standard_errors[i], 4), note);
  }
  if (!r.dropped_rows.empty()) {
    std::string rows;
    for (std::size_t i = 0; i < r.dropped_rows.size(); ++i)
      rows += (i ? ", " : "") + std::to_string(r.dropped_rows[i]);
    s += fmt::format("\nleft out {} rows whose target is <= 0 (no log): rows {}\n",
                     r.dropped_rows.size(), rows);
  }
  if (!r.unidentified.empty()) {
    std::string names;
    for (const auto& name : r.unidentified) names += (names.empty() ? "" : ", ") + name;
    s += fmt::format(
        "\nnot identified: {} -- the data do not determine {}; the values shown are one point "
        "of a flat valley of the objective, not estimates (add rows that vary the inputs these "
        "act on, or fix them)\n",
        names, r.unidentified.size() == 1 ? "it" : "them");
  }
  if (!r.covariance_ok)
    s += fmt::format("\nstandard errors unavailable: {}\n", r.covariance_message);
  return s;
}

}  // namespace slfit
