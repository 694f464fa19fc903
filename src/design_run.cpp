// run_design(): from a law, a belief about its parameters, a pool of runs and the targets to the
// linearised design problem of design/design.hpp, and the runs it buys.
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

#include "runtime_detail.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/design.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit {

namespace {

// A vague prior on every parameter (standard deviation in the optimizer's units): a pilot that
// leaves a parameter undetermined still gives finite, if large, prediction errors.
constexpr double kPriorSd = 10.0;
// Gradients held at once (samples x rows x parameters): beyond this a request is refused.
constexpr double kMaxGradients = 5e7;
constexpr int kMaxSamples = 1000;

struct Belief {
  std::vector<double> values;  // natural units, the law's order
  std::vector<bool> fixed;
  Eigen::MatrixXd covariance;  // natural units; empty when unknown
  std::vector<std::vector<double>> draws;
  double noise = 0.0;  // 0: unknown
  Space space = Space::kLog;
  std::string what, noise_source;
};

double residual_noise(double rss, Eigen::Index points, int free) {
  if (!(std::isfinite(rss) && rss > 0.0) || points <= free) return 0.0;
  return std::sqrt(rss / static_cast<double>(points - free));
}

std::vector<bool> fixed_flags(const LawEntry& law, const FitResult& f) {
  std::vector<bool> fixed(law.parameters.size(), false);
  for (std::size_t i = 0; i < f.names.size() && i < f.fixed.size(); ++i) {
    for (std::size_t k = 0; k < law.parameters.size(); ++k)
      if (law.parameters[k].name == f.names[i]) fixed[k] = f.fixed[i];
  }
  return fixed;
}

// The file's covariance in the law's order (empty when the file has none or names differ).
Eigen::MatrixXd law_covariance(const LawEntry& law, const FitResult& f) {
  const auto k = static_cast<Eigen::Index>(law.parameters.size());
  if (!f.covariance_ok || f.covariance.rows() != static_cast<Eigen::Index>(f.names.size()))
    return {};
  std::vector<Eigen::Index> at(law.parameters.size(), -1);
  for (std::size_t i = 0; i < f.names.size(); ++i) {
    for (std::size_t p = 0; p < law.parameters.size(); ++p)
      if (law.parameters[p].name == f.names[i]) at[p] = static_cast<Eigen::Index>(i);
  }
  Eigen::MatrixXd c(k, k);
  for (Eigen::Index a = 0; a < k; ++a) {
    for (Eigen::Index b = 0; b < k; ++b) {
      if (at[a] < 0 || at[b] < 0) return {};
      c(a, b) = f.covariance(at[a], at[b]);
    }
  }
  return c;
}

Belief belief_of_fit(const LawEntry& law, const FitResult& f) {
  Belief b;
  b.values = f.parameters;
  b.fixed = fixed_flags(law, f);
  b.covariance = law_covariance(law, f);
  b.noise = residual_noise(f.rss, f.points, f.free_parameters());
  b.space = f.space;
  if (b.noise > 0.0) {
    b.noise_source = "the pilot's residuals (RSS " + detail::format_g(f.rss) + ", " +
                     std::to_string(f.points) + " runs, " + std::to_string(f.free_parameters()) +
                     " free parameters)";
  }
  return b;
}

// A fit run handed over in memory: its parameters, covariance, noise and bootstrap draws, as a
// parameter file would give them.
Belief belief_of_run(const LawEntry& law, const FitRun& run) {
  if (!run.fit || run.law == nullptr || run.law->name != law.name)
    throw UsageError("the fit given as the belief (option 'params') is not a single fit of law '" +
                     law.name + "'");
  Belief b = belief_of_fit(law, *run.fit);
  if (run.bootstrap) b.draws = run.bootstrap->samples;
  b.what = "a fit of " + std::to_string(run.fit->points) + " runs in " + run.data.table.label();
  return b;
}

Belief read_belief(const DesignRequest& q, const LawEntry& law, std::optional<FitRun>& pilot) {
  const bool from_pilot = !q.pilot.data.path.empty() || q.pilot.data.table != nullptr;
  const int given = !q.preset.empty() + !q.params.empty() + (q.fit != nullptr) +
                    !q.parameters.empty() + from_pilot;
  if (given != 1) {
    throw UsageError(
        "give exactly one of option 'preset', option 'params' and a pilot table (option 'data') "
        "as the belief about the law's parameters");
  }
  if (q.fit) return belief_of_run(law, *q.fit);
  if (from_pilot) {
    FitRequest f = q.pilot;
    f.law = q.law;
    f.entry = q.entry;
    pilot = run_fit(f);
    if (!pilot->fit || pilot->fit->status == FitStatus::kFailed)
      throw DataError("the pilot fit failed: " + (pilot->fit ? pilot->fit->message : ""));
    Belief b = belief_of_fit(law, *pilot->fit);
    if (pilot->bootstrap) b.draws = pilot->bootstrap->samples;
    b.what = "a pilot fit of " + std::to_string(pilot->fit->points) + " runs in " +
             pilot->data.table.label();
    return b;
  }
  if (!q.params.empty()) {
    Belief b = belief_of_fit(law, read_fit_json(q.params));
    b.values = chosen_parameters(law, "", q.params);
    if (auto d = detail::law_draws(law, std::nullopt, q.params, "params")) b.draws = *d;
    b.what = "parameter file '" + q.params + "'";
    return b;
  }
  Belief b;
  b.values = chosen_parameters(law, q.preset, "", q.parameters);
  b.fixed.assign(law.parameters.size(), false);
  if (!q.preset.empty()) {
    b.what = "preset '" + q.preset + "'";
  } else {
    b.what = "parameter values given";
    if (auto d = detail::law_draws(law, q.draws, "", "parameters")) b.draws = *d;
  }
  return b;
}

struct Sampler {
  const LawEntry& law;
  std::vector<std::size_t> free;  // designed parameters

