// Half of the built-in laws' fitting templates, compiled once for slfit's tests and tool. Several
// laws share a file because much of what a fit compiles does not depend on the law (Ceres'
// problem setup, Eigen's decompositions): a file per law compiled that part ten times.
#include "builtin_laws.hpp"

SLFIT_INSTANTIATE_LAW(slfit::Chinchilla)
SLFIT_INSTANTIATE_LAW(slfit::KumarPtq)
SLFIT_INSTANTIATE_LAW(slfit::KumarQat)
SLFIT_INSTANTIATE_LAW(slfit::Kumar)
SLFIT_INSTANTIATE_LAW(slfit::Qid)
