// slfit: fitting, evaluating and using scaling laws of language-model training and quantization.
// The umbrella header; link slfit::slfit (Eigen, Ceres, fmt). See README.md and docs/.
#pragma once

#include "slfit/core/error.hpp"
#include "slfit/core/expression.hpp"
#include "slfit/core/law.hpp"
#include "slfit/core/parameter.hpp"
#include "slfit/core/simulate.hpp"
#include "slfit/core/table.hpp"
#include "slfit/fit/fit.hpp"
#include "slfit/fit/options.hpp"
#include "slfit/fit/report.hpp"
#include "slfit/fit/result.hpp"
#include "slfit/io/csv.hpp"
#include "slfit/laws/capybara.hpp"
#include "slfit/laws/chinchilla.hpp"
#include "slfit/laws/kumar.hpp"
#include "slfit/laws/qat_group.hpp"
#include "slfit/laws/qid.hpp"
#include "slfit/laws/registry.hpp"
#include "slfit/uncertainty/covariance.hpp"
