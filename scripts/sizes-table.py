"""Writes the shipped files' sizes as a Markdown table, from the packaging output.

usage: sizes-table.py PACKAGE_DIR [docs/building.md]

PACKAGE_DIR is target/package (the unpacked SDKWA/ folder and SDKWA.zip).
Prints the table and writes it to PACKAGE_DIR/SIZES.md; with a document, also
replaces the table between the document's `<!-- sizes:begin -->` and
`<!-- sizes:end -->` markers (every copy of them), so the published sizes are
the last packaging run's, never typed by hand. tests/package.rs checks that
docs/building.md's table matches a fresh build.
"""
import os
import re
import sys

FILES = [
    ("sdkwa1c_x64.dll", "Windows x64"),
    ("sdkwa1c_x86.dll", "Windows x86"),
    ("libsdkwa1c_x64.so", "Linux x64"),
    ("libsdkwa1c_x86.so", "Linux x86"),
]


def table(package_dir):
    rows = ["| file | platform | bytes | MiB |", "|---|---|---|---|"]
    for name, platform in FILES:
        size = os.path.getsize(os.path.join(package_dir, "SDKWA", name))
        rows.append(f"| `{name}` | {platform} | {size} | {size / 1048576:.2f} |")
    size = os.path.getsize(os.path.join(package_dir, "SDKWA.zip"))
    rows.append(f"| `SDKWA.zip` | all four + `MANIFEST.XML` | {size} | {size / 1048576:.2f} |")
    return "\n".join(rows) + "\n"


def main():
    package_dir = sys.argv[1]
    text = table(package_dir)
    with open(os.path.join(package_dir, "SIZES.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text, end="")
    if len(sys.argv) > 2:
        readme = sys.argv[2]
        with open(readme, encoding="utf-8") as f:
            old = f.read()
        new = re.sub(
            r"(<!-- sizes:begin -->\n).*?(<!-- sizes:end -->)",
            lambda m: m.group(1) + text + m.group(2),
            old,
            flags=re.S,
        )
        if new != old:
            with open(readme, "w", encoding="utf-8") as f:
                f.write(new)
            print(f"updated the sizes table in {readme}")


if __name__ == "__main__":
    main()
