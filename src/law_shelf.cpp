// Law files in the catalogue: read once per program by path, and the shelf searched by name.
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>

#include "slfit/runtime/catalogue.hpp"
#include "slfit/runtime/formula_entry.hpp"
#include "slfit/runtime/law_file.hpp"

namespace slfit {

namespace {

struct FileLaws {
  std::mutex mutex;
  std::map<std::string, const LawEntry*> by_path;
  std::deque<LawEntry> laws;  // a deque: references stay valid as it grows
};

FileLaws& file_laws() {
  static FileLaws f;
  return f;
}

// The folders given to add_law_shelf, in order.
struct AddedShelves {
  std::mutex mutex;
  std::vector<std::string> folders;
};

AddedShelves& added_shelves() {
  static AddedShelves a;
  return a;
}

// The key of a path: its canonical form where the file exists, so that "./a.json" and "a.json"
// are one law.
std::string path_key(const std::string& path) {
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

}  // namespace

const LawEntry& law_from_file(const std::string& path) {
  const std::string key = path_key(path);
  FileLaws& f = file_laws();
  {
    const std::lock_guard lock(f.mutex);
    const auto it = f.by_path.find(key);
    if (it != f.by_path.end()) return *it->second;
  }
  // Read and compiled outside the lock: a law file may be slow to read, and an error leaves
  // nothing behind.
  LawEntry entry = formula_law_entry(read_law_file(path));
  const std::lock_guard lock(f.mutex);
  const auto it = f.by_path.find(key);
  if (it != f.by_path.end()) return *it->second;
  f.laws.push_back(std::move(entry));
  f.by_path[key] = &f.laws.back();
  return f.laws.back();
}

bool is_law_path(std::string_view s) {
  return s.find('/') != std::string_view::npos ||
         (s.size() >= 5 && s.substr(s.size() - 5) == ".json");
}

const LawEntry& resolve_law(std::string_view name_or_path) {
  if (is_law_path(name_or_path)) return law_from_file(std::string(name_or_path));
  return find_law(name_or_path);
}

std::vector<std::string> law_shelf() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("SLFIT_LAW_PATH")) {
    std::string_view rest = env;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const auto part = rest.substr(0, colon);
      if (!part.empty()) candidates.emplace_back(part);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  {
    AddedShelves& a = added_shelves();
    const std::lock_guard lock(a.mutex);
    candidates.insert(candidates.end(), a.folders.begin(), a.folders.end());
  }
#ifdef SLFIT_SOURCE_SHELF
  candidates.emplace_back(SLFIT_SOURCE_SHELF);
#endif
#ifdef SLFIT_INSTALLED_SHELF
  candidates.emplace_back(SLFIT_INSTALLED_SHELF);
#endif
  std::vector<std::string> out;
  for (const auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::is_directory(c, ec)) out.push_back(c);
  }
  return out;
}

void add_law_shelf(const std::string& folder) {
  AddedShelves& a = added_shelves();
  const std::lock_guard lock(a.mutex);
  a.folders.push_back(folder);
}

namespace detail {

namespace {

// The shelf files, by law name (the file's stem), the first folder winning.
std::map<std::string, std::string> shelf_files() {
  std::map<std::string, std::string> out;
  for (const auto& dir : law_shelf()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() != ".json") continue;
      out.emplace(e.path().stem().string(), e.path().string());
    }
  }
  return out;
}

}  // namespace

const std::vector<const LawEntry*>& shelf_laws() {
  static const std::vector<const LawEntry*> laws = [] {
    std::vector<const LawEntry*> out;
    for (const auto& [name, path] : shelf_files()) {
      try {
        out.push_back(&law_from_file(path));
      } catch (const Error&) {
        // Reported when the law is asked for by name (shelf_law).
      }
    }
    return out;
  }();
  return laws;
}

const LawEntry* shelf_law(std::string_view name) {
  for (const LawEntry* l : shelf_laws())
    if (l->name == name) return l;
  // A file of that name that did not load: its error, now that its law is asked for.
  const auto files = shelf_files();
  const auto it = files.find(std::string(name));
  return it == files.end() ? nullptr : &law_from_file(it->second);
}

}  // namespace detail

}  // namespace slfit
