// FormulaLaw: a law built at run time from a FormulaSpec (a law file, or code), fitted by the
// same engine as the compiled laws.
//
// FormulaModel checks a spec as a whole and compiles its formula once (core/formula.hpp): exact
// derivatives over whole columns for the dense solver, the same program on ceres::Jet for Ceres
// and covariance, and the parameters that enter linearly for variable projection.
// FormulaLaw<K> is the law of K parameters that the fitting templates see: it holds the model,
// so copies are cheap and share it. slfit::runtime compiles the fitter once for every K up to
// kMaxFormulaParameters; formula_law_entry() (runtime/formula_entry.hpp) picks the right one.
//
//   slfit::FormulaSpec spec = ...;                       // or slfit::read_law_file("law.json")
//   auto model = std::make_shared<const slfit::FormulaModel>(spec);
//   slfit::FormulaLaw<3> law(model);                    // the spec has 3 parameters
//   slfit::FitResult r = slfit::fit(law, table, options);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "slfit/core/expression.hpp"
#include "slfit/core/formula.hpp"
#include "slfit/core/formula_spec.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/limits.hpp"
#include "slfit/detail/text.hpp"

namespace slfit {

// A checked spec and its compiled formula. Throws UsageError naming the spec's origin and the
// field at fault.
class FormulaModel {
 public:
  explicit FormulaModel(FormulaSpec spec) : spec_(std::move(spec)) {
    check_formula_spec(spec_);
    compile();
  }

  const FormulaSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  const std::string& description() const { return spec_.description; }
  const std::vector<InputSpec>& inputs() const { return spec_.inputs; }
  // The spec's parameters, with `linear` set where the formula is affine in them.
  const std::vector<ParameterSpec>& parameters() const { return parameters_; }
  const detail::FormulaProgram& program() const { return program_; }

  // The origin (a file) or the law's name, as messages start.
  std::string where() const {
    return spec_.origin.empty() ? "law '" + spec_.name + "'" : spec_.origin;
  }

 private:
  void compile() {
    const std::string& text = spec_.formula;
    if (text.size() > kMaxFormulaLength) {
      fail("formula", "is " + std::to_string(text.size()) + " characters long; the limit is " +
                          std::to_string(kMaxFormulaLength));
    }
    Expression e;
    try {
      e = Expression::parse(text);
    } catch (const ExpressionError& err) {
      fail("formula", err.what());
    }
    std::vector<std::string> names;
    for (const auto& in : spec_.inputs) names.push_back(in.name);
    for (const auto& p : spec_.parameters) names.push_back(p.name);
    auto resolve = [&](const std::string& name, std::size_t pos) {
      if (const auto open = name.find('['); open != std::string::npos)
        return per_level_symbol(name, open, pos);
      for (std::size_t j = 0; j < spec_.parameters.size(); ++j) {
        const ParameterSpec& p = spec_.parameters[j];
        if (p.name == name && !p.per.empty()) {
          fail("formula", "'" + name + "' at position " + std::to_string(pos + 1) +
                              " has one value per level of column '" + p.per + "': write " + name +
                              "[" + p.per + "]");
        }
      }
      for (std::size_t i = 0; i < spec_.inputs.size(); ++i)
        if (spec_.inputs[i].name == name) return detail::FormulaProgram::Symbol{false, int(i)};
      for (std::size_t j = 0; j < spec_.parameters.size(); ++j)
        if (spec_.parameters[j].name == name) return detail::FormulaProgram::Symbol{true, int(j)};
      fail("formula", "unknown name '" + name + "' at position " + std::to_string(pos + 1) +
                          detail::did_you_mean(name, names) +
                          "; inputs and parameters are: " + detail::join(names));
    };
    std::vector<bool> positive;
    for (const auto& in : spec_.inputs) positive.push_back(in.positive);
    try {
      program_ = detail::FormulaProgram::compile(*e.root(), resolve, positive,
                                                 static_cast<int>(spec_.parameters.size()));
    } catch (const UsageError& err) {
      const std::string what = err.what();
      if (what.rfind(where(), 0) == 0) throw;  // from resolve(): already says where
      fail("formula", what);
    }
    const std::vector<bool> read = program_.inputs_used(spec_.inputs.size());
    for (std::size_t i = 0; i < read.size(); ++i) {
      if (!read[i])
        fail("inputs[" + std::to_string(i) + "]",
             "input '" + spec_.inputs[i].name + "' is declared but the formula does not use it");
    }
    parameters_ = spec_.parameters;
    for (std::size_t j = 0; j < parameters_.size(); ++j) {
      const std::uint32_t bit = std::uint32_t{1} << j;
      if ((program_.used() & bit) == 0) {
        fail("parameters." + parameters_[j].name,
             "declared but the formula does not use it (it could take any value)");
      }
      parameters_[j].linear = (program_.linear() & bit) != 0;
    }
  }

