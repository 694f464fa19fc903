// Law files (runtime/law_file.hpp) and the checks of a formula spec (core/formula_spec.hpp): a
// valid file read back field by field, and one refusal per rule, each naming its field.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "slfit/core/formula_spec.hpp"
#include "slfit/runtime/law_file.hpp"
#include "support/fuzz_inputs.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>

using Catch::Contains;
using Json = nlohmann::ordered_json;
using slfit::FormulaSpec;
using slfit::parse_law_json;

namespace {

// The example of issue 15.
const char* const kKaplan = R"({
  "name": "kaplan-data",
  "description": "Kaplan et al. 2020, eq. 1.5",
  "inputs": [{"name": "N", "meaning": "non-embedding parameters", "positive": true},
             {"name": "D", "meaning": "training tokens", "positive": true}],
  "formula": "((Nc / N)^(alphaN / alphaD) + Dc / D)^alphaD",
  "parameters": {
    "Nc": {"value": 8.8e13, "lower": 0, "transform": "log", "grid": [1e12, 1e14, 1e16]},
    "Dc": {"value": 5.4e13, "lower": 0, "transform": "log", "grid": [1e12, 1e14, 1e16]},
    "alphaN": {"value": 0.076, "lower": 0, "upper": 2, "grid": [0.05, 0.1, 0.3]},
    "alphaD": {"value": 0.095, "lower": 0, "upper": 2, "grid": [0.05, 0.1, 0.3]}
  },
  "presets": {"kaplan2020": {"values": {"Nc": 8.8e13, "Dc": 5.4e13, "alphaN": 0.076,
                                        "alphaD": 0.095}, "source": "arXiv 2001.08361, Table 2"}}
})";

Json kaplan() { return Json::parse(kKaplan); }

// The one-line message of the UsageError that `text` is refused with.
std::string refusal(const std::string& text) {
  try {
    static_cast<void>(parse_law_json(text, "law file k.json"));
  } catch (const slfit::UsageError& e) {
    const std::string msg = e.what();
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(msg.rfind("law file k.json: ", 0) == 0);
    return msg;
  }
  FAIL("accepted: " << text);
  return "";
}

// The same for a spec built in code.
std::string spec_refusal(const FormulaSpec& spec) {
  try {
    slfit::check_formula_spec(spec);
  } catch (const slfit::UsageError& e) {
    const std::string msg = e.what();
    CHECK(msg.find('\n') == std::string::npos);
    return msg;
  }
  FAIL("accepted");
  return "";
}

FormulaSpec compute_spec() {
  FormulaSpec s;
  s.name = "compute";
  s.inputs = {{"C", "training FLOPs", true}};
  s.formula = "E + A * C^-alpha";
  s.parameters = {{.name = "E", .value = 2, .lower = 0, .transform = slfit::Transform::kLog},
                  {.name = "A", .value = 100, .lower = 0, .transform = slfit::Transform::kLog},
                  {.name = "alpha", .value = 0.1, .lower = 0, .upper = 2}};
  s.presets = {{.name = "mine", .values = {{"E", 1.7}, {"A", 400}, {"alpha", 0.05}}}};
  s.start_grids = {{.name = "wide", .values = {{"alpha", {0.01, 0.1, 1}}}}};
  return s;
}

// A folder of its own under the test build's tmp, removed afterwards.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int count = 0;
    path = std::filesystem::path(SLFIT_TEST_TMP) /
           ("law_file-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string file = (path / name).string();
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
};

}  // namespace

// --- valid files -------------------------------------------------------------------------------

