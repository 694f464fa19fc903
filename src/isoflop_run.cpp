// run_isoflop(): IsoFLOP profiles of a table of runs, one per value of `by`.
#include "runtime_detail.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/requests.hpp"
#include "slfit/uncertainty/bootstrap.hpp"

namespace slfit {

namespace {

std::string header_for(const IsoflopRequest& q, const std::string& name) {
  const auto it = q.columns.find(name);
  return it == q.columns.end() ? name : it->second;
}

void check_names(const IsoflopRequest& q) {
  for (const auto& [name, header] : q.columns) {
    if (name != "C" && name != "N" && name != "D" && name != "target") {
      throw UsageError("option 'columns': isoflop reads C, N, D and target, not '" + name + "'" +
                       detail::did_you_mean(name, {"C", "N", "D", "target"}));
    }
  }
}

// The table with the columns checked from its header: C, and N or D.
LoadedTable load(const IsoflopRequest& q) {
  TableRequest t = q.data;
  if (auto it = q.columns.find("target"); it != q.columns.end()) {
    t.target = it->second;
    t.target_column = it->second;
  }
  t.required.push_back(header_for(q, "C"));
  if (!q.by.empty()) t.required.push_back(q.by);
  const std::string n = header_for(q, "N"), d = header_for(q, "D");
  t.check_header = [&](const Table& header) {
    if (header.has(n) || header.has(d)) return;
    throw DataError("isoflop needs the runs' N or D, but " + header.label() + " has no column '" +
                    n + "' or '" + d + "' (map one with option 'columns' N=HEADER or " +
                    "D=HEADER); columns are: " + detail::join(header.names()));
  };
  return load_table(t);
}

// The allocation of the fitted law at budget C.
Outputs allocation_at(const LawEntry& law, const std::vector<double>& p, double c) {
  Outputs out = {{"C", c}};
  for (auto& kv : law.analysis("allocation").run(p, {{"C", c}})) out.push_back(std::move(kv));
  return out;
}

// The parametric law fitted to the runs the profiles used: N, D and the loss.
IsoflopLawSide fit_law(const IsoflopRequest& q, const LawEntry& law, const Array& n, const Array& d,
                       const ColumnView loss, const IsoflopGroup& g) {
  for (const auto& in : law.inputs) {
    if (in.name != "N" && in.name != "D") {
      throw UsageError("option 'law': isoflop fits a law of N and D only; law '" + law.name +
                       "' also needs '" + in.name + "'");
    }
  }
  auto table = std::make_shared<Table>("<isoflop runs>");
  table->add_column("N", n);
  table->add_column("D", d);
  table->add_column("loss", loss);
  FitRequest f;
  f.entry = std::shared_ptr<const LawEntry>(&law, [](const LawEntry*) {});
  f.law = law.name;
  f.data.table = table;
  f.options = q.fit;
  IsoflopLawSide side;
  side.law = &law;
  side.fit = *run_fit(f).fit;
  if (side.fit.status == FitStatus::kFailed) return side;
  for (const auto& b : g.result.budgets)
    if (b.used) side.budgets.push_back(allocation_at(law, side.fit.parameters, b.C));
  for (const auto& r : g.rows) side.rows.push_back(allocation_at(law, side.fit.parameters, r.C));
  return side;
}

IsoflopGroup profile(const IsoflopRun& run, const Table& rows, const std::string& group,
                     const Table& at) {
  const IsoflopRequest& q = run.request;
  const ColumnView c = rows.column(header_for(q, "C"));
  const Array n = run.N_from.rfind("C/", 0) == 0 ? Array(c / (6.0 * rows.column(run.D_from)))
                                                 : Array(rows.column(run.N_from));
  const Array d = run.D_from.rfind("C/", 0) == 0 ? Array(c / (6.0 * rows.column(run.N_from)))
                                                 : Array(rows.column(run.D_from));
  IsoflopGroup g;
  g.group = group;
  try {
    g.result = isoflop_profile(c, n, d, rows.column(run.data.target), q.options);
  } catch (const DataError& e) {
    if (group.empty()) throw;
    throw DataError("group '" + group + "' of option 'by': " + e.what());
  }
  if (at.rows() > 0) {
    const ColumnView budgets = at.column("C");
    g.rows = isoflop_at(g.result, std::vector<double>(budgets.begin(), budgets.end()));
  }
  if (run.law != nullptr) g.law = fit_law(q, *run.law, n, d, rows.column(run.data.target), g);
  return g;
}

}  // namespace

IsoflopRun run_isoflop(const IsoflopRequest& q) {
  check_names(q);
  IsoflopRun run;
  run.request = q;
  run.source = q.data.path;
  run.data = load(q);
  const Table& t = run.data.table;
  const std::string c = header_for(q, "C"), n = header_for(q, "N"), d = header_for(q, "D");
  if (q.entry || !q.law.empty()) run.law = q.entry ? q.entry.get() : &resolve_law(q.law);
  run.N_from = t.has(n) ? n : "C/(6*" + d + ")";
  run.D_from = t.has(d) ? d : "C/(6*" + n + ")";
  const Table at = q.at.empty() ? Table() : parse_grid(q.at, {"C"}, {}, "at");
  if (q.by.empty()) {
    run.groups.push_back(profile(run, t, "", at));
    return run;
  }
  const auto labels = t.labels(q.by);
  for (const auto& rows : detail::group_rows(t, q.by)) {
    run.groups.push_back(
        profile(run, t.select(rows), labels[static_cast<std::size_t>(rows.front())], at));
  }
  return run;
}

}  // namespace slfit
