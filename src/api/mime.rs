//! The MIME type of an upload, from its file name's extension.
//!
//! A small table of what messengers carry (pictures, video, voice and
//! music, office documents, archives) instead of the `mime_guess` crate:
//! its table of ~1 300 types was a good part of the last 4 MiB of the
//! Windows DLLs, and the service decides the message kind from the file
//! name anyway. Anything else is sent as `application/octet-stream`,
//! which the service accepts for documents.

/// Extension (lower case) → MIME type.
const TYPES: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("bmp", "image/bmp"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("heic", "image/heic"),
    ("svg", "image/svg+xml"),
    ("mp4", "video/mp4"),
    ("3gp", "video/3gpp"),
    ("mov", "video/quicktime"),
    ("avi", "video/x-msvideo"),
    ("mkv", "video/x-matroska"),
    ("webm", "video/webm"),
    ("mp3", "audio/mpeg"),
    ("ogg", "audio/ogg"),
    ("oga", "audio/ogg"),
    ("opus", "audio/ogg"),
    ("wav", "audio/wav"),
    ("aac", "audio/aac"),
    ("m4a", "audio/mp4"),
    ("amr", "audio/amr"),
    ("pdf", "application/pdf"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("rtf", "application/rtf"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("xml", "application/xml"),
    ("json", "application/json"),
    ("zip", "application/zip"),
    ("rar", "application/vnd.rar"),
    ("7z", "application/x-7z-compressed"),
    ("gz", "application/gzip"),
    ("vcf", "text/vcard"),
];

/// The MIME type for `file_name` (by its extension, any case).
pub fn of_file_name(file_name: &str) -> &'static str {
    file_name
        .rsplit_once('.')
        .and_then(|(_, ext)| {
            TYPES
                .iter()
                .find(|(e, _)| e.eq_ignore_ascii_case(ext))
                .map(|(_, m)| *m)
        })
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::of_file_name;

    #[test]
    fn common_types_by_extension_in_any_case() {
        assert_eq!(of_file_name("Счёт-42.PDF"), "application/pdf");
        assert_eq!(of_file_name("photo.jpeg"), "image/jpeg");
        assert_eq!(of_file_name("a.b.xlsx"), of_file_name("x.XLSX"));
        assert_eq!(of_file_name("voice.ogg"), "audio/ogg");
        assert_eq!(of_file_name("no-extension"), "application/octet-stream");
        assert_eq!(of_file_name("data.unknownext"), "application/octet-stream");
    }
}
