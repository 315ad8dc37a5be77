#!/usr/bin/env bash
# Builds the 1C add-in for Windows x64, Windows x86 (cross, from Linux),
# Linux x64 and Linux x86 (against glibc 2.17, with cargo-zigbuild), checks
# each library's exports, imports and glibc symbol versions, and packs
# target/package/SDKWA.zip (MANIFEST.XML + the four libraries) for a 1C
# common template. The `sdkwa` command line is built the same way for Linux
# x64 and Windows x64 and packed as target/package/sdkwa-cli-VERSION-*. Installs what it needs: mingw-w64, Debian's Rust 1.96 with
# its std sources (every target's std is built from source by the compiler
# of the same version, so no prebuilt target is downloaded), cargo-zigbuild
# (crates.io) and zig (PyPI `ziglang`). Usage: scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

step() { printf '\n==> %s\n' "$*"; }

step "prerequisites"
need=()
[ -x /usr/bin/rustc ] && /usr/bin/rustc --version | grep -q '1\.96' || need+=(rustc-web rust-web-src cargo-web)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v i686-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-i686)
command -v x86_64-w64-mingw32-g++ >/dev/null || need+=(g++-mingw-w64-x86-64)
command -v i686-w64-mingw32-g++ >/dev/null || need+=(g++-mingw-w64-i686)
command -v x86_64-w64-mingw32-objdump >/dev/null || need+=(binutils-mingw-w64-x86-64)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" mingw-w64-tools >/dev/null
fi
std_src=$(ls -d /usr/src/rustc-1.96*/library 2>/dev/null | head -1)
[ -n "$std_src" ] || { echo "Debian's Rust std sources (rust-web-src) are missing"; exit 1; }
# Linux: zig links against the symbol set of an old glibc, so one build loads
# on every distribution 1C supports (CentOS 7's glibc 2.17 and newer).
command -v cargo-zigbuild >/dev/null || cargo install cargo-zigbuild --locked
python3 -m ziglang version >/dev/null 2>&1 || python3 -m pip install -q --disable-pip-version-check ziglang

# Every shipped library, Linux and Windows, is built by Debian's 1.96 with a
# standard library compiled from its sources (-Zbuild-std): a prebuilt std
# would carry its own build paths (/rustc/<commit>/library/…) that no flag
# can rewrite. The *-win7-* Windows targets import nothing newer than
# Windows 7 (the *-pc-windows-gnu DLLs need bcryptprimitives!ProcessPrng,
# absent on older servers and in wine 8).
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1

# No build machine paths in the shipped libraries (panic locations, debug
# strings): the home directory, the cargo registry, rustup, the std sources
# and the project directory get neutral prefixes. rustc applies the last
# matching rule, so the broadest come first. Paths with spaces would split
# the flags: refuse them.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
for d in "$HOME" "$cargo_home" "$rustup_home" "$root"; do
  [[ "$d" != *" "* ]] || { echo "path with a space: $d"; exit 1; }
done
remap="--remap-path-prefix=$HOME=/home --remap-path-prefix=$rustup_home=/rustup --remap-path-prefix=$cargo_home=/cargo"
remap+=" --remap-path-prefix=${std_src%/library}=/rustc/src --remap-path-prefix=/usr/lib/rustlib/src/rust=/rustc/src"
remap+=" --remap-path-prefix=$root=/sdkwa1c"

for t in x86_64 i686; do
  step "Linux $t (glibc 2.17, release)"
  T=$(echo "${t}_unknown_linux_gnu" | tr a-z A-Z)
  env "CARGO_TARGET_${T}_RUSTFLAGS=$remap" \
    cargo zigbuild --release -p sdkwa1c --lib -Zbuild-std=std,panic_unwind --target "$t-unknown-linux-gnu.2.17" --target-dir target/cross
done
linux64=target/cross/x86_64-unknown-linux-gnu/release/libsdkwa1c.so
linux32=target/cross/i686-unknown-linux-gnu/release/libsdkwa1c.so

export CARGO_TARGET_X86_64_WIN7_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_win7_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_win7_windows_gnu=x86_64-w64-mingw32-ar
export CARGO_TARGET_I686_WIN7_WINDOWS_GNU_LINKER=i686-w64-mingw32-gcc
export CC_i686_win7_windows_gnu=i686-w64-mingw32-gcc AR_i686_win7_windows_gnu=i686-w64-mingw32-ar
rt=$root/target/cross/rtstartup
mkdir -p "$rt"
for f in rsbegin rsend; do
  # i686 links only with these startup objects built for it.
  [ -f "$rt/$f.o" ] || /usr/bin/rustc --target i686-pc-windows-gnu --emit=obj -C opt-level=2 -o "$rt/$f.o" "$std_src/rtstartup/$f.rs"
