// The law contract: what a type must provide to be fitted, evaluated and listed by slfit.
//
// A law is a stateless struct. Its formula is written once, templated on the parameter scalar T
// (double, or ceres::Jet for autodiff) and on the input view X (one row of doubles, or whole
// Eigen arrays for vectorized evaluation). Inputs are read through `x.value(i)` and `x.log(i)`;
// logs are computed once per table, not once per evaluation. Parameters arrive in natural units.
//
//   struct PowerLaw {                      // L(C) = E + A * C^-alpha
//     static constexpr std::string_view kName = "power";
//     static constexpr std::string_view kDescription = "L = E + A C^-alpha";
//     static constexpr int kNumInputs = 1;
//     static constexpr int kNumParameters = 3;
//     static std::array<InputSpec, 1> inputs() { return {{{"C", "training FLOPs", true}}}; }
//     static std::vector<ParameterSpec> parameters() {
//       return {{.name = "E", .value = 2, .lower = 0, .transform = Transform::kLog},
//               {.name = "A", .value = 100, .lower = 0, .transform = Transform::kLog},
//               {.name = "alpha", .value = 0.1, .lower = 0, .upper = 2}};
//     }
//     template <class T, class X>
//     static auto formula(const T* p, const X& x) {
//       using std::exp;
//       return p[0] + p[1] * exp(-p[2] * x.log(0));
//     }
//   };
//   static_assert(slfit::Law<PowerLaw>);
//
// Optional members: `presets()` (published parameter sets), `start_grids()` (named start grids
// such as Hoffmann et al.'s), and `log_formula(p, x)`, a numerically careful log of the formula
// used when residuals are taken in log space (Chinchilla's log-sum-exp form).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstdio>
#include <exception>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/core/table.hpp"
#include "slfit/detail/huge_pages.hpp"
#include "slfit/detail/parallel.hpp"

