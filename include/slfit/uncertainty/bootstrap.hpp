// bootstrap<Law>(table, fit options, bootstrap options): resampling uncertainty of a fit.
//
// Each resample draws rows with replacement (or, with `group` set, whole groups: all rows sharing
// a value of that column, such as the checkpoints of one training run, which are not independent
// of each other) and refits the law. By default a refit starts from the best fit only, which is
// fast and is what the spread around that optimum means; `from_starts` reruns the full start list
// of the fit options instead, for when resamples may fall into other basins. Reported for every
// parameter and every derived quantity: the bootstrap SE (standard deviation over resamples), the
// percentile interval, and next to them the covariance SE and interval (delta method for derived
// quantities). A warning is added where the two SEs differ by more than `disagreement` times
// either way: the covariance then misdescribes the fit (a Huber or absolute objective, strong
// nonlinearity, correlated rows), and the bootstrap is the one to trust.
//
// Resample b draws from Rng(seed ^ stream(b)), so results depend on the seed only, never on the
// number of threads or on the order in which resamples finish. A resample whose fit fails or
// cannot be set up (too few distinct rows, say) is counted in `failed` and left out; one whose
// solver stopped short is kept and counted in `not_converged`.
//
//   slfit::BootstrapOptions b;
//   b.resamples = 1000;
//   b.group = "run";
//   b.derived.push_back({"a", [](const std::vector<double>& p) {
//                          return slfit::chinchilla_exponents(p).a; }});
//   b.progress = [](int done, int total) { std::fprintf(stderr, "\r%d/%d", done, total); };
//   slfit::BootstrapResult r = slfit::bootstrap<slfit::Chinchilla>(table, fit_options, b);
//   for (const auto& e : r.parameters) std::printf("%s %g +- %g\n", ...);
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "slfit/detail/random.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/uncertainty/intervals.hpp"
#include "slfit/uncertainty/results.hpp"

namespace slfit {

namespace detail {

// Row lists of each group, groups in order of first appearance. A text column groups by its
// cells, a numeric one by value.
inline std::vector<std::vector<Eigen::Index>> group_rows(const Table& t, const std::string& col) {
  if (!t.has(col)) {
    std::string msg =
        "no column '" + col + "' to resample groups by in " + t.label() + "; columns are: ";
    const auto names = t.names();
    for (std::size_t i = 0; i < names.size(); ++i) msg += (i ? ", " : "") + names[i];
    throw DataError(msg);
  }
  const std::vector<std::string> labels = t.labels(col);
  std::map<std::string, std::size_t> index;
  std::vector<std::vector<Eigen::Index>> out;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    auto [it, fresh] = index.emplace(labels[r], out.size());
    if (fresh) out.emplace_back();
    out[it->second].push_back(static_cast<Eigen::Index>(r));
  }
  return out;
}

inline BootstrapEstimate summarize(std::string name, double estimate,
                                   const std::vector<double>& values, double level) {
  BootstrapEstimate e;
  e.name = std::move(name);
  e.estimate = estimate;
  for (double v : values) e.valid += std::isfinite(v) ? 1 : 0;
  e.standard_error = sample_sd(values);
  e.percentile = {percentile(values, 0.5 - 0.5 * level), percentile(values, 0.5 + 0.5 * level)};
  return e;
}

inline void add_covariance(BootstrapEstimate& e, double se, double level, double disagreement,
                           std::vector<std::string>& warnings) {
  e.covariance_se = se;
  if (std::isfinite(se)) {
    const double z = normal_quantile(0.5 + 0.5 * level);
    e.covariance = {e.estimate - z * se, e.estimate + z * se};
  }
  const double ratio = e.standard_error / se;
  if (std::isfinite(ratio) && se > 0.0 && (ratio > disagreement || ratio < 1.0 / disagreement)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g vs %.3g, ratio %.2f", e.standard_error, se, ratio);
    warnings.push_back("'" + e.name + "': bootstrap and covariance SEs disagree (" + buf +
                       "); trust the bootstrap");
  }
}

// One resample's refit: its parameters and whether the solver converged.
struct Refit {
  std::vector<double> parameters;
  bool converged = false;
};

// Refits `problem` (a resample). From the best fit with the dense solver (the default), this is
// what fit_from_starts does with that one start and no polish, without building a FitResult: a
// bootstrap runs thousands of these, each a few dozen microseconds. Nothing when the fit fails.
template <Law L>
std::optional<Refit> refit(const FitProblem<L>& problem, const FitOptions& inner, bool from_starts,
                           const std::vector<double>& best) {
  if (from_starts || inner.solver != Solver::kDense) {
    const auto starts =
        from_starts ? make_starts(problem, inner) : std::vector<std::vector<double>>{best};
    FitResult r = fit_from_starts(problem, starts, inner);
    if (r.status == FitStatus::kFailed) return std::nullopt;
    return Refit{std::move(r.parameters), r.status == FitStatus::kConverged};
  }
  std::vector<double> internal(best.size());
  for (std::size_t i = 0; i < best.size(); ++i)
    internal[i] = to_internal(problem.specs[i].transform, best[i]);
  const ResidualModel<L> model(problem);
  const SolveOutcome o = solve_dense_from(model, internal, start_settings(inner));
  if (!o.finite) return std::nullopt;
  return Refit{natural_parameters(problem, o.internal), o.converged};
}

// Refits a resample of a fit with per-level parameters. A level the resample did not draw has no
// estimate: NaN, left out of that parameter's interval.
template <Law L>
std::optional<Refit> refit(const LevelProblem<L>& problem, const FitOptions& inner,
                           bool from_starts, const std::vector<double>& best) {
  Refit out;
  if (from_starts) {
    FitResult r = fit_levels_from_starts(problem, level_starts(problem, inner), inner);
    if (r.status == FitStatus::kFailed) return std::nullopt;
    out = Refit{std::move(r.parameters), r.status == FitStatus::kConverged};
  } else {
    std::vector<double> internal(best.size());
    for (std::size_t i = 0; i < best.size(); ++i)
      internal[i] = to_internal(problem.specs[i].transform, best[i]);
    const LevelModel<L> model(problem);
    const SolveOutcome o = solve_dense_from(model, internal, start_settings(inner));
    if (!o.finite) return std::nullopt;
    out.converged = o.converged;
    for (std::size_t i = 0; i < best.size(); ++i)
      out.parameters.push_back(problem.is_fixed[i]
                                   ? problem.fixed_values[i]
                                   : to_natural(problem.specs[i].transform, o.internal[i]));
  }
  const std::vector<bool> seen = problem.weighted_parameters();
  for (std::size_t i = 0; i < seen.size(); ++i)
    if (!seen[i]) out.parameters[i] = std::nan("");
  return out;
}

// Refits of resamples (row counts) of one whole problem, built once: a fit's own problem, or one
// with per-level parameters. Empty where the whole problem cannot be built (no resample can be
// fitted then either).
template <Law L>
std::function<std::optional<Refit>(const std::vector<int>&)> resample_refits(
    const L& law, const Table& data, const FitOptions& inner, bool from_starts,
    const std::vector<double>& best) {
  try {
    if (has_levels(law, inner)) {
      auto whole = std::make_shared<const LevelProblem<L>>(law, data, inner);
      return [whole, inner, from_starts, best](const std::vector<int>& counts) {
        return refit(whole->with_counts(counts), inner, from_starts, best);
      };
    }
    auto whole = std::make_shared<const FitProblem<L>>(law, data, inner);
    return [whole, inner, from_starts, best](const std::vector<int>& counts) {
      return refit(whole->with_counts(counts), inner, from_starts, best);
    };
  } catch (const Error&) {
    return {};
  }
}

}  // namespace detail

