#!/usr/bin/env bash
# The main job: builds the 1C add-in (release, no sandbox inside) and runs the
# demo, which loads it like 1C:Enterprise does and walks QR authorization,
# sending, receiving and errors against the embedded offline sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "==> building the add-in (release)"
# A separate target dir: the add-in is built without the sandbox feature and
# must not be overwritten by the demo's own build.
cargo build --release -p sdkwa1c --lib --target-dir target/addin-build
case "$(uname -s)" in
  Linux) lib=target/addin-build/release/libsdkwa1c.so ;;
  Darwin) lib=target/addin-build/release/libsdkwa1c.dylib ;;
  *) lib=target/addin-build/release/sdkwa1c.dll ;;
esac
ls -l "$lib"

echo "==> running the demo against the embedded sandbox"
cargo run --quiet --release -p sdkwa-demo -- "$lib"
