//! Files to send: a path on disk or bytes already in memory.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{Error, ErrorKind, Result};
use super::lang::Text;

/// A file given to an upload method.
#[derive(Clone, PartialEq, Eq)]
pub enum FileSource {
    /// Read from this path when the call is made.
    Path(PathBuf),
    /// These bytes, sent under `file_name`.
    Bytes {
        /// The content.
        data: Vec<u8>,
        /// The name the recipient sees (its extension sets the MIME type).
        file_name: String,
    },
}

impl std::fmt::Debug for FileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileSource::Path(p) => f.debug_tuple("Path").field(p).finish(),
            FileSource::Bytes { data, file_name } => f
                .debug_struct("Bytes")
                .field("len", &data.len())
                .field("file_name", file_name)
                .finish(),
        }
    }
}

/// A file loaded for sending. The bytes are shared, not copied, by every
/// attempt and redirect that sends them.
#[derive(Debug, Clone)]
pub(crate) struct LoadedFile {
    pub data: bytes::Bytes,
    pub file_name: String,
    pub mime: String,
}

impl FileSource {
    /// A file on disk.
    pub fn path(p: impl Into<PathBuf>) -> Self {
        FileSource::Path(p.into())
    }

    /// Bytes in memory sent as `file_name`.
    pub fn bytes(data: impl Into<Vec<u8>>, file_name: impl Into<String>) -> Self {
        FileSource::Bytes {
            data: data.into(),
            file_name: file_name.into(),
        }
    }

    /// The name the file is sent under when the caller gives none.
    pub fn default_file_name(&self) -> String {
        match self {
            FileSource::Path(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".into()),
            FileSource::Bytes { file_name, .. } if !file_name.is_empty() => file_name.clone(),
            FileSource::Bytes { .. } => "file".into(),
        }
    }

    /// Reads the content; a missing or unreadable file is an `Io` error
    /// naming the path. Bytes in memory are moved, not copied.
    pub(crate) fn load(self, file_name: Option<&str>) -> Result<LoadedFile> {
        let name = file_name
            .filter(|n| !n.trim().is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| self.default_file_name());
        let data = match self {
            FileSource::Path(p) => read_file(&p)?,
            FileSource::Bytes { data, .. } => {
                check_size(data.len() as u64)?;
                data
            }
        };
        let mime = super::mime::of_file_name(&name).to_string();
        Ok(LoadedFile {
            data: data.into(),
            file_name: name,
            mime,
        })
    }
}

/// The largest file sent by upload (the service's own limit is 100 MB).
pub const MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

fn read_file(p: &Path) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| {
        let shown = p.display();
        Error::new(
            ErrorKind::Io,
            Text::new(
                format!("Cannot read the file \"{shown}\": {e}"),
                format!("Не удалось прочитать файл \"{shown}\": {e}"),
            ),
        )
        .with_source(e)
    };
    // Only regular files: a device or a pipe (/dev/zero, a FIFO) would never
    // end, and reading it inside 1C would hang the session. The check is made
    // on the open handle, not on the path: a path checked first and opened
    // second can be swapped for a FIFO in between. The open itself must not
    // wait either (opening a FIFO for reading blocks until a writer comes),
    // hence O_NONBLOCK, which changes nothing for a regular file's reads.
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(p).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::other(
            "not a regular file / не обычный файл",
        )));
    }
    check_size(meta.len())?;
    let mut data = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: never take more than the limit + 1.
    file.take(MAX_UPLOAD_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(io)?;
    check_size(data.len() as u64)?;
    Ok(data)
}

fn check_size(len: u64) -> Result<()> {
    if len <= MAX_UPLOAD_BYTES {
        return Ok(());
    }
    Err(too_large(len))
}

