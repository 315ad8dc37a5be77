#!/usr/bin/env bash
# Runs every check of the project: format, lints, the header, all tests.
# Installs what the tests need first (idempotent). Usage: scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "prerequisites"
PYTHON=${PYTHON:-python3}
# C and C++ compilers (the C ABI program, the 1C host emulator), valgrind, curl.
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
# The sandbox guide's curl session is run as written (crates/sandbox/tests/docs.rs).
command -v curl >/dev/null 2>&1 || missing+=(curl)
# The 32-bit host emulator (g++ -m32) for the Linux x86 add-in: amd64 packages, no i386 architecture.
echo 'int main() {}' | g++ -m32 -x c++ - -o /dev/null >/dev/null 2>&1 || missing+=(g++-multilib)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! "$PYTHON" -c "import sdkwa" >/dev/null 2>&1; then
  # The official sdkwa client: the independent check of the sandbox's protocol.
  "$PYTHON" -m pip install -q --disable-pip-version-check sdkwa-whatsapp-api-client
fi
if ! "$PYTHON" -m bslfmt --version >/dev/null 2>&1; then
  # The formatter of BSL indentation and spacing by the 1C standards: every
  # module of the 1C sample must format unchanged (tests/sample_1c.rs).
  "$PYTHON" -m pip install -q --disable-pip-version-check bslfmt
fi
export PYTHON
# bslfmt was installed above: the formatting test fails instead of skipping
# if it cannot run (tree-sitter-bsl is a Rust dependency and never skips).
export SDKWA_REQUIRE_BSLFMT=1

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (the shipped library alone, then the whole workspace)"
cargo clippy -p sdkwa1c --lib -- -D warnings
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test --workspace"
# The tests load the add-in library itself (libloading, the host emulator,
# addin1c-test); `cargo test` builds only the rlib, so build the cdylib first.
cargo build -p sdkwa1c --lib
cargo test --workspace 2>&1 | tee target/test-output.txt
summary=$(grep -E '^test result:' target/test-output.txt | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')

step "the add-in zip: Windows x64/x86 and Linux x64/x86 builds, then each library loaded"
bash scripts/package.sh
if ! command -v wine >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine64 wine >/dev/null
fi
cargo test --test package -- --ignored --nocapture 2>&1 | tee target/package-test-output.txt
grep -E '^test result:' target/package-test-output.txt >> target/test-output.txt

step "the host-emulator suite again: the packaged Linux x86 add-in in the 32-bit (-m32) host"
SDKWA_ADDIN_LIB=$PWD/target/package/SDKWA/libsdkwa1c_x86.so SDKWA_HOST_M32=1 \
  cargo test --test addin_host 2>&1 | tee target/addin-host-m32-output.txt
grep -E '^test result:' target/addin-host-m32-output.txt >> target/test-output.txt
summary=$(grep -E '^test result:' target/test-output.txt | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')

step "fuzzing (60 s per target)"
mkdir -p target
bash scripts/fuzz.sh 60

step "ThreadSanitizer: 8 threads x 1000 calls on one C client, several add-in objects"
bash scripts/tsan.sh
grep -E '^test result:' target/tsan-output.txt >> target/test-output.txt
summary=$(grep -E '^test result:' target/test-output.txt | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')

step "header is current"
git diff --exit-code -- include/sdkwa1c.h || { echo "include/sdkwa1c.h changed: commit it"; exit 1; }

printf '\nAll checks: %s\n' "$summary"
