// slfit: fitting, evaluating and using scaling laws of language-model training and quantization.
// The umbrella header; link slfit::slfit (Eigen, Ceres, fmt). See README.md and docs/.
//
// It leaves out slfit/laws/registry.hpp, the run-time catalogue of laws by name: the catalogue
// instantiates the fitter, bootstrap and prediction of every built-in law, which adds about a
// minute to the compile of every file that includes it. Include it where a law is picked by name
// at run time (as the tool does); code that names its law as a type does not need it.
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
