// Error types thrown by slfit.
//
// The library's policy: bad *input* (a file that cannot be read, a column that is missing, a
// parameter name that does not exist, an expression that does not parse, bounds that contradict
// each other) throws one of the types below with a message that says what was wrong and where.
// Bad *numerical outcomes* (no convergence, a parameter at its bound, a singular covariance) are
// never thrown: they are reported in the result structs.
//
// The command-line tool maps UsageError to exit code 2 and every other Error to exit code 1.
#pragma once

#include <stdexcept>
#include <string>

namespace slfit {

// Base of every exception slfit throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Problems with data: files, CSV cells, columns, values outside a law's domain.
class DataError : public Error {
 public:
  using Error::Error;
};

// An expression (--derive, --where, --target) that does not parse or names an unknown column.
class ExpressionError : public Error {
 public:
  using Error::Error;
};

// Misuse of the API or the tool: unknown law, preset or parameter; contradictory options.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A long computation stopped on request (BootstrapOptions::stop) before it finished.
class Interrupted : public Error {
 public:
  using Error::Error;
};

}  // namespace slfit
