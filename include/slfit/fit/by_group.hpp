// Fitting a law separately for each value of a column (`slfit fit --by P`).
//
// Ouyang et al.'s unified QiD law does not reproduce their per-bit-width table at 3 and 4 bits,
// so a law must be fittable one group at a time. Groups are the distinct values of the column,
// in increasing order; each group's fit sees only its rows and reports on its own.
//
//   auto fits = slfit::fit_by_group(table, "P", [&](const slfit::Table& t) {
//     return slfit::fit<slfit::Qid>(t, options);
//   });
//   for (const auto& g : fits) std::cout << g.value << ": " << slfit::brief_report(g.fit);
#pragma once

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "slfit/fit/result.hpp"

namespace slfit {

struct GroupFit {
  std::string column;
  double value = 0.0;
  Eigen::Index rows = 0;
  FitResult fit;
};

inline std::string format_group_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// The distinct values of a column, sorted.
inline std::vector<double> distinct_values(const Table& table, const std::string& column) {
  const ColumnView c = table.column(column);
  std::vector<double> v(c.data(), c.data() + c.size());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

inline std::vector<GroupFit> fit_by_group(const Table& table, const std::string& column,
                                          const std::function<FitResult(const Table&)>& fit_one) {
  if (!table.has(column)) {
    throw DataError("no column '" + column + "' to group by in " + table.label());
  }
  std::vector<GroupFit> out;
  for (double value : distinct_values(table, column)) {
    const Table part = table.filter(table.column(column) == value);
    GroupFit g{column, value, part.rows(), {}};
    try {
      g.fit = fit_one(part);
    } catch (const DataError& e) {
      // Name the group: "3 rows for 4 free parameters" is only useful with "in group P = 2".
      throw DataError("group " + column + " = " + format_group_value(value) + ": " + e.what());
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace slfit