  // `eff[format]`: the parameter eff, declared with "per": "format".
  detail::FormulaProgram::Symbol per_level_symbol(const std::string& name, std::size_t open,
                                                  std::size_t pos) const {
    const std::string base = name.substr(0, open);
    const std::string column = name.substr(open + 1, name.size() - open - 2);
    const std::string at = " at position " + std::to_string(pos + 1);
    for (std::size_t j = 0; j < spec_.parameters.size(); ++j) {
      const ParameterSpec& p = spec_.parameters[j];
      if (p.name != base) continue;
      if (p.per.empty()) {
        fail("formula", "'" + name + "'" + at + ": parameter '" + base +
                            "' has one value, not one per level (declare it with \"per\": \"" +
                            column + "\", or write " + base + ")");
      }
      if (p.per != column) {
        fail("formula", "'" + name + "'" + at + ": parameter '" + base +
                            "' has one value per level of column '" + p.per + "': write " + base +
                            "[" + p.per + "]");
      }
      return {true, static_cast<int>(j)};
    }
    std::vector<std::string> names;
    for (const auto& p : spec_.parameters) names.push_back(p.name);
    fail("formula", "unknown parameter '" + base + "' in '" + name + "'" + at +
                        detail::did_you_mean(base, names) +
                        "; parameters are: " + detail::join(names));
  }

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    // One line whatever the formula holds: a parse error quotes it, and it may hold a newline.
    throw UsageError(where() + ": " + field + ": " + detail::spec_text(what, 1000));
  }

  FormulaSpec spec_;
  std::vector<ParameterSpec> parameters_;
  detail::FormulaProgram program_;
};

// The law of a FormulaModel with K parameters, as the fitting templates see it.
template <int K>
class FormulaLaw {
 public:
  static constexpr int kNumParameters = K;
  static constexpr int kNumInputs = kMaxFormulaInputs;

  explicit FormulaLaw(std::shared_ptr<const FormulaModel> model) : model_(std::move(model)) {
    if (model_ == nullptr || static_cast<int>(model_->parameters().size()) != K) {
      throw UsageError("FormulaLaw<" + std::to_string(K) + ">: the model has " +
                       std::to_string(model_ ? model_->parameters().size() : 0) + " parameters");
    }
  }

  const std::string& name() const { return model_->name(); }
  const std::string& description() const { return model_->description(); }
  const std::vector<InputSpec>& inputs() const { return model_->inputs(); }
  std::vector<ParameterSpec> parameters() const { return model_->parameters(); }
  std::vector<Preset> presets() const { return model_->spec().presets; }
  std::vector<StartGrid> start_grids() const { return model_->spec().start_grids; }
  const FormulaModel& model() const { return *model_; }

  template <class T>
  T formula(const T* p, const RowView<kNumInputs>& row) const {
    return model_->program().eval_row(p, row);
  }

  Array formula(const double* p, const ArrayView<kNumInputs>& x) const {
    Array value;
    model_->program().eval_columns(p, x, value, nullptr);
    return value;
  }

  // The hot path of a fit: values and exact derivatives over every row (see ResidualModel).
  void value_and_gradient(const double* p, const ArrayView<kNumInputs>& x, Space space,
                          Array& value, Eigen::ArrayXXd* d) const {
    model_->program().eval_columns(p, x, value, d);
    if (space == Space::kLinear) return;
    if (d != nullptr) {
      for (Eigen::Index j = 0; j < d->cols(); ++j) d->col(j) /= value;
    }
    value = value.log();
  }

 private:
  std::shared_ptr<const FormulaModel> model_;
};

}  // namespace slfit
