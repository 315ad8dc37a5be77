//! Saving a downloaded file where the caller asked.

use std::io::Write;
use std::path::Path;

use super::error::{Error, ErrorKind, Result};
use super::lang::Text;

/// Writes `bytes` to `path`: into a temporary file beside it first, then
/// renamed over it, so the path holds the whole file or what it held before —
/// never half of one (a full disk, a crash, a second writer).
pub fn save(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| {
        let shown = path.display();
        Error::new(
            ErrorKind::Io,
            Text::new(
                format!("Cannot save the file to \"{shown}\": {e}"),
                format!("Не удалось сохранить файл в \"{shown}\": {e}"),
            ),
        )
        .with_source(e)
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io(std::io::Error::other("no file name / нет имени файла")))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.part", std::process::id()));
    let tmp = dir.join(tmp_name);
    let written = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_whole_files_and_names_the_path_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bin");
        save(&p, b"first").unwrap();
        save(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
        let bad = dir.path().join("no/such/dir/x.bin");
        let e = save(&bad, b"x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains("x.bin"), "{e}");
    }
}
