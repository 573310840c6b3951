#!/usr/bin/env bash
# CI's second build tree, build-asan/: everything compiled by clang with
# AddressSanitizer + UndefinedBehaviorSanitizer (and libFuzzer's coverage),
# the whole test suite run there with zero reports allowed, then every fuzz
# target of tests/fuzz for FUZZ_SECONDS (default 20) each.
# Needs what setup.sh installs (clang, libclang-rt-14-dev among it) and its
# models in HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS=-g1 -DPROMPTLIST_SANITIZE=ON -DPROMPTLIST_FUZZ=ON >/dev/null
cmake --build "$build" -j "$(nproc)"
# halt_on_error: a report fails the test that caused it. Leak checking stays
# on: tests/lsan.supp names the only leaks allowed (none of ours).
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0:suppressions=$PWD/tests/asan.supp"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
# All but RealModelInt8: it embeds every demo verse at two precisions, over
# 15 minutes under ASan; its kernels run here in tests/bert's int8 tests.
ctest --test-dir "$build" --output-on-failure -E '^RealModelInt8'
bash tests/fuzz/run_fuzzers.sh "$build" "${FUZZ_SECONDS:-20}"
