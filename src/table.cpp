// Table loading for every front end: read a CSV, add derived columns, filter rows, and name the
// target (a column, or an expression turned into a derived column).
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "runtime_detail.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {

namespace detail {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string missing_column_message(const Table& table, const std::string& name,
                                   const std::string& what) {
  return (what.empty() ? std::string() : what + ": ") + "no column '" + name + "' in " +
         table.label() + did_you_mean(name, table.names()) +
         "; columns are: " + join(table.names());
}

void require_column(const Table& table, const std::string& name, const std::string& what) {
  if (!table.has(name)) throw DataError(missing_column_message(table, name, what));
}

void require_variables(const Table& table, const Expression& e, const std::string& text) {
  for (const auto& v : e.variables()) {
    if (!table.has(v))
      throw DataError(missing_column_message(table, v, "expression \"" + text + "\""));
  }
}

std::string closest_name(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = word.size() / 3 + 2;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

std::optional<std::string> plain_target(const std::string& target, const Expression& t) {
  const auto vars = t.variables();
  const std::string plain = trim(target);
  if (vars.size() == 1 &&
      (plain == vars[0] || plain == "\"" + vars[0] + "\"" || plain == "`" + vars[0] + "`")) {
    return vars[0];
  }
  return std::nullopt;
}

void require_input(const LawEntry& law, const std::string& name) {
  if (law.has_input(name)) return;
  throw UsageError("law '" + law.name + "' has no input '" + name + "'" +
                   did_you_mean(name, law.input_names()) +
                   "; inputs are: " + join(law.input_names()));
}

}  // namespace detail

namespace {

// For each combination of the `columns`' values (numbers by value, text by cell), the first row
// with the lowest `target`, in the table's order.
Table frontier_rows(const Table& table, const std::vector<std::string>& columns,
                    const std::string& target) {
  std::vector<std::vector<std::string>> labels;
  for (const auto& c : columns) {
    detail::require_column(table, c, "option 'frontier'");
    labels.push_back(table.labels(c));
  }
  const ColumnView y = table.column(target);
  std::map<std::vector<std::string>, Eigen::Index> best;
  for (Eigen::Index r = 0; r < table.rows(); ++r) {
    std::vector<std::string> key;
    for (const auto& l : labels) key.push_back(l[static_cast<std::size_t>(r)]);
    auto [it, fresh] = best.emplace(std::move(key), r);
    if (!fresh && y(r) < y(it->second)) it->second = r;
  }
  std::vector<Eigen::Index> keep;
  for (const auto& [key, r] : best) keep.push_back(r);
  std::sort(keep.begin(), keep.end());
  return table.select(keep);
}

}  // namespace

LoadedTable prepare_table(Table table, const TableRequest& request) {
  LoadedTable out{std::move(table), request.target};
  for (const auto& d : request.derive) {
    auto [name, expr] = parse_assignment(d);
    detail::require_variables(out.table, expr, d);
    derive(out.table, name, expr);
  }
  for (const auto& w : request.where) {
    const Expression e = Expression::parse(w);
    detail::require_variables(out.table, e, w);
    out.table = filter_rows(out.table, e);
    if (out.table.empty()) {
      const std::string& name = request.path.empty() ? out.table.source() : request.path;
      throw DataError("no rows of '" + name + "' satisfy option 'where' \"" + w + "\"");
    }
  }
  const std::string target = request.target;
  const Expression t = Expression::parse(target);
  if (auto plain = detail::plain_target(target, t)) {
    out.target = *plain;
  } else {
    detail::require_variables(out.table, t, target);
    out.target = "target";
    derive(out.table, out.target, t);
  }
  if (!request.frontier.empty()) {
    const std::string by = request.target_column && out.table.has(*request.target_column)
                               ? *request.target_column
                               : out.target;
    const Eigen::Index before = out.table.rows();
    out.table = frontier_rows(out.table, request.frontier, by);
    out.frontier_dropped = before - out.table.rows();
  }
  return out;
}

std::vector<std::string> parse_frontier(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (true) {
    const std::size_t comma = text.find(',', from);
    out.push_back(
        detail::trim(text.substr(from, comma == std::string::npos ? comma : comma - from)));
    if (out.back().empty()) {
      throw UsageError("option 'frontier' takes column names separated by commas (N,D), got '" +
                       text + "'");
    }
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

std::string frontier_note(const TableRequest& request, const LoadedTable& loaded) {
  if (request.frontier.empty()) return "";
  const Eigen::Index kept = loaded.table.rows();
  return "frontier (" + detail::join(request.frontier) + "): kept " + std::to_string(kept) +
         " of " + std::to_string(kept + loaded.frontier_dropped) +
         " rows, the lowest target of each combination";
}

namespace {

// The file's columns that `derive`, `where` and `target` read: a name derived earlier is not read
// from the file by the expressions after it.
std::vector<std::string> columns_read(const TableRequest& request) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> derived;
  const auto add = [&](const Expression& e) {
    for (const auto& v : e.variables())
      if (!derived.count(v)) out.push_back(v);
  };
  for (const auto& d : request.derive) {
    auto [name, expr] = parse_assignment(d);
    add(expr);
    derived.insert(name);
  }
  for (const auto& w : request.where) add(Expression::parse(w));
  add(Expression::parse(request.target));
  return out;
}

// The checks of a request that need only the header, in the order prepare_table makes them.
void check_header(const std::vector<std::string>& header, const TableRequest& request,
                  const std::string& source) {
  Table names(source);
  for (const auto& h : header) names.add_column(h, Array());
  for (const auto& d : request.derive) {
    auto [name, expr] = parse_assignment(d);
    detail::require_variables(names, expr, d);
    if (!names.has(name)) names.add_column(name, Array());
  }
  for (const auto& w : request.where) detail::require_variables(names, Expression::parse(w), w);
  const Expression t = Expression::parse(request.target);
  const std::optional<std::string> plain = detail::plain_target(request.target, t);
  if (!plain) detail::require_variables(names, t, request.target);
  if (request.target_column && (plain || *request.target_column != request.target)) {
    const std::string& target = *request.target_column;
    if (!names.has(target)) {
      throw DataError("no target column '" + target + "' in " + names.label() +
                      detail::did_you_mean(target, names.names()) +
                      "; columns are: " + detail::join(names.names()) +
                      " (choose one with option 'target' or option 'columns' target=HEADER)");
    }
  }
  for (const auto& r : request.required) detail::require_column(names, r, "");
  for (const auto& f : request.frontier) detail::require_column(names, f, "option 'frontier'");
  if (request.check_header) request.check_header(names);
}

}  // namespace

LoadedTable load_table(const TableRequest& request) {
  if (request.table) {
    Table table = *request.table;
    if (!request.path.empty()) table.set_source(request.path);
    check_header(table.names(), request, table.source());
    return prepare_table(std::move(table), request);
  }
  CsvOptions options;
  options.check_header = [&](const std::vector<std::string>& header) {
    check_header(header, request, request.path);
  };
  if (request.keep) {
    std::vector<std::string> keep = *request.keep;
    keep.insert(keep.end(), request.required.begin(), request.required.end());
    keep.insert(keep.end(), request.frontier.begin(), request.frontier.end());
    if (request.target_column) keep.push_back(*request.target_column);
    for (auto& name : columns_read(request)) keep.push_back(std::move(name));
    options.keep = std::move(keep);
  }
  return prepare_table(read_csv(request.path, options), request);
}

}  // namespace slfit
