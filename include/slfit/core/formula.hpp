// FormulaProgram: a law's formula compiled for evaluation and exact differentiation.
//
// The tree an Expression parses is flattened into a straight-line program over numbered slots,
// one per operation, with constants folded. The same program runs three ways:
//   - on one row, for any scalar T (double, or ceres::Jet for autodiff and covariance);
//   - over whole columns, values only (evaluation, screening of start grids);
//   - over whole columns with forward-mode derivatives by every parameter each slot depends on
//     (the Jacobian of the dense solver): one pass, each derivative column an Eigen expression.
// A power whose base is an input with positive values is taken as exp(exponent * log x), with the
// logs computed once per table, as compiled laws do.
//
// Compiling also reads off which parameters enter the formula affinely (jointly), the candidates
// of variable projection: E, A and B in E + A / N^alpha + B / D^beta.
//
//   Symbols: inputs N (0), D (1); parameters E (0), A (1), B (2), alpha (3), beta (4)
//   FormulaProgram f = FormulaProgram::compile(*Expression::parse(text).root(), resolve, positive);
//   double v = f.eval_row(p, row);              // one row
//   f.eval_columns(p, view, value, &d, nullptr);  // every row, with d(:, j) = df/dp_j
#pragma once

#include <Eigen/Core>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/core/law.hpp"

namespace slfit::detail {

class FormulaProgram {
 public:
  enum class Op {
    kConst,
    kInput,
    kParam,
    kNeg,
    kAdd,
    kSub,
    kMul,
    kDiv,
    kPow,
    kPowInput,  // input `index` (positive) to the power of slot b: exp(b * log x)
    kExp,
    kLog,
    kLog2,
    kLog10,
    kSqrt,
    kAbs,
    kMin,
    kMax,
  };

  struct Instr {
    Op op = Op::kConst;
    int a = -1, b = -1;      // operand slots
    int index = -1;          // kInput, kParam, kPowInput
    double value = 0.0;      // kConst
    std::uint32_t deps = 0;  // bit j: the slot depends on parameter j
  };

  // What a name in the formula stands for.
  struct Symbol {
    bool parameter = false;
    int index = -1;
  };
  // Resolves a name (and its 0-based position in the text, for messages); throws if unknown.
  using Resolver = std::function<Symbol(const std::string&, std::size_t)>;

  // `positive[i]`: input i takes only positive values (its log is available).
  static FormulaProgram compile(const expr::Node& root, const Resolver& resolve,
                                const std::vector<bool>& positive, int parameters) {
    FormulaProgram f;
    f.parameters_ = parameters;
    f.positive_ = positive;
    f.emit_node(root, resolve);
    f.find_linear();
    return f;
  }

  int size() const { return static_cast<int>(code_.size()); }
  const std::vector<Instr>& code() const { return code_; }
  // Parameters the formula is jointly affine in (bit j).
  std::uint32_t linear() const { return linear_; }
  // Parameters the formula uses (bit j).
  std::uint32_t used() const { return code_.back().deps; }
  // Inputs the formula reads.
  std::vector<bool> inputs_used(std::size_t count) const {
    std::vector<bool> out(count, false);
    for (const auto& ins : code_)
      if ((ins.op == Op::kInput || ins.op == Op::kPowInput) && ins.index >= 0)
        out[static_cast<std::size_t>(ins.index)] = true;
    return out;
  }

  // The formula at one row, for any scalar type T that has exp, log, sqrt, abs and pow.
  template <class T, class Row>
  T eval_row(const T* p, const Row& row) const {
    using std::abs;
    using std::exp;
    using std::log;
    using std::pow;
    using std::sqrt;
    thread_local std::vector<T> slot;
    slot.resize(code_.size());
    for (std::size_t s = 0; s < code_.size(); ++s) {
      const Instr& in = code_[s];
      const auto a = static_cast<std::size_t>(in.a), b = static_cast<std::size_t>(in.b);
      switch (in.op) {
        case Op::kConst:
          slot[s] = T(in.value);
          break;
        case Op::kInput:
          slot[s] = T(row.value(in.index));
          break;
        case Op::kParam:
          slot[s] = p[in.index];
          break;
        case Op::kNeg:
          slot[s] = -slot[a];
          break;
        case Op::kAdd:
          slot[s] = slot[a] + slot[b];
          break;
        case Op::kSub:
          slot[s] = slot[a] - slot[b];
          break;
        case Op::kMul:
          slot[s] = slot[a] * slot[b];
          break;
        case Op::kDiv:
          slot[s] = slot[a] / slot[b];
          break;
        case Op::kPow:
          slot[s] = pow(slot[a], slot[b]);
          break;
        case Op::kPowInput:
          slot[s] = exp(slot[b] * row.log(in.index));
          break;
        case Op::kExp:
          slot[s] = exp(slot[a]);
          break;
        case Op::kLog:
          slot[s] = log(slot[a]);
          break;
        case Op::kLog2:
          slot[s] = log(slot[a]) / std::numbers::ln2;
          break;
        case Op::kLog10:
          slot[s] = log(slot[a]) / std::numbers::ln10;
          break;
        case Op::kSqrt:
          slot[s] = sqrt(slot[a]);
          break;
        case Op::kAbs:
          slot[s] = abs(slot[a]);
          break;
        case Op::kMin:
          slot[s] = slot[b] < slot[a] ? slot[b] : slot[a];
          break;
        case Op::kMax:
          slot[s] = slot[a] < slot[b] ? slot[b] : slot[a];
          break;
      }
    }
    return slot.back();
  }

