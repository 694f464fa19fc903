// Helpers shared by the run-time layer's source files (not installed).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/core/table.hpp"
#include "slfit/runtime/law_entry.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit::detail {

std::string trim(std::string_view s);

// "no column 'X' in table 'f.csv' (did you mean 'x'?); columns are: ..." for `what`.
std::string missing_column_message(const Table& table, const std::string& name,
                                   const std::string& what);
void require_column(const Table& table, const std::string& name, const std::string& what = "");
// Every column an expression reads must exist (checked here to suggest the right name).
void require_variables(const Table& table, const Expression& e, const std::string& text);

// The candidate closest to `word` (as did_you_mean chooses it), or "".
std::string closest_name(std::string_view word, const std::vector<std::string>& candidates);

// A target written as a single column name (bare, "quoted" or `quoted`): that name.
std::optional<std::string> plain_target(const std::string& target, const Expression& t);

// Adds "allocation" (compute-optimal N and D under C = 6ND, numerically) to a law of N and D that
// has no allocation of its own and whose value is a loss.
void add_numeric_allocation(LawEntry& law);

// UsageError unless the law has this input.
void require_input(const LawEntry& law, const std::string& name);

// Option 'columns' as a map of law inputs to headers ("target" left out; UsageError for a name
// that is not an input).
ColumnMap input_map(const LawEntry& law,
                    const std::map<std::string, std::string, std::less<>>& columns);
// Every input of the law must have its column (after mapping), named with the closest header.
void check_inputs(const LawEntry& law, const Table& table, const ColumnMap& map);
// The law's inputs read from the rows of a table (after mapping), in the law's order.
Table inputs_from_data(const LawEntry& law, const LoadedTable& data, const ColumnMap& map);

// optimal --quantity precision-efficiency (level_efficiency.cpp).
OptimalRun run_precision_efficiency(const OptimalRequest& q, const LawEntry& law);

// The compute multiplier (`optimal --quantity multiplier --vs`, multiplier.cpp): the analysis
// that reports and figures read, and its outputs at a grid point (loss, C_first, multiplier).
// `second`: the second fit's parameters, held by the analysis.
std::shared_ptr<const Analysis> compute_multiplier(const LawEntry& law,
                                                   const std::vector<double>& second);
Outputs multiplier_at(const LawEntry& law, const std::vector<double>& first,
                      const std::vector<double>& second, const Row& r);
// One fit's bootstrap draws in the law's order: those given in memory, else those of its parameter
// file, else none. `option` names the fit in messages.
std::optional<std::vector<std::vector<double>>> law_draws(
    const LawEntry& law, const std::optional<ParameterDraws>& given, const std::string& path,
    const std::string& option);
// The failed pairs and the 95% percentile intervals of the outputs over draw i of `first` with draw
// i of `second`, for i below the shorter count. A pair fails where either resample failed or the
// loss is out of the first draw's reach.
std::pair<int, std::vector<std::pair<std::string, Interval>>> paired_intervals(
    const LawEntry& law, const std::vector<std::vector<double>>& first,
    const std::vector<std::vector<double>>& second, const Row& r);

}  // namespace slfit::detail
