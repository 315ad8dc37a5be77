//! The packed add-in: unpack `target/package/SDKWA.zip`, read its manifest,
//! load every library it names on its platform — Linux through the C++ host
//! emulator, the Windows DLLs through a mingw-built host under wine — and
//! send and receive through the sandbox. Run by `scripts/test-all.sh` after
//! `scripts/package.sh`; what cannot run here is said, never skipped quietly.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use sdkwa1c::sandbox::{DEFAULT_ID, DEFAULT_TOKEN};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// (os, path, arch) of each `<component>` in MANIFEST.XML.
fn components(manifest: &str) -> Vec<(String, String, String)> {
    let attr = |tag: &str, name: &str| {
        let key = format!("{name}=\"");
        tag.find(&key)
            .map(|i| {
                tag[i + key.len()..]
                    .split('"')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .unwrap_or_default()
    };
    manifest
        .split("<component")
        .skip(1)
        .map(|t| {
            let tag = t.split("/>").next().unwrap_or("");
            (attr(tag, "os"), attr(tag, "path"), attr(tag, "arch"))
        })
        .collect()
}

fn wine(exe: &Path, args: &[String]) -> std::process::Output {
    Command::new("wine")
        .arg(exe)
        .args(args)
        .env("WINEPREFIX", root().join("target/wine"))
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .output()
        .expect("wine runs (scripts/test-all.sh installs it)")
}

#[test]
#[ignore = "needs target/package/SDKWA.zip: run scripts/package.sh first (scripts/test-all.sh does both)"]
fn every_library_in_the_zip_loads_and_works() {
    let zip_path = root().join("target/package/SDKWA.zip");
    let file = std::fs::File::open(&zip_path)
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/package.sh", zip_path.display()));
    let dir = tempfile::tempdir().unwrap();
    zip::ZipArchive::new(file)
        .unwrap()
        .extract(dir.path())
        .unwrap();
    let manifest = std::fs::read_to_string(dir.path().join("MANIFEST.XML"))
        .expect("MANIFEST.XML at the root of the zip");
    assert!(manifest.contains("http://v8.1c.ru/8.2/addin/bundle"));
    let comps = components(&manifest);
    assert_eq!(comps.len(), 3, "{comps:?}");
    let sb = common::sandbox();
    sb.set_echo(DEFAULT_ID, true);
    let mut report = Vec::new();
    for (os, path, arch) in &comps {
        let lib = dir.path().join(path);
        let size = std::fs::metadata(&lib)
            .unwrap_or_else(|_| panic!("{path} named in the manifest is in the zip"))
            .len();
        match (os.as_str(), arch.as_str()) {
            ("Linux", "x86_64") => {
                let script = format!(
                    "load\t{}\nnew\nset\tIdInstance\ts:{DEFAULT_ID}\nset\tApiToken\ts:{DEFAULT_TOKEN}\nset\tАдресAPI\ts:{}\n\
                     call\tОтправитьТекст\tr:79007654321\ts:из zip\ncall\tПолучитьУведомление\ti:2\n",
                    lib.display(),
                    sb.url()
                );
                let out = common::host::run(&script);
                assert_eq!(out[0][2], "Client");
                assert!(
                    common::host::json(&out[5])["idMessage"].is_string(),
                    "{out:?}"
                );
                assert!(
                    common::host::json(&out[6])["receiptId"].is_number(),
                    "{out:?}"
                );
                report.push(format!("{path:<20} {size:>9} bytes  loaded by the C++ 1C host emulator: sent and received"));
            }
            ("Windows", arch) => {
                let host = root().join(format!(
                    "target/package/hosts/win_host_{}.exe",
                    if arch == "x86_64" { "x64" } else { "x86" }
                ));
                assert!(
                    host.exists(),
                    "{} is built by scripts/package.sh",
                    host.display()
                );
                let out = wine(
                    &host,
                    &[
                        lib.display().to_string(),
                        sb.url(),
                        DEFAULT_TOKEN.to_string(),
                    ],
                );
                let stdout = String::from_utf8_lossy(&out.stdout);
                let stderr = String::from_utf8_lossy(&out.stderr);
                if arch == "i386" && !stdout.contains(" passed, ") {
                    // wine exits 0 without a word when it cannot start a 32-bit program;
                    // ask it why, and require that reason (no 32-bit wine) before reporting.
                    let why = Command::new("wine")
                        .arg(&host)
                        .env("WINEPREFIX", root().join("target/wine"))
                        .env("WINEDEBUG", "err+module")
                        .output()
                        .expect("wine runs");
                    let why = String::from_utf8_lossy(&why.stderr);
                    let reason = why
                        .lines()
                        .find(|l| l.contains("wow64") || l.contains("c0000135"))
                        .unwrap_or_default()
                        .trim()
                        .to_string();
                    assert!(
                        !reason.is_empty(),
                        "{path} did not run under wine for an unknown reason:\n{why}"
                    );
                    println!("NOT RUN: {path} under wine: this machine's wine has no 32-bit support ({reason}); the DLL was built and its exports and imports were checked by scripts/package.sh");
                    report.push(format!("{path:<20} {size:>9} bytes  NOT RUN here (no 32-bit wine); exports/imports checked"));
                    continue;
                }
                assert!(
                    out.status.success() && stdout.contains(" passed, 0 failed"),
                    "{path} under wine:\n{stdout}\n{stderr}"
                );
                let first = stdout
                    .lines()
                    .find(|l| l.starts_with("first call after"))
                    .unwrap_or("")
                    .to_string();
                report.push(format!("{path:<20} {size:>9} bytes  loaded under wine by a mingw host (MSVC layout): sent, received, AddError; {first}"));
            }
            other => panic!("unexpected component {other:?}"),
        }
    }
    println!("\n{}", report.join("\n"));
}

#[test]
#[ignore = "needs target/package/1c-sample: run scripts/package.sh first (scripts/test-all.sh does both)"]
fn the_assembled_1c_dump_is_complete_with_the_real_zip_in_its_template() {
    let dump = root().join("target/package/1c-sample");
    let template = dump.join("CommonTemplates/SDKWAКомпонента/Ext/Template.bin");
    let zip = std::fs::read(root().join("target/package/SDKWA.zip")).unwrap();
    let bin = std::fs::read(&template).unwrap_or_else(|e| panic!("{}: {e}", template.display()));
    assert!(bin.len() > 1_000_000, "{} bytes", bin.len());
    assert!(bin == zip, "Template.bin is not the packed SDKWA.zip");
    // Every object the configuration lists is there, and every file of the
    // committed sample was copied.
    for (kind, name) in common::dump::configuration_objects(&dump) {
        let path = dump
            .join(common::dump::kind_dir(&kind))
            .join(format!("{name}.xml"));
        assert!(path.is_file(), "{}", path.display());
    }
    let source = root().join("1c-sample");
    for ext in [".xml", ".bsl"] {
        for f in common::dump::files(&source, ext) {
            let rel = f.strip_prefix(&source).unwrap();
            assert_eq!(
                std::fs::read(&f).unwrap(),
                std::fs::read(dump.join(rel)).unwrap(),
                "{}",
                rel.display()
            );
        }
    }
    // The archive a user downloads holds the same dump, template included.
    let version = env!("CARGO_PKG_VERSION");
    let archive = root().join(format!("target/package/1c-sample-{version}.zip"));
    let mut z = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
    let mut inner = z
        .by_name("CommonTemplates/SDKWAКомпонента/Ext/Template.bin")
        .expect("template in the archive");
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut inner, &mut bytes).unwrap();
    assert!(bytes == zip);
}

#[test]
#[ignore = "needs target/package/1c-extension: run scripts/package.sh first (scripts/test-all.sh does both)"]
fn the_assembled_extension_has_identical_copies_of_the_shared_files_and_the_real_zip() {
    let dump = root().join("target/package/1c-extension");
    let zip = std::fs::read(root().join("target/package/SDKWA.zip")).unwrap();
    let template = dump.join("CommonTemplates/SDKWAКомпонента/Ext/Template.bin");
    let bin = std::fs::read(&template).unwrap_or_else(|e| panic!("{}: {e}", template.display()));
    assert!(bin == zip, "Template.bin is not the packed SDKWA.zip");
    // The shared files, kept once in 1c-sample, are byte-identical in the extension.
    let shared = common::dump::text(&root().join("1c-extension/SHARED"));
    let mut n = 0;
    for rel in shared
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        assert_eq!(
            std::fs::read(root().join("1c-sample").join(rel)).unwrap(),
            std::fs::read(dump.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")),
            "{rel}"
        );
        n += 1;
    }
    assert!(n >= 2, "{n} shared files");
    // Its own files are copied unchanged, and nothing the repository keeps
    // beside the dump (README, SHARED) leaks into it.
    let source = root().join("1c-extension");
    for f in common::dump::files(&source, ".xml") {
        let rel = f.strip_prefix(&source).unwrap();
        assert_eq!(
            std::fs::read(&f).unwrap(),
            std::fs::read(dump.join(rel)).unwrap()
        );
    }
    assert!(!dump.join("SHARED").exists() && !dump.join("README.md").exists());
    // The parsers see a complete extension: every listed object has its file.
    for (kind, name) in common::dump::configuration_objects(&dump) {
        let path = dump
            .join(common::dump::kind_dir(&kind))
            .join(format!("{name}.xml"));
        assert!(path.is_file(), "{}", path.display());
    }
    let version = env!("CARGO_PKG_VERSION");
    let archive = root().join(format!("target/package/1c-extension-{version}.zip"));
    let z = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
    assert!(z.file_names().any(|n| n == "Configuration.xml"));
}
