// Moved to slfit/fit/covariance.hpp (covariance is part of fitting); kept for existing includes.
#pragma once
#include "slfit/fit/covariance.hpp"