namespace slfit {

// Where residuals are taken: the law's value itself, or its log (loss ratios rather than
// differences; Hoffmann et al. fit log L).
enum class Space { kLinear, kLog };
inline std::string_view to_string(Space s) { return s == Space::kLog ? "log" : "linear"; }

struct InputSpec {
  std::string name;      // the column the law reads by default
  std::string meaning;   // one line for `slfit laws`
  bool positive = true;  // a log is taken: values must be > 0
  double min = -kInf;    // smallest allowed value (inclusive), e.g. a group size of at least 2
  double max = kInf;     // largest allowed value (inclusive)
};

// A published parameter set: values by name, in natural units, with where they come from.
struct Preset {
  std::string name;
  std::vector<std::pair<std::string, double>> values;
  std::string source;     // paper, table, arXiv id
  std::string certainty;  // "paper", "second" or "computed", as in LAWS.md
  std::string note;       // units, scaling or caveats
};

// A named grid of starts: for each listed parameter the values to try; parameters not listed take
// their spec's grid. The full grid is the Cartesian product.
struct StartGrid {
  std::string name;
  std::vector<std::pair<std::string, std::vector<double>>> values;
  std::string note;
};

// Maps a law input (or "target") to the table column that holds it, when the names differ.
using ColumnMap = std::map<std::string, std::string, std::less<>>;

// One row of inputs, as seen by a formula evaluated point by point (the autodiff path).
template <int K>
struct RowView {
  std::array<double, K> values{};
  std::array<double, K> logs{};
  double value(int i) const { return values[static_cast<std::size_t>(i)]; }
  double log(int i) const { return logs[static_cast<std::size_t>(i)]; }
};

// Whole columns, as seen by a formula evaluated over a table at once (the hot path). Each column
// is `rows` doubles read in place: a table's column (which may be a caller's memory, see
// Table::add_column_view), a block of one, or logs computed once. value() and log() are maps, so
// a formula's expressions read the memory directly; hold them by value (`const auto`), since
// `const Array&` would copy the column.
template <int K>
struct ArrayView {
  std::array<const double*, K> values{};
  std::array<const double*, K> logs{};
  Eigen::Index rows = 0;
  ColumnView value(int i) const { return ColumnView(values[static_cast<std::size_t>(i)], rows); }
  ColumnView log(int i) const { return ColumnView(logs[static_cast<std::size_t>(i)], rows); }
};

// The name and description of a law: static constants of a compiled law, members of one built at
// run time (a formula law).
template <class L>
std::string law_name(const L& law) {
  if constexpr (requires { law.name(); }) {
    return std::string(law.name());
  } else {
    return std::string(L::kName);
  }
}

template <class L>
std::string law_description(const L& law) {
  if constexpr (requires { law.description(); }) {
    return std::string(law.description());
  } else {
    return std::string(L::kDescription);
  }
}

// The members are called on an object (`law.formula(p, x)`), which for the stateless compiled
// laws calls their static functions and lets a law built at run time (a formula law) carry its
// formula. kNumInputs is the size of the input views; a run-time law may use fewer of them
// (inputs().size()).
template <class L>
concept Law = requires(const L& law) {
  { L::kNumInputs } -> std::convertible_to<int>;
  { L::kNumParameters } -> std::convertible_to<int>;
  { law_name(law) } -> std::same_as<std::string>;
  { law_description(law) } -> std::same_as<std::string>;
  { law.inputs().size() } -> std::convertible_to<std::size_t>;
  { law.inputs()[0] } -> std::convertible_to<const InputSpec&>;
  { law.parameters() } -> std::same_as<std::vector<ParameterSpec>>;
}
&&requires(const L& law, const double* p, const RowView<L::kNumInputs>& row,
           const ArrayView<L::kNumInputs>& cols) {
  { law.formula(p, row) } -> std::convertible_to<double>;
  {Array(law.formula(p, cols))};
};

template <class L>
concept HasLogFormula = requires(const L& law, const double* p, const RowView<L::kNumInputs>& row) {
  { law.log_formula(p, row) } -> std::convertible_to<double>;
};

// Optional: a law whose formula is defined only for some parameter-input combinations (a
// precision factor that turns negative, say) provides
//   static std::string domain_error(const double* p, const RowView<K>& row);
// returning "" where the formula is defined and a reason otherwise. evaluate() checks it per row.
template <class L>
concept HasDomainCheck = requires(const L& law, const double* p,
                                  const RowView<L::kNumInputs>& row) {
  { law.domain_error(p, row) } -> std::convertible_to<std::string>;
};

template <Law L>
std::vector<Preset> law_presets(const L& law) {
  if constexpr (requires { law.presets(); }) {
    return law.presets();
  } else {
    return {};
  }
}

template <Law L>
std::vector<StartGrid> law_start_grids(const L& law) {
  if constexpr (requires { law.start_grids(); }) {
    return law.start_grids();
  } else {
    return {};
  }
}

template <Law L>
std::vector<Preset> law_presets() {
  return law_presets(L{});
}

template <Law L>
std::vector<StartGrid> law_start_grids() {
  return law_start_grids(L{});
}

// The column a law input (or "target") is read from.
inline std::string column_for(const ColumnMap& map, std::string_view input) {
  auto it = map.find(input);
  return it == map.end() ? std::string(input) : it->second;
}

// The inputs of law L bound to a table: values (the table's, not copied) and logs, checked once.
// The table (or a copy of it that holds the same columns) must outlive the binding.
template <Law L>
class BoundInputs {
 public:
  static constexpr int K = L::kNumInputs;