TEST_CASE("law_file: the issue's kaplan-data example reads back field by field", "[law_file]") {
  const FormulaSpec s = parse_law_json(kKaplan, "law file kaplan.json");
  CHECK(s.name == "kaplan-data");
  CHECK(s.description == "Kaplan et al. 2020, eq. 1.5");
  CHECK(s.origin == "law file kaplan.json");
  CHECK(s.formula == "((Nc / N)^(alphaN / alphaD) + Dc / D)^alphaD");
  REQUIRE(s.inputs.size() == 2);
  CHECK(s.inputs[0].name == "N");
  CHECK(s.inputs[0].meaning == "non-embedding parameters");
  CHECK(s.inputs[0].positive);
  CHECK(s.inputs[1].name == "D");
  CHECK(s.inputs[1].min == -slfit::kInf);
  REQUIRE(s.parameters.size() == 4);  // in the file's order, not sorted
  CHECK(s.parameters[0].name == "Nc");
  CHECK(s.parameters[1].name == "Dc");
  CHECK(s.parameters[2].name == "alphaN");
  CHECK(s.parameters[3].name == "alphaD");
  CHECK(s.parameters[0].transform == slfit::Transform::kLog);
  CHECK(s.parameters[1].transform == slfit::Transform::kLog);
  CHECK(s.parameters[2].transform == slfit::Transform::kIdentity);
  CHECK(s.parameters[0].value == 8.8e13);
  CHECK(s.parameters[0].lower == 0);
  CHECK(s.parameters[0].upper == slfit::kInf);
  CHECK(s.parameters[0].grid == std::vector<double>{1e12, 1e14, 1e16});
  CHECK(s.parameters[3].upper == 2);
  CHECK(s.parameters[3].grid == std::vector<double>{0.05, 0.1, 0.3});
  REQUIRE(s.presets.size() == 1);
  CHECK(s.presets[0].name == "kaplan2020");
  CHECK(s.presets[0].source == "arXiv 2001.08361, Table 2");
  using Values = std::vector<std::pair<std::string, double>>;
  CHECK(s.presets[0].values ==
        Values{{"Nc", 8.8e13}, {"Dc", 5.4e13}, {"alphaN", 0.076}, {"alphaD", 0.095}});
  CHECK(s.start_grids.empty());
}

TEST_CASE("law_file: plain input names, defaults, a value from the grid, start grids",
          "[law_file]") {
  const FormulaSpec s = parse_law_json(R"({"name": "compute", "inputs": ["C"],
    "formula": "E + A * C**-alpha",
    "parameters": {"E": {"value": 2, "lower": 0, "transform": "identity", "meaning": "floor"},
                   "A": {"grid": [100, 1000], "transform": "log"},
                   "alpha": {"value": 0.1}},
    "presets": {"mine": {"values": {"alpha": 0.05, "E": 1.7, "A": 400}, "source": "a fit",
                         "certainty": "computed", "note": "units: nats"}},
    "start_grids": {"wide": {"values": {"alpha": [0.01, 0.1, 1], "E": [1]}, "note": "broad"}}})",
                                       "");
  REQUIRE(s.inputs.size() == 1);
  CHECK(s.inputs[0].name == "C");
  CHECK(s.inputs[0].positive);
  CHECK(s.inputs[0].max == slfit::kInf);
  CHECK(s.parameters[0].meaning == "floor");
  CHECK(s.parameters[1].value == 100);  // no value: the grid's first
  CHECK(s.parameters[2].lower == -slfit::kInf);
  CHECK(s.parameters[2].grid.empty());
  CHECK(s.presets[0].values.front().first == "alpha");
  CHECK(s.presets[0].certainty == "computed");
  CHECK(s.presets[0].note == "units: nats");
  REQUIRE(s.start_grids.size() == 1);
  CHECK(s.start_grids[0].name == "wide");
  CHECK(s.start_grids[0].note == "broad");
  REQUIRE(s.start_grids[0].values.size() == 2);
  CHECK(s.start_grids[0].values[0].second == std::vector<double>{0.01, 0.1, 1});
  CHECK(s.origin.empty());
}

TEST_CASE("law_file: inputs as objects keep positive, min and max", "[law_file]") {
  Json j = kaplan();
  j["inputs"][1] = Json::parse(R"({"name": "G", "positive": false, "min": -1, "max": 8})");
  j["formula"] = "Nc + Dc + alphaN + alphaD + N + G";
  const FormulaSpec s = parse_law_json(j.dump(), "law file k.json");
  CHECK_FALSE(s.inputs[1].positive);
  CHECK(s.inputs[1].min == -1);
  CHECK(s.inputs[1].max == 8);
}

