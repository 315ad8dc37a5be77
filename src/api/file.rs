//! Files to send: a path on disk or bytes already in memory.

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

/// A file loaded for sending.
#[derive(Debug, Clone)]
pub(crate) struct LoadedFile {
    pub data: Vec<u8>,
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

    /// Reads the content; a missing or unreadable file is an `Io` error naming the path.
    pub(crate) fn load(&self, file_name: Option<&str>) -> Result<LoadedFile> {
        let name = file_name
            .filter(|n| !n.trim().is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| self.default_file_name());
        let data = match self {
            FileSource::Path(p) => read_file(p)?,
            FileSource::Bytes { data, .. } => data.clone(),
        };
        let mime = mime_guess::from_path(&name)
            .first_or_octet_stream()
            .essence_str()
            .to_string();
        Ok(LoadedFile {
            data,
            file_name: name,
            mime,
        })
    }
}

fn read_file(p: &Path) -> Result<Vec<u8>> {
    std::fs::read(p).map_err(|e| {
        let shown = p.display();
        Error::new(
            ErrorKind::Io,
            Text::new(
                format!("Cannot read the file \"{shown}\": {e}"),
                format!("Не удалось прочитать файл \"{shown}\": {e}"),
            ),
        )
        .with_source(e)
    })
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
        assert_eq!(f.data, b"%PDF-1.4");
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
    }
}