done
# No file:line in panic messages (they are caught and reported as "internal error" anyway): smaller DLLs.
export CARGO_TARGET_I686_WIN7_WINDOWS_GNU_RUSTFLAGS="-L native=$rt -Zlocation-detail=none $remap"
export CARGO_TARGET_X86_64_WIN7_WINDOWS_GNU_RUSTFLAGS="-Zlocation-detail=none $remap"

for t in x86_64-win7-windows-gnu i686-win7-windows-gnu; do
  step "Windows $t (cross)"
  # opt-level z and a size-optimized std: the DLLs are network-bound; size matters more than speed here.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=z cargo build --release -p sdkwa1c --lib -Zbuild-std=std,panic_abort \
    -Zbuild-std-features=optimize_for_size --target "$t" --target-dir target/cross
done
win64=target/cross/x86_64-win7-windows-gnu/release/sdkwa1c.dll
win32=target/cross/i686-win7-windows-gnu/release/sdkwa1c.dll

step "exports and imports"
check_dll() {
  local dll=$1 objdump=$2 table
  table=$($objdump -p "$dll")
  for sym in GetClassObject DestroyObject GetClassNames SetPlatformCapabilities GetAttachType; do
    # Undecorated names (no _Name@N stdcall decoration on x86).
    grep -qE "\] $sym\$" <<<"$table" || { echo "$dll: export $sym missing or decorated"; exit 1; }
  done
  if grep -iE "DLL Name: (libgcc|libwinpthread|libstdc)" <<<"$table"; then
    echo "$dll: imports a mingw runtime DLL that Windows does not have"; exit 1
  fi
  echo "$dll: exports ok; imports: $(echo "$table" | sed -n 's/.*DLL Name: //p' | sort -fu | tr '\n' ' ')"
}
check_dll "$win64" x86_64-w64-mingw32-objdump
check_dll "$win32" i686-w64-mingw32-objdump
check_so() {
  local so=$1 newest
  for sym in GetClassObject DestroyObject GetClassNames SetPlatformCapabilities GetAttachType; do
    grep -qE " T $sym\$" <<<"$(nm -D --defined-only "$so")" || { echo "$so: export $sym missing"; exit 1; }
  done
  # The newest glibc symbol version it imports must be at most 2.17.
  newest=$(objdump -T "$so" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/GLIBC_//' | sort -uV | tail -1)
  [ -n "$newest" ] || { echo "$so: no GLIBC symbol versions found"; exit 1; }
  if [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -1)" != 2.17 ]; then
    echo "$so needs GLIBC_$newest (more than 2.17):"
    objdump -T "$so" | grep -E "GLIBC_$newest" | head
    exit 1
  fi
  echo "$so: exports ok; newest glibc symbol GLIBC_$newest; needs: $(objdump -p "$so" | sed -n 's/.*NEEDED *//p' | tr '\n' ' ')"
}
check_so "$linux64"
check_so "$linux32"
check_exe() {
  local exe=$1 table
  table=$(x86_64-w64-mingw32-objdump -p "$exe")
  grep -qE "file format pei?-x86-64" <<<"$(x86_64-w64-mingw32-objdump -f "$exe")" || { echo "$exe: not a PE x86-64 executable"; exit 1; }
  if grep -iE "DLL Name: (libgcc|libwinpthread|libstdc)" <<<"$table"; then
    echo "$exe: imports a mingw runtime DLL that Windows does not have"; exit 1
  fi
  echo "$exe: PE x86-64; imports: $(echo "$table" | sed -n 's/.*DLL Name: //p' | sort -fu | tr '\n' ' ')"
}
check_cli() {
  local bin=$1 newest
  "$bin" --version | grep -qx "sdkwa $version" || { echo "$bin --version does not say sdkwa $version"; exit 1; }
  newest=$(objdump -T "$bin" | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/GLIBC_//' | sort -uV | tail -1)
  if [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -1)" != 2.17 ]; then
    echo "$bin needs GLIBC_$newest (more than 2.17)"; exit 1
  fi
  echo "$bin: runs; newest glibc symbol GLIBC_$newest"
}

step "hosts for the load tests"
inc=$(cargo metadata --format-version 1 | python3 -c "import json,sys,os; print([os.path.dirname(p['manifest_path']) for p in json.load(sys.stdin)['packages'] if p['name']=='addin1c-test'][0])")/include
mkdir -p target/package/hosts
x86_64-w64-mingw32-g++ -std=c++17 -O1 -static -I"$inc" tests/host/win_host.cpp -o target/package/hosts/win_host_x64.exe
i686-w64-mingw32-g++ -std=c++17 -O1 -static -I"$inc" tests/host/win_host.cpp -o target/package/hosts/win_host_x86.exe

step "SDKWA.zip"
out=target/package/SDKWA
rm -rf "$out" && mkdir -p "$out"
cp addin/MANIFEST.XML "$out/"
cp "$win64" "$out/sdkwa1c_x64.dll"
cp "$win32" "$out/sdkwa1c_x86.dll"
cp "$linux64" "$out/libsdkwa1c_x64.so"
cp "$linux32" "$out/libsdkwa1c_x86.so"
rm -f target/package/SDKWA.zip
(cd "$out" && python3 - "$root/target/package/SDKWA.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in ["MANIFEST.XML", "sdkwa1c_x64.dll", "sdkwa1c_x86.dll", "libsdkwa1c_x64.so", "libsdkwa1c_x86.so"]:
        z.write(name, name)
PY
)
cp target/package/SDKWA.zip "target/package/SDKWA-$version.zip"
printf '\n%-22s %10s\n' file bytes
for f in MANIFEST.XML sdkwa1c_x64.dll sdkwa1c_x86.dll libsdkwa1c_x64.so libsdkwa1c_x86.so; do
  size=$(stat -c %s "$out/$f")
  printf '%-22s %10s\n' "$f" "$size"
  # A 1C common template over a few MB slows every configuration update.
  [ "$size" -le $((4 * 1024 * 1024)) ] || { echo "$f is over 4 MB"; exit 1; }
done
printf '%-22s %10s\n' "SDKWA-$version.zip" "$(stat -c %s target/package/SDKWA.zip)"

# The command line is built after the add-in's libraries are packed: its build
# also compiles sdkwa1c as a dependency (in the same target directory), and the
# shipped libraries must be the ones built for the product alone.
step "sdkwa command line, Linux x64 (glibc 2.17, release)"
env "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS=$remap" \
  cargo zigbuild --release -p sdkwa-cli --bin sdkwa -Zbuild-std=std,panic_unwind --target x86_64-unknown-linux-gnu.2.17 --target-dir target/cross
cli_linux64=target/cross/x86_64-unknown-linux-gnu/release/sdkwa
step "sdkwa command line, Windows x64 (cross)"
CARGO_PROFILE_RELEASE_OPT_LEVEL=z cargo build --release -p sdkwa-cli --bin sdkwa -Zbuild-std=std,panic_abort \
  -Zbuild-std-features=optimize_for_size --target x86_64-win7-windows-gnu --target-dir target/cross
cli_win64=target/cross/x86_64-win7-windows-gnu/release/sdkwa.exe
check_exe "$cli_win64"
check_cli "$cli_linux64"
step "sdkwa command line archives"
cli=target/package/sdkwa-cli
rm -rf "$cli" && mkdir -p "$cli/linux-x64" "$cli/windows-x64"
cp "$cli_linux64" "$cli/linux-x64/sdkwa"
cp "$cli_win64" "$cli/windows-x64/sdkwa.exe"
tar -C "$cli/linux-x64" --owner=0 --group=0 -czf "target/package/sdkwa-cli-$version-linux-x64.tar.gz" sdkwa
rm -f "target/package/sdkwa-cli-$version-windows-x64.zip"
python3 - "target/package/sdkwa-cli-$version-windows-x64.zip" "$cli/windows-x64/sdkwa.exe" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.write(sys.argv[2], "sdkwa.exe")
PY
for f in "sdkwa-cli-$version-linux-x64.tar.gz" "sdkwa-cli-$version-windows-x64.zip"; do
  printf '%-36s %10s\n' "$f" "$(stat -c %s "target/package/$f")"
done
echo "packed: target/package/SDKWA.zip (version $version)"
# This run's sizes table (target/package/SIZES.md): `python3 scripts/sizes-table.py
# target/package docs/building.md` puts it into the build guide; the package test
# fails when the committed table drifts from a fresh build.
python3 scripts/sizes-table.py target/package >/dev/null

step "1c-sample with the add-in in its template"
bash scripts/assemble-1c-dump.sh 1c-sample

step "1c-extension with the add-in in its template"
bash scripts/assemble-1c-dump.sh 1c-extension