TEST_CASE("law_file: read_law_file reads a file and names it in messages", "[law_file]") {
  const TempDir dir;
  const std::string path = dir.write("kaplan.json", kKaplan);
  const FormulaSpec s = slfit::read_law_file(path);
  CHECK(s.origin == "law file " + path);
  CHECK(s.parameters.size() == 4);

  Json bad = kaplan();
  bad["parameters"]["Nc"]["lower"] = "0";
  const std::string bad_path = dir.write("bad.json", bad.dump(2));
  REQUIRE_THROWS_WITH(
      slfit::read_law_file(bad_path),
      "law file " + bad_path + ": parameters.Nc.lower: expected a number, got a string");
}

// --- the file itself ---------------------------------------------------------------------------

TEST_CASE("law_file: a file that cannot be opened is a DataError, as a --params file is",
          "[law_file]") {
  const TempDir dir;
  const std::string missing = (dir.path / "missing.json").string();
  REQUIRE_THROWS_AS(slfit::read_law_file(missing), slfit::DataError);
  REQUIRE_THROWS_WITH(slfit::read_law_file(missing),
                      Contains("law file " + missing + ": cannot open"));
  REQUIRE_THROWS_AS(slfit::read_law_file(dir.path.string()), slfit::DataError);
  REQUIRE_THROWS_WITH(slfit::read_law_file(dir.path.string()), Contains("it is a directory"));
}

TEST_CASE("law_file: a file over the size limit is refused before it is read", "[law_file]") {
  const TempDir dir;
  const std::string path = dir.write("big.json", std::string(slfit::kMaxLawFileBytes + 1, ' '));
  REQUIRE_THROWS_AS(slfit::read_law_file(path), slfit::UsageError);
  REQUIRE_THROWS_WITH(slfit::read_law_file(path),
                      Contains("1000001 bytes, more than the limit of 1000000"));
  CHECK_THAT(refusal(std::string(slfit::kMaxLawFileBytes + 1, ' ')),
             Contains("more than 1000000 bytes"));
}

TEST_CASE("law_file: text that is not JSON is refused with its line and column", "[law_file]") {
  CHECK_THAT(refusal("{\n  \"name\": \"x\",\n  \"inputs\": [N]\n}"),
             Contains("not valid JSON at line 3, column 14: syntax error"));
  CHECK_THAT(refusal("{\"name\": \"x\""), Contains("not valid JSON at line 1, column"));
  // Columns count characters, not bytes: 'é' is two bytes.
  CHECK_THAT(refusal("{\"é\": tru}"), Contains("line 1, column 10"));
  CHECK_THAT(refusal(""), Contains("is empty"));
  CHECK_THAT(refusal(" \n\t"), Contains("is empty"));
}

TEST_CASE("law_file: a document that is not an object is refused", "[law_file]") {
  CHECK(refusal("[1, 2]") == "law file k.json: expected a JSON object, got an array");
  CHECK(refusal("42") == "law file k.json: expected a JSON object, got a number");
  CHECK(refusal("\"law\"") == "law file k.json: expected a JSON object, got a string");
}

TEST_CASE("law_file: nesting deeper than 64 levels is refused while parsing", "[law_file]") {
  // Deep inside a field the reader would otherwise refuse only after building all of it.
  Json j = kaplan();
  j.erase("description");
  std::string deep = j.dump();
  deep.insert(deep.size() - 1,
              ", \"description\": " + std::string(100000, '[') + std::string(100000, ']'));
  CHECK_THAT(refusal(deep), Contains("law file k.json: description[0][0]") &&
                                Contains("nested more than 64 levels deep"));
  // 64 levels are fine (and then refused for what they are).
  const std::string ok = std::string(63, '[') + std::string(63, ']');
  CHECK_THAT(refusal("{\"name\": " + ok + "}"), Contains("name: expected a string, got an array"));
}

TEST_CASE("law_file: an object of more than 1000 keys is refused while parsing", "[law_file]") {
  std::string presets = "{";
  for (int i = 0; i < 1001; ++i) presets += (i ? ",\"p" : "\"p") + std::to_string(i) + "\":{}";
  presets += "}";
  Json j = kaplan();
  j.erase("presets");
  std::string text = j.dump();
  text.insert(text.size() - 1, ",\"presets\":" + presets);
  CHECK_THAT(refusal(text), Contains("presets: more than 1000 keys"));
}

