// slfit: fitting, evaluating and using scaling laws of language-model training and quantization.
// The umbrella header; link slfit::slfit (Eigen, Ceres, fmt). See README.md and docs/.
//
// Header-only: a file that calls fit<Law> compiles that law's fitter. The run-time layer
// (slfit/runtime/, the compiled target slfit::runtime) is left out: it offers the built-in laws by
// name with their fitters prebuilt, which is the faster way to fit them (docs/runtime.md).
#pragma once

#include "slfit/analysis/capybara.hpp"
#include "slfit/analysis/chinchilla.hpp"
#include "slfit/analysis/kumar.hpp"
#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/by_group.hpp"
#include "slfit/fit/compression.hpp"
#include "slfit/fit/covariance.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/fit/objective.hpp"
#include "slfit/fit/options.hpp"
#include "slfit/fit/report.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/compression.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/laws/qid.hpp"
#include "slfit/uncertainty/bootstrap.hpp"
#include "slfit/uncertainty/compare.hpp"
#include "slfit/uncertainty/holdout.hpp"
#include "slfit/uncertainty/intervals.hpp"
#include "slfit/uncertainty/prediction.hpp"
#include "slfit/uncertainty/two_stage.hpp"