  // The formula at every row of `x`. With `d`, d->col(j) is its derivative by parameter j (zero
  // where it does not depend on j); d must have K columns.
  template <class View>
  void eval_columns(const double* p, const View& x, Array& value, Eigen::ArrayXXd* d) const;

 private:
  int emit(Instr in) {
    code_.push_back(in);
    return static_cast<int>(code_.size()) - 1;
  }

  int emit_node(const expr::Node& n, const Resolver& resolve);
  int emit_binary(Op op, int a, int b);
  int emit_unary(Op op, int a);
  void find_linear();

  std::vector<Instr> code_;
  std::vector<bool> positive_;
  int parameters_ = 0;
  std::uint32_t linear_ = 0;
};

// Scalar semantics of one operation on constants (folding), matching eval_row on doubles.
inline double fold(FormulaProgram::Op op, double a, double b) {
  using Op = FormulaProgram::Op;
  switch (op) {
    case Op::kNeg:
      return -a;
    case Op::kAdd:
      return a + b;
    case Op::kSub:
      return a - b;
    case Op::kMul:
      return a * b;
    case Op::kDiv:
      return a / b;
    case Op::kPow:
      return std::pow(a, b);
    case Op::kExp:
      return std::exp(a);
    case Op::kLog:
      return std::log(a);
    case Op::kLog2:
      return std::log(a) / std::numbers::ln2;
    case Op::kLog10:
      return std::log(a) / std::numbers::ln10;
    case Op::kSqrt:
      return std::sqrt(a);
    case Op::kAbs:
      return std::abs(a);
    case Op::kMin:
      return b < a ? b : a;
    case Op::kMax:
      return a < b ? b : a;
    default:
      return a;
  }
}

inline int FormulaProgram::emit_unary(Op op, int a) {
  const Instr& x = code_[static_cast<std::size_t>(a)];
  if (x.op == Op::kConst) return emit({.op = Op::kConst, .value = fold(op, x.value, 0.0)});
  return emit({.op = op, .a = a, .deps = x.deps});
}

inline int FormulaProgram::emit_binary(Op op, int a, int b) {
  const Instr& x = code_[static_cast<std::size_t>(a)];
  const Instr& y = code_[static_cast<std::size_t>(b)];
  if (x.op == Op::kConst && y.op == Op::kConst)
    return emit({.op = Op::kConst, .value = fold(op, x.value, y.value)});
  if (op == Op::kPow && x.op == Op::kInput && positive_[static_cast<std::size_t>(x.index)])
    return emit({.op = Op::kPowInput, .a = a, .b = b, .index = x.index, .deps = y.deps});
  return emit({.op = op, .a = a, .b = b, .deps = x.deps | y.deps});
}

inline int FormulaProgram::emit_node(const expr::Node& n, const Resolver& resolve) {
  using expr::Func;
  using expr::Kind;
  switch (n.kind) {
    case Kind::kNumber:
      return emit({.op = Op::kConst, .value = n.value});
    case Kind::kVariable: {
      const Symbol s = resolve(n.name, n.pos);
      if (s.parameter)
        return emit({.op = Op::kParam, .index = s.index, .deps = std::uint32_t{1} << s.index});
      return emit({.op = Op::kInput, .index = s.index});
    }
    case Kind::kNegate:
      return emit_unary(Op::kNeg, emit_node(*n.args[0], resolve));
    case Kind::kAdd:
    case Kind::kSubtract:
    case Kind::kMultiply:
    case Kind::kDivide:
    case Kind::kPower: {
      const int a = emit_node(*n.args[0], resolve);
      const int b = emit_node(*n.args[1], resolve);
      const Op op = n.kind == Kind::kAdd        ? Op::kAdd
                    : n.kind == Kind::kSubtract ? Op::kSub
                    : n.kind == Kind::kMultiply ? Op::kMul
                    : n.kind == Kind::kDivide   ? Op::kDiv
                                                : Op::kPow;
      return emit_binary(op, a, b);
    }
    case Kind::kCall: {
      const int a = emit_node(*n.args[0], resolve);
      switch (n.func) {
        case Func::kMin:
          return emit_binary(Op::kMin, a, emit_node(*n.args[1], resolve));
        case Func::kMax:
          return emit_binary(Op::kMax, a, emit_node(*n.args[1], resolve));
        case Func::kLog:
          return emit_unary(Op::kLog, a);
        case Func::kLog2:
          return emit_unary(Op::kLog2, a);
        case Func::kLog10:
          return emit_unary(Op::kLog10, a);
        case Func::kExp:
          return emit_unary(Op::kExp, a);
        case Func::kSqrt:
          return emit_unary(Op::kSqrt, a);
        case Func::kAbs:
          return emit_unary(Op::kAbs, a);
      }
      break;
    }
    default:
      break;
  }
  throw UsageError(
      "comparisons and logical operators (< <= > >= == != and or not) have no derivative, so a "
      "law formula cannot use them; write conditions with min, max or abs");
}

// Which parameters the formula is jointly affine in: each must enter every product on one side
// only, never a denominator, power or function. A product of two such parameters (A * B) keeps
// the one on the left.
inline void FormulaProgram::find_linear() {
  // nonlinear[s]: parameters slot s is not affine in.
  std::vector<std::uint32_t> nonlinear(code_.size(), 0);
  std::uint32_t crossed = 0;  // parameters multiplied by another parameter's affine part
  for (std::size_t s = 0; s < code_.size(); ++s) {
    const Instr& in = code_[s];
    const std::uint32_t na = in.a >= 0 ? nonlinear[static_cast<std::size_t>(in.a)] : 0;
    const std::uint32_t nb = in.b >= 0 ? nonlinear[static_cast<std::size_t>(in.b)] : 0;
    const std::uint32_t da = in.a >= 0 ? code_[static_cast<std::size_t>(in.a)].deps : 0;
    const std::uint32_t db = in.b >= 0 ? code_[static_cast<std::size_t>(in.b)].deps : 0;
    switch (in.op) {
      case Op::kConst:
      case Op::kInput:
      case Op::kParam:
        break;
      case Op::kNeg:
        nonlinear[s] = na;
        break;
      case Op::kAdd:
      case Op::kSub:
        nonlinear[s] = na | nb;
        break;
      case Op::kMul:
        nonlinear[s] = na | nb | (da & db);
        if ((da & ~na) != 0 && (db & ~nb) != 0) crossed |= db & ~nb;
        break;
      case Op::kDiv:
        nonlinear[s] = na | db;
        break;
      default:
        nonlinear[s] = in.deps;
        break;
    }
  }
  linear_ = code_.back().deps & ~nonlinear.back() & ~crossed;
}

template <class View>
void FormulaProgram::eval_columns(const double* p, const View& x, Array& value,
                                  Eigen::ArrayXXd* d) const {
  // Buffers live per thread and keep their sizes from call to call: a fit evaluates the same
  // program thousands of times on the same rows.
  thread_local std::vector<Array> v;
  thread_local std::vector<std::vector<Array>> dv;
  const std::size_t n_slots = code_.size();
  if (v.size() < n_slots) v.resize(n_slots);
  if (d != nullptr && dv.size() < n_slots) dv.resize(n_slots);
  const Eigen::Index rows = x.value(0).size();  // every formula reads input 0 (all are read)
  const auto k = static_cast<std::size_t>(parameters_);
  for (std::size_t s = 0; s < n_slots; ++s) {
    const Instr& in = code_[s];
    const auto a = static_cast<std::size_t>(in.a), b = static_cast<std::size_t>(in.b);
    Array& out = v[s];
    switch (in.op) {
      case Op::kConst:
        out.setConstant(rows, in.value);
        break;
      case Op::kInput:
        out = x.value(in.index);
        break;
      case Op::kParam:
        out.setConstant(rows, p[in.index]);
        break;
      case Op::kNeg:
        out = -v[a];
        break;
      case Op::kAdd:
        out = v[a] + v[b];
        break;
      case Op::kSub:
        out = v[a] - v[b];
        break;
      case Op::kMul:
        out = v[a] * v[b];
        break;
      case Op::kDiv:
        out = v[a] / v[b];
        break;
      case Op::kPow:
        out = v[a].pow(v[b]);
        break;
      case Op::kPowInput:
        out = (v[b] * x.log(in.index)).exp();
        break;
      case Op::kExp:
        out = v[a].exp();
        break;
      case Op::kLog:
        out = v[a].log();
        break;
      case Op::kLog2:
        out = v[a].log() / std::numbers::ln2;
        break;
      case Op::kLog10:
        out = v[a].log() / std::numbers::ln10;
        break;
      case Op::kSqrt:
        out = v[a].sqrt();
        break;
      case Op::kAbs:
        out = v[a].abs();
        break;
      case Op::kMin:
        out = (v[b] < v[a]).select(v[b], v[a]);
        break;
      case Op::kMax:
        out = (v[a] < v[b]).select(v[b], v[a]);
        break;
    }
    if (d == nullptr || in.deps == 0) continue;
    auto& ds = dv[s];
    if (ds.size() < k) ds.resize(k);
    for (std::size_t j = 0; j < k; ++j) {
      const std::uint32_t bit = std::uint32_t{1} << j;
      if ((in.deps & bit) == 0) continue;
      const bool ia = in.a >= 0 && (code_[a].deps & bit) != 0;
      const bool ib = in.b >= 0 && (code_[b].deps & bit) != 0;
      static const Array kEmpty;
      const Array& da = ia ? dv[a][j] : kEmpty;
      const Array& db = ib ? dv[b][j] : kEmpty;
      Array& dd = ds[j];
      switch (in.op) {
        case Op::kParam:
          dd.setOnes(rows);
          break;
        case Op::kNeg:
          dd = -da;
          break;
        case Op::kAdd:
          dd = ia && ib ? Array(da + db) : ia ? da : db;
          break;
        case Op::kSub:
          dd = ia && ib ? Array(da - db) : ia ? da : Array(-db);
          break;
        case Op::kMul:
          if (ia && ib) {
            dd = da * v[b] + v[a] * db;
          } else {
            dd = ia ? Array(da * v[b]) : Array(v[a] * db);
          }
          break;
        case Op::kDiv:
          if (ia && ib) {
            dd = (da - out * db) / v[b];
          } else {
            dd = ia ? Array(da / v[b]) : Array(-out * db / v[b]);
          }
          break;
        case Op::kPow:
          // d(u^w) = u^w (w' log u + w u' / u); with a constant exponent, w u^(w-1) u'.
          if (ia && ib) {
            dd = out * (db * v[a].log() + v[b] * da / v[a]);
          } else if (ia) {
            dd = v[b] * v[a].pow(v[b] - 1.0) * da;
          } else {
            dd = out * v[a].log() * db;
          }
          break;
        case Op::kPowInput:
          dd = out * x.log(in.index) * db;
          break;
        case Op::kExp:
          dd = out * da;
          break;
        case Op::kLog:
          dd = da / v[a];
          break;
        case Op::kLog2:
          dd = da / (v[a] * std::numbers::ln2);
          break;
        case Op::kLog10:
          dd = da / (v[a] * std::numbers::ln10);
          break;
        case Op::kSqrt:
          dd = 0.5 * da / out;
          break;
        case Op::kAbs:
          dd = v[a].sign() * da;
          break;
        case Op::kMin:
        case Op::kMax: {
          const Array zero = Array::Zero(rows);
          const Array& ea = ia ? da : zero;
          const Array& eb = ib ? db : zero;
          const auto pick_b = in.op == Op::kMin ? (v[b] < v[a]).eval() : (v[a] < v[b]).eval();
          dd = pick_b.select(eb, ea);
          break;
        }
        default:
          break;
      }
    }
  }
  value = v[n_slots - 1];
  if (d == nullptr) return;
  d->resize(rows, static_cast<Eigen::Index>(k));
  const Instr& last = code_.back();
  for (std::size_t j = 0; j < k; ++j) {
    if ((last.deps & (std::uint32_t{1} << j)) != 0) {
      d->col(static_cast<Eigen::Index>(j)) = dv[n_slots - 1][j];
    } else {
      d->col(static_cast<Eigen::Index>(j)).setZero();
    }
  }
}

}  // namespace slfit::detail
