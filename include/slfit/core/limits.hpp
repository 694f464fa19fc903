// Upper limits on the counts a user gives, checked before anything is allocated for them.
//
// Each count below costs memory and time in proportion: a bootstrap keeps every resample's
// parameters, a start list holds every start, a grid holds every point as a row. The limits are
// far above any real use (Hoffmann et al.'s procedure is 4500 starts; a 10000-resample bootstrap
// is generous) and far below what would exhaust a machine, so a typo (`--bootstrap 100000000`)
// is a clear usage error at once instead of minutes of allocation and a raw std::bad_alloc.
#pragma once

#include <cstddef>

namespace slfit {

inline constexpr int kMaxResamples = 1'000'000;            // bootstrap resamples
inline constexpr int kMaxRandomStarts = 10'000'000;        // starts of `random:K`
inline constexpr std::size_t kMaxGridPoints = 10'000'000;  // points of an `at` grid
inline constexpr int kMaxThreads = 1024;                   // threads of a fit or bootstrap

// Formula laws (core/formula_law.hpp): each parameter count is a compiled instance of the fitter,
// so the counts are capped; the text limits keep a hostile law file cheap to reject.
inline constexpr int kMaxFormulaParameters = 12;
inline constexpr int kMaxFormulaInputs = 8;
// Levels of one per-level parameter, and rows x parameters of a per-level fit's Jacobian (8 bytes
// each: 1 GB).
inline constexpr std::size_t kMaxLevels = 10'000;
inline constexpr std::size_t kMaxLevelJacobian = std::size_t{1} << 27;
inline constexpr std::size_t kMaxFormulaLength = 10'000;    // characters of a formula
inline constexpr std::size_t kMaxLawFileBytes = 1'000'000;  // bytes of a law file
// A parameter file (`fit --json`) is read whole into a JSON tree, which takes about twice its text;
// 256 MB holds 1,000,000 bootstrap draws of a dozen parameters (`fit --draws`).
inline constexpr std::size_t kMaxParameterFileBytes = std::size_t{256} << 20;

}  // namespace slfit