/// The error for a file of `len` bytes over [`MAX_UPLOAD_BYTES`].
pub(crate) fn too_large(len: u64) -> Error {
    const MB: u64 = 1024 * 1024;
    let (limit, mb) = (MAX_UPLOAD_BYTES / MB, len as f64 / MB as f64);
    Error::invalid_argument(
        "file",
        &format!("a file of at most {limit} MB; this one is {mb:.1} MB"),
        &format!("файл не больше {limit} МБ; этот - {mb:.1} МБ"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_path_and_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.pdf");
        std::fs::write(&p, b"%PDF-1.4").unwrap();
        let f = FileSource::path(&p).load(None).unwrap();
        assert_eq!(f.file_name, "report.pdf");
        assert_eq!(f.mime, "application/pdf");
        assert_eq!(&f.data[..], b"%PDF-1.4");
        let f = FileSource::bytes(vec![1, 2], "a.png")
            .load(Some("b.jpg"))
            .unwrap();
        assert_eq!(
            (f.file_name.as_str(), f.mime.as_str()),
            ("b.jpg", "image/jpeg")
        );
        let e = FileSource::path(dir.path().join("missing.zip"))
            .load(None)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains("missing.zip"));
        // A device never ends: refused at once instead of hanging 1C.
        #[cfg(unix)]
        {
            let e = FileSource::path("/dev/zero").load(None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io);
            assert!(e.to_string().contains("not a regular file"), "{e}");
            let e = FileSource::path(dir.path()).load(None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Io);
        }
        // Over the limit: a sparse file, so the test writes nothing big.
        let big = dir.path().join("big.bin");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_UPLOAD_BYTES + 1)
            .unwrap();
        let e = FileSource::path(&big).load(None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.to_string().contains("100 MB"), "{e}");
    }

    #[cfg(unix)]
    fn mkfifo(p: &Path) {
        let st = std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .unwrap();
        assert!(st.success(), "mkfifo");
    }

    /// A FIFO given directly is refused at once.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        mkfifo(&fifo);
        let t = std::time::Instant::now();
        let e = FileSource::path(&fifo).load(None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }

    /// Regression: the path was checked, then opened; swapped for a FIFO in
    /// between, the open blocked forever (inside 1C: a frozen session). A
    /// thread flips a symlink between a regular file and a FIFO while loads
    /// run; every load must end (with the bytes or a clear error).
    #[cfg(unix)]
    #[test]
    fn a_path_swapped_for_a_fifo_between_check_and_open_never_blocks() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let (reg, fifo, link) = (
            dir.path().join("real.txt"),
            dir.path().join("pipe"),
            dir.path().join("upload.txt"),
        );
        std::fs::write(&reg, b"hello").unwrap();
        mkfifo(&fifo);
        std::os::unix::fs::symlink(&reg, &link).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flipper = {
            let (stop, reg, fifo, link, tmp) = (
                stop.clone(),
                reg.clone(),
                fifo.clone(),
                link.clone(),
                dir.path().join("tmp"),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    for target in [&fifo, &reg] {
                        let _ = std::fs::remove_file(&tmp);
                        std::os::unix::fs::symlink(target, &tmp).unwrap();
                        std::fs::rename(&tmp, &link).unwrap();
                    }
                }
            })
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let loader = link.clone();
        // Detached: with the old code it stays blocked in open(); the test
        // fails on the timeout below instead of hanging.
        std::thread::spawn(move || {
            let (mut ok, mut refused) = (0, 0);
            let start = std::time::Instant::now();
            while start.elapsed() < std::time::Duration::from_secs(2) {
                match FileSource::path(&loader).load(None) {
                    Ok(f) => {
                        assert_eq!(&f.data[..], b"hello");
                        ok += 1
                    }
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::Io, "{e}");
                        refused += 1
                    }
                }
            }
            let _ = tx.send((ok, refused));
        });
        let got = rx.recv_timeout(std::time::Duration::from_secs(10));
        stop.store(true, Ordering::Relaxed);
        flipper.join().unwrap();
        let (ok, refused) = got.expect("a load blocked on the FIFO");
        println!("{ok} loads read the file, {refused} refused the FIFO");
        assert!(ok > 0 && refused > 0, "both sides of the race were hit");
    }
}