TEST_CASE("law_file: a key given twice is refused, not the last one kept", "[law_file]") {
  std::string text = kaplan().dump();
  const std::string nc = "\"Nc\":{";
  text.insert(text.find(nc), "\"Nc\":{\"value\":1},");
  CHECK(refusal(text) == "law file k.json: parameters.Nc: given twice");
  CHECK_THAT(refusal(R"({"name": "a", "name": "b"})"), Contains("k.json: name: given twice"));
}

TEST_CASE("law_file: a number beyond a double names its field", "[law_file]") {
  std::string text = kaplan().dump();
  text.replace(text.find("\"lower\":0"), 9, "\"lower\":1e999");
  CHECK_THAT(refusal(text), Contains("parameters.Nc.lower: not a finite number"));
  text = kaplan().dump();
  text.replace(text.find("1e+16"), 5, "-1e999");
  CHECK_THAT(refusal(text), Contains("parameters.Nc.grid[2]: not a finite number"));
}

// --- keys and types ------------------------------------------------------------------------------

TEST_CASE("law_file: required keys are named when missing", "[law_file]") {
  for (const char* key : {"name", "inputs", "formula", "parameters"}) {
    Json j = kaplan();
    j.erase(key);
    CHECK_THAT(refusal(j.dump()), Contains(std::string("k.json: ") + key + ": missing"));
  }
  Json j = kaplan();
  j["inputs"][0].erase("name");
  CHECK_THAT(refusal(j.dump()), Contains("inputs[0].name: missing"));
  j = kaplan();
  j["presets"]["kaplan2020"].erase("values");
  CHECK_THAT(refusal(j.dump()), Contains("presets.kaplan2020.values: missing"));
  j = kaplan();
  j["start_grids"] = Json::parse(R"({"g": {"note": "no values"}})");
  CHECK_THAT(refusal(j.dump()), Contains("start_grids.g.values: missing"));
}

TEST_CASE("law_file: a parameter without value or grid is refused", "[law_file]") {
  Json j = kaplan();
  j["parameters"]["alphaN"] = Json::parse(R"({"lower": 0})");
  CHECK_THAT(refusal(j.dump()),
             Contains("parameters.alphaN.value: missing (give a value, or a grid"));
}

TEST_CASE("law_file: unknown keys are refused everywhere, with a suggestion", "[law_file]") {
  Json j = kaplan();
  j["descripton"] = "typo";
  CHECK_THAT(refusal(j.dump()), Contains("k.json: descripton: unknown key (did you mean "
                                         "'description'?); keys here are name, description"));
  j = kaplan();
  j["parameters"]["Nc"]["lowr"] = 0;
  CHECK_THAT(refusal(j.dump()),
             Contains("parameters.Nc.lowr: unknown key (did you mean 'lower'?)"));
  j = kaplan();
  j["inputs"][1]["positve"] = true;
  CHECK_THAT(refusal(j.dump()),
             Contains("inputs[1].positve: unknown key (did you mean 'positive'?)"));
  j = kaplan();
  j["presets"]["kaplan2020"]["sources"] = "x";
  CHECK_THAT(refusal(j.dump()),
             Contains("presets.kaplan2020.sources: unknown key (did you mean 'source'?)"));
  j = kaplan();
  j["start_grids"] = Json::parse(R"({"g": {"values": {"Nc": [1e13]}, "notes": ""}})");
  CHECK_THAT(refusal(j.dump()),
             Contains("start_grids.g.notes: unknown key (did you mean 'note'?)"));
}

