// Law files (runtime/law_file.hpp): JSON into a FormulaSpec, every field checked by name.
//
// The reader guards itself against hostile files before nlohmann builds anything large: a size
// limit before reading, a nesting limit and a key limit while parsing (ordered_json looks keys up
// one by one, so an object of 100000 keys takes half a minute to build), and duplicate keys, which
// nlohmann would silently let the last one win.
#include "slfit/runtime/law_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "slfit/core/limits.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxDepth = 64;   // arrays and objects inside each other
constexpr std::size_t kMaxKeys = 1000;  // keys of one object

[[noreturn]] void fail(const std::string& where, const std::string& field,
                       const std::string& what) {
  detail::spec_fail(where, field, what);
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? detail::spec_text(key) : parent + "." + detail::spec_text(key);
}

// Follows the parser through the document, so that an error found while parsing (too deep, too
// many keys, a key given twice, a number too large) can name the field it is in.
class ParseWatch {
 public:
  explicit ParseWatch(const std::string& where) : where_(where) {}

  // The field whose value the parser is reading now.
  std::string path() const {
    if (frames_.empty()) return "";
    const Frame& top = frames_.back();
    return top.object ? child_path(top.path, top.key)
                      : top.path + "[" + std::to_string(top.items) + "]";
  }

  bool on(Json::parse_event_t event, const Json& parsed) {
    using E = Json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (frames_.size() >= kMaxDepth)
          fail(where_, detail::spec_text(path(), 100),
               "nested more than " + std::to_string(kMaxDepth) + " levels deep");
        frames_.push_back({event == E::object_start, path()});
        break;
      case E::key:
        on_key(parsed.get<std::string>());
        break;
      case E::value:
        break;
      case E::object_end:
      case E::array_end:
        frames_.pop_back();
        break;
    }
    // An element of an array is counted when it is complete, so path() names it while it is read.
    const bool element_done = event == E::value || event == E::object_end || event == E::array_end;
    if (element_done && !frames_.empty() && !frames_.back().object) ++frames_.back().items;
    return true;
  }

 private:
  struct Frame {
    bool object = false;
    std::string path;
    std::string key;        // of the member being read (objects)
    std::size_t items = 0;  // elements read so far (arrays)
    std::unordered_set<std::string> keys;
  };

  void on_key(std::string key) {
    Frame& top = frames_.back();
    top.key = std::move(key);
    if (!top.keys.insert(top.key).second) fail(where_, path(), "given twice");
    if (top.keys.size() > kMaxKeys) {
      fail(where_, top.path.empty() ? "the top-level object" : top.path,
           "more than " + std::to_string(kMaxKeys) + " keys");
    }
  }

  const std::string& where_;
  std::vector<Frame> frames_;
};

// "line L, column C" of the byte nlohmann stopped at (1-based, counting UTF-8 characters).
std::string position(std::string_view text, std::size_t byte) {
  const std::size_t at = std::min(byte == 0 ? 0 : byte - 1, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann's explanation without its tag and position: "[json.exception.parse_error.101] parse
// error at line 2, column 10: syntax error ..." -> "syntax error ...".
std::string reason(const char* what) {
  std::string_view s = what;
  if (const std::size_t tag = s.find("] "); !s.empty() && s[0] == '[' && tag != s.npos)
    s.remove_prefix(tag + 2);
  if (s.starts_with("parse error")) {
    if (const std::size_t colon = s.find(": "); colon != s.npos) s.remove_prefix(colon + 2);
  }
  return detail::spec_text(s, 200);
}

Json parse_json(std::string_view text, const std::string& where) {
  const bool blank = std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  });
  if (blank) fail(where, "", "is empty; a law file is a JSON object");
  ParseWatch watch(where);
  try {
    return Json::parse(
        text.begin(), text.end(),
        [&watch](int, Json::parse_event_t event, Json& parsed) { return watch.on(event, parsed); });
  } catch (const nlohmann::json::parse_error& e) {
    fail(where, "", "not valid JSON at " + position(text, e.byte) + ": " + reason(e.what()));
  } catch (const nlohmann::json::out_of_range& e) {
    // nlohmann refuses a number beyond the range of a double (1e999) as it reads it.
    fail(where, watch.path(), "not a finite number (" + reason(e.what()) + ")");
  } catch (const nlohmann::json::exception& e) {
    fail(where, watch.path(), "not valid JSON: " + reason(e.what()));
  }
}

