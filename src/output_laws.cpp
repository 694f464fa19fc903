// `slfit laws`: the catalogue as text and JSON.
#include <fmt/format.h>

#include "output_parts.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/fit/report.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/output.hpp"

namespace slfit {

namespace {

using detail::Json;
using detail::number_or_null;

Json law_object(const LawEntry& l) {
  Json j;
  j["name"] = l.name;
  j["description"] = l.description;
  if (!l.formula.empty()) j["formula"] = l.formula;
  if (!l.source.empty()) j["source"] = l.source;
  for (const auto& in : l.inputs)
    j["inputs"].push_back({{"name", in.name}, {"meaning", in.meaning}, {"positive", in.positive}});
  for (const auto& p : l.parameters) {
    j["parameters"].push_back({{"name", p.name},
                               {"meaning", p.meaning},
                               {"default", p.value},
                               {"lower", number_or_null(p.lower)},
                               {"upper", number_or_null(p.upper)},
                               {"transform", std::string(to_string(p.transform))},
                               {"grid", p.grid},
                               {"linear", p.linear}});
    if (!p.per.empty()) {
      Json& last = j["parameters"].back();
      last["per"] = p.per;
      last["reference"] = p.reference.empty() ? Json(nullptr) : Json(p.reference);
      last["reference_value"] = p.reference_value;
    }
  }
  for (const auto& p : l.presets) {
    Json values = Json::object();
    for (const auto& [n, v] : p.values) values[n] = v;
    j["presets"].push_back({{"name", p.name},
                            {"source", p.source},
                            {"certainty", p.certainty},
                            {"note", p.note},
                            {"values", values}});
  }
  for (const auto& g : l.start_grids)
    j["start_grids"].push_back({{"name", g.name}, {"note", g.note}});
  j["analyses"] = Json::array();
  for (const auto& a : l.analyses) {
    j["analyses"].push_back({{"quantity", a.quantity},
                             {"required", a.required},
                             {"optional", a.optional},
                             {"help", a.help}});
  }
  return j;
}

std::string law_text(const LawEntry& l) {
  std::string s = l.name + ": " + l.description + "\n";
  if (!l.source.empty()) s += "  from: " + l.source + "\n";
  if (!l.formula.empty()) s += "  formula: " + l.formula + "\n";
  s += "  inputs:\n";
  for (const auto& in : l.inputs) s += fmt::format("    {:<8} {}\n", in.name, in.meaning);
  s += "  parameters:\n";
  for (const auto& p : l.parameters) {
    std::string per;
    if (!p.per.empty()) {
      per = fmt::format("; one per level of column '{}' as {}[LEVEL]", p.per, p.name);
      if (!p.reference.empty())
        per += fmt::format(", '{}' held at {}", p.reference, format_value(p.reference_value));
    }
    s += fmt::format("    {:<8} {} (default {}, bounds [{}, {}]{}{})\n", p.name, p.meaning,
                     format_value(p.value), format_value(p.lower), format_value(p.upper),
                     p.transform == Transform::kLog ? ", fitted as a log" : "", per);
  }
  s += "  presets:\n";
  for (const auto& p : l.presets) {
    std::string values;
    for (const auto& [n, v] : p.values) values += fmt::format(" {}={}", n, format_value(v, 8));
    s += fmt::format("    {:<18} [{}] {}\n      {}\n", p.name, p.certainty, p.source, values);
  }
  if (!l.start_grids.empty()) {
    s += "  start grids: default";
    for (const auto& g : l.start_grids) s += ", " + g.name;
    s += "\n";
  }
  std::vector<std::string> linear;
  for (const auto& p : l.parameters)
    if (p.linear) linear.push_back(p.name);
  if (!l.formula.empty()) {
    s += "  linear parameters (variable projection): " +
         (linear.empty() ? std::string("none") : detail::join(linear)) + "\n";
    s += "  default start grid:";
    for (const auto& p : l.parameters) {
      std::vector<std::string> values;
      for (const double v : p.grid.empty() ? std::vector<double>{p.value} : p.grid)
        values.push_back(format_value(v));
      s += " " + p.name + "={" + detail::join(values) + "}";
    }
    s += "\n";
  }
  if (!l.analyses.empty()) {
    s += "  analyses (slfit optimal --quantity):\n";
    for (const auto& a : l.analyses) s += fmt::format("    {:<12} {}\n", a.quantity, a.help);
  }
  return s;
}

}  // namespace

std::string laws_report() {
  std::string s;
  for (const LawEntry* l : all_laws()) s += law_text(*l);
  return s;
}

std::string laws_json() {
  Json out = Json::array();
  for (const LawEntry* l : all_laws()) out.push_back(law_object(*l));
  return out.dump(2);
}

std::string laws_report(const LawEntry& law) { return law_text(law); }

std::string laws_json(const LawEntry& law) { return law_object(law).dump(2); }

}  // namespace slfit