TEST_CASE("law_file: a value of the wrong type names the field and what was expected",
          "[law_file]") {
  const auto with = [](const std::string& pointer, const Json& value) {
    Json j = kaplan();
    j[Json::json_pointer(pointer)] = value;
    return refusal(j.dump());
  };
  CHECK_THAT(with("/name", 3), Contains("k.json: name: expected a string, got a number"));
  CHECK_THAT(with("/description", true), Contains("description: expected a string, got a boolean"));
  CHECK_THAT(with("/formula", Json::array()), Contains("formula: expected a string, got an array"));
  CHECK_THAT(with("/inputs", "N"), Contains("inputs: expected an array, got a string"));
  CHECK_THAT(with("/inputs/0", 1), Contains("inputs[0]: expected an input name or an object"));
  CHECK_THAT(with("/inputs/0/positive", "yes"),
             Contains("inputs[0].positive: expected true or false, got a string"));
  CHECK_THAT(with("/inputs/1/min", nullptr),
             Contains("inputs[1].min: expected a number, got null"));
  CHECK_THAT(with("/parameters", Json::array()),
             Contains("parameters: expected an object, got an array"));
  CHECK_THAT(with("/parameters/Dc", 5),
             Contains("parameters.Dc: expected an object, got a number"));
  CHECK_THAT(with("/parameters/Nc/lower", "0"),
             Contains("parameters.Nc.lower: expected a number, got a string"));
  CHECK_THAT(with("/parameters/Nc/upper", Json::object()),
             Contains("parameters.Nc.upper: expected a number, got an object"));
  CHECK_THAT(with("/parameters/Nc/grid", 1e13),
             Contains("parameters.Nc.grid: expected an array of numbers, got a number"));
  CHECK_THAT(with("/parameters/Nc/grid/1", "1e14"),
             Contains("parameters.Nc.grid[1]: expected a number, got a string"));
  CHECK_THAT(with("/parameters/alphaN/value", "0.076"),
             Contains("parameters.alphaN.value: expected a number, got a string"));
  CHECK_THAT(with("/parameters/alphaN/meaning", 1),
             Contains("parameters.alphaN.meaning: expected a string, got a number"));
  CHECK_THAT(with("/presets", Json::array()),
             Contains("presets: expected an object, got an array"));
  CHECK_THAT(with("/presets/kaplan2020/values/Nc", "8.8e13"),
             Contains("presets.kaplan2020.values.Nc: expected a number, got a string"));
  CHECK_THAT(with("/presets/kaplan2020/source", 2001.08361),
             Contains("presets.kaplan2020.source: expected a string, got a number"));
  CHECK_THAT(with("/start_grids/g/values/Nc", 1e13),
             Contains("start_grids.g.values.Nc: expected an array of numbers, got a number"));
}

TEST_CASE("law_file: a transform other than identity or log is refused", "[law_file]") {
  Json j = kaplan();
  j["parameters"]["Dc"]["transform"] = "lg";
  CHECK_THAT(refusal(j.dump()),
             Contains("parameters.Dc.transform: expected \"identity\" or \"log\", got "
                      "\"lg\" (did you mean 'log'?)"));
}

TEST_CASE("law_file: a formula over the length limit is refused", "[law_file]") {
  Json j = kaplan();
  j["formula"] = std::string(slfit::kMaxFormulaLength + 1, 'N');
  CHECK_THAT(refusal(j.dump()),
             Contains("formula: 10001 characters, more than the limit of 10000"));
  j["formula"] = std::string(slfit::kMaxFormulaLength, 'N');
  CHECK_NOTHROW(parse_law_json(j.dump(), "law file k.json"));
}

TEST_CASE("law_file: names in messages stay on one line and short", "[law_file]") {
  Json j = kaplan();
  j["parameters"]["a\nb"] = Json::parse(R"({"value": 1})");
  CHECK(refusal(j.dump()) ==
        "law file k.json: parameters.a\\nb: 'a\\nb' is not a name a formula can use (letters, "
        "digits, '_' and '.', not starting with a digit or '.')");
  j = kaplan();
  j[std::string(5000, 'x')] = 1;
  CHECK(refusal(j.dump()).size() < 400);
}

// --- check_formula_spec: the law ---------------------------------------------------------------

TEST_CASE("law_file: a spec built in code is named by its law", "[law_file]") {
  CHECK_NOTHROW(slfit::check_formula_spec(compute_spec()));
  FormulaSpec s = compute_spec();
  s.parameters[2].value = 3;
  CHECK(spec_refusal(s) == "law 'compute': parameters.alpha.value: 3 is outside the bounds [0, 2]");
  s.origin = "law file c.json";
  CHECK(spec_refusal(s) ==
        "law file c.json: parameters.alpha.value: 3 is outside the bounds [0, 2]");
}

TEST_CASE("law_file: the law's name is plain", "[law_file]") {
  Json j = kaplan();
  j["name"] = "";
  CHECK_THAT(refusal(j.dump()), Contains("k.json: name: the law needs a name"));
  j["name"] = "kaplan data";
  CHECK_THAT(refusal(j.dump()),
             Contains("name: 'kaplan data' is not a law name (letters, digits, '-', "
                      "'_' and '.')"));
  j["name"] = "kaplan-2020_v1.2";
  CHECK_NOTHROW(parse_law_json(j.dump(), "law file k.json"));
}

