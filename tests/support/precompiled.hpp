// The precompiled header of the test binary (tests/CMakeLists.txt): what nearly every test file
// includes, parsed once. The built-in laws come declared extern (slfit/runtime/builtin_laws.hpp;
// their fitters are compiled in slfit::runtime), so no test file compiles them. Test files still
// include what they use.
#pragma once

#include "slfit/runtime/builtin_laws.hpp"
#include "slfit/runtime/catalogue.hpp"
#include "slfit/slfit.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>
