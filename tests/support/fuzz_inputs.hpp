// The fuzzers' seed corpus and the inputs that once crashed them (fuzz/corpus/TARGET and
// fuzz/regressions/TARGET), so that the ordinary test run replays every one of them.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace slfit::testing {

// Every file of fuzz/corpus/TARGET and fuzz/regressions/TARGET, sorted.
inline std::vector<std::filesystem::path> fuzz_inputs(const std::string& target) {
  std::vector<std::filesystem::path> files;
  for (const char* kind : {"corpus", "regressions"}) {
    const std::filesystem::path dir = std::filesystem::path(SLFIT_FUZZ_DIR) / kind / target;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// A file's bytes, exactly as the fuzzer saw them.
inline std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace slfit::testing
