#!/usr/bin/env bash
# Assembles the configuration extension's loadable dump from 1c-extension/
# (its own metadata), the files it shares with 1c-sample/ (listed in
# 1c-extension/SHARED, kept once, in 1c-sample/) and the add-in zip for its
# template: target/package/1c-extension/ and target/package/1c-extension-<version>.zip.
# Called by scripts/package.sh after SDKWA.zip is built.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
[ -f target/package/SDKWA.zip ] || { echo "target/package/SDKWA.zip is missing: run scripts/package.sh"; exit 1; }

dump=target/package/1c-extension
rm -rf "$dump" && cp -r 1c-extension "$dump"
rm -f "$dump/README.md" "$dump/SHARED"
grep -v '^#' 1c-extension/SHARED | while read -r rel; do
  [ -n "$rel" ] || continue
  mkdir -p "$dump/$(dirname "$rel")"
  cp "1c-sample/$rel" "$dump/$rel"
done
mkdir -p "$dump/CommonTemplates/SDKWAКомпонента/Ext"
cp target/package/SDKWA.zip "$dump/CommonTemplates/SDKWAКомпонента/Ext/Template.bin"
rm -f "target/package/1c-extension-$version.zip"
(cd "$dump" && python3 - "$root/target/package/1c-extension-$version.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for base, _, names in sorted(os.walk(".")):
        for n in sorted(names):
            z.write(os.path.join(base, n), os.path.relpath(os.path.join(base, n), "."))
PY
)
echo "assembled: $dump (Конфигуратор → Конфигурация → Расширения конфигурации → Загрузить из файлов), target/package/1c-extension-$version.zip"
