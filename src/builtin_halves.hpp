// The two halves of the built-in catalogue, compiled in laws_a.cpp and laws_b.cpp.
#pragma once

#include <vector>

#include "slfit/runtime/law_entry.hpp"

namespace slfit::detail {

std::vector<LawEntry> builtin_laws_a();
std::vector<LawEntry> builtin_laws_b();

}  // namespace slfit::detail

// Defines FUNCTION() as the catalogue entries of the laws in LIST (one of the halves of
// slfit/runtime/builtin_laws.hpp), where make_law_entry compiles them.
#define SLFIT_DETAIL_ENTRY(L) out.push_back(make_law_entry<L>());
#define SLFIT_DETAIL_BUILTIN_HALF(FUNCTION, LIST) \
  std::vector<LawEntry> FUNCTION() {              \
    std::vector<LawEntry> out;                    \
    LIST(SLFIT_DETAIL_ENTRY)                      \
    return out;                                   \
  }
