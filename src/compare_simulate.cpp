// run_compare() and run_simulate().
#include <algorithm>
#include <map>

#include "fit_options.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/requests.hpp"
#include "slfit/uncertainty/compare.hpp"

namespace slfit {

namespace {

// The fit options as one law of a comparison takes them: a column mapping, fixed value or bound
// applies to the laws that have that input or parameter (a formula law with an input the others
// lack, such as the full-precision loss), and is an error only when no law of the comparison has
// it.
// A parameter's name, or for one level (`eff[w4a4]`) its parameter's; for option 'per'
// (`eff=format`), the parameter's.
std::string parameter_of(const std::string& name) {
  std::string base, level;
  if (detail::split_level_name(name, base, level)) return base;
  return name.substr(0, name.find('='));
}

bool law_has_parameter(const LawEntry& law, const std::string& name) {
  const auto names = law.parameter_names();
  return std::find(names.begin(), names.end(), parameter_of(name)) != names.end();
}

FitRequest for_law(const FitRequest& q, const LawEntry& law) {
  FitRequest out = q;
  auto has = [&](const std::string& p) { return law_has_parameter(law, p); };
  std::erase_if(out.columns,
                [&](const auto& c) { return c.first != "target" && !law.has_input(c.first); });
  std::erase_if(out.options.fixed, [&](const auto& f) { return !has(f.first); });
  std::erase_if(out.options.bounds, [&](const auto& b) { return !has(b.first); });
  std::erase_if(out.per, [&](const std::string& item) { return !has(item); });
  // The column and reference of a law's own per-level parameter go to the laws that have one.
  if (!has_levels(law)) {
    out.format_column.clear();
    out.reference.clear();
  }
  return out;
}

// "qid (N, D, P); qid-loss (L, P)": what each compared law has, for messages.
std::string each_law(const std::vector<const LawEntry*>& laws, bool inputs) {
  std::vector<std::string> items;
  for (const LawEntry* l : laws) {
    std::vector<std::string> names;
    if (inputs) {
      for (const auto& in : l->inputs) names.push_back(in.name);
    } else {
      names = l->parameter_names();
    }
    items.push_back(l->name + " (" + detail::join(names) + ")");
  }
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "; ") + item;
  return out;
}

void check_every_name_used(const FitRequest& q, const std::vector<const LawEntry*>& laws) {
  for (const auto& [name, header] : q.columns) {
    if (name == "target" ||
        std::any_of(laws.begin(), laws.end(), [&](auto* l) { return l->has_input(name); }))
      continue;
    throw UsageError("option 'columns' maps input '" + name +
                     "', which none of the compared laws has: " + each_law(laws, true));
  }
  auto check = [&](const auto& items, const char* option) {
    for (const auto& [name, v] : items) {
      const bool used = std::any_of(laws.begin(), laws.end(),
                                    [&](auto* l) { return law_has_parameter(*l, name); });
      if (!used) {
        throw UsageError(std::string("option '") + option + "' names parameter '" + name +
                         "', which none of the compared laws has: " + each_law(laws, false));
      }
    }
  };
  check(q.options.fixed, "fix");
  check(q.options.bounds, "bound");
  if ((!q.format_column.empty() || !q.reference.empty()) &&
      std::none_of(laws.begin(), laws.end(), [](auto* l) { return has_levels(*l); })) {
    throw UsageError("option 'format_column' and option 'reference' go with a law that has a " +
                     std::string("per-level parameter; none of the compared laws has one"));
  }
  std::map<std::string, int> per;
  for (const auto& item : q.per) per[item] = 0;
  check(per, "per");
}

}  // namespace

Comparison run_compare(const CompareRequest& q) {
  const LoadedTable t = load_table(q.fit.data);
  std::vector<const LawEntry*> laws;
  if (q.entries.empty()) {
    for (const auto& name : q.laws) laws.push_back(&resolve_law(name));
  } else {
    for (const auto& law : q.entries) laws.push_back(law.get());
  }
  if (!laws.empty()) check_every_name_used(q.fit, laws);
  std::vector<FitCandidate> candidates;
  for (const LawEntry* law : laws)
    candidates.push_back(
        law->candidate(detail::checked_options(for_law(q.fit, *law), *law, t.target)));
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