std::string type_name(const Json& j) {
  if (j.is_string()) return "a string";
  if (j.is_number()) return "a number";
  if (j.is_boolean()) return "a boolean";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return "null";
}

// Reads typed values, naming the field and what was expected when one does not fit.
class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}
  const std::string& where() const { return where_; }

  [[noreturn]] void wrong_type(const Json& j, const std::string& field,
                               const std::string& expected) const {
    fail(where_, field, "expected " + expected + ", got " + type_name(j));
  }

  const Json& object(const Json& j, const std::string& field) const {
    if (!j.is_object()) wrong_type(j, field, "an object");
    return j;
  }

  const Json& array(const Json& j, const std::string& field) const {
    if (!j.is_array()) wrong_type(j, field, "an array");
    return j;
  }

  double number(const Json& j, const std::string& field) const {
    if (!j.is_number()) wrong_type(j, field, "a number");
    const double v = j.get<double>();
    if (!std::isfinite(v)) fail(where_, field, "not a finite number");
    return v;
  }

  std::string text(const Json& j, const std::string& field) const {
    if (!j.is_string()) wrong_type(j, field, "a string");
    return j.get<std::string>();
  }

  bool boolean(const Json& j, const std::string& field) const {
    if (!j.is_boolean()) wrong_type(j, field, "true or false");
    return j.get<bool>();
  }

  std::vector<double> numbers(const Json& j, const std::string& field) const {
    if (!j.is_array()) wrong_type(j, field, "an array of numbers");
    std::vector<double> out;
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i)
      out.push_back(number(j[i], field + "[" + std::to_string(i) + "]"));
    return out;
  }

  // Every key of `obj` is one of `allowed`: a misspelt key would otherwise be ignored silently.
  void keys(const Json& obj, const std::string& field,
            std::initializer_list<std::string> allowed) const {
    const std::vector<std::string> names(allowed);
    for (const auto& [key, value] : obj.items()) {
      if (std::find(names.begin(), names.end(), key) != names.end()) continue;
      fail(where_, child_path(field, key),
           "unknown key" + detail::did_you_mean(key, names) + "; keys here are " +
               detail::join(names));
    }
  }

  // The member `key` of `obj`, or nullptr; a required one missing is an error.
  const Json* member(const Json& obj, const std::string& field, const std::string& key,
                     const char* required = nullptr) const {
    const auto it = obj.find(key);
    if (it != obj.end()) return &*it;
    if (required) fail(where_, child_path(field, key), std::string("missing (") + required + ")");
    return nullptr;
  }

 private:
  std::string where_;
};

InputSpec read_input(const Reader& r, const Json& j, const std::string& at) {
  if (j.is_string()) return {.name = j.get<std::string>()};
  if (!j.is_object()) r.wrong_type(j, at, "an input name or an object");
  r.keys(j, at, {"name", "meaning", "positive", "min", "max"});
  InputSpec in;
  in.name = r.text(*r.member(j, at, "name", "the input's name"), at + ".name");
  if (const Json* m = r.member(j, at, "meaning")) in.meaning = r.text(*m, at + ".meaning");
  if (const Json* m = r.member(j, at, "positive")) in.positive = r.boolean(*m, at + ".positive");
  if (const Json* m = r.member(j, at, "min")) in.min = r.number(*m, at + ".min");
  if (const Json* m = r.member(j, at, "max")) in.max = r.number(*m, at + ".max");
  return in;
}

