//! Reading the user's input files with bounds: regular files only, and at most a fixed size.
//!
//! A case path that names a device (`/dev/zero`) or a FIFO would otherwise be read without end
//! or block forever. Every case, library and letter is read through [`read_text`] (a letterhead
//! image through [`read_bytes`]): the file is opened without blocking, checked to be a regular
//! file, and read up to its limit.

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The largest case file read (16 MB; a real case is a few kilobytes).
pub const CASE_LIMIT: u64 = 16 << 20;
/// The largest `.bib` library file read (256 MB; 10,000 entries are about 5 MB).
pub const LIBRARY_LIMIT: u64 = 256 << 20;
/// The largest Markdown letter `appeal pdf` reads (16 MB).
pub const LETTER_LIMIT: u64 = 16 << 20;

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputProblem {
    /// The path names something other than a regular file.
    #[error("is a {0}, not a regular file")]
    NotAFile(&'static str),
    /// The file is larger than the limit.
    #[error("is larger than {}, the limit for a {what}", size(*limit))]
    TooLarge {
        /// What kind of input (`case file`, …).
        what: &'static str,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is not UTF-8 text: the first byte that is not, with its line and column
    /// (counted in characters of the UTF-8 text before it).
    #[error("is not UTF-8 text: byte 0x{byte:02X} here is not valid UTF-8")]
    NotText {
        /// 1-based line of the byte.
        line: usize,
        /// 1-based column of the byte.
        column: usize,
        /// The byte.
        byte: u8,
    },
    /// The file could not be opened or read.
    #[error("cannot be read ({0})")]
    Io(#[from] std::io::Error),
}

impl InputProblem {
    /// How to fix it.
    pub fn hint(&self, what: &str) -> String {
        match self {
            InputProblem::NotAFile(_) => format!("name the {what} itself"),
            InputProblem::TooLarge { .. } => {
                format!("a real {what} is far smaller; check that this is the right file")
            }
            InputProblem::NotText { byte, .. } if *byte >= 0x80 => format!(
                "save the {what} as UTF-8 text (byte 0x{byte:02X} is `{}` in Latin-1 and Windows-1252, the usual other encodings; in Zotero and JabRef choose UTF-8 as the export encoding, or convert it with `iconv -f WINDOWS-1252 -t UTF-8`)",
                latin1(*byte)
            ),
            InputProblem::NotText { .. } => format!("save the {what} as UTF-8 text"),
            InputProblem::Io(_) => "check the path and that you may read the file".to_string(),
        }
    }
}

/// What a Latin-1 / Windows-1252 byte stands for, to help the reader recognise the encoding.
fn latin1(byte: u8) -> char {
    const CP1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
        '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9f => CP1252[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// An input file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {problem}\n  hint: {}", match problem { InputProblem::NotText { line, column, .. } => format!(":{line}:{column}"), _ => String::new() }, problem.hint(what))]
pub struct InputError {
    /// The path as given.
    pub path: String,
    /// What kind of input (`case file`, `reference library`, `letter`).
    pub what: &'static str,
    /// What is wrong.
    pub problem: InputProblem,
}

/// A size for messages: whole megabytes, or bytes below one.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads the regular file at `path` as UTF-8 text of at most `limit` bytes. `what` names the
/// kind of input in messages.
pub fn read_text(path: &Path, limit: u64, what: &'static str) -> Result<String, InputError> {
    let bytes = read_bytes(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        // The prefix is valid UTF-8 by definition.
        let before = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        InputError {
            path: path.display().to_string(),
            what,
            problem: InputProblem::NotText {
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
                byte: bytes[valid],
            },
        }
    })
}

/// Reads the regular file at `path`, at most `limit` bytes (a letterhead image, a font).
/// `what` names the kind of input in messages.
pub fn read_bytes(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, InputError> {
    let error = |problem| InputError {
        path: path.display().to_string(),
        what,
        problem,
    };
    // Not blocking: opening a FIFO would otherwise wait for a writer.
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| error(e.into()))?;
    let meta = file.metadata().map_err(|e| error(e.into()))?;
    let kind = meta.file_type();
    if !kind.is_file() {
        let name = if kind.is_dir() {
            "folder"
        } else if kind.is_fifo() {
            "FIFO (named pipe)"
        } else if kind.is_char_device() {
            "character device"
        } else if kind.is_block_device() {
            "block device"
        } else if kind.is_socket() {
            "socket"
        } else {
            "special file"
        };
        return Err(error(InputProblem::NotAFile(name)));
    }
    let too_large = || error(InputProblem::TooLarge { what, limit });
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(e.into()))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_folders_are_refused_by_name() {
        let e = read_text(Path::new("/dev/zero"), CASE_LIMIT, "case file").unwrap_err();
        assert_eq!(
            e.to_string(),
            "/dev/zero: is a character device, not a regular file\n  hint: name the case file itself"
        );
        let dir = tempfile::tempdir().unwrap();
        let e = read_text(dir.path(), CASE_LIMIT, "case file").unwrap_err();
        assert!(matches!(e.problem, InputProblem::NotAFile("folder")));
        let fifo = dir.path().join("f.toml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let e = read_text(&fifo, CASE_LIMIT, "case file").unwrap_err();
        assert!(
            matches!(e.problem, InputProblem::NotAFile("FIFO (named pipe)")),
            "{e}"
        );
    }

    #[test]
    fn sizes_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; 2048]).unwrap();
        let e = read_text(&big, 1024, "case file").unwrap_err();
        assert!(matches!(e.problem, InputProblem::TooLarge { limit: 1024, .. }));
        assert_eq!(read_text(&big, 2048, "case file").unwrap().len(), 2048);
    }

    #[test]
    fn a_latin1_file_is_refused_at_its_first_bad_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.bib");
        std::fs::write(&path, b"@article{k,\n  author = {M\xfcller, J\xf6rg},\n}\n").unwrap();
        let e = read_text(&path, LIBRARY_LIMIT, "reference library").unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.contains("lib.bib:2:14: is not UTF-8 text: byte 0xFC"),
            "{shown}"
        );
        assert!(shown.contains("`ü` in Latin-1"), "{shown}");
    }
}
