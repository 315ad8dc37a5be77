#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) with libFuzzer and
# AddressSanitizer. Stable Rust is used with RUSTC_BOOTSTRAP=1 for the
# sanitizer flags (the toolchain ships the sanitizer runtimes). A crash leaves
# its input in fuzz/artifacts/<target>/ and fails the script.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
mkdir -p ../target
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --quiet
export RUSTC_BOOTSTRAP=1
for t in $(cargo fuzz list); do
  echo "==> fuzz $t for ${seconds}s"
  cargo fuzz run "$t" -- -max_total_time="$seconds" 2>&1 | tee "../target/fuzz-$t.log" | grep -E '^Done|ERROR|panicked' || true
  grep -q '^Done' "../target/fuzz-$t.log" || { echo "fuzz target $t failed: see target/fuzz-$t.log and fuzz/artifacts/$t/"; exit 1; }
done