std::vector<InputSpec> read_inputs(const Reader& r, const Json& top) {
  const Json& list =
      r.array(*r.member(top, "", "inputs", "an array of input names or objects"), "inputs");
  // Counted before reading: a thousand inputs are refused for their number, not for the first
  // one that is malformed.
  detail::check_spec_count(r.where(), "inputs", list.size(),
                           static_cast<std::size_t>(kMaxFormulaInputs), "input");
  std::vector<InputSpec> inputs;
  for (std::size_t i = 0; i < list.size(); ++i)
    inputs.push_back(read_input(r, list[i], "inputs[" + std::to_string(i) + "]"));
  return inputs;
}

Transform read_transform(const Reader& r, const Json& j, const std::string& at) {
  const std::string t = r.text(j, at);
  if (t == "identity") return Transform::kIdentity;
  if (t == "log") return Transform::kLog;
  fail(r.where(), at,
       "expected \"identity\" or \"log\", got \"" + detail::spec_text(t) + "\"" +
           detail::did_you_mean(t, {"identity", "log"}));
}

ParameterSpec read_parameter(const Reader& r, const std::string& name, const Json& j,
                             const std::string& at) {
  r.keys(r.object(j, at), at,
         {"value", "lower", "upper", "transform", "grid", "meaning", "per", "reference",
          "reference_value"});
  ParameterSpec p{.name = name};
  if (const Json* m = r.member(j, at, "per")) p.per = r.text(*m, at + ".per");
  if (const Json* m = r.member(j, at, "reference")) p.reference = r.text(*m, at + ".reference");
  if (const Json* m = r.member(j, at, "reference_value"))
    p.reference_value = r.number(*m, at + ".reference_value");
  if (const Json* m = r.member(j, at, "lower")) p.lower = r.number(*m, at + ".lower");
  if (const Json* m = r.member(j, at, "upper")) p.upper = r.number(*m, at + ".upper");
  if (const Json* m = r.member(j, at, "transform"))
    p.transform = read_transform(r, *m, at + ".transform");
  if (const Json* m = r.member(j, at, "grid")) p.grid = r.numbers(*m, at + ".grid");
  if (const Json* m = r.member(j, at, "meaning")) p.meaning = r.text(*m, at + ".meaning");
  if (const Json* m = r.member(j, at, "value")) {
    p.value = r.number(*m, at + ".value");
  } else if (!p.grid.empty()) {
    p.value = p.grid.front();  // the start a single-start fit takes
  } else {
    fail(r.where(), at + ".value", "missing (give a value, or a grid whose first value is used)");
  }
  return p;
}

std::vector<ParameterSpec> read_parameters(const Reader& r, const Json& top) {
  const Json& map =
      r.object(*r.member(top, "", "parameters", "an object of parameter name to its description"),
               "parameters");
  detail::check_spec_count(r.where(), "parameters", map.size(),
                           static_cast<std::size_t>(kMaxFormulaParameters), "parameter");
  std::vector<ParameterSpec> out;
  std::size_t i = 0;
  for (const auto& [name, value] : map.items())
    out.push_back(read_parameter(r, name, value, detail::spec_path("parameters", name, i++)));
  return out;
}

Preset read_preset(const Reader& r, const std::string& name, const Json& j, const std::string& at) {
  r.keys(r.object(j, at), at, {"values", "source", "certainty", "note"});
  Preset p{.name = name};
  const std::string vat = at + ".values";
  const Json& values =
      r.object(*r.member(j, at, "values", "an object of parameter name to value"), vat);
  std::size_t i = 0;
  for (const auto& [param, v] : values.items())
    p.values.emplace_back(param, r.number(v, detail::spec_path(vat, param, i++)));
  if (const Json* m = r.member(j, at, "source")) p.source = r.text(*m, at + ".source");
  if (const Json* m = r.member(j, at, "certainty")) p.certainty = r.text(*m, at + ".certainty");
  if (const Json* m = r.member(j, at, "note")) p.note = r.text(*m, at + ".note");
  return p;
}