  // With `with_logs` false no logs are taken and view()/row() are unavailable; evaluate() takes
  // logs block by block instead. With `check` false the values are not checked here either: the
  // caller checks blocks with in_range() and, where one fails, binds again with the checks on to
  // get the error for the first bad row.
  BoundInputs(const L& law, const Table& table, const ColumnMap& map, bool with_logs = true,
              bool check = true) {
    rows_ = table.rows();
    const auto specs = law.inputs();
    count_ = static_cast<int>(specs.size());
    for (int i = 0; i < count_; ++i) {
      const InputSpec& spec = specs[static_cast<std::size_t>(i)];
      const std::string col = column_for(map, spec.name);
      if (!table.has(col)) {
        std::string msg =
            "law '" + law_name(law) + "' needs input '" + spec.name + "' (" + spec.meaning + ")";
        if (col != spec.name) msg += ", mapped to column '" + col + "'";
        msg += ", but " + table.label() + " has no column '" + col + "'; columns are: ";
        const auto names = table.names();
        for (std::size_t j = 0; j < names.size(); ++j) msg += (j ? ", " : "") + names[j];
        if (col == spec.name) msg += " (map one with option 'columns' " + spec.name + "=HEADER)";
        throw DataError(msg);
      }
      const ColumnView v = table.column(col);
      values_[static_cast<std::size_t>(i)] = v.data();
      // One branch-free pass decides (NaN fails every comparison); only a bad column is searched
      // for its first bad row.
      const double lo =
          spec.positive ? std::max(spec.min, std::numeric_limits<double>::denorm_min()) : spec.min;
      const double lo_finite = std::max(lo, std::numeric_limits<double>::lowest());
      const double hi_finite = std::min(spec.max, std::numeric_limits<double>::max());
      lower_[static_cast<std::size_t>(i)] = lo_finite;
      upper_[static_cast<std::size_t>(i)] = hi_finite;
      positive_[static_cast<std::size_t>(i)] = spec.positive;
      if (with_logs)
        logs_[static_cast<std::size_t>(i)] = spec.positive ? v.log().eval() : Array::Zero(v.size());
      if (!check) continue;
      bool ok = true;
      for (Eigen::Index r = 0; r < v.size(); ++r)
        ok &= int(v(r) >= lo_finite) & int(v(r) <= hi_finite);
      for (Eigen::Index r = 0; !ok && r < v.size(); ++r) {
        if (!std::isfinite(v(r))) {
          throw DataError("column '" + col + "' of " + table.label() + " has a non-finite value " +
                          "at row " + std::to_string(r + 1));
        }
        if (spec.positive && !(v(r) > 0.0)) {
          throw DataError("input '" + spec.name + "' (column '" + col + "') of law '" +
                          law_name(law) + "' must be positive because its log is taken, " +
                          "but row " + std::to_string(r + 1) + " of " + table.label() + " has " +
                          fmt_double(v(r)));
        }
        if (v(r) < spec.min || v(r) > spec.max) {
          throw DataError("input '" + spec.name + "' (column '" + col + "') of law '" +
                          law_name(law) + "' must lie in [" + fmt_double(spec.min) + ", " +
                          fmt_double(spec.max) + "], but row " + std::to_string(r + 1) + " of " +
                          table.label() + " has " + fmt_double(v(r)));
        }
      }
    }
  }

  Eigen::Index rows() const { return rows_; }
  // The inputs the law reads: K for a compiled law, up to K for one built at run time.
  int count() const { return count_; }
  ColumnView column(int i) const { return ColumnView(values_[static_cast<std::size_t>(i)], rows_); }
  bool positive(int i) const { return positive_[static_cast<std::size_t>(i)]; }

  // Whether every value of `block` (values of input i) is finite and inside its domain. Branch
  // free: NaN fails every comparison.
  bool in_range(int i, const Array& block) const {
    const double lo = lower_[static_cast<std::size_t>(i)], hi = upper_[static_cast<std::size_t>(i)];
    bool ok = true;
    for (Eigen::Index r = 0; r < block.size(); ++r) ok &= int(block(r) >= lo) & int(block(r) <= hi);
    return ok;
  }

  ArrayView<K> view() const {
    ArrayView<K> out;
    out.rows = rows_;
    for (std::size_t i = 0; i < static_cast<std::size_t>(count_); ++i) {
      out.values[i] = values_[i];
      out.logs[i] = logs_[i].data();
    }
    return out;
  }

  RowView<K> row(Eigen::Index r) const {
    RowView<K> out;
    for (std::size_t i = 0; i < static_cast<std::size_t>(count_); ++i) {
      out.values[i] = values_[i][r];
      out.logs[i] = logs_[i](r);
    }
    return out;
  }

  static std::string fmt_double(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }

 private:
  // The table's columns (rows_ values each), read in place: the table must outlive this.
  std::array<const double*, K> values_{};
  std::array<Array, K> logs_;
  std::array<bool, K> positive_{};
  std::array<double, K> lower_{}, upper_{};  // finite bounds of each input's domain
  Eigen::Index rows_ = 0;
  int count_ = 0;
};

// Checks that a parameter vector has the law's size and finite values.
template <Law L>
void check_parameter_values(const L& law, const std::vector<double>& params) {
  if (params.size() != static_cast<std::size_t>(L::kNumParameters)) {
    throw UsageError("law '" + law_name(law) + "' takes " + std::to_string(L::kNumParameters) +
                     " parameters, got " + std::to_string(params.size()));
  }
  const auto specs = law.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!std::isfinite(params[i])) {
      throw UsageError("parameter '" + specs[i].name + "' of law '" + law_name(law) +
                       "' is not finite");
    }
  }
}

template <Law L>
void check_parameter_values(const std::vector<double>& params) {
  check_parameter_values(L{}, params);
}

// Evaluates law L over every row of `table` (vectorized). Rows are taken in blocks that stay in
// cache: the logs of a block's inputs are computed into small reused buffers, so a table of 1e7
// rows costs one pass and no temporaries beyond the result. Tables of kParallelRows rows or more
// are split across `threads` threads (0: all cores) by whole blocks; every row's value is the
// same for any thread count, and an error names the first bad row whichever thread found it.
inline constexpr Eigen::Index kParallelRows = 1 << 16;

// As evaluate(), into `out` (resized to the table's rows). Evaluating many parameter vectors over
// one large table into the same array skips the allocation of a fresh result each time, which on
// 1e7 rows costs about a third as much as the evaluation itself (the kernel zeroes every new page).
// On an error `out` holds no meaningful values.
template <Law L>
void evaluate_into(const L& law, const Table& table, const std::vector<double>& params, Array& out,
                   const ColumnMap& map = {}, int threads = 0) {
  check_parameter_values(law, params);
  constexpr int K = L::kNumInputs;
  // Inputs are checked block by block inside the (parallel) pass; only when a block fails are they
  // bound again with the serial checks, which name the first bad row.
  const BoundInputs<L> inputs(law, table, map, false, false);
  const auto used = static_cast<std::size_t>(inputs.count());
  const Eigen::Index n = inputs.rows();
  constexpr Eigen::Index kBlock = 2048;
  if (out.size() != n) {
    out.resize(n);
    detail::advise_huge_pages(out.data(), static_cast<std::size_t>(n) * sizeof(double));
  }
  const auto blocks = static_cast<std::size_t>((n + kBlock - 1) / kBlock);
  // Consecutive blocks form a few chunks per thread; a chunk reuses its buffers block to block.
  const unsigned workers = n >= kParallelRows ? detail::thread_count(threads, blocks) : 1;
  const std::size_t chunks = workers == 1 ? 1 : std::min<std::size_t>(blocks, 4 * workers);
  std::vector<std::exception_ptr> failures(chunks);
  std::vector<char> out_of_range(chunks, 0);
  auto run_chunk = [&](std::size_t chunk) {
    std::array<Array, K> values, logs;
    ArrayView<K> view;
    for (std::size_t block = chunk * blocks / chunks; block < (chunk + 1) * blocks / chunks;
         ++block) {
      const auto start = static_cast<Eigen::Index>(block) * kBlock;
      const Eigen::Index len = std::min(kBlock, n - start);
      view.rows = len;
      for (std::size_t i = 0; i < used; ++i) {
        values[i] = inputs.column(static_cast<int>(i)).segment(start, len);
        if (!inputs.in_range(static_cast<int>(i), values[i])) {
          out_of_range[chunk] = 1;
          return;
        }
        if (inputs.positive(static_cast<int>(i))) {
          logs[i] = values[i].log();
        } else {
          logs[i].setZero(len);
        }
        view.values[i] = values[i].data();
        view.logs[i] = logs[i].data();
      }
      if constexpr (HasDomainCheck<L>) {
        for (Eigen::Index r = 0; r < len; ++r) {
          RowView<K> row;
          for (std::size_t i = 0; i < used; ++i) {
            row.values[i] = values[i](r);
            row.logs[i] = logs[i](r);
          }
          const std::string why = law.domain_error(params.data(), row);
          if (!why.empty()) {
            throw DataError("law '" + law_name(law) + "' is undefined at row " +
                            std::to_string(start + r + 1) + " of " + table.label() + ": " + why);
          }
        }
      }
      out.segment(start, len) = law.formula(params.data(), view);
    }
  };
  // No exception may leave a worker thread: each chunk keeps its own, and the first (the one
  // with the lowest rows) is rethrown.
  detail::parallel_for(chunks, workers, [&](std::size_t chunk) {
    try {
      run_chunk(chunk);
    } catch (...) {
      failures[chunk] = std::current_exception();
    }
  });
  const bool failed =
      std::find(out_of_range.begin(), out_of_range.end(), 1) != out_of_range.end() ||
      std::find_if(failures.begin(), failures.end(), [](const auto& f) { return bool(f); }) !=
          failures.end();
  if (failed) {
    // As in a serial pass, an input outside its domain is reported first, at its first row
    // (these checks throw); then the law's own domain error with the lowest row.
    BoundInputs<L>(law, table, map, false);
    for (const auto& failure : failures)
      if (failure) std::rethrow_exception(failure);
  }
}