// --- inputs --------------------------------------------------------------------------------------

TEST_CASE("law_file: between one and eight inputs", "[law_file]") {
  Json j = kaplan();
  j["inputs"] = Json::array();
  CHECK_THAT(refusal(j.dump()), Contains("k.json: inputs: at least one input is needed"));
  j["inputs"] = Json::array({"a", "b", "c", "d", "e", "f", "g", "h", "i"});
  CHECK_THAT(refusal(j.dump()), Contains("inputs: 9 inputs, more than the limit of 8"));
  FormulaSpec s = compute_spec();
  s.inputs.assign(9, s.inputs[0]);
  CHECK_THAT(spec_refusal(s), Contains("inputs: 9 inputs, more than the limit of 8"));
}

TEST_CASE("law_file: input names are names a formula can use", "[law_file]") {
  Json j = kaplan();
  j["inputs"][1] = "2D";
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].name: '2D' is not a name a formula can use"));
  j["inputs"][1] = "Model Size";
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].name: 'Model Size' is not a name"));
  j["inputs"][1] = "";
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].name: the name is empty"));
  j["inputs"][1] = "pi";
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].name: 'pi' is a reserved word"));
  j["inputs"][1] = "not";
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].name: 'not' is a reserved word"));
  j["inputs"][1] = "sqrt";
  CHECK_THAT(refusal(j.dump()),
             Contains("inputs[1].name: 'sqrt' is a function of the formula language"));
  j["inputs"][1] = "N";
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].name: 'N' is also inputs[0]"));
  j["inputs"][1] = "D_train.v2";  // '_' and '.' inside a name are fine
  CHECK_NOTHROW(parse_law_json(j.dump(), "law file k.json"));
}

TEST_CASE("law_file: an input's min is not above its max", "[law_file]") {
  Json j = kaplan();
  j["inputs"][1] = Json::parse(R"({"name": "D", "min": 10, "max": 2})");
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].min: 10 is above max 2"));
  j["inputs"][1] = Json::parse(R"({"name": "D", "max": 0})");
  CHECK_THAT(refusal(j.dump()), Contains("inputs[1].max: 0 leaves no value for a positive input"));
  FormulaSpec s = compute_spec();
  s.inputs[0].min = std::nan("");
  CHECK_THAT(spec_refusal(s), Contains("inputs[0].min: is NaN"));
}

// --- parameters ----------------------------------------------------------------------------------

TEST_CASE("law_file: between one and twelve parameters", "[law_file]") {
  Json j = kaplan();
  j["parameters"] = Json::object();
  CHECK_THAT(refusal(j.dump()), Contains("k.json: parameters: at least one parameter is needed"));
  for (int i = 0; i < 13; ++i) {
    std::string name = "p";  // not "p" + ...: a false GCC 12 -Wstringop-overflow
    name += std::to_string(i);
    j["parameters"][name] = {{"value", 1}};
  }
  CHECK_THAT(refusal(j.dump()), Contains("parameters: 13 parameters, more than the limit of 12"));
}

TEST_CASE("law_file: parameter names are formula names, used once, and no input's", "[law_file]") {
  const auto with_parameter = [](const std::string& name) {
    Json j = kaplan();
    j["parameters"][name] = {{"value", 1}};
    return refusal(j.dump());
  };
  CHECK_THAT(with_parameter("1e3"), Contains("parameters.1e3: '1e3' is not a name"));
  CHECK_THAT(with_parameter(".5x"), Contains("parameters..5x: '.5x' is not a name"));
  CHECK_THAT(with_parameter("and"), Contains("parameters.and: 'and' is a reserved word"));
  CHECK_THAT(with_parameter("log10"), Contains("parameters.log10: 'log10' is a function"));
  CHECK_THAT(with_parameter("max"), Contains("parameters.max: 'max' is a function"));
  CHECK_THAT(with_parameter("D"),
             Contains("parameters.D: 'D' is also an input (inputs[1]); a name is either an input "
                      "or a parameter"));
  CHECK_THAT(with_parameter(""), Contains("parameters[4]: the name is empty"));
  FormulaSpec s = compute_spec();
  s.parameters.push_back(s.parameters[0]);
  CHECK_THAT(spec_refusal(s), Contains("parameters.E: declared twice"));
}