StartGrid read_start_grid(const Reader& r, const std::string& name, const Json& j,
                          const std::string& at) {
  r.keys(r.object(j, at), at, {"values", "note"});
  StartGrid g{.name = name};
  const std::string vat = at + ".values";
  const Json& values =
      r.object(*r.member(j, at, "values", "an object of parameter name to a list of values"), vat);
  std::size_t i = 0;
  for (const auto& [param, v] : values.items())
    g.values.emplace_back(param, r.numbers(v, detail::spec_path(vat, param, i++)));
  if (const Json* m = r.member(j, at, "note")) g.note = r.text(*m, at + ".note");
  return g;
}

// The entries of an optional object of named entries (presets, start_grids), read by `read`.
template <class Entry, class Read>
std::vector<Entry> read_named(const Reader& r, const Json& top, const std::string& key, Read read) {
  std::vector<Entry> out;
  const Json* map = r.member(top, "", key);
  if (!map) return out;
  std::size_t i = 0;
  for (const auto& [name, value] : r.object(*map, key).items())
    out.push_back(read(r, name, value, detail::spec_path(key, name, i++)));
  return out;
}

FormulaSpec read_spec(const Reader& r, const Json& top) {
  if (!top.is_object()) fail(r.where(), "", "expected a JSON object, got " + type_name(top));
  r.keys(top, "",
         {"name", "description", "inputs", "formula", "parameters", "presets", "start_grids"});
  FormulaSpec spec;
  spec.name = r.text(*r.member(top, "", "name", "the law's name"), "name");
  if (const Json* m = r.member(top, "", "description"))
    spec.description = r.text(*m, "description");
  spec.inputs = read_inputs(r, top);
  spec.formula =
      r.text(*r.member(top, "", "formula", "a formula over inputs and parameters"), "formula");
  if (spec.formula.size() > kMaxFormulaLength) {
    fail(r.where(), "formula",
         std::to_string(spec.formula.size()) + " characters, more than the limit of " +
             std::to_string(kMaxFormulaLength));
  }
  spec.parameters = read_parameters(r, top);
  spec.presets = read_named<Preset>(r, top, "presets", read_preset);
  spec.start_grids = read_named<StartGrid>(r, top, "start_grids", read_start_grid);
  return spec;
}

// The bytes of `path`, at most one more than a law file may hold. A file that cannot be opened or
// read is a DataError (exit 1), as an unreadable --params file (src/parameters.cpp) or table is:
// the file is the problem, not how the tool was called; what the file says is a UsageError.
std::string read_bytes(const std::string& path, const std::string& where) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw DataError(where + ": cannot read: it is a directory");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxLawFileBytes) {
    fail(where, "",
         std::to_string(size) + " bytes, more than the limit of " +
             std::to_string(kMaxLawFileBytes) + " for a law file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(where + ": cannot open (" + std::strerror(errno) + ")");
  std::string text;
  char buffer[65536];
  // Read with a limit too: a pipe or a special file has no size to check first.
  while (text.size() <= kMaxLawFileBytes && in.read(buffer, sizeof buffer).gcount() > 0)
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw DataError(where + ": cannot read (" + std::strerror(errno) + ")");
  return text;
}

}  // namespace

FormulaSpec parse_law_json(std::string_view text, const std::string& origin) {
  const std::string where = origin.empty() ? "law file" : detail::spec_text(origin, 4096);
  if (text.size() > kMaxLawFileBytes) {
    fail(where, "",
         "more than " + std::to_string(kMaxLawFileBytes) + " bytes, the limit for a law file");
  }
  FormulaSpec spec = read_spec(Reader(where), parse_json(text, where));
  spec.origin = origin;
  check_formula_spec(spec);
  return spec;
}

FormulaSpec read_law_file(const std::string& path) {
  const std::string origin = "law file " + path;
  return parse_law_json(read_bytes(path, detail::spec_text(origin, 4096)), origin);
}

}  // namespace slfit
