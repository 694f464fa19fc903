// The inputs of a design (pool, its cost, the targets, the pilot's runs) and the law's gradients
// there, by central differences in the optimizer's units.
#include <cmath>
#include <limits>

#include "runtime_detail.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/design.hpp"

namespace slfit::detail {

namespace {

Table concatenate(const LawEntry& law, const std::vector<const Table*>& parts) {
  Table out;
  for (const auto& in : law.inputs) {
    Eigen::Index n = 0;
    for (const Table* t : parts) n += t->rows();
    Array v(n);
    Eigen::Index at = 0;
    for (const Table* t : parts) {
      if (t->rows() == 0) continue;
      v.segment(at, t->rows()) = t->column(in.name);
      at += t->rows();
    }
    out.add_column(in.name, std::move(v));
  }
  return out;
}

std::string point_text(const LawEntry& law, const Table& t, Eigen::Index i) {
  std::vector<std::string> items;
  for (const auto& in : law.inputs) items.push_back(in.name + "=" + format_g(t.column(in.name)(i)));
  return join(items);
}

Eigen::ArrayXd in_space(Eigen::ArrayXd v, Space space) {
  if (space == Space::kLog) {
    for (Eigen::Index i = 0; i < v.size(); ++i)
      v(i) = v(i) > 0.0 ? std::log(v(i)) : std::numeric_limits<double>::quiet_NaN();
  }
  return v;
}

// The pool's rows split into targets (target_where) and candidates, each named by its row in the
// file.
void split_pool(const Table& inputs, const Mask& is_target, const std::vector<Eigen::Index>& rows,
                DesignRun& run) {
  Mask keep(is_target.size());
  for (Eigen::Index i = 0; i < is_target.size(); ++i) keep(i) = !is_target(i);
  run.pool = inputs.filter(keep);
  run.targets = inputs.filter(is_target);
  for (Eigen::Index i = 0; i < is_target.size(); ++i)
    (is_target(i) ? run.target_rows : run.rows).push_back(rows[static_cast<std::size_t>(i)]);
}

// A table of the design, read with its role in front of any error ("the pool of candidate runs
// (option 'candidates'): 'pool.csv' has a header but no data rows").
LoadedTable labelled_load(const TableRequest& request, const std::string& role) {
  try {
    return load_table(request);
  } catch (const DataError& e) {
    throw DataError(role + ": " + e.what());
  }
}

constexpr const char* kPoolRole = "the pool of candidate runs (option 'candidates')";

// The pool with option 'where' applied here rather than by load_table, so that every row kept
// is still named by its row in the file (`rows`, 1-based): the runs chosen are reported so.
LoadedTable load_pool(TableRequest request, std::vector<Eigen::Index>& rows) {
  const std::vector<std::string> wheres = std::move(request.where);
  request.where.clear();
  LoadedTable pool = labelled_load(request, kPoolRole);
  const Eigen::Index n = pool.table.rows();
  rows.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) rows[static_cast<std::size_t>(i)] = i + 1;
  try {
    for (const auto& w : wheres) {
      const Expression e = Expression::parse(w);
      require_variables(pool.table, e, w);
      const Eigen::ArrayXd cond = e.evaluate(pool.table);
      Mask keep(cond.size());
      std::vector<Eigen::Index> kept;
      for (Eigen::Index i = 0; i < cond.size(); ++i) {
        const Eigen::Index row = rows[static_cast<std::size_t>(i)];
        if (std::isnan(cond(i))) {
          throw DataError("row condition \"" + e.text() + "\" is NaN (undefined) at row " +
                          std::to_string(row) + " of " + pool.table.label());
        }
        keep(i) = cond(i) != 0.0;
        if (keep(i)) kept.push_back(row);
      }
      if (kept.empty())
        throw DataError("no rows of " + pool.table.label() + " satisfy option 'where' \"" + w +
                        "\"");
      pool.table = pool.table.filter(keep);
      rows = std::move(kept);
    }
  } catch (const DataError& e) {
    throw DataError(std::string(kPoolRole) + ": " + e.what());
  }
  return pool;
}

}  // namespace