  Eigen::VectorXd internal(const std::vector<double>& natural) const {
    Eigen::VectorXd v(static_cast<Eigen::Index>(natural.size()));
    for (std::size_t k = 0; k < natural.size(); ++k)
      v(static_cast<Eigen::Index>(k)) = to_internal(law.parameters[k].transform, natural[k]);
    return v;
  }
  std::vector<double> natural(const Eigen::VectorXd& v) const {
    std::vector<double> out(static_cast<std::size_t>(v.size()));
    for (std::size_t k = 0; k < out.size(); ++k)
      out[k] = to_natural(law.parameters[k].transform, v(static_cast<Eigen::Index>(k)));
    return out;
  }
  // A covariance of the designed parameters in internal units (delta method).
  Eigen::MatrixXd internal_covariance(const Eigen::MatrixXd& nat,
                                      const std::vector<double>& at) const {
    const auto k = static_cast<Eigen::Index>(free.size());
    Eigen::MatrixXd c(k, k);
    for (Eigen::Index a = 0; a < k; ++a) {
      for (Eigen::Index b = 0; b < k; ++b) {
        const std::size_t i = free[a], j = free[b];
        const double si = law.parameters[i].transform == Transform::kLog ? 1.0 / at[i] : 1.0;
        const double sj = law.parameters[j].transform == Transform::kLog ? 1.0 / at[j] : 1.0;
        c(a, b) = nat(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * si * sj;
      }
    }
    return c;
  }
};

// The covariance of draws (rows of internal values of the designed parameters).
Eigen::MatrixXd draws_covariance(const std::vector<Eigen::VectorXd>& rows) {
  const auto k = rows.front().size();
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(k);
  for (const auto& r : rows) mean += r;
  mean /= static_cast<double>(rows.size());
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(k, k);
  for (const auto& r : rows) c += (r - mean) * (r - mean).transpose();
  return c / static_cast<double>(std::max<std::size_t>(rows.size() - 1, 1));
}

// Inverse on the positive eigenvalues (a covariance may be singular where parameters are tied).
Eigen::MatrixXd pseudo_inverse(const Eigen::MatrixXd& c) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(c);
  const Eigen::VectorXd ev = es.eigenvalues();
  const double tol = 1e-12 * std::max(ev.cwiseAbs().maxCoeff(), 1e-300);
  Eigen::VectorXd inv = Eigen::VectorXd::Zero(ev.size());
  for (Eigen::Index i = 0; i < ev.size(); ++i)
    if (ev(i) > tol) inv(i) = 1.0 / ev(i);
  return es.eigenvectors() * inv.asDiagonal() * es.eigenvectors().transpose();
}

// Square root of a covariance for sampling, negative eigenvalues clipped.
Eigen::MatrixXd covariance_root(const Eigen::MatrixXd& c) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(c);
  const Eigen::VectorXd ev = es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return es.eigenvectors() * ev.asDiagonal();
}

}  // namespace

namespace detail {
// design_model.cpp
Table design_inputs(const LawEntry& law, const DesignRequest& q, DesignRun& run);
Eigen::MatrixXd design_gradients(const LawEntry& law, const Table& rows,
                                 const std::vector<double>& natural,
                                 const std::vector<std::size_t>& free, Space space,
                                 std::vector<double>* values);
void check_domain(const LawEntry& law, const DesignRun& run, const std::vector<double>& point);
}  // namespace detail

