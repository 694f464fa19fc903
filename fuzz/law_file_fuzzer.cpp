// libFuzzer target for law files (slfit::parse_law_json): JSON written by hand, or by anyone.
//
// The input is the text of a law file. It may be read into a FormulaSpec or refused with a
// slfit::Error whose message is one line starting with the file's name; anything else (a crash, a
// sanitizer report, another exception such as nlohmann's or std::bad_alloc, a hang, a leak) is a
// bug. A spec that is read must pass check_formula_spec again, keep within the limits, and read
// back the same after being written out as JSON: nothing the reader accepts is lost or reordered.
// Its formula is then compiled (FormulaModel: names, unused inputs and parameters, operators) and,
// where that succeeds, evaluated with its exact derivatives at the parameters' start values on a
// row of the inputs' typical values: NaN and inf are answers there, crashes are not.
//
//   fuzz/run.sh 60            # build and run the fuzzers for 60 s each
//   build-fuzz/fuzz/law_file_fuzzer fuzz/corpus/law_file
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/formula_law.hpp"
#include "slfit/core/formula_spec.hpp"
#include "slfit/core/limits.hpp"
#include "slfit/runtime/law_file.hpp"

namespace {

using Json = nlohmann::ordered_json;

const std::string kOrigin = "law file fuzz.json";

void check(bool ok) {
  if (!ok) std::abort();
}

// JSON has no infinity: an unbounded side is left out.
void put_bound(Json& j, const char* key, double v) {
  if (std::isfinite(v)) j[key] = v;
}

// `spec` as a law file, every field written out.
std::string to_law_json(const slfit::FormulaSpec& spec) {
  Json j;
  j["name"] = spec.name;
  j["description"] = spec.description;
  j["inputs"] = Json::array();
  for (const auto& in : spec.inputs) {
    Json i = {{"name", in.name}, {"meaning", in.meaning}, {"positive", in.positive}};
    put_bound(i, "min", in.min);
    put_bound(i, "max", in.max);
    j["inputs"].push_back(i);
  }
  j["formula"] = spec.formula;
  j["parameters"] = Json::object();
  for (const auto& p : spec.parameters) {
    Json o = {{"value", p.value}, {"transform", slfit::to_string(p.transform)}, {"grid", p.grid}};
    put_bound(o, "lower", p.lower);
    put_bound(o, "upper", p.upper);
    o["meaning"] = p.meaning;
    if (!p.per.empty()) o["per"] = p.per;
    if (!p.reference.empty()) o["reference"] = p.reference;
    if (p.reference_value != 1.0) o["reference_value"] = p.reference_value;
    j["parameters"][p.name] = o;
  }
  j["presets"] = Json::object();
  for (const auto& preset : spec.presets) {
    Json values = Json::object();
    for (const auto& [name, v] : preset.values) values[name] = v;
    j["presets"][preset.name] = {{"values", values},
                                 {"source", preset.source},
                                 {"certainty", preset.certainty},
                                 {"note", preset.note}};
  }
  j["start_grids"] = Json::object();
  for (const auto& grid : spec.start_grids) {
    Json values = Json::object();
    for (const auto& [name, v] : grid.values) values[name] = v;
    j["start_grids"][grid.name] = {{"values", values}, {"note", grid.note}};
  }
  return j.dump();
}

bool same_inputs(const slfit::InputSpec& a, const slfit::InputSpec& b) {
  return a.name == b.name && a.meaning == b.meaning && a.positive == b.positive && a.min == b.min &&
         a.max == b.max;
}

bool same_parameters(const slfit::ParameterSpec& a, const slfit::ParameterSpec& b) {
  return a.name == b.name && a.value == b.value && a.lower == b.lower && a.upper == b.upper &&
         a.transform == b.transform && a.grid == b.grid && a.meaning == b.meaning &&
         a.per == b.per && a.reference == b.reference && a.reference_value == b.reference_value;
}

bool same(const slfit::FormulaSpec& a, const slfit::FormulaSpec& b) {
  bool ok = a.name == b.name && a.description == b.description && a.formula == b.formula &&
            a.inputs.size() == b.inputs.size() && a.parameters.size() == b.parameters.size() &&
            a.presets.size() == b.presets.size() && a.start_grids.size() == b.start_grids.size();
  for (std::size_t i = 0; ok && i < a.inputs.size(); ++i)
    ok = same_inputs(a.inputs[i], b.inputs[i]);
  for (std::size_t i = 0; ok && i < a.parameters.size(); ++i)
    ok = same_parameters(a.parameters[i], b.parameters[i]);
  for (std::size_t i = 0; ok && i < a.presets.size(); ++i) {
    const auto& p = a.presets[i];
    const auto& q = b.presets[i];
    ok = p.name == q.name && p.values == q.values && p.source == q.source &&
         p.certainty == q.certainty && p.note == q.note;
  }
  for (std::size_t i = 0; ok && i < a.start_grids.size(); ++i) {
    const auto& g = a.start_grids[i];
    const auto& h = b.start_grids[i];
    ok = g.name == h.name && g.values == h.values && g.note == h.note;
  }
  return ok;
}

// What the rest of slfit relies on in a spec the reader accepted.
void check_spec(const slfit::FormulaSpec& spec) {
  check(spec.origin == kOrigin);
  check(!spec.inputs.empty() &&
        spec.inputs.size() <= static_cast<std::size_t>(slfit::kMaxFormulaInputs));
  check(!spec.parameters.empty() &&
        spec.parameters.size() <= static_cast<std::size_t>(slfit::kMaxFormulaParameters));
  check(spec.formula.size() <= slfit::kMaxFormulaLength);
  for (const auto& p : spec.parameters) {
    check(std::isfinite(p.value) && p.lower <= p.value && p.value <= p.upper);
    for (double g : p.grid) check(std::isfinite(g) && p.lower <= g && g <= p.upper);
    check(p.reference.empty() || !p.per.empty());
    if (!p.per.empty()) check(std::isfinite(p.reference_value));
  }
  for (const auto& preset : spec.presets) check(preset.values.size() == spec.parameters.size());
  try {
    slfit::check_formula_spec(spec);
  } catch (const slfit::Error&) {
    check(false);
  }
}

void check_message(const std::string& msg) {
  check(msg.rfind(kOrigin + ": ", 0) == 0);
  check(msg.size() > kOrigin.size() + 2);
  check(msg.find('\n') == std::string::npos && msg.find('\r') == std::string::npos);
  check(msg.size() < 2048);  // names and nlohmann's excerpts are cut short
}

// The formula compiled; where it compiles, one row evaluated (values, derivatives, a Jet-free row).
void compile_and_evaluate(const slfit::FormulaSpec& spec) {
  std::optional<slfit::FormulaModel> model;
  try {
    model.emplace(spec);
  } catch (const slfit::Error& e) {
    check_message(e.what());
    return;
  }
  const auto& program = model->program();
  check(program.size() >= 1);
  check(program.used() == (std::uint32_t{1} << spec.parameters.size()) - 1);
  check((program.linear() & ~program.used()) == 0);
  std::vector<double> p;
  for (const auto& ps : model->parameters()) p.push_back(ps.value);
  slfit::RowView<slfit::kMaxFormulaInputs> row;
  std::array<slfit::Array, slfit::kMaxFormulaInputs> values, logs;
  slfit::ArrayView<slfit::kMaxFormulaInputs> view;
  view.rows = 3;
  for (std::size_t i = 0; i < spec.inputs.size(); ++i) {
    const auto& in = spec.inputs[i];
    const double x = std::isfinite(in.min) ? in.min : (std::isfinite(in.max) ? in.max : 2.0);
    row.values[i] = x;
    row.logs[i] = in.positive && x > 0.0 ? std::log(x) : 0.0;
    values[i] = slfit::Array::Constant(3, row.values[i]);
    logs[i] = slfit::Array::Constant(3, row.logs[i]);
    view.values[i] = values[i].data();
    view.logs[i] = logs[i].data();
  }
  const double one = program.eval_row(p.data(), row);
  slfit::Array value;
  Eigen::ArrayXXd d(3, static_cast<Eigen::Index>(p.size()));
  program.eval_columns(p.data(), view, value, &d);
  check(value.size() == 3 && d.rows() == 3);
  check(static_cast<std::size_t>(d.cols()) == p.size());
  // Row and columns are not compared: Eigen's vectorized exp and log may differ from libm's in
  // the last bit, which a fuzzed formula can amplify without bound (x - x * (1 + 1e-16) / ...).
  (void)one;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  slfit::FormulaSpec spec;
  try {
    spec = slfit::parse_law_json(text, kOrigin);
  } catch (const slfit::Error& e) {
    check_message(e.what());
    return 0;
  }
  check_spec(spec);
  slfit::FormulaSpec again;
  try {
    again = slfit::parse_law_json(to_law_json(spec), kOrigin);
  } catch (const slfit::Error&) {
    check(false);
  }
  check(same(spec, again));
  compile_and_evaluate(spec);
  return 0;
}