Table design_inputs(const LawEntry& law, const DesignRequest& q, DesignRun& run) {
  const ColumnMap map = input_map(law, q.columns);
  if (q.targets && !q.target_where.empty())
    throw UsageError("give option 'targets' or option 'target_where', not both");
  if (!q.targets && q.target_where.empty()) {
    throw UsageError(
        "give the runs whose predictions matter: option 'targets' (a table of the "
        "law's inputs) or option 'target_where' (an expression selecting pool rows)");
  }
  if (q.cost.empty() && !(law.has_input("N") && law.has_input("D"))) {
    throw UsageError("give option 'cost', an expression of the pool's columns (law '" + law.name +
                     "' has no inputs N and D for the default 6*N*D)");
  }
  const Expression cost = Expression::parse(q.cost.empty() ? "6*N*D" : q.cost);
  const Expression where =
      q.target_where.empty() ? Expression() : Expression::parse(q.target_where);
  run.cost_text = cost.text();
  TableRequest cr = q.candidates;
  cr.check_header = [&](const Table& header) {
    check_inputs(law, header, map);
    if (!q.cost.empty()) require_variables(header, cost, cost.text());
    if (!where.empty()) require_variables(header, where, where.text());
  };
  std::vector<Eigen::Index> file_rows;
  const LoadedTable pool = load_pool(cr, file_rows);
  if (pool.table.rows() == 0)
    throw DataError("the pool of candidate runs is empty (" + pool.table.label() + ")");
  const Table inputs = inputs_from_data(law, pool, map);
  const Eigen::ArrayXd all_cost =
      q.cost.empty() ? cost.evaluate(inputs) : cost.evaluate(pool.table);
  Mask is_target = Mask::Constant(inputs.rows(), false);
  if (!where.empty()) {
    const Eigen::ArrayXd w = where.evaluate(pool.table);
    for (Eigen::Index i = 0; i < w.size(); ++i) {
      if (std::isnan(w(i))) {
        throw DataError("option 'target_where' \"" + where.text() + "\" is NaN at row " +
                        std::to_string(file_rows[static_cast<std::size_t>(i)]) + " of " +
                        pool.table.label());
      }
      is_target(i) = w(i) != 0.0;
    }
    if (!is_target.any()) {
      throw DataError("option 'target_where' \"" + where.text() + "\" selects no row of " +
                      pool.table.label());
    }
  }
  split_pool(inputs, is_target, file_rows, run);
  if (run.pool.rows() == 0) {
    throw DataError("the pool of candidate runs is empty: option 'target_where' \"" + where.text() +
                    "\" selects every row of " + pool.table.label());
  }
  run.cost.resize(run.pool.rows());
  Eigen::Index k = 0;
  for (Eigen::Index i = 0; i < all_cost.size(); ++i) {
    if (is_target(i)) continue;
    const double c = all_cost(i);
    if (!(std::isfinite(c) && c > 0.0)) {
      throw DataError("option 'cost' \"" + cost.text() + "\" is not a positive number at row " +
                      std::to_string(file_rows[static_cast<std::size_t>(i)]) + " of " +
                      pool.table.label() + " (" + format_g(c) + ")");
    }
    run.cost(k++) = c;
  }
  run.pool_cost = run.cost.sum();
  if (q.targets) {
    TableRequest tr = *q.targets;
    tr.check_header = [&](const Table& header) { check_inputs(law, header, map); };
    const LoadedTable t = labelled_load(tr, "the targets (option 'targets')");
    if (t.table.rows() == 0)
      throw DataError("there are no targets to predict (" + t.table.label() + " has no rows)");
    run.targets = inputs_from_data(law, t, map);
  }
  if (run.pilot_fit) {
    run.pilot = inputs_from_data(law, run.pilot_fit->data, run.pilot_fit->options.columns);
    const auto& dropped = run.pilot_fit->fit->dropped_rows;
    if (!dropped.empty()) {
      Mask keep = Mask::Constant(run.pilot.rows(), true);
      for (Eigen::Index r : dropped) keep(r - 1) = false;
      run.pilot = run.pilot.filter(keep);
    }
  }
  return concatenate(law, {&run.pool, &run.targets, &run.pilot});
}

