// Formula laws in the catalogue: from a spec, from a law file, or by name from the shelf.
//
// A formula law is one more LawEntry: fit, bootstrap, hold-out, comparison and intervals work as
// for a compiled law, through the fitter slfit::runtime compiles once for each parameter count.
// The shelf is the folder of law files that ships with slfit (`laws/` in the source tree,
// `share/slfit/laws` when installed), searched after the folders of the environment variable
// SLFIT_LAW_PATH (separated by ':') and those given to add_law_shelf; `find_law("kaplan2020")`
// finds `kaplan2020.json` there.
//
//   slfit::LawEntry law = slfit::formula_law_entry(spec);           // checks and compiles
//   const slfit::LawEntry& k = slfit::law_from_file("my_law.json");  // read once per program
//   const slfit::LawEntry& any = slfit::resolve_law(argument);        // a name or a path
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "slfit/core/formula_spec.hpp"
#include "slfit/runtime/law_entry.hpp"

namespace slfit {

// The catalogue entry of a formula law. Throws UsageError naming the spec's origin and field.
LawEntry formula_law_entry(const FormulaSpec& spec);

// The entry of the law file at `path`, read and compiled on first use and kept for the life of
// the program (so references stay valid). Not added to the catalogue by name: a file may reuse
// a built-in law's name.
const LawEntry& law_from_file(const std::string& path);

// Whether an argument naming a law is a path to a law file rather than a name: it contains a
// '/' or ends in ".json".
bool is_law_path(std::string_view name_or_path);

// A law by name (find_law) or, for a path, from its file (law_from_file).
const LawEntry& resolve_law(std::string_view name_or_path);

// The folders searched for shelf law files, in order (only those that exist).
std::vector<std::string> law_shelf();

// Adds a folder to the shelf, searched after SLFIT_LAW_PATH's folders and before the source
// tree's and the installed ones (the Python package adds the shelf it ships). The catalogue reads
// the shelf once, at its first use: call this before asking for any law.
void add_law_shelf(const std::string& folder);

namespace detail {
// Every law on the shelf, read once (the catalogue lists them after the built-in laws). A file
// that does not load is left out here and reported when its law is asked for by name.
const std::vector<const LawEntry*>& shelf_laws();
// The shelf law of that name, or null.
const LawEntry* shelf_law(std::string_view name);
}  // namespace detail

}  // namespace slfit
