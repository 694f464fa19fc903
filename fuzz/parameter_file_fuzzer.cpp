// libFuzzer target for parameter files (`fit --json` output read back by predict, optimal and
// two-stage fits): the parts read apart from any law, `bootstrap.draws` and the fit's parameters
// and covariance.
//
// The input is a file's text. nlohmann's parser decides what is JSON (its refusals are the reader's
// "not valid JSON" error); whatever it accepts goes to detail::parse_draws, as the file's
// `bootstrap.draws` and as a draws object itself, and to detail::fit_from_json. parse_draws may
// refuse with a slfit::Error of one line starting with the place it names; what it returns has one
// row per draw, each as long as the names, within the resample limit. fit_from_json never throws,
// and gives as many values and fixed flags as names and a square covariance where it says it has
// one. Anything else (a crash, a sanitizer report, another exception, a hang) is a bug.
//
//   fuzz/run.sh 60            # build and run the fuzzers for 60 s each
//   build-fuzz/fuzz/parameter_file_fuzzer fuzz/corpus/parameter_file
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../src/parameter_json.hpp"
#include "slfit/core/error.hpp"
#include "slfit/core/limits.hpp"

namespace {

const std::string kWhere = "parameter file 'fuzz.json', bootstrap.draws";

void check(bool ok) {
  if (!ok) std::abort();
}

void draws(const nlohmann::json& d) {
  std::vector<std::string> names;
  std::vector<std::vector<double>> rows;
  try {
    slfit::detail::parse_draws(d, kWhere, names, rows);
  } catch (const slfit::Error& e) {
    const std::string msg = e.what();
    check(msg.rfind(kWhere, 0) == 0 && msg.find('\n') == std::string::npos);
    return;
  }
  check(rows.size() <= static_cast<std::size_t>(slfit::kMaxResamples));
  for (const auto& row : rows) check(row.size() == names.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::ordered_json ordered;
  try {
    ordered = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return 0;  // the reader's "is not valid JSON"
  }
  if (ordered.is_array() && !ordered.empty()) ordered = ordered[0];
  const slfit::FitResult r = slfit::detail::fit_from_json(ordered);
  check(r.parameters.size() == r.names.size() && r.fixed.size() == r.names.size());
  if (r.covariance_ok) {
    const auto k = static_cast<Eigen::Index>(r.names.size());
    check(r.covariance.rows() == k && r.covariance.cols() == k);
  }
  const nlohmann::json j = ordered;
  draws(j);
  if (j.is_object() && j.contains("bootstrap") && j["bootstrap"].is_object() &&
      j["bootstrap"].contains("draws"))
    draws(j["bootstrap"]["draws"]);
  return 0;
}