Eigen::MatrixXd design_gradients(const LawEntry& law, const Table& rows,
                                 const std::vector<double>& natural,
                                 const std::vector<std::size_t>& free, Space space,
                                 std::vector<double>* values) {
  Eigen::MatrixXd g(rows.rows(), static_cast<Eigen::Index>(free.size()));
  if (values) {
    const Eigen::ArrayXd v = in_space(law.evaluate(rows, natural, {}), space);
    values->assign(v.data(), v.data() + v.size());
  }
  for (std::size_t a = 0; a < free.size(); ++a) {
    const std::size_t k = free[a];
    const Transform t = law.parameters[k].transform;
    const double x = to_internal(t, natural[k]);
    // About the cube root of machine epsilon: the step that balances truncation and rounding.
    const double h = 6e-6 * std::max(1.0, std::abs(x));
    std::vector<double> up = natural, down = natural;
    up[k] = to_natural(t, x + h);
    down[k] = to_natural(t, x - h);
    if (!std::isfinite(up[k]) || !std::isfinite(down[k])) {  // at the edge of the doubles
      g.col(static_cast<Eigen::Index>(a)).setConstant(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    g.col(static_cast<Eigen::Index>(a)) = ((in_space(law.evaluate(rows, up, {}), space) -
                                            in_space(law.evaluate(rows, down, {}), space)) /
                                           (2.0 * h))
                                              .matrix();
  }
  return g;
}

// Every candidate and target must have a finite prediction (positive in log space) and a finite
// gradient at the belief's parameters; the first that has not is named.
void check_domain(const LawEntry& law, const DesignRun& run, const std::vector<double>& point) {
  std::vector<std::size_t> free;
  for (std::size_t k = 0; k < run.designed.size(); ++k)
    if (run.designed[k]) free.push_back(k);
  auto check = [&](const Table& t, const std::string& what, const std::vector<Eigen::Index>& rows) {
    auto fail = [&](Eigen::Index i, const std::string& why) {
      const Eigen::Index row = rows.empty() ? i + 1 : rows[static_cast<std::size_t>(i)];
      throw DataError(what + " at row " + std::to_string(row) + " (" + point_text(law, t, i) +
                      ") is outside the law's domain: " + why);
    };
    // The law's own input checks, said of the row the user gave.
    for (const auto& in : law.inputs) {
      const auto col = t.column(in.name);
      for (Eigen::Index i = 0; i < t.rows(); ++i) {
        const double x = col(i);
        if (!std::isfinite(x) || (in.positive && x <= 0.0) || x < in.min || x > in.max) {
          fail(i, "input '" + in.name + "' must be " +
                      (in.positive ? std::string("positive") : std::string("finite")) +
                      (std::isfinite(in.min) ? ", at least " + format_g(in.min) : "") +
                      (std::isfinite(in.max) ? ", at most " + format_g(in.max) : ""));
        }
      }
    }
    std::vector<double> v;
    const Eigen::MatrixXd g = design_gradients(law, t, point, free, run.space, &v);
    for (Eigen::Index i = 0; i < t.rows(); ++i) {
      if (std::isfinite(v[static_cast<std::size_t>(i)]) && g.row(i).allFinite()) continue;
      const bool value = std::isfinite(v[static_cast<std::size_t>(i)]);
      fail(i, "law '" + law.name + "' gives " +
                  (value                      ? std::string("no finite gradient")
                   : run.space == Space::kLog ? "no positive value"
                                              : "no finite value") +
                  " there");
    }
  };
  check(run.targets, "the target", run.target_rows);
  check(run.pool, "the candidate run", run.rows);
}

}  // namespace slfit::detail