TEST_CASE("law_file: bounds are ordered and not NaN", "[law_file]") {
  Json j = kaplan();
  j["parameters"]["alphaN"]["lower"] = 3;
  CHECK_THAT(refusal(j.dump()), Contains("parameters.alphaN.lower: 3 is above upper 2"));
  FormulaSpec s = compute_spec();
  s.parameters[2].upper = std::nan("");
  CHECK_THAT(spec_refusal(s), Contains("parameters.alpha.upper: is NaN"));
  s = compute_spec();
  s.parameters[2].lower = s.parameters[2].upper = 0.5;  // a fixed parameter is allowed
  s.parameters[2].value = 0.5;
  CHECK_NOTHROW(slfit::check_formula_spec(s));
}

TEST_CASE("law_file: a start value is finite and inside the bounds", "[law_file]") {
  Json j = kaplan();
  j["parameters"]["alphaN"]["value"] = 2.0000001;
  CHECK_THAT(refusal(j.dump()), Contains("parameters.alphaN.value: 2.0000001 is outside the bounds "
                                         "[0, 2]"));
  j = kaplan();
  j["parameters"]["alphaN"]["value"] = -0.1;
  CHECK_THAT(refusal(j.dump()),
             Contains("parameters.alphaN.value: -0.1 is outside the bounds [0, 2]"));
  FormulaSpec s = compute_spec();
  s.parameters[2].value = slfit::kInf;
  s.parameters[2].upper = slfit::kInf;
  CHECK_THAT(spec_refusal(s), Contains("parameters.alpha.value: inf is not a finite number"));
  s.parameters[2].value = std::nan("");
  CHECK_THAT(spec_refusal(s), Contains("parameters.alpha.value: nan is not a finite number"));
}

TEST_CASE("law_file: a log transform needs positive values and a positive upper bound",
          "[law_file]") {
  Json j = kaplan();
  j["parameters"]["Nc"]["value"] = 0;
  CHECK_THAT(refusal(j.dump()),
             Contains("parameters.Nc.value: 0 is not positive, as transform log needs"));
  j = kaplan();
  j["parameters"]["Nc"]["lower"] = -10;
  j["parameters"]["Nc"]["upper"] = 0;
  CHECK_THAT(refusal(j.dump()),
             Contains("parameters.Nc.upper: 0 leaves no positive value for transform log"));
  j = kaplan();
  j["parameters"]["Nc"]["lower"] = -10;
  j["parameters"]["Nc"]["grid"][0] = -1;
  CHECK_THAT(refusal(j.dump()), Contains("parameters.Nc.grid[0]: -1 is not positive"));
}

TEST_CASE("law_file: grid values lie inside the bounds", "[law_file]") {
  Json j = kaplan();
  j["parameters"]["alphaD"]["grid"][2] = 3;
  CHECK_THAT(refusal(j.dump()),
             Contains("parameters.alphaD.grid[2]: 3 is outside the bounds [0, 2]"));
  // Without a value, the grid's first value is the start: its own field is named.
  j = kaplan();
  j["parameters"]["alphaD"].erase("value");
  j["parameters"]["alphaD"]["grid"][0] = -1;
  CHECK_THAT(refusal(j.dump()), Contains("parameters.alphaD.grid[0]: -1 is outside the bounds"));
  FormulaSpec s = compute_spec();
  s.parameters[2].grid = {0.1, std::nan("")};
  CHECK_THAT(spec_refusal(s), Contains("parameters.alpha.grid[1]: nan is not a finite number"));
}

// --- presets and start grids ---------------------------------------------------------------------

TEST_CASE("law_file: a preset names declared parameters, with a suggestion", "[law_file]") {
  Json j = kaplan();
  j["presets"]["kaplan2020"]["values"]["alphaM"] = 0.1;
  CHECK_THAT(refusal(j.dump()),
             Contains("presets.kaplan2020.values.alphaM: no parameter 'alphaM' (did "
                      "you mean 'alphaN'?); parameters are Nc, Dc, alphaN, alphaD"));
  j = kaplan();
  j["presets"]["kaplan2020"]["values"]["zeta"] = 0.1;
  const std::string msg = refusal(j.dump());
  CHECK_THAT(msg, Contains("values.zeta: no parameter 'zeta'; parameters are Nc, Dc"));
  CHECK_THAT(msg, !Contains("did you mean"));
}

