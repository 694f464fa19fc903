// Expression: arithmetic and boolean formulas over the columns of a Table.
//
// The command-line flags --derive NAME=EXPR, --where EXPR and --target EXPR all take an
// Expression. It is parsed once into a tree and then evaluated over whole columns at a time, so
// evaluating it on a million-row table costs a handful of Eigen array operations, not a million
// tree walks.
//
// Grammar, loosest binding first:
//   a || b, a or b            logical or          (1 or 0)
//   a && b, a and b           logical and         (1 or 0)
//   < <= > >= == !=           comparison          (1 or 0; cannot be chained)
//   + -                       addition, subtraction
//   * /                       multiplication, division
//   -a, +a, !a, not a         unary operators
//   a ^ b, a ** b             power, right-associative, binds tighter than unary minus: -2^2 = -4
// Operands: numbers (6, 1e21, 2.5E-3, .5), column names (letters, digits, '_' and '.', not starting
// with a digit), any column name in "double quotes" or `backquotes` (for headers with spaces such
// as "Model Size"), the constant pi, parentheses, and the functions log (natural), log2, log10,
// exp, sqrt, abs, min(a, b), max(a, b). The words and, or, not and pi are reserved: quote them to
// name a column.
//
// NaN semantics: arithmetic follows IEEE (log(-1) is NaN, 1/0 is inf). A comparison or logical
// operator whose deciding operand is NaN yields NaN rather than 0, so that a row filter on an
// undefined value fails loudly instead of silently dropping the row. && and || decide element by
// element like C: `x > 0 && log(x) < 3` is 0, not NaN, where x <= 0.
//
// Errors: a text that does not parse throws ExpressionError quoting the text and the 1-based
// character position; so does one nested more than 100 parentheses deep or chaining more than 500
// operations (1+1+...+1), which would otherwise exhaust the stack. A column that is missing or
// unusable at evaluation time throws DataError (it is a problem of the data, not of the formula)
// whose message starts with the expression.
//
//   slfit::Expression e = slfit::Expression::parse("\"Training FLOP\" / (6 * N)");
//   Eigen::ArrayXd d = e.evaluate(table);              // one value per row
//   slfit::derive(table, "D", e);                      // adds or replaces column D
//   slfit::Table big = slfit::filter_rows(table, slfit::Expression::parse("N >= 1e8"));
//   auto [name, expr] = slfit::parse_assignment("D = C/(6*N)");
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <numbers>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/table.hpp"

