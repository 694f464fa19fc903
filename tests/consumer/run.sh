#!/usr/bin/env bash
# Installs slfit from SOURCE into a temporary prefix and builds and runs the consumer against it.
set -euo pipefail
source_dir=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
cmake -S "$source_dir" -B "$work/build" -DCMAKE_INSTALL_PREFIX="$work/prefix" \
  -DSLFIT_BUILD_TESTS=OFF -DSLFIT_BUILD_TOOLS=OFF -DSLFIT_BUILD_EXAMPLES=OFF -DSLFIT_INSTALL=ON >/dev/null
cmake --install "$work/build" >/dev/null
cmake -S "$source_dir/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/consumer" -j2 >/dev/null
"$work/consumer/consumer_core"
"$work/consumer/consumer"
echo "consumer: OK"
