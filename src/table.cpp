// Table loading for every front end: read a CSV, add derived columns, filter rows, and name the
// target (a column, or an expression turned into a derived column).
#include <algorithm>

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

void require_input(const LawEntry& law, const std::string& name) {
  if (law.has_input(name)) return;
  throw UsageError("law '" + law.name + "' has no input '" + name + "'" +
                   did_you_mean(name, law.input_names()) +
                   "; inputs are: " + join(law.input_names()));
}

}  // namespace detail

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
      throw DataError("no rows of '" + request.path + "' satisfy option 'where' \"" + w + "\"");
    }
  }
  const std::string target = request.target;
  const Expression t = Expression::parse(target);
  const auto vars = t.variables();
  const std::string plain = detail::trim(target);
  if (vars.size() == 1 &&
      (plain == vars[0] || plain == "\"" + vars[0] + "\"" || plain == "`" + vars[0] + "`")) {
    out.target = vars[0];
  } else {
    detail::require_variables(out.table, t, target);
    out.target = "target";
    derive(out.table, out.target, t);
  }
  return out;
}

LoadedTable load_table(const TableRequest& request) {
  return prepare_table(read_csv(request.path), request);
}

}  // namespace slfit