namespace {

void check_request(const DesignRequest& q, const LawEntry& law) {
  if (has_levels(law)) {
    throw UsageError("law '" + law.name + "' has per-level parameters, which design does not " +
                     "handle yet; fit the levels you will train as separate laws");
  }
  if (q.samples < 1 || q.samples > kMaxSamples) {
    throw UsageError("option 'samples' must be between 1 and " + std::to_string(kMaxSamples) +
                     " (it is " + std::to_string(q.samples) + ")");
  }
  if (!(std::isfinite(q.noise) && q.noise >= 0.0))
    throw UsageError("option 'noise' must be a nonnegative number");
}

// The noise of a run: option 'noise', else the belief's residuals, else an error.
void settle_noise(const DesignRequest& q, Belief& b) {
  if (q.noise > 0.0) {
    b.noise = q.noise;
    b.noise_source = "option 'noise'";
  } else if (b.noise <= 0.0) {
    throw UsageError(
        "the noise of a run is unknown without a pilot's residuals: give option "
        "'noise' (the standard deviation of a run's " +
        std::string(b.space == Space::kLog ? "log loss" : "loss") + ")");
  }
}

// The parameter samples the gains are averaged over, in internal units: the point estimate, then
// bootstrap draws in order, or Gaussian draws from the covariance clamped to the bounds.
struct Samples {
  std::vector<Eigen::VectorXd> points;
  Eigen::MatrixXd covariance;  // of the designed parameters, internal units (when wanted)
  std::string uncertainty;
  std::size_t finite_draws = 0;
};

void add_draws(const Sampler& s, const std::vector<Eigen::VectorXd>& draws, int wanted,
               bool want_covariance, Samples& out) {
  const auto kf = static_cast<Eigen::Index>(s.free.size());
  if (want_covariance) {
    std::vector<Eigen::VectorXd> sub;
    for (const auto& r : draws) {
      Eigen::VectorXd v(kf);
      for (Eigen::Index a = 0; a < kf; ++a) v(a) = r(static_cast<Eigen::Index>(s.free[a]));
      sub.push_back(v);
    }
    out.covariance = draws_covariance(sub);
  }
  for (std::size_t i = 0; i + 1 < static_cast<std::size_t>(wanted) && i < draws.size(); ++i) {
    Eigen::VectorXd v = out.points.front();
    for (std::size_t a : s.free) v(a) = draws[i](a);
    out.points.push_back(v);
  }
  out.uncertainty = "bootstrap draws (" + std::to_string(draws.size()) + " finite)";
}

void add_gaussian(const Sampler& s, const Belief& b, const DesignRequest& q, Samples& out) {
  const auto kf = static_cast<Eigen::Index>(s.free.size());
  const Eigen::VectorXd point = out.points.front();  // a copy: points grows below
  out.covariance = s.internal_covariance(b.covariance, b.values);
  const Eigen::MatrixXd root = covariance_root(out.covariance);
  detail::Rng rng(q.seed);
  for (int i = 1; i < q.samples; ++i) {
    Eigen::VectorXd z(kf);
    for (Eigen::Index a = 0; a < kf; ++a) z(a) = rng.normal();
    const Eigen::VectorXd step = root * z;
    Eigen::VectorXd v = point;
    for (Eigen::Index a = 0; a < kf; ++a) {
      const ParameterSpec& p = s.law.parameters[s.free[a]];
      const double lo =
          p.transform == Transform::kLog ? (p.lower > 0 ? std::log(p.lower) : -kInf) : p.lower;
      const double hi = p.transform == Transform::kLog ? std::log(p.upper) : p.upper;
      v(s.free[a]) = std::clamp(point(s.free[a]) + step(a), lo, hi);
    }
    out.points.push_back(v);
  }
  out.uncertainty = "the fit's covariance (Gaussian samples, seed " + std::to_string(q.seed) + ")";
}

// `want_covariance`: the draws' covariance is needed too (no pilot brings its information).
Samples parameter_samples(const Sampler& s, const Belief& b, const DesignRequest& q,
                          bool want_covariance) {
  Samples out;
  out.points.push_back(s.internal(b.values));
  std::vector<Eigen::VectorXd> draws;
  for (const auto& d : b.draws) {
    bool ok = d.size() == b.values.size();
    for (double v : d) ok = ok && std::isfinite(v);
    if (ok) draws.push_back(s.internal(d));
  }
  out.finite_draws = draws.size();
  if (draws.size() >= 2) {
    add_draws(s, draws, q.samples, want_covariance, out);
  } else if (b.covariance.size() > 0) {
    add_gaussian(s, b, q, out);
  } else {
    out.uncertainty = "none: the point estimate alone";
  }
  return out;
}

// The linearised problem: at each sample the gradients at the pool, the targets and the pilot's
// runs, and the prior information (vague, plus the pilot's J^T J or the covariance's inverse).
// Samples where the law or its gradient is not finite are left out and counted.
DesignProblem design_problem(const Sampler& s, const Table& all, const DesignRun& run,
                             const Samples& samples, int& left_out) {
  const auto kf = static_cast<Eigen::Index>(s.free.size());
  const Eigen::Index np = run.pool.rows(), nt = run.targets.rows(), npilot = run.pilot.rows();
  const double s2 = run.noise * run.noise;
  const Eigen::MatrixXd vague = Eigen::MatrixXd::Identity(kf, kf) * (s2 / (kPriorSd * kPriorSd));
  Eigen::MatrixXd from_cov = Eigen::MatrixXd::Zero(kf, kf);
  if (npilot == 0 && samples.covariance.size() > 0)
    from_cov = s2 * pseudo_inverse(samples.covariance);
  DesignProblem problem;
  problem.cost = run.cost;
  problem.noise_variance = s2;
  left_out = 0;
  for (const auto& v : samples.points) {
    const std::vector<double> natural = s.natural(v);
    if (!std::all_of(natural.begin(), natural.end(), [](double x) { return std::isfinite(x); })) {
      ++left_out;
      continue;
    }
    const Eigen::MatrixXd g =
        detail::design_gradients(s.law, all, natural, s.free, run.space, nullptr);
    if (!g.allFinite()) {
      if (problem.samples.empty())
        throw DataError("the law's gradient is not finite at the belief's parameters");
      ++left_out;
      continue;
    }
    DesignSample ds;
    ds.pool = g.topRows(np);
    ds.targets = g.middleRows(np, nt);
    const Eigen::MatrixXd jp = g.bottomRows(npilot);
    ds.prior = vague + (npilot > 0 ? Eigen::MatrixXd(jp.transpose() * jp) : from_cov);
    problem.samples.push_back(std::move(ds));
  }
  return problem;
}

}  // namespace

