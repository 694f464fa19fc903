// `slfit design` as a request: which runs of a pool to train next, within a budget, so that a
// law's predictions at the targets become as sharp as they can (design/design.hpp says how).
//
// The belief comes from a pilot fit (`pilot.data`, fitted here; with `pilot.bootstrap` K its
// draws), a parameter file (`params`, a `fit --json` output: its covariance, or its bootstrap
// draws when it carries them, and its noise from the residuals) or a fit run in memory (`fit`,
// the same), or a preset (no uncertainty: give `noise`). The law is linearised by central
// differences of its evaluation in the units the optimizer sees (log for log-transformed
// parameters), in the fit's space (log loss by default), at the point estimate and at `samples` - 1
// further samples of the parameters: bootstrap draws in order, or else draws from the covariance
// (seeded), clamped to the bounds.
//
//   slfit::DesignRequest q;
//   q.law = "chinchilla";
//   q.pilot.data.path = "pilot.csv";
//   q.candidates.path = "pool.csv";
//   q.target_where = "6*N*D >= 1e22";
//   q.budget = 1e21;
//   slfit::DesignRun run = slfit::run_design(q);
//   std::cout << slfit::report(run);
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slfit/design/design.hpp"
#include "slfit/runtime/figure.hpp"
#include "slfit/runtime/requests.hpp"

namespace slfit {

struct DesignRequest {
  std::string law;                        // a name in the catalogue or a law file's path ...
  std::shared_ptr<const LawEntry> entry;  // ... or a law in memory
  // The belief: exactly one of a preset, a parameter file, a fit in memory, values in memory, or
  // a pilot fit.
  std::string preset, params;
  std::shared_ptr<const FitRun> fit;  // as a parameter file, without the file (its bootstrap too)
  ParameterValues parameters;
  std::optional<ParameterDraws> draws;  // bootstrap draws of `parameters`
  FitRequest pilot;                     // used when pilot.data has a path or a table
  TableRequest candidates;              // the pool (its target is not read)
  std::optional<TableRequest> targets;  // the points whose predictions matter ...
  std::string target_where;             // ... or the pool rows where this holds (taken out)
  // Law input -> header, for the pool and the targets (the pilot has its own, pilot.columns).
  std::map<std::string, std::string, std::less<>> columns;
  std::string cost;  // an expression of the pool's columns; empty: 6*N*D for a law of N and D
  double budget = 0.0;
  DesignStrategy strategy = DesignStrategy::kVOptimal;
  int samples = 16;  // parameter samples the gains are averaged over (1: the point estimate)
  std::uint64_t seed = 0;
  double noise = 0.0;  // the noise's standard deviation in the fit's space; 0: from the belief
  Space space = Space::kLog;  // the prediction's space without a pilot fit or parameter file
  int threads = 0;
};

struct DesignRun {
  const LawEntry* law = nullptr;
  std::shared_ptr<const LawEntry> entry;  // keeps an in-memory law alive
  std::vector<std::string> names;         // the law's parameters
  std::vector<double> parameters;         // the point estimate
  std::vector<bool> designed;             // parameters the design sharpens (not fixed)
  std::string belief;                     // where the parameters come from
  std::string uncertainty;                // how the samples were drawn
  int samples = 1;
  Space space = Space::kLog;
  double noise = 0.0;  // the standard deviation used
  std::string noise_source;
  std::string cost_text;
  Table pool;                             // the candidates' inputs (targets taken out)
  std::vector<Eigen::Index> rows;         // each candidate's 1-based row in the candidates file
  Eigen::ArrayXd cost;                    // per candidate
  Table targets;                          // the targets' inputs
  std::vector<Eigen::Index> target_rows;  // with target_where: their rows in the candidates file
  Table pilot;                            // the pilot's inputs (empty without a pilot fit)
  std::optional<FitRun> pilot_fit;
  DesignResult result;
  double pool_cost = 0.0;  // the cost of every candidate together
  std::vector<std::string> warnings;
};

DesignRun run_design(const DesignRequest& request);

std::string report(const DesignRun& run);
std::string to_json(const DesignRun& run);
std::string to_csv(const DesignRun& run);
// The law's first two inputs (N and D where it has them), on log axes: pool, pilot runs, chosen
// runs numbered in order, and targets.
Figure figure(const DesignRun& run, const std::string& title = "");

}  // namespace slfit