template <Law L>
void evaluate_into(const Table& table, const std::vector<double>& params, Array& out,
                   const ColumnMap& map = {}, int threads = 0) {
  evaluate_into(L{}, table, params, out, map, threads);
}

// The values of law L at every row of `table`, in a new array (see above).
template <Law L>
Array evaluate(const L& law, const Table& table, const std::vector<double>& params,
               const ColumnMap& map = {}, int threads = 0) {
  Array out;
  evaluate_into(law, table, params, out, map, threads);
  return out;
}

template <Law L>
Array evaluate(const Table& table, const std::vector<double>& params, const ColumnMap& map = {},
               int threads = 0) {
  return evaluate(L{}, table, params, map, threads);
}

// Evaluates law L at one point given by its inputs in the order of L::inputs().
template <Law L>
double evaluate_at(const std::vector<double>& params, const std::array<double, L::kNumInputs>& x) {
  check_parameter_values(L{}, params);
  RowView<L::kNumInputs> row;
  const auto specs = L::inputs();
  for (std::size_t i = 0; i < x.size(); ++i) {
    if ((specs[i].positive && !(x[i] > 0.0)) || x[i] < specs[i].min || x[i] > specs[i].max ||
        !std::isfinite(x[i])) {
      throw DataError("input '" + specs[i].name + "' of law '" + std::string(L::kName) +
                      "' is outside its domain (" + (specs[i].positive ? "positive, " : "") + "[" +
                      BoundInputs<L>::fmt_double(specs[i].min) + ", " +
                      BoundInputs<L>::fmt_double(specs[i].max) + "]): got " +
                      BoundInputs<L>::fmt_double(x[i]));
    }
    row.values[i] = x[i];
    row.logs[i] = specs[i].positive ? std::log(x[i]) : 0.0;
  }
  if constexpr (HasDomainCheck<L>) {
    const std::string why = L::domain_error(params.data(), row);
    if (!why.empty()) throw DataError("law '" + std::string(L::kName) + "' is undefined: " + why);
  }
  return L::formula(params.data(), row);
}

// Parameter values of a preset, in the order of L::parameters().
template <Law L>
std::vector<double> preset_values(std::string_view name) {
  const auto presets = law_presets<L>();
  for (const auto& p : presets) {
    if (p.name != name) continue;
    const auto specs = L::parameters();
    std::vector<double> out(specs.size(), std::nan(""));
    for (const auto& [param, value] : p.values)
      out[parameter_index(specs, param, L::kName)] = value;
    return out;
  }
  std::string msg = "unknown preset '" + std::string(name) + "' for law '" + std::string(L::kName) +
                    "'; presets are: ";
  for (std::size_t i = 0; i < presets.size(); ++i) msg += (i ? ", " : "") + presets[i].name;
  if (presets.empty()) msg += "(none)";
  throw UsageError(msg);
}

}  // namespace slfit
