// run_compare() and run_simulate().
#include "fit_options.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/requests.hpp"
#include "slfit/uncertainty/compare.hpp"

namespace slfit {

Comparison run_compare(const CompareRequest& q) {
  const LoadedTable t = load_table(q.fit.data);
  std::vector<FitCandidate> candidates;
  if (q.entries.empty()) {
    for (const auto& name : q.laws) {
      const LawEntry& law = resolve_law(name);
      candidates.push_back(law.candidate(detail::checked_options(q.fit, law, t.target)));
    }
  } else {
    for (const auto& law : q.entries)
      candidates.push_back(law->candidate(detail::checked_options(q.fit, *law, t.target)));
  }
  if (candidates.size() < 2) {
    throw UsageError("option 'laws' needs at least two law names, e.g. A,B");
  }
  CompareOptions co;
  if (!q.fit.holdout.empty()) {
    co.holdout = holdout_mask(t.table, Expression::parse(q.fit.holdout));
    co.rank_by = RankBy::kHoldout;
  }
  Comparison c = compare_laws(t.table, candidates, co);
  if (const std::string note = frontier_note(q.fit.data, t); !note.empty())
    c.warnings.insert(c.warnings.begin(), note);
  return c;
}

Table run_simulate(const SimulateRequest& q) {
  const LawEntry& law = q.entry ? *q.entry : resolve_law(q.law);
  const auto p = chosen_parameters(law, q.preset, q.params, q.parameters);
  SimulateOptions o;
  o.noise = q.noise;
  o.seed = q.seed;
  o.target = q.target;
  if (q.noise_kind == "multiplicative") {
    o.kind = Noise::kMultiplicative;
  } else if (q.noise_kind != "additive") {
    throw UsageError("option 'noise_kind' must be additive or multiplicative");
  }
  Table t = law_grid(q.at, law);
  Array y = law.evaluate(t, p, {});
  add_noise(y, o);
  t.set_column(o.target, y);
  return t;
}

}  // namespace slfit