TEST_CASE("law_file: a preset gives every parameter once, finite", "[law_file]") {
  Json j = kaplan();
  j["presets"]["kaplan2020"]["values"].erase("Dc");
  j["presets"]["kaplan2020"]["values"].erase("alphaD");
  CHECK_THAT(refusal(j.dump()),
             Contains("presets.kaplan2020.values: a preset gives every parameter; "
                      "missing Dc, alphaD"));
  FormulaSpec s = compute_spec();
  s.presets[0].values.emplace_back("E", 2.0);
  CHECK_THAT(spec_refusal(s), Contains("presets.mine.values.E: given twice"));
  s = compute_spec();
  s.presets[0].values[1].second = slfit::kInf;
  CHECK_THAT(spec_refusal(s), Contains("presets.mine.values.A: inf is not finite"));
}

TEST_CASE("law_file: preset and start grid names are plain and used once", "[law_file]") {
  Json j = kaplan();
  j["presets"]["my preset"] = j["presets"]["kaplan2020"];
  CHECK_THAT(refusal(j.dump()), Contains("presets.my preset: 'my preset' is not a name"));
  FormulaSpec s = compute_spec();
  s.presets.push_back(s.presets[0]);
  CHECK_THAT(spec_refusal(s), Contains("presets.mine: given twice"));
  s = compute_spec();
  s.start_grids[0].name = "";
  CHECK_THAT(spec_refusal(s), Contains("start_grids[0]: the name is empty"));
}

TEST_CASE("law_file: a start grid names declared parameters with finite values", "[law_file]") {
  Json j = kaplan();
  j["start_grids"] = Json::parse(R"({"wide": {"values": {"alphN": [0.1, 0.2]}}})");
  CHECK_THAT(refusal(j.dump()),
             Contains("start_grids.wide.values.alphN: no parameter 'alphN' (did you "
                      "mean 'alphaN'?)"));
  j["start_grids"] = Json::parse(R"({"wide": {"values": {"alphaN": []}}})");
  CHECK_THAT(refusal(j.dump()), Contains("start_grids.wide.values.alphaN: no values"));
  j["start_grids"] = Json::parse(R"({"wide": {"values": {"Nc": [1e13, 0]}}})");
  CHECK_THAT(refusal(j.dump()), Contains("start_grids.wide.values.Nc[1]: 0 is not positive"));
  // Values outside the bounds are allowed: the fit drops them (fit/starts.hpp).
  j["start_grids"] = Json::parse(R"({"wide": {"values": {"alphaN": [0.1, 5]}}})");
  CHECK_NOTHROW(parse_law_json(j.dump(), "law file k.json"));
  FormulaSpec s = compute_spec();
  s.start_grids[0].values[0].second.push_back(std::nan(""));
  CHECK_THAT(spec_refusal(s), Contains("start_grids.wide.values.alpha[3]: nan is not finite"));
}

// --- the fuzzer's inputs -------------------------------------------------------------------------

TEST_CASE("law_file: every fuzz corpus and regression input parses or throws slfit::Error",
          "[law_file][fuzz]") {
  const auto files = slfit::testing::fuzz_inputs("law_file");
  REQUIRE(files.size() >= 5);
  int parsed = 0;
  int refused = 0;
  for (const auto& file : files) {
    INFO(file.string());
    const std::string text = slfit::testing::file_bytes(file);
    std::optional<FormulaSpec> spec;
    try {
      spec = parse_law_json(text, "law file " + file.filename().string());
      ++parsed;
    } catch (const slfit::Error& e) {
      ++refused;  // a clear refusal; anything else escapes and fails the test
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
    if (!spec) continue;
    CHECK(!spec->inputs.empty());
    CHECK(spec->inputs.size() <= static_cast<std::size_t>(slfit::kMaxFormulaInputs));
    CHECK_NOTHROW(slfit::check_formula_spec(*spec));
  }
  CHECK(parsed > 0);
  CHECK(refused > 0);
}
