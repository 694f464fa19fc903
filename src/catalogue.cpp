// The catalogue: the built-in laws and those registered at run time, and LawEntry's look-ups.
#include "slfit/runtime/catalogue.hpp"

#include <algorithm>
#include <deque>
#include <mutex>

#include "builtin_halves.hpp"
#include "runtime_detail.hpp"
#include "slfit/detail/text.hpp"
#include "slfit/runtime/formula_entry.hpp"

namespace slfit {

std::vector<std::string> LawEntry::input_names() const {
  std::vector<std::string> out;
  for (const auto& i : inputs) out.push_back(i.name);
  return out;
}

std::vector<std::string> LawEntry::parameter_names() const {
  std::vector<std::string> out;
  for (const auto& p : parameters) out.push_back(p.name);
  return out;
}

bool LawEntry::has_input(std::string_view input) const {
  return std::any_of(inputs.begin(), inputs.end(), [&](const auto& i) { return i.name == input; });
}

std::size_t LawEntry::parameter(std::string_view pname) const {
  for (std::size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i].name == pname) return i;
  throw UsageError("unknown parameter '" + std::string(pname) + "' for law '" + name + "'" +
                   detail::did_you_mean(pname, parameter_names()) +
                   "; parameters are: " + detail::join(parameter_names()));
}

const Preset& LawEntry::find_preset(std::string_view pname) const {
  for (const auto& p : presets)
    if (p.name == pname) return p;
  std::vector<std::string> names;
  for (const auto& p : presets) names.push_back(p.name);
  throw UsageError("unknown preset '" + std::string(pname) + "' for law '" + name + "'" +
                   detail::did_you_mean(pname, names) + "; presets are: " +
                   (names.empty() ? std::string("(none)") : detail::join(names)));
}

std::vector<double> LawEntry::preset(std::string_view pname) const {
  const Preset& p = find_preset(pname);
  std::vector<double> out(parameters.size(), std::nan(""));
  for (const auto& [param, v] : p.values) out[parameter(param)] = v;
  return out;
}

const Analysis& LawEntry::analysis(std::string_view quantity) const {
  std::vector<std::string> names;
  for (const auto& a : analyses) {
    if (a.quantity == quantity) return a;
    names.push_back(a.quantity);
  }
  if (names.empty()) {
    std::vector<std::string> with;
    for (const LawEntry* l : all_laws())
      if (!l->analyses.empty()) with.push_back(l->name);
    throw UsageError("law '" + name + "' has no analyses (no quantity for option 'quantity'); " +
                     "laws with analyses: " + detail::join(with));
  }
  throw UsageError("unknown quantity '" + std::string(quantity) + "' for law '" + name + "'" +
                   detail::did_you_mean(quantity, names) + "; available: " + detail::join(names));
}

std::vector<std::string> LawEntry::fitted_inputs() const { return input_names(); }

const std::vector<LawEntry>& builtin_laws() {
  static const std::vector<LawEntry> laws = [] {
    std::vector<LawEntry> out = detail::builtin_laws_a();
    for (auto& e : detail::builtin_laws_b()) out.push_back(std::move(e));
    for (auto& e : out) detail::add_numeric_allocation(e);
    return out;
  }();
  return laws;
}

namespace {

struct Registered {
  std::mutex mutex;
  std::deque<LawEntry> laws;  // a deque: references stay valid as it grows
};

Registered& registered() {
  static Registered r;
  return r;
}

}  // namespace

std::vector<const LawEntry*> all_laws() {
  std::vector<const LawEntry*> out;
  for (const auto& l : builtin_laws()) out.push_back(&l);
  {
    Registered& r = registered();
    std::lock_guard lock(r.mutex);
    for (const auto& l : r.laws) out.push_back(&l);
  }
  // Shelf laws whose names are taken are left out: a name means one law.
  for (const LawEntry* l : detail::shelf_laws()) {
    const bool taken =
        std::any_of(out.begin(), out.end(), [&](const LawEntry* o) { return o->name == l->name; });
    if (!taken) out.push_back(l);
  }
  return out;
}

const LawEntry& find_law(std::string_view name) {
  std::vector<std::string> names;
  for (const LawEntry* l : all_laws()) {
    if (l->name == name) return *l;
    names.push_back(l->name);
  }
  if (const LawEntry* l = detail::shelf_law(name)) return *l;
  throw UsageError("unknown law '" + std::string(name) + "'" + detail::did_you_mean(name, names) +
                   "; laws are: " + detail::join(names) + " (see `slfit laws`)");
}

const LawEntry& register_law(LawEntry entry) {
  for (const LawEntry* l : all_laws()) {
    if (l->name == entry.name)
      throw UsageError("a law named '" + entry.name + "' is already in the catalogue");
  }
  Registered& r = registered();
  std::lock_guard lock(r.mutex);
  r.laws.push_back(std::move(entry));
  return r.laws.back();
}

}  // namespace slfit
