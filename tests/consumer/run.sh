#!/usr/bin/env bash
# Installs slfit from SOURCE into a temporary prefix, then builds and runs consumers against it:
# the header-only targets, the compiled catalogue (timed: it must compile in seconds), and a
# slfit::core-only consumer configured where Ceres and fmt cannot be found.
set -euo pipefail
source_dir=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cmake -S "$source_dir" -B "$work/build" -DCMAKE_INSTALL_PREFIX="$work/prefix" \
  -DSLFIT_BUILD_TESTS=OFF -DSLFIT_BUILD_TOOLS=OFF -DSLFIT_BUILD_EXAMPLES=OFF -DSLFIT_INSTALL=ON >/dev/null
cmake --build "$work/build" -j2 --target slfit_runtime >/dev/null
cmake --install "$work/build" >/dev/null
cmake -S "$source_dir/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
start=$(date +%s.%N)
cmake --build "$work/consumer" --target consumer_runtime >/dev/null
end=$(date +%s.%N)
echo "consumer_runtime (slfit::runtime) compiled and linked in $(awk "BEGIN { printf \"%.1f\", $end - $start }") s"
cmake --build "$work/consumer" -j2 >/dev/null
"$work/consumer/consumer_core"
"$work/consumer/consumer"
"$work/consumer/consumer_runtime"
# Without Ceres and fmt: only slfit::core, and the package still loads.
cmake -S "$source_dir/tests/consumer_core" -B "$work/consumer_core" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_DISABLE_FIND_PACKAGE_Ceres=ON -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON >/dev/null
cmake --build "$work/consumer_core" >/dev/null
"$work/consumer_core/consumer_core"
# Asking for the compiled part there fails at configure time with a clear message.
mkdir -p "$work/needs_runtime"
printf 'cmake_minimum_required(VERSION 3.20)\nproject(p LANGUAGES CXX)\nfind_package(slfit REQUIRED COMPONENTS runtime)\n' \
  >"$work/needs_runtime/CMakeLists.txt"
if cmake -S "$work/needs_runtime" -B "$work/needs_runtime/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_DISABLE_FIND_PACKAGE_Ceres=ON >"$work/needs_runtime.log" 2>&1; then
  echo "find_package(slfit COMPONENTS runtime) succeeded without Ceres" >&2
  exit 1
fi
grep -q "need Ceres" "$work/needs_runtime.log"
echo "consumer: OK"
