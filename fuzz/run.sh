#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 in build-fuzz and runs each for SECONDS (default 60)
# on its seed corpus. Exits nonzero if any fuzzer finds a crash, a hang, a leak or a sanitizer
# report; the input that caused it is left in build-fuzz/artifacts/.
#
#   fuzz/run.sh            # about a minute per target, as CI does
#   fuzz/run.sh 3600       # the long run (see docs/fuzzing.md)
#
# Environment: JOBS (build parallelism, default 2), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${JOBS:-2}"
dir=build-fuzz

CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g" -DSLFIT_BUILD_FUZZERS=ON -DSLFIT_BUILD_TESTS=OFF \
  -DSLFIT_BUILD_TOOLS=OFF -DSLFIT_BUILD_EXAMPLES=OFF -DSLFIT_INSTALL=OFF >/dev/null
cmake --build "$dir" -j"$jobs" --target csv_fuzzer expression_fuzzer law_file_fuzzer parameter_file_fuzzer

# The checked-in corpus is only read: new inputs go to a working corpus in the build folder, which
# persists between runs so a later run starts where the last one stopped.
status=0
for target in csv expression law_file parameter_file; do
  work="$dir/corpus/$target"
  artifacts="$dir/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  case $target in
    csv) max_len=65536 ;;         # thousands of short rows, or a few very long lines
    expression) max_len=16384 ;;  # long enough for chains of thousands of operators
    law_file) max_len=16384 ;;    # past the formula length limit (10000) and the 1000-key limit
    parameter_file) max_len=16384 ;;  # a fit with its covariance and a few hundred draws
  esac
  echo "fuzz: $target for ${seconds} s"
  # Seed folders that exist (git keeps no empty folder, and libFuzzer stops on a missing one).
  seeds=("fuzz/corpus/$target")
  [ -d "fuzz/regressions/$target" ] && seeds+=("fuzz/regressions/$target")
  # shellcheck disable=SC2086
  if ! "$dir/fuzz/${target}_fuzzer" "$work" "${seeds[@]}" \
      -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
      -malloc_limit_mb=2048 -dict="fuzz/$target.dict" -artifact_prefix="$artifacts" \
      -print_final_stats=1 \
      ${FUZZ_ARGS:-} 2>"$dir/$target.log"; then
    status=1
    echo "fuzz: $target FAILED; the last lines of $dir/$target.log:"
    tail -n 40 "$dir/$target.log"
  fi
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$dir/$target.log" || true
  grep -E 'cov: [0-9]+' "$dir/$target.log" | tail -n 1 || true
done
exit "$status"