DesignRun run_design(const DesignRequest& q) {
  DesignRun run;
  run.entry = q.entry;
  run.law = q.entry ? q.entry.get() : &resolve_law(q.law);
  const LawEntry& law = *run.law;
  check_request(q, law);
  Belief b = read_belief(q, law, run.pilot_fit);
  run.names = law.parameter_names();
  run.parameters = b.values;
  run.belief = b.what;
  if (q.params.empty() && !q.fit && !run.pilot_fit) b.space = q.space;
  run.space = b.space;
  settle_noise(q, b);
  run.noise = b.noise;
  run.noise_source = b.noise_source;

  const Table all = detail::design_inputs(law, q, run);  // pool, then targets, then pilot
  std::vector<std::size_t> free;
  for (std::size_t k = 0; k < law.parameters.size(); ++k) {
    run.designed.push_back(!b.fixed[k]);
    if (!b.fixed[k]) free.push_back(k);
  }
  if (free.empty()) throw UsageError("every parameter is fixed: there is nothing to design for");
  const Sampler s{law, free};
  detail::check_domain(law, run, b.values);
  if (static_cast<double>(q.samples) * static_cast<double>(all.rows()) *
          static_cast<double>(free.size()) >
      kMaxGradients) {
    throw DataError("the design would hold " + std::to_string(q.samples) + " x " +
                    std::to_string(all.rows()) + " x " + std::to_string(free.size()) +
                    " gradients, more than " + detail::format_g(kMaxGradients) +
                    ": use fewer candidates or samples");
  }

  const Samples samples = parameter_samples(s, b, q, run.pilot.rows() == 0);
  run.uncertainty = samples.uncertainty;
  if (static_cast<int>(samples.points.size()) < q.samples && samples.points.size() > 1) {
    run.warnings.push_back("only " + std::to_string(samples.points.size()) +
                           " parameter samples: the belief carries " +
                           std::to_string(samples.finite_draws) + " finite draws");
  }
  int left_out = 0;
  const DesignProblem problem = design_problem(s, all, run, samples, left_out);
  if (left_out > 0) {
    run.warnings.push_back(std::to_string(left_out) + " of " +
                           std::to_string(samples.points.size()) +
                           " parameter samples left out: the law or its gradient is not finite "
                           "there (the belief is very uncertain)");
  }
  run.samples = static_cast<int>(problem.samples.size());
  DesignOptions o;
  o.strategy = q.strategy;
  o.budget = q.budget;
  o.seed = q.seed;
  o.threads = q.threads;
  run.result = choose_runs(problem, o);
  return run;
}

}  // namespace slfit
