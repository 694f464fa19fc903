// The precompiled header of the test binary (tests/CMakeLists.txt): what nearly every test file
// includes, parsed once. The built-in laws come declared extern (instances/builtin_laws.hpp), so
// no test file compiles their fitters. Test files still include what they use.
#pragma once

#include "builtin_laws.hpp"
#include "slfit/laws/registry.hpp"
#include "slfit/slfit.hpp"

// Catch comes last: Ceres pulls in glog, whose CHECK macro would otherwise replace Catch's.
#include <catch2/catch.hpp>
