#!/usr/bin/env bash
# Runs tests/concurrency.rs (8 threads x 1000 calls on one C client; several
# add-in objects with a background receiver) under ThreadSanitizer. Stable
# Rust with RUSTC_BOOTSTRAP=1 for -Zsanitizer; std is rebuilt with the
# sanitizer (-Zbuild-std) so its synchronization is seen too. Any data race
# fails the run (halt_on_error).
set -euo pipefail
cd "$(dirname "$0")/.."
target=$(rustc -vV | sed -n 's/^host: //p')
if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  rustup component add rust-src
fi
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="-Zsanitizer=thread"
export RUSTDOCFLAGS="-Zsanitizer=thread"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp"
cargo test -Zbuild-std --target "$target" --target-dir target/tsan \
  --test concurrency -- --test-threads=1 2>&1 | tee target/tsan-output.txt
! grep -q "WARNING: ThreadSanitizer" target/tsan-output.txt