namespace slfit {

namespace detail::expr {

enum class Kind {
  kNumber,
  kVariable,
  kNegate,
  kNot,
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kPower,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
  kAnd,
  kOr,
  kCall,
};

enum class Func { kLog, kLog2, kLog10, kExp, kSqrt, kAbs, kMin, kMax };

struct FuncInfo {
  std::string_view name;
  Func func;
  int arity;
};

inline constexpr std::array<FuncInfo, 8> kFunctions = {{
    {"log", Func::kLog, 1},
    {"log2", Func::kLog2, 1},
    {"log10", Func::kLog10, 1},
    {"exp", Func::kExp, 1},
    {"sqrt", Func::kSqrt, 1},
    {"abs", Func::kAbs, 1},
    {"min", Func::kMin, 2},
    {"max", Func::kMax, 2},
}};

inline std::string function_list() {
  std::string out;
  for (const auto& f : kFunctions) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

struct Node;
// Nodes are immutable once built, so copies of an Expression can share one tree.
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  Kind kind = Kind::kNumber;
  double value = 0.0;  // kNumber
  std::string name;    // kVariable: column name; kCall: function name
  Func func = Func::kLog;
  std::vector<NodePtr> args;
  int height = 1;       // levels of the tree below and including this node
  std::size_t pos = 0;  // kVariable: 0-based offset of the name in the text, for messages
};

inline bool is_ident_start(char c) {
  // Bytes >= 0x80 are parts of UTF-8 sequences; accepting them lets "Größe" be written bare.
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || u >= 0x80;
}

inline bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool is_reserved_word(std::string_view w) {
  return w == "and" || w == "or" || w == "not" || w == "pi";
}

enum class Tok { kNumber, kName, kQuotedName, kOp, kLParen, kRParen, kComma, kEnd };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;  // name, operator symbol or the number as written
  double number = 0.0;
  std::size_t pos = 0;  // 0-based byte offset into the expression
};

// The expression as quoted in messages: all of it, or for a very long one the part around `pos`.
inline std::string excerpt(std::string_view expr, std::size_t pos) {
  constexpr std::size_t kMaxShown = 160;
  constexpr std::size_t kContext = 60;
  if (expr.size() <= kMaxShown) return std::string(expr);
  const std::size_t from = pos > kContext ? pos - kContext : 0;
  const std::size_t to = std::min(expr.size(), pos + kContext);
  return (from > 0 ? "..." : "") + std::string(expr.substr(from, to - from)) +
         (to < expr.size() ? "..." : "");
}

[[noreturn]] inline void fail(std::string_view expr, const std::string& what, std::size_t pos,
                              const std::string& suffix = {}) {
  throw ExpressionError("cannot parse expression \"" + excerpt(expr, pos) + "\": " + what +
                        " at position " + std::to_string(pos + 1) + suffix);
}

inline std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const char c = s[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(s[i + 1]))) {
      std::size_t j = i;
      while (j < n && is_digit(s[j])) ++j;
      if (j < n && s[j] == '.') {
        ++j;
        while (j < n && is_digit(s[j])) ++j;
      }
      // Only take the exponent when digits follow, so that "2e" is reported as a bad number below.
      if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < n && (s[k] == '+' || s[k] == '-')) ++k;
        if (k < n && is_digit(s[k])) {
          j = k;
          while (j < n && is_digit(s[j])) ++j;
        }
      }
      if (j < n && is_ident_char(s[j])) {
        std::size_t k = j;
        while (k < n && (is_ident_char(s[k]) ||
                         ((s[k] == '+' || s[k] == '-') && (s[k - 1] == 'e' || s[k - 1] == 'E'))))
          ++k;
        fail(s, "invalid number '" + std::string(s.substr(i, k - i)) + "'", i);
      }
      const auto res = std::from_chars(s.data() + i, s.data() + j, t.number);
      if (res.ec != std::errc() || res.ptr != s.data() + j) {
        fail(s, "number '" + std::string(s.substr(i, j - i)) + "' is out of range", i);
      }
      t.type = Tok::kNumber;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (is_ident_start(c)) {
      std::size_t j = i;
      while (j < n && is_ident_char(s[j])) ++j;
      const std::string_view word = s.substr(i, j - i);
      if (word == "and") {
        t.type = Tok::kOp;
        t.text = "&&";
      } else if (word == "or") {
        t.type = Tok::kOp;
        t.text = "||";
      } else if (word == "not") {
        t.type = Tok::kOp;
        t.text = "!";
      } else {
        t.type = Tok::kName;
        t.text = std::string(word);
        // `eff[format]`: a parameter with one value per level of a column (a formula law's).
        if (j < n && s[j] == '[') {
          std::size_t k = j + 1;
          if (k < n && is_ident_start(s[k])) {
            while (k < n && is_ident_char(s[k])) ++k;
          }
          if (k == j + 1 || k >= n || s[k] != ']') {
            fail(s, "expected a column name and ']' after '" + t.text + "['", j);
          }
          t.text = std::string(s.substr(i, k + 1 - i));
          j = k + 1;
        }
      }
      i = j;
    } else if (c == '"' || c == '`') {
      const std::size_t close = s.find(c, i + 1);
      if (close == std::string_view::npos) {
        fail(s, std::string("unterminated quoted column name (no closing ") + c + ")", i);
      }
      if (close == i + 1) fail(s, "empty quoted column name", i);
      t.type = Tok::kQuotedName;
      t.text = std::string(s.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '(' || c == ')' || c == ',') {
      t.type = c == '(' ? Tok::kLParen : (c == ')' ? Tok::kRParen : Tok::kComma);
      t.text = std::string(1, c);
      ++i;
    } else {
      const std::string_view two = s.substr(i, 2);
      t.type = Tok::kOp;
      if (two == "<=" || two == ">=" || two == "==" || two == "!=" || two == "&&" || two == "||") {
        t.text = std::string(two);
        i += 2;
      } else if (two == "**") {  // Python's and Fortran's power, as formulas are often written
        t.text = std::string(1, '^');  // not = "^": GCC 12 warns falsely (-Wstringop-overflow)
        i += 2;
      } else if (c == '+' || c == '-' || c == '*' || c == '/' || c == '^' || c == '<' || c == '>' ||
                 c == '!') {
        t.text = std::string(1, c);
        ++i;
      } else if (c == '=') {
        fail(s, "unexpected '=' (write '==' to compare)", i);
      } else if (c == '&' || c == '|') {
        fail(s, std::string("unexpected '") + c + "' (write '" + c + c + "')", i);
      } else if (c == '\'') {
        fail(s, "unexpected ''' (quote column names with \"double quotes\" or `backquotes`)", i);
      } else {
        fail(s, "unexpected character '" + std::string(1, c) + "'", i);
      }
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.type = Tok::kEnd;
  end.pos = n;
  out.push_back(std::move(end));
  return out;
}

// Recursive descent, one function per precedence level.
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  NodePtr parse_all() {
    NodePtr root = parse_or();
    const Token& t = peek();
    if (t.type != Tok::kEnd) {
      if (t.type == Tok::kRParen) fail(text_, "unexpected ')' (no matching '(')", t.pos);
      fail(text_, "unexpected " + describe(t) + " (missing operator?)", t.pos);
    }
    return root;
  }

 private:
  // Deep enough for any formula a person writes, shallow enough to never overflow the stack.
  static constexpr int kMaxDepth = 200;
  // Tallest tree accepted: 500 chained operations, far more than any formula needs, and a depth
  // that evaluates well within a thread's stack even under AddressSanitizer.
  static constexpr int kMaxHeight = 500;

  const Token& peek() const { return tokens_[index_]; }
  const Token& advance() { return tokens_[index_++]; }
  bool at_op(std::string_view op) const { return peek().type == Tok::kOp && peek().text == op; }

  static std::string describe(const Token& t) {
    switch (t.type) {
      case Tok::kEnd:
        return "end of expression";
      case Tok::kQuotedName:
        return "column \"" + t.text + "\"";
      default:
        return "'" + t.text + "'";
    }
  }

  // A node over `args`, for the operator or function at `pos`. Refuses trees taller than
  // kMaxHeight: evaluating and freeing a tree recurse once per level, and a long chain such as
  // 1+1+...+1 builds a tall tree without any parentheses.
  NodePtr make(Kind kind, std::vector<NodePtr> args, std::size_t pos) const {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    for (const auto& a : args) n->height = std::max(n->height, a->height + 1);
    if (n->height > kMaxHeight) {
      fail(text_,
           "expression is too long (more than " + std::to_string(kMaxHeight) +
               " operations nested or chained)",
           pos);
    }
    n->args = std::move(args);
    return n;
  }

  struct DepthGuard {
    DepthGuard(Parser& p, std::size_t pos) : parser(p) {
      if (++parser.depth_ > kMaxDepth) fail(parser.text_, "expression is nested too deeply", pos);
    }
    ~DepthGuard() { --parser.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    Parser& parser;
  };

  NodePtr parse_or() {
    DepthGuard guard(*this, peek().pos);
    NodePtr left = parse_and();
    while (at_op("||")) {
      const std::size_t at = advance().pos;
      left = make(Kind::kOr, {left, parse_and()}, at);
    }
    return left;
  }

  NodePtr parse_and() {
    NodePtr left = parse_comparison();
    while (at_op("&&")) {
      const std::size_t at = advance().pos;
      left = make(Kind::kAnd, {left, parse_comparison()}, at);
    }
    return left;
  }

  static bool comparison_kind(const Token& t, Kind& kind) {
    if (t.type != Tok::kOp) return false;
    if (t.text == "<")
      kind = Kind::kLess;
    else if (t.text == "<=")
      kind = Kind::kLessEqual;
    else if (t.text == ">")
      kind = Kind::kGreater;
    else if (t.text == ">=")
      kind = Kind::kGreaterEqual;
    else if (t.text == "==")
      kind = Kind::kEqual;
    else if (t.text == "!=")
      kind = Kind::kNotEqual;
    else
      return false;
    return true;
  }

  NodePtr parse_comparison() {
    NodePtr left = parse_additive();
    Kind kind{};
    if (!comparison_kind(peek(), kind)) return left;
    const std::size_t at = advance().pos;
    NodePtr right = parse_additive();
    // "a < b < c" means something else in C than in maths; refusing it avoids a silent surprise.
    if (Kind k2{}; comparison_kind(peek(), k2)) {
      fail(text_, "comparisons cannot be chained (write 'a < b && b < c')", peek().pos);
    }
    return make(kind, {left, right}, at);
  }

  NodePtr parse_additive() {
    NodePtr left = parse_multiplicative();
    while (at_op("+") || at_op("-")) {
      const Token& op = advance();
      const std::size_t at = op.pos;
      const Kind kind = op.text == "+" ? Kind::kAdd : Kind::kSubtract;
      left = make(kind, {left, parse_multiplicative()}, at);
    }
    return left;
  }

  NodePtr parse_multiplicative() {
    NodePtr left = parse_unary();
    while (at_op("*") || at_op("/")) {
      const Token& op = advance();
      const std::size_t at = op.pos;
      const Kind kind = op.text == "*" ? Kind::kMultiply : Kind::kDivide;
      left = make(kind, {left, parse_unary()}, at);
    }
    return left;
  }

  NodePtr parse_unary() {
    DepthGuard guard(*this, peek().pos);
    if (at_op("-")) {
      const std::size_t at = advance().pos;
      return make(Kind::kNegate, {parse_unary()}, at);
    }
    if (at_op("+")) {
      advance();
      return parse_unary();
    }
    if (at_op("!")) {
      const std::size_t at = advance().pos;
      return make(Kind::kNot, {parse_unary()}, at);
    }
    return parse_power();
  }

  NodePtr parse_power() {
    NodePtr base = parse_primary();
    if (at_op("^")) {
      const std::size_t at = advance().pos;
      // Recursing through parse_unary makes ^ right-associative and allows 2^-1.
      return make(Kind::kPower, {base, parse_unary()}, at);
    }
    return base;
  }

  NodePtr parse_primary() {
    const Token& t = peek();
    switch (t.type) {
      case Tok::kNumber: {
        advance();
        auto n = std::make_shared<Node>();
        n->kind = Kind::kNumber;
        n->value = t.number;
        return n;
      }
      case Tok::kQuotedName: {
        advance();
        return variable(t.text, t.pos);
      }
      case Tok::kName: {
        advance();
        if (peek().type == Tok::kLParen) return call(t);
        if (t.text == "pi") {
          auto n = std::make_shared<Node>();
          n->kind = Kind::kNumber;
          n->value = std::numbers::pi;
          return n;
        }
        return variable(t.text, t.pos);
      }
      case Tok::kLParen: {
        advance();
        NodePtr inner = parse_or();
        expect_rparen();
        return inner;
      }
      default:
        if (t.type == Tok::kEnd && index_ == 0) fail(text_, "expression is empty", t.pos);
        fail(text_, "expected a number, a column name or '(' but found " + describe(t), t.pos);
    }
  }

  void expect_rparen() {
    if (peek().type != Tok::kRParen) fail(text_, "expected ')'", peek().pos);
    advance();
  }

  NodePtr variable(const std::string& name, std::size_t pos) {
    auto n = std::make_shared<Node>();
    n->kind = Kind::kVariable;
    n->name = name;
    n->pos = pos;
    return n;
  }

  NodePtr call(const Token& name) {
    const FuncInfo* info = nullptr;
    for (const auto& f : kFunctions)
      if (f.name == name.text) info = &f;
    if (info == nullptr) {
      fail(text_, "unknown function '" + name.text + "'", name.pos,
           "; functions are: " + function_list());
    }
    advance();  // '('
    std::vector<NodePtr> args;
    if (peek().type != Tok::kRParen) {
      args.push_back(parse_or());
      while (peek().type == Tok::kComma) {
        advance();
        args.push_back(parse_or());
      }
    }
    expect_rparen();
    if (static_cast<int>(args.size()) != info->arity) {
      fail(text_,
           "function '" + name.text + "' takes " + std::to_string(info->arity) + " argument" +
               (info->arity == 1 ? "" : "s") + ", not " + std::to_string(args.size()),
           name.pos);
    }
    const NodePtr call = make(Kind::kCall, std::move(args), name.pos);
    auto n = std::make_shared<Node>(*call);
    n->func = info->func;
    n->name = name.text;
    return n;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t index_ = 0;
  int depth_ = 0;
};

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

inline double truth(bool b) { return b ? 1.0 : 0.0; }

template <typename Cmp>
inline Eigen::ArrayXd compare(const Eigen::ArrayXd& a, const Eigen::ArrayXd& b, Cmp cmp) {
  return a.binaryExpr(b, [cmp](double x, double y) {
    return (std::isnan(x) || std::isnan(y)) ? kNaN : truth(cmp(x, y));
  });
}

// Resolves a column name to its values; the evaluator does not care where they come from.
using Resolver = std::function<Eigen::ArrayXd(const std::string&)>;

inline Eigen::ArrayXd eval(const Node& n, Eigen::Index rows, const Resolver& resolve) {
  using A = Eigen::ArrayXd;
  auto arg = [&](std::size_t i) { return eval(*n.args[i], rows, resolve); };
  switch (n.kind) {
    case Kind::kNumber:
      return A::Constant(rows, n.value);
    case Kind::kVariable:
      return resolve(n.name);
    case Kind::kNegate:
      return -arg(0);
    case Kind::kNot:
      return arg(0).unaryExpr([](double x) { return std::isnan(x) ? kNaN : truth(x == 0.0); });
    case Kind::kAdd:
      return arg(0) + arg(1);
    case Kind::kSubtract:
      return arg(0) - arg(1);
    case Kind::kMultiply:
      return arg(0) * arg(1);
    case Kind::kDivide:
      return arg(0) / arg(1);
    case Kind::kPower:
      return arg(0).binaryExpr(arg(1), [](double x, double y) { return std::pow(x, y); });
    case Kind::kLess:
      return compare(arg(0), arg(1), std::less<double>());
    case Kind::kLessEqual:
      return compare(arg(0), arg(1), std::less_equal<double>());
    case Kind::kGreater:
      return compare(arg(0), arg(1), std::greater<double>());
    case Kind::kGreaterEqual:
      return compare(arg(0), arg(1), std::greater_equal<double>());
    case Kind::kEqual:
      return compare(arg(0), arg(1), std::equal_to<double>());
    case Kind::kNotEqual:
      return compare(arg(0), arg(1), std::not_equal_to<double>());
    case Kind::kAnd:
      return arg(0).binaryExpr(arg(1), [](double x, double y) {
        if (std::isnan(x)) return kNaN;
        if (x == 0.0) return 0.0;
        return std::isnan(y) ? kNaN : truth(y != 0.0);
      });
    case Kind::kOr:
      return arg(0).binaryExpr(arg(1), [](double x, double y) {
        if (std::isnan(x)) return kNaN;
        if (x != 0.0) return 1.0;
        return std::isnan(y) ? kNaN : truth(y != 0.0);
      });
    case Kind::kCall:
      switch (n.func) {
        case Func::kLog:
          return arg(0).log();
        case Func::kLog2:
          return arg(0).unaryExpr([](double x) { return std::log2(x); });
        case Func::kLog10:
          return arg(0).log10();
        case Func::kExp:
          return arg(0).exp();
        case Func::kSqrt:
          return arg(0).sqrt();
        case Func::kAbs:
          return arg(0).abs();
        case Func::kMin:
          // std::fmin would hide a NaN argument; an undefined input should stay undefined.
          return arg(0).binaryExpr(arg(1), [](double x, double y) {
            return (std::isnan(x) || std::isnan(y)) ? kNaN : std::min(x, y);
          });
        case Func::kMax:
          return arg(0).binaryExpr(arg(1), [](double x, double y) {
            return (std::isnan(x) || std::isnan(y)) ? kNaN : std::max(x, y);
          });
      }
  }
  return A::Constant(rows, kNaN);  // unreachable; keeps compilers quiet
}

inline void collect_variables(const Node& n, std::vector<std::string>& out) {
  if (n.kind == Kind::kVariable) {
    if (std::find(out.begin(), out.end(), n.name) == out.end()) out.push_back(n.name);
    return;
  }
  for (const auto& a : n.args) collect_variables(*a, out);
}

inline std::string format_value(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace detail::expr

class Expression {
 public:
  // An empty expression; evaluating it throws UsageError. Exists so option structs can hold one.
  Expression() = default;

  static Expression parse(std::string_view text) {
    Expression e;
    e.text_ = std::string(text);
    detail::expr::Parser parser(e.text_, detail::expr::tokenize(e.text_));
    e.root_ = parser.parse_all();
    detail::expr::collect_variables(*e.root_, e.variables_);
    return e;
  }

  // The text as given to parse().
  const std::string& text() const { return text_; }

  // The parsed tree (for those that compile it further, such as formula laws); null when empty.
  const detail::expr::Node* root() const { return root_.get(); }

  bool empty() const { return root_ == nullptr; }

  // Column names used, each once, in order of first appearance.
  std::vector<std::string> variables() const { return variables_; }

  // One value per row of `table`. Throws DataError, prefixed with the expression, when a column is
  // missing or unusable.
  Eigen::ArrayXd evaluate(const Table& table) const {
    check_not_empty();
    return detail::expr::eval(*root_, table.rows(), [&](const std::string& name) {
      try {
        return Eigen::ArrayXd(table.column(name));
      } catch (const DataError& e) {
        throw DataError("expression \"" + text_ + "\": " + e.what());
      }
    });
  }

  // A single value, with `lookup` supplying each column's value. Exceptions from lookup propagate.
  double evaluate(const std::function<double(std::string_view)>& lookup) const {
    check_not_empty();
    // Reusing the array evaluator on one-element arrays keeps a single definition of semantics.
    const Eigen::ArrayXd r = detail::expr::eval(*root_, 1, [&](const std::string& name) {
      return Eigen::ArrayXd::Constant(1, lookup(name)).eval();
    });
    return r(0);
  }

 private:
  void check_not_empty() const {
    if (root_ == nullptr) throw UsageError("cannot evaluate an empty Expression");
  }

  std::string text_;
  detail::expr::NodePtr root_;
  std::vector<std::string> variables_;
};

// Splits "NAME=EXPR" (as given to --derive). NAME is trimmed and must be an identifier or a quoted
// name; the first '=' that is not part of '==', '<=', '>=' or '!=' separates the two sides.
inline std::pair<std::string, Expression> parse_assignment(std::string_view text) {
  using namespace detail::expr;
  auto fail_assign = [&](const std::string& what) -> void {
    throw ExpressionError("cannot parse assignment \"" + std::string(text) + "\": " + what);
  };
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) ++i;
  std::string name;
  const bool quoted = i < text.size() && (text[i] == '"' || text[i] == '`');
  if (quoted) {
    const std::size_t close = text.find(text[i], i + 1);
    if (close == std::string_view::npos) fail_assign("unterminated quoted column name");
    name = std::string(text.substr(i + 1, close - i - 1));
    if (name.empty()) fail_assign("the column name is empty");
    i = close + 1;
  } else {
    const std::size_t start = i;
    while (i < text.size() && text[i] != '=' && text[i] != '<' && text[i] != '>' && text[i] != '!')
      ++i;
    name = std::string(trim(text.substr(start, i - start)));
  }
  while (i < text.size() && is_space(text[i])) ++i;
  if (i >= text.size() || text[i] != '=' || (i + 1 < text.size() && text[i + 1] == '=')) {
    if (i < text.size() && (text[i] == '=' || text[i] == '<' || text[i] == '>' || text[i] == '!')) {
      const std::string_view op =
          text.substr(i, (i + 1 < text.size() && text[i + 1] == '=') ? 2 : 1);
      fail_assign("expected NAME=EXPRESSION, but the first '" + std::string(op) +
                  "' is a comparison, not an assignment");
    }
    fail_assign("expected NAME=EXPRESSION");
  }
  if (!quoted) {
    if (name.empty()) fail_assign("the column name before '=' is empty");
    bool valid = is_ident_start(name[0]);
    for (char c : name) valid = valid && is_ident_char(c);
    if (!valid) {
      fail_assign("'" + name + "' is not a valid column name (quote it: \"" + name + "\")");
    }
    if (is_reserved_word(name)) {
      fail_assign("'" + name + "' is a reserved word (quote it: \"" + name + "\")");
    }
  }
  return {std::move(name), Expression::parse(text.substr(i + 1))};
}

// Adds column `name` (or replaces it) with the values of `e` on `t`. Throws DataError naming the
// first row (1-based) where the result is NaN or infinite, so that bad derived values are caught
// where they are made rather than deep inside a fit.
inline Table& derive(Table& t, std::string_view name, const Expression& e) {
  Eigen::ArrayXd values = e.evaluate(t);
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values(i))) {
      throw DataError("derived column '" + std::string(name) + "' = " + e.text() +
                      " is not finite at row " + std::to_string(i + 1) + " (value " +
                      detail::expr::format_value(values(i)) + ")");
    }
  }
  t.set_column(std::string(name), std::move(values));
  return t;
}

// The rows of `t` where `e` is nonzero. Throws DataError naming the first row (1-based) where the
// condition is NaN, since keeping or dropping such a row would be a guess.
inline Table filter_rows(const Table& t, const Expression& e) {
  const Eigen::ArrayXd cond = e.evaluate(t);
  Mask keep(cond.size());
  for (Eigen::Index i = 0; i < cond.size(); ++i) {
    if (std::isnan(cond(i))) {
      throw DataError("row condition \"" + e.text() + "\" is NaN (undefined) at row " +
                      std::to_string(i + 1) + " of " + t.label());
    }
    keep(i) = cond(i) != 0.0;
  }
  return t.filter(keep);
}

}  // namespace slfit
