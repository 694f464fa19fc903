#!/usr/bin/env bash
# Builds slfit's benchmarks (Release, -march=native) in build-bench/ and runs them.
#   bench/run.sh            side-by-side with the SciPy reference, then the microbenchmarks
#   bench/run.sh side       only the side-by-side comparison (bench/hoffmann_bench.py)
#   bench/run.sh micro      only the Google Benchmark microbenchmarks
#   bench/run.sh formula    only Chinchilla as a law file against the compiled law
#   bench/run.sh design     only the study of `slfit design`'s strategies (docs/design.md): the
#                           table over 20 seeds, the set-ups with an overhead over 100 seeds,
#                           and the expected RMSE against 100 refits of seed 1's designs
#   bench/run.sh python [--vpnls DIR] [ARGS]
#                           only the Python package against the tool, and on Open-Athena's five
#                           IsoFLOP sets against vpnls when given a built vpnls checkout
#                           (bench/python_bench.py; ARGS go to it, see docs/performance.md)
# Needs Debian's libbenchmark-dev, python3-scipy, python3-pandas, pybind11-dev and python3-dev,
# and ../shared/data beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
if [ $# -gt 0 ]; then shift; fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSLFIT_BUILD_BENCHMARKS=ON \
  -DSLFIT_BUILD_TESTS=OFF -DSLFIT_BUILD_EXAMPLES=OFF -DSLFIT_BUILD_PYTHON=ON \
  -DPython_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build-bench -j2 --target slfit slfit_eval slfit_micro slfit_formula_bench slfit_design_study \
  _slfit
if [ "$what" = all ] || [ "$what" = side ]; then
  /usr/bin/python3 bench/hoffmann_bench.py --build build-bench
fi
if [ "$what" = all ] || [ "$what" = python ]; then
  /usr/bin/python3 bench/python_bench.py --build build-bench "$@"
fi
if [ "$what" = all ] || [ "$what" = formula ]; then
  build-bench/bench/slfit_formula_bench ../shared/data
fi
if [ "$what" = all ] || [ "$what" = design ]; then
  build-bench/bench/slfit_design_study 20
  echo
  build-bench/bench/slfit_design_study 100 overhead
  echo
  build-bench/bench/slfit_design_study 1 "" 100
fi
if [ "$what" = all ] || [ "$what" = micro ]; then
  build-bench/bench/slfit_micro --benchmark_min_time=0.2
fi
