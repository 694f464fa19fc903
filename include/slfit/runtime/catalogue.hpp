// The catalogue of laws by name: the built-in laws (compiled into slfit::runtime) and any law a
// program registers. Every front end finds its laws here.
//
//   const slfit::LawEntry& law = slfit::find_law("chinchilla");
//   slfit::FitResult r = law.fit(table, options);
//   Eigen::ArrayXd pred = law.evaluate(table, law.preset("epoch2024"), {});
//   for (const slfit::Analysis& a : law.analyses) std::cout << a.quantity << "\n";
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "slfit/runtime/law_entry.hpp"

namespace slfit {

// The built-in laws, in the order `slfit laws` lists them.
const std::vector<LawEntry>& builtin_laws();

// Every law: the built-in ones, then those registered, in registration order.
std::vector<const LawEntry*> all_laws();

// A law by name; UsageError with the closest names when there is none.
const LawEntry& find_law(std::string_view name);

// Adds a law to the catalogue (thread-safe). UsageError when its name is taken. Entries live as
// long as the program, so references returned by find_law() stay valid.
const LawEntry& register_law(LawEntry entry);

}  // namespace slfit