// Bootstraps the fit of law L to `table`. `best`, when given, must be the fit of L to this table
// with these options (it saves refitting from every start); otherwise it is computed here.
template <Law L>
BootstrapResult bootstrap(const L& law, const Table& table, const FitOptions& opt,
                          const BootstrapOptions& bo, const FitResult* best = nullptr) {
  const auto t0 = std::chrono::steady_clock::now();
  if (bo.resamples < 1) {
    throw UsageError("a bootstrap needs at least 1 resample, got " + std::to_string(bo.resamples));
  }
  if (bo.resamples > kMaxResamples) {
    throw UsageError("a bootstrap of " + std::to_string(bo.resamples) +
                     " resamples is more than the limit of " + std::to_string(kMaxResamples) +
                     " (each one is a refit whose parameters are kept)");
  }
  if (bo.threads < 0 || bo.threads > kMaxThreads) {
    throw UsageError("bootstrap threads must be from 0 (all cores) to " +
                     std::to_string(kMaxThreads) + ", got " + std::to_string(bo.threads));
  }
  check_counts(opt);
  check_level(bo.level);
  // Here too, not only in the fit: with `best` given, no fit runs before the resamples, whose
  // setup errors are caught and counted as failed resamples.
  objective_function(opt).check();
  if (!(bo.disagreement >= 1.0)) throw UsageError("the disagreement factor must be at least 1");

  // Rows the fit would leave out (skip_nonpositive) are left out of resampling too, so that
  // every resample's row count matches the best fit's.
  Table data = table;
  if (opt.skip_nonpositive && opt.space == Space::kLog) {
    const std::string target = column_for(opt.columns, opt.target);
    if (table.has(target)) data = table.filter(table.column(target) > 0.0);
  }
  std::vector<std::vector<Eigen::Index>> groups;
  if (bo.group) {
    groups = detail::group_rows(data, *bo.group);
  } else {
    for (Eigen::Index r = 0; r < data.rows(); ++r) groups.push_back({r});
  }

  BootstrapResult out;
  out.best = best != nullptr ? *best : fit(law, table, opt);
  if (out.best.law != law_name(law)) {
    throw UsageError("the best fit given to bootstrap is of law '" + out.best.law + "', not '" +
                     law_name(law) + "'");
  }
  out.resamples = bo.resamples;
  out.group = bo.group.value_or("");
  out.groups = static_cast<int>(groups.size());
  out.level = bo.level;
  const std::size_t k = out.best.parameters.size();  // more than L's with per-level parameters
  const std::size_t nd = bo.derived.size();
  const auto count = static_cast<std::size_t>(bo.resamples);
  out.samples.assign(count, std::vector<double>(k, std::nan("")));
  out.derived_samples.assign(count, std::vector<double>(nd, std::nan("")));
  if (out.best.status == FitStatus::kFailed) {
    throw DataError("cannot bootstrap: the fit of law '" + out.best.law + "' to " + table.label() +
                    " failed (" + out.best.message + ")");
  }

  // Each resample fits on one thread; the parallelism is across resamples.
  FitOptions inner = opt;
  inner.threads = 1;
  inner.skip_nonpositive = false;
  // Refits start next to an optimum: the dense solver alone finishes them without Ceres' setup.
  if (inner.solver == Solver::kAuto) inner.solver = Solver::kDense;
  if (!bo.from_starts) inner.polish = 0;  // refits stop well inside the resamples' spread
  inner.covariance = false;               // only the parameters of a resample are used
  // The problem on all rows, built once. A resample counts how often it draws each row and
  // refits the rows drawn, weighted by their counts (FitProblem::with_counts): no table copy, no
  // logs taken again, each distinct row evaluated once. Where the whole problem cannot be built,
  // no resample can be fitted.
  const auto refit_counts =
      detail::resample_refits(law, data, inner, bo.from_starts, out.best.parameters);
  std::vector<char> failed(count, 0), short_of(count, 0);
  std::mutex progress_mutex;
  int done = 0;
  std::atomic<bool> stopped{false};
  detail::parallel_for(count, detail::thread_count(bo.threads, count), [&](std::size_t b) {
    if (stopped.load() || (bo.stop && bo.stop())) {
      stopped.store(true);
      return;
    }
    detail::Rng rng = detail::resample_rng(bo.seed, b);
    std::vector<int> counts(static_cast<std::size_t>(data.rows()), 0);
    for (std::size_t g = 0; g < groups.size(); ++g)
      for (const Eigen::Index r : groups[rng.below(groups.size())])
        ++counts[static_cast<std::size_t>(r)];
    std::optional<detail::Refit> r;
    if (refit_counts) {
      try {
        r = refit_counts(counts);
      } catch (const Error&) {
        // e.g. a group resample with too few rows for the free parameters: counted as failed
      }
    }
    if (!r) {
      failed[b] = 1;
    } else {
      short_of[b] = !r->converged;
      out.samples[b] = r->parameters;
      for (std::size_t q = 0; q < nd; ++q) {
        try {
          out.derived_samples[b][q] = bo.derived[q].value(r->parameters);
        } catch (const Error&) {
          // Undefined for this resample: stays NaN and is not counted as valid.
        }
      }
    }
    const std::lock_guard<std::mutex> lock(progress_mutex);
    ++done;
    if (bo.progress) bo.progress(done, bo.resamples);
  });
  if (stopped.load()) {
    throw Interrupted("the bootstrap was stopped after " + std::to_string(done) + " of " +
                      std::to_string(count) + " resamples");
  }
  for (std::size_t b = 0; b < count; ++b) {
    out.failed += failed[b];
    out.not_converged += short_of[b];
  }

  std::vector<double> column(count);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t b = 0; b < count; ++b) column[b] = out.samples[b][i];
    out.parameters.push_back(
        detail::summarize(out.best.names[i], out.best.parameters[i], column, bo.level));
    const bool fixed = i < out.best.fixed.size() && out.best.fixed[i];
    if (!fixed) {
      detail::add_covariance(out.parameters.back(), out.best.standard_errors[i], bo.level,
                             bo.disagreement, out.warnings);
    }
  }
  for (std::size_t q = 0; q < nd; ++q) {
    for (std::size_t b = 0; b < count; ++b) column[b] = out.derived_samples[b][q];
    double estimate = std::nan("");
    try {
      estimate = bo.derived[q].value(out.best.parameters);
    } catch (const Error& e) {
      out.warnings.push_back("'" + bo.derived[q].name +
                             "' is undefined at the best fit: " + e.what());
    }
    out.derived.push_back(detail::summarize(bo.derived[q].name, estimate, column, bo.level));
    detail::add_covariance(out.derived.back(), delta_method_se(bo.derived[q].value, out.best),
                           bo.level, bo.disagreement, out.warnings);
  }
  if (!out.best.covariance_ok) {
    out.warnings.push_back("no covariance intervals: " + out.best.covariance_message);
  }
  if (out.failed > 0) {
    out.warnings.push_back(std::to_string(out.failed) + " of " + std::to_string(out.resamples) +
                           " resamples could not be fitted and are left out");
  }
  if (bo.group && out.groups < 10) {
    out.warnings.push_back("only " + std::to_string(out.groups) + " groups of '" + *bo.group +
                           "': a group bootstrap this small is rough");
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

template <Law L>
BootstrapResult bootstrap(const Table& table, const FitOptions& opt, const BootstrapOptions& bo,
                          const FitResult* best = nullptr) {
  return bootstrap(L{}, table, opt, bo, best);
}

}  // namespace slfit
