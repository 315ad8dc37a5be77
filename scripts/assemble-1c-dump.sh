#!/usr/bin/env bash
# Assembles a loadable Designer dump with the add-in in its common template:
# target/package/<dir>/ and target/package/<dir>-<version>.zip, for <dir> =
# 1c-sample (the sample configuration) or 1c-extension (the configuration
# extension). The repository keeps the template's metadata, not the zip (a
# build output). A dump with a SHARED list (the extension) also gets the files
# it shares with 1c-sample/, which are kept once, there.
# Called by scripts/package.sh after SDKWA.zip is built. Usage: assemble-1c-dump.sh DIR
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
src=${1:?usage: assemble-1c-dump.sh 1c-sample|1c-extension}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
[ -f target/package/SDKWA.zip ] || { echo "target/package/SDKWA.zip is missing: run scripts/package.sh"; exit 1; }

dump=target/package/$src
rm -rf "$dump" && cp -r "$src" "$dump"
rm -f "$dump/README.md" "$dump/SHARED"
if [ -f "$src/SHARED" ]; then
  grep -v '^#' "$src/SHARED" | while read -r rel; do
    [ -n "$rel" ] || continue
    mkdir -p "$dump/$(dirname "$rel")"
    cp "1c-sample/$rel" "$dump/$rel"
  done
fi
mkdir -p "$dump/CommonTemplates/SDKWAКомпонента/Ext"
cp target/package/SDKWA.zip "$dump/CommonTemplates/SDKWAКомпонента/Ext/Template.bin"
rm -f "target/package/$src-$version.zip"
(cd "$dump" && python3 - "$root/target/package/$src-$version.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, names in sorted(os.walk(".")):
        for n in sorted(names):
            z.write(os.path.join(base, n), os.path.relpath(os.path.join(base, n), "."))
PY
)
if [ -f "$src/SHARED" ]; then
  load="Конфигуратор → Конфигурация → Расширения конфигурации → Загрузить из файлов"
else
  load="Конфигурация → Загрузить конфигурацию из файлов"
fi
echo "assembled: $dump ($load), target/package/$src-$version.zip"
