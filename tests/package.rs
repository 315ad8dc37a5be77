//! The packed add-in: unpack `target/package/SDKWA.zip`, read its manifest,
//! load every library it names on its platform — Linux x64 and x86 through
//! the C++ host emulator (built with `-m32` for x86), the Windows DLLs
//! through a mingw-built host under wine — and send and receive through the
//! sandbox; check that the Linux libraries need at most glibc 2.17 and that
//! no library carries the build machine's paths. Run by `scripts/test-all.sh` after
//! `scripts/package.sh`; what cannot run here is said, never skipped quietly.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use sdkwa_sandbox::{DEFAULT_ID, DEFAULT_TOKEN};

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

/// Unpacks the zip into a temporary directory and returns it with the manifest's components.
fn unpack() -> (tempfile::TempDir, Vec<(String, String, String)>) {
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
    (dir, comps)
}

/// The newest `GLIBC_x.y[.z]` symbol version `objdump -T` lists for `lib`.
fn newest_glibc(lib: &Path) -> Vec<u32> {
    let out = Command::new("objdump")
        .arg("-T")
        .arg(lib)
        .output()
        .expect("objdump (binutils) runs");
    let table = String::from_utf8_lossy(&out.stdout);
    table
        .split("GLIBC_")
        .skip(1)
        .filter_map(|rest| {
            let v: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let parts: Vec<u32> = v.split('.').filter_map(|p| p.parse().ok()).collect();
            (!parts.is_empty()).then_some(parts)
        })
        .max()
        .unwrap_or_else(|| panic!("{}: no GLIBC symbol versions", lib.display()))
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
    let (dir, comps) = unpack();
    assert_eq!(comps.len(), 4, "{comps:?}");
    let sb = common::sandbox();
    sb.set_echo(DEFAULT_ID, true);
    let mut report = Vec::new();
    for (os, path, arch) in &comps {
        let lib = dir.path().join(path);
        let size = std::fs::metadata(&lib)
            .unwrap_or_else(|_| panic!("{path} named in the manifest is in the zip"))
            .len();
        match (os.as_str(), arch.as_str()) {
            ("Linux", arch @ ("x86_64" | "i386")) => {
                let m32 = arch == "i386";
                // ELF class: 1 = 32-bit, 2 = 64-bit.
                let elf = std::fs::read(&lib).unwrap();
                assert_eq!(elf[4], if m32 { 1 } else { 2 }, "{path}: ELF class");
                let glibc = newest_glibc(&lib);
                assert!(
                    glibc <= vec![2, 17],
                    "{path} needs GLIBC_{glibc:?}: it would not load on glibc 2.17 (CentOS 7) to 2.27 systems"
                );
                let script = format!(
                    "load\t{}\nnew\nset\tIdInstance\ts:{DEFAULT_ID}\nset\tApiToken\ts:{DEFAULT_TOKEN}\nset\tАдресAPI\ts:{}\n\
                     call\tОтправитьТекст\tr:79007654321\ts:из zip\ncall\tПолучитьУведомление\ti:2\nsizeof\ndestroy\nstats\n",
                    lib.display(),
                    sb.url()
                );
                let host = common::host::emulator_of(m32);
                let out = common::host::results(common::host::run_on(host, &[], &script).0);
                assert_eq!(out[0][2], "Client");
                assert!(
                    common::host::json(&out[5])["idMessage"].is_string(),
                    "{out:?}"
                );
                assert!(
                    common::host::json(&out[6])["receiptId"].is_number(),
                    "{out:?}"
                );
                // tVariant, offset of vt, struct tm, long, WCHAR_T and pointer sizes of the host.
                let sizes = if m32 {
                    ["52", "48", "44", "4", "2", "4"]
                } else {
                    ["64", "60", "56", "8", "2", "8"]
                };
                assert_eq!(out[7][2..], sizes, "{out:?}");
                assert_eq!(out[9][2], out[9][3], "host allocations = frees: {out:?}");
                let host_kind = if m32 { "32-bit (-m32)" } else { "64-bit" };
                report.push(format!(
                    "{path:<20} {size:>9} bytes  loaded by the {host_kind} C++ 1C host emulator: sent and received; tVariant {} bytes; newest glibc symbol GLIBC_{}; {} host allocations, all freed",
                    out[7][2],
                    glibc.iter().map(u32::to_string).collect::<Vec<_>>().join("."),
                    out[9][2]
                ));
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
#[ignore = "needs target/package/SDKWA.zip: run scripts/package.sh first (scripts/test-all.sh does both)"]
fn no_library_carries_the_build_machines_paths() {
    let (dir, comps) = unpack();
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let mut needles = vec![
        format!("{home}/"),
        format!("{}/", root().display()),
        "/usr/src/rustc-".to_string(),
        "/usr/lib/rustlib/".to_string(),
    ];
    for var in ["CARGO_HOME", "RUSTUP_HOME"] {
        if let Ok(v) = std::env::var(var) {
            needles.push(format!("{v}/"));
        }
    }
    let mut found = Vec::new();
    for (_, path, _) in &comps {
        let bytes = std::fs::read(dir.path().join(path)).unwrap();
        for n in &needles {
            let hits = count(&bytes, n.as_bytes(), |_| true);
            if hits > 0 {
                found.push(format!("{path}: {hits} × {n}"));
            }
        }
        // A prebuilt standard library's own build path: /rustc/<40-hex commit>/.
        let hits = count(&bytes, b"/rustc/", |rest| {
            rest.len() > 40 && rest[..40].iter().all(u8::is_ascii_hexdigit) && rest[40] == b'/'
        });
        if hits > 0 {
            found.push(format!("{path}: {hits} × /rustc/<commit>/"));
        }
    }
    assert!(
        found.is_empty(),
        "build machine paths in the shipped libraries:\n{}",
        found.join("\n")
    );
    println!(
        "{} libraries: none holds {needles:?} or /rustc/<commit>/",
        comps.len()
    );
}

/// How many times `needle` occurs in `hay` with `after` true for the bytes that follow it.
fn count(hay: &[u8], needle: &[u8], after: impl Fn(&[u8]) -> bool) -> usize {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(i, w)| *w == needle && after(&hay[i + needle.len()..]))
        .count()
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
    // Its own files (metadata, modules, forms) are copied unchanged, and
    // nothing the repository keeps beside the dump (README, SHARED) leaks into it.
    let source = root().join("1c-extension");
    let mut own = 0;
    for f in common::dump::files(&source, "") {
        let rel = f.strip_prefix(&source).unwrap();
        if rel == Path::new("README.md") || rel == Path::new("SHARED") {
            continue;
        }
        assert_eq!(
            std::fs::read(&f).unwrap(),
            std::fs::read(dump.join(rel)).unwrap_or_else(|e| panic!("{}: {e}", rel.display())),
            "{}",
            rel.display()
        );
        own += 1;
    }
    assert!(own >= 20, "{own} own files");
    assert!(own >= common::dump::files(&source, ".bsl").len() + 10);
    assert!(!dump.join("SHARED").exists() && !dump.join("README.md").exists());
    // The assembled dump as a whole passes the order check against the
    // platform's dumps, shared modules included.
    let findings = common::order::check(&dump);
    assert!(findings.is_empty(), "{}", findings.join("\n"));
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

/// The published sizes table (docs/building.md) is the packaging output's
/// (`scripts/sizes-table.py target/package docs/building.md` writes it): every shipped file within 5 % of a
/// fresh build (5 %: builds on other machines differ by a few bytes, a stale
/// table by far more), so a table typed by hand or left stale fails.
#[test]
#[ignore = "needs target/package/SDKWA.zip: run scripts/package.sh first (scripts/test-all.sh does both)"]
fn the_published_sizes_are_the_packaging_outputs() {
    let readme = std::fs::read_to_string(root().join("docs/building.md")).unwrap();
    let begin = readme
        .find("<!-- sizes:begin -->")
        .expect("docs/building.md has a generated sizes table");
    let end = readme[begin..].find("<!-- sizes:end -->").unwrap() + begin;
    let mut checked = 0;
    for row in readme[begin..end].lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`');
        let claimed: f64 = cells[3]
            .parse()
            .unwrap_or_else(|_| panic!("bytes in {row}"));
        let path = match name {
            "SDKWA.zip" => root().join("target/package/SDKWA.zip"),
            other => root().join("target/package/SDKWA").join(other),
        };
        let actual = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .len() as f64;
        let drift = (claimed - actual).abs() / actual;
        println!(
            "{name}: docs/building.md {claimed} B, built {actual} B ({:.2} %)",
            drift * 100.0
        );
        assert!(
            drift <= 0.05,
            "docs/building.md says {name} is {claimed} bytes, the build made {actual}: run `python3 scripts/sizes-table.py target/package docs/building.md` and commit"
        );
        checked += 1;
    }
    assert_eq!(checked, 5, "four libraries and the zip");
}

/// The `sdkwa` command line archives: the Linux binary runs (its version,
/// then `state` against the sandbox) and needs at most glibc 2.17; the
/// Windows one is a PE x86-64 executable that does the same under wine.
#[test]
#[ignore = "needs target/package/sdkwa-cli-*: run scripts/package.sh first (scripts/test-all.sh does both)"]
fn the_command_line_archives_hold_working_binaries() {
    let version = env!("CARGO_PKG_VERSION");
    let pkg = root().join("target/package");
    let dir = tempfile::tempdir().unwrap();
    let tgz = pkg.join(format!("sdkwa-cli-{version}-linux-x64.tar.gz"));
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tgz)
        .arg("-C")
        .arg(dir.path())
        .status()
        .expect("tar runs");
    assert!(status.success(), "{} unpacks", tgz.display());
    let zip_path = pkg.join(format!("sdkwa-cli-{version}-windows-x64.zip"));
    let file = std::fs::File::open(&zip_path)
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/package.sh", zip_path.display()));
    zip::ZipArchive::new(file)
        .unwrap()
        .extract(dir.path())
        .unwrap();
    let linux = dir.path().join("sdkwa");
    let exe = dir.path().join("sdkwa.exe");

    let sb = common::sandbox();
    let state = |out: std::process::Output, what: &str| {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("\"authorized\""),
            "{what} state: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!stdout.contains(DEFAULT_TOKEN));
    };
    let out = Command::new(&linux)
        .arg("--version")
        .output()
        .expect("sdkwa runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("sdkwa {version}")
    );
    let glibc = newest_glibc(&linux);
    assert!(
        glibc <= vec![2, 17],
        "sdkwa needs GLIBC_{glibc:?}: it would not run on glibc 2.17 systems"
    );
    let out = Command::new(&linux)
        .arg("state")
        .env("SDKWA_API_URL", sb.url())
        .env("SDKWA_ID_INSTANCE", DEFAULT_ID)
        .env("SDKWA_API_TOKEN", DEFAULT_TOKEN)
        .output()
        .unwrap();
    state(out, "linux");

    // PE: "MZ", the PE header's offset at 0x3c, "PE\0\0", machine 0x8664 (x86-64).
    let bytes = std::fs::read(&exe).unwrap();
    assert_eq!(&bytes[..2], b"MZ", "sdkwa.exe is a PE file");
    let pe = u32::from_le_bytes(bytes[0x3c..0x40].try_into().unwrap()) as usize;
    assert_eq!(&bytes[pe..pe + 4], b"PE\0\0");
    assert_eq!(
        u16::from_le_bytes([bytes[pe + 4], bytes[pe + 5]]),
        0x8664,
        "x86-64"
    );
    let out = wine(&exe, &["--version".to_string()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("sdkwa {version}"),
        "under wine: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("wine")
        .arg(&exe)
        .arg("state")
        .env("WINEPREFIX", root().join("target/wine"))
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .env("SDKWA_API_URL", sb.url())
        .env("SDKWA_ID_INSTANCE", DEFAULT_ID)
        .env("SDKWA_API_TOKEN", DEFAULT_TOKEN)
        .output()
        .expect("wine runs");
    state(out, "windows (wine)");
    // Built like the libraries: no build machine paths inside either.
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    for bin in [&linux, &exe] {
        let data = std::fs::read(bin).unwrap();
        for n in [
            format!("{home}/"),
            format!("{}/", root().display()),
            "/usr/src/rustc-".to_string(),
        ] {
            assert_eq!(
                count(&data, n.as_bytes(), |_| true),
                0,
                "{} holds {n}",
                bin.display()
            );
        }
    }
    println!(
        "sdkwa (linux-x64) {} bytes, newest glibc symbol GLIBC_{glibc:?}; sdkwa.exe {} bytes, PE x86-64, ran under wine",
        std::fs::metadata(&linux).unwrap().len(),
        bytes.len()
    );
}
