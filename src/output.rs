//! Writing output files safely: atomically, never clobbering without `--force`, owner-only.
//!
//! Letters hold health information. Each file is written to a temporary file in the target
//! folder (created readable and writable by the owner only) and renamed into place, so a
//! process killed at any moment leaves either the complete file or nothing. File names come
//! only from the case file's name, sanitised; nothing inside a case chooses where output goes.

use std::path::{Path, PathBuf};

/// A failure to write output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and `--force` was not given.
    #[error("{0}: already exists\n  hint: pass --force to replace it, or choose another folder with -o")]
    Exists(String),
    /// The folder could not be created or written.
    #[error(
        "{path}: cannot write ({source})\n  hint: check that the folder exists and that you may write to it"
    )]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// The output stem for a case file: its file stem with anything but letters, digits, `-`, `_`
/// and `.` replaced by `_` (never empty, never starting with a dot).
pub fn stem(case_path: &Path) -> String {
    let raw = case_path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut s: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while s.starts_with('.') {
        s.replace_range(..1, "_");
    }
    if s.is_empty() { "letter".to_string() } else { s }
}

/// Writes every `(path, bytes)` pair atomically. Checks all targets before writing any, so a
/// refusal leaves nothing behind. The files are flushed to disk side by side, each on its own
/// thread: a flush mostly waits for the disk, and the filesystem commits flushes that arrive
/// together at once (one at a time took about 5 ms each on the development disk, several at
/// once under 1 ms each).
pub fn write_all(files: &[(PathBuf, Vec<u8>)], force: bool) -> Result<(), OutputError> {
    write_files(files, force, true)
}

/// [`write_all`] staging the files one after another on the calling thread, for callers that
/// already write from many threads (`appeal batch`'s writers); a thread per file there would
/// start and stop thousands of threads, and every new thread grew the allocator's memory.
pub fn write_all_serially(files: &[(PathBuf, Vec<u8>)], force: bool) -> Result<(), OutputError> {
    write_files(files, force, false)
}

fn write_files(files: &[(PathBuf, Vec<u8>)], force: bool, parallel: bool) -> Result<(), OutputError> {
    if !force && let Some((p, _)) = files.iter().find(|(p, _)| p.exists()) {
        return Err(OutputError::Exists(p.display().to_string()));
    }
    // Each file goes to a temporary file beside its target and is flushed to disk. Only when
    // every file is staged are they renamed into place. On any error the staged files are
    // deleted as they drop.
    let staged: Vec<Result<tempfile::NamedTempFile, OutputError>> = if parallel && files.len() > 1 {
        std::thread::scope(|scope| {
            let others: Vec<_> = files
                .iter()
                .skip(1)
                .map(|(path, bytes)| scope.spawn(move || stage(path, bytes)))
                .collect();
            let first = files.first().map(|(path, bytes)| stage(path, bytes));
            first
                .into_iter()
                .chain(
                    others
                        .into_iter()
                        .zip(files.iter().skip(1))
                        .map(|(h, (path, _))| {
                            h.join().unwrap_or_else(|_| {
                                Err(OutputError::Io {
                                    path: path.display().to_string(),
                                    source: std::io::Error::other("the writing thread stopped unexpectedly"),
                                })
                            })
                        }),
                )
                .collect()
        })
    } else {
        files.iter().map(|(path, bytes)| stage(path, bytes)).collect()
    };
    let mut ready = Vec::with_capacity(files.len());
    for ((path, _), tmp) in files.iter().zip(staged) {
        ready.push((tmp?, path));
    }
    for (tmp, path) in ready {
        tmp.persist(path).map_err(|e| OutputError::Io {
            path: path.display().to_string(),
            source: e.error,
        })?;
    }
    Ok(())
}

/// Writes `bytes` to a new owner-only temporary file in `path`'s folder and flushes it to disk.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, OutputError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let io = |source| OutputError::Io {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".appeal-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_sanitised() {
        assert_eq!(stem(Path::new("cases/her2 case.toml")), "her2_case");
        assert_eq!(stem(Path::new("..toml")), "_");
        assert_eq!(stem(Path::new("a/b/../c;rm.toml")), "c_rm");
    }

    #[test]
    fn refuses_to_clobber_and_writes_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        write_all(&[(a.clone(), b"one".to_vec())], false).unwrap();
        let e = write_all(&[(a.clone(), b"two".to_vec())], false).unwrap_err();
        assert!(e.to_string().contains("already exists"));
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        write_all(&[(a.clone(), b"two".to_vec())], true).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&a).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files remain");
    }

    #[test]
    fn serial_and_parallel_writes_give_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = |sub: &str| -> Vec<(PathBuf, Vec<u8>)> {
            (0..4)
                .map(|i| {
                    (
                        dir.path().join(sub).join(format!("f{i}.md")),
                        format!("file {i}").into_bytes(),
                    )
                })
                .collect()
        };
        write_all(&files("p"), false).unwrap();
        write_all_serially(&files("s"), false).unwrap();
        for ((p, bytes), (s, _)) in files("p").iter().zip(files("s")) {
            assert_eq!(&std::fs::read(p).unwrap(), bytes);
            assert_eq!(&std::fs::read(s).unwrap(), bytes);
        }
        // A clash found before writing leaves nothing new behind, in either mode.
        let mut clash = files("s");
        clash[0].0 = dir.path().join("s").join("new.md");
        assert!(write_all_serially(&clash, false).is_err());
        assert!(!dir.path().join("s").join("new.md").exists());
    }
}
