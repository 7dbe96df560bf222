//! Writing output files safely: atomically, all-or-nothing, never clobbering without `--force`,
//! owner-only.
//!
//! Letters hold health information. Each file is written to a temporary file in the target
//! folder (created readable and writable by the owner only), flushed to disk, and only when
//! every file of a case is staged are they renamed into place. Without `--force` the rename
//! refuses to replace anything (`renameat2(RENAME_NOREPLACE)`, or link and unlink where that is
//! missing), so two processes writing one name cannot both succeed. A case's files are committed
//! all-or-nothing: when one rename fails, the files already renamed are taken back (with
//! `--force`, the files they replaced are put back). Folders `appeal` creates are mode 0700.
//! A name that is taken by anything, a dangling symbolic link included, is refused without
//! `--force`; links are never followed, and `--force` never replaces a folder.
//!
//! Temporary files are named `.appeal-PID-RANDOM.tmp`. While they exist their paths are kept
//! in a registry that a signal thread empties on SIGINT, SIGTERM or SIGHUP before the process
//! dies; a SIGKILL may still leave one, so the first write into a folder removes the stale
//! temporary files of this user whose process is gone or that are over a minute old.
//!
//! File names come only from the case file's name, sanitised; nothing inside a case chooses
//! where output goes.

use std::collections::{HashMap, HashSet};
use std::io::ErrorKind;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};

/// A failure to write output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists (as anything, a dangling symbolic link included) and `--force` was not
    /// given.
    #[error("{0}: already exists\n  hint: pass --force to replace it, or choose another folder with -o")]
    Exists(String),
    /// The target is a folder; `--force` replaces files only.
    #[error(
        "{0}: is a folder, and --force replaces files only\n  hint: move the folder away, or choose another output with -o"
    )]
    Folder(String),
    /// The target is one of the command's own input files.
    #[error(
        "{output}: is the input file {input}; writing it would destroy the input\n  hint: choose another output name with -o"
    )]
    IsInput {
        /// The output path as given.
        output: String,
        /// The input path as given.
        input: String,
    },
    /// Two inputs would write the same output file.
    #[error(transparent)]
    Clash(#[from] Clash),
    /// The folder could not be created or written.
    #[error(
        "{path}: cannot write ({source})\n  hint: check that the folder exists, that you may write to it and that the disk has room"
    )]
    Io {
        /// The output file (or folder) concerned.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl OutputError {
    /// Whether there is no room to write: the disk is full, or the user's quota or file size
    /// limit is reached. Writing anything more will fail too.
    pub fn is_out_of_room(&self) -> bool {
        match self {
            OutputError::Io { source, .. } => {
                matches!(source.kind(), ErrorKind::StorageFull | ErrorKind::FileTooLarge)
                    || source.raw_os_error() == Some(rustix::io::Errno::DQUOT.raw_os_error())
            }
            _ => false,
        }
    }
}

/// Two input files that would write the same output file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{case}: writes the same output `{output}` as {other}\n  hint: rename one of the case files, or write them to different folders with -o"
)]
pub struct Clash {
    /// The case that loses the name.
    pub case: String,
    /// The case that claimed it first.
    pub other: String,
    /// The output file both would write.
    pub output: String,
}

/// Checks which inputs would write an output another input writes. `claims` gives, in order,
/// each input file and the output files it writes. Returns one entry per input: `None` when its
/// names are its own, or the clash with the first earlier input that claimed one of them (an
/// input that clashes claims nothing, so it never blocks a later one).
pub fn find_clashes<'a>(claims: impl IntoIterator<Item = (&'a Path, Vec<PathBuf>)>) -> Vec<Option<Clash>> {
    let mut owners: HashMap<PathBuf, &'a Path> = HashMap::new();
    claims
        .into_iter()
        .map(|(input, outputs)| {
            let clash = outputs.iter().find_map(|o| {
                owners.get(o).map(|other| Clash {
                    case: input.display().to_string(),
                    other: other.display().to_string(),
                    output: o.display().to_string(),
                })
            });
            if clash.is_none() {
                owners.extend(outputs.into_iter().map(|o| (o, input)));
            }
            clash
        })
        .collect()
}

/// Refuses when an output would be one of `inputs` (compared as files, so `x.pdf`, `./x.pdf`
/// and a link to it are the same).
pub fn refuse_inputs<'a>(
    outputs: impl IntoIterator<Item = &'a Path>,
    inputs: &[&Path],
) -> Result<(), OutputError> {
    let ids: Vec<((u64, u64), &Path)> = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok().map(|m| ((m.dev(), m.ino()), *p)))
        .collect();
    for output in outputs {
        for target in [std::fs::metadata(output), std::fs::symlink_metadata(output)] {
            let Ok(m) = target else { continue };
            if let Some((_, input)) = ids.iter().find(|(id, _)| *id == (m.dev(), m.ino())) {
                return Err(OutputError::IsInput {
                    output: output.display().to_string(),
                    input: input.display().to_string(),
                });
            }
        }
    }
    Ok(())
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

/// Writes files; one writer serves a whole command, so each output folder is swept for stale
/// temporary files once.
#[derive(Debug, Default)]
pub struct Writer {
    force: bool,
    /// Folders already created and swept.
    ready: Mutex<HashSet<PathBuf>>,
}

impl Writer {
    /// A writer that replaces existing files only when `force` is set.
    pub fn new(force: bool) -> Writer {
        Writer {
            force,
            ready: Mutex::default(),
        }
    }

    /// Writes every `(path, bytes)` pair, all or nothing. Checks all targets before writing any,
    /// so a refusal leaves nothing behind. The files are flushed to disk side by side, each on
    /// its own thread: a flush mostly waits for the disk, and the filesystem commits flushes that
    /// arrive together at once (one at a time took about 5 ms each on the development disk,
    /// several at once under 1 ms each).
    pub fn write_all(&self, files: &[(PathBuf, Vec<u8>)]) -> Result<(), OutputError> {
        self.write_files(files, true)
    }

    /// [`Writer::write_all`] staging the files one after another on the calling thread, for
    /// callers that already write from many threads (`appeal batch`'s writers); a thread per file
    /// there would start and stop thousands of threads, and every new thread grew the
    /// allocator's memory.
    pub fn write_all_serially(&self, files: &[(PathBuf, Vec<u8>)]) -> Result<(), OutputError> {
        self.write_files(files, false)
    }

    fn write_files(&self, files: &[(PathBuf, Vec<u8>)], parallel: bool) -> Result<(), OutputError> {
        for (path, _) in files {
            check_target(path, self.force)?;
        }
        for (path, _) in files {
            self.prepare(&folder_of(path)).map_err(|source| OutputError::Io {
                path: path.display().to_string(),
                source,
            })?;
        }
        // Each file goes to a temporary file beside its target and is flushed to disk. Only when
        // every file is staged are they renamed into place. On any error the staged files are
        // deleted as they drop.
        let staged: Vec<Result<Staged, OutputError>> = if parallel && files.len() > 1 {
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
                                        source: std::io::Error::other(
                                            "the writing thread stopped unexpectedly",
                                        ),
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
            ready.push((tmp?, path.as_path()));
        }
        commit(ready, self.force)
    }

    /// Creates `dir` (mode 0700) and removes stale temporary files in it, once per writer.
    fn prepare(&self, dir: &Path) -> std::io::Result<()> {
        let mut ready = self.ready.lock().unwrap_or_else(|p| p.into_inner());
        if ready.contains(dir) {
            return Ok(());
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        remove_stale(dir);
        ready.insert(dir.to_path_buf());
        Ok(())
    }
}

/// Writes every `(path, bytes)` pair, all or nothing (see [`Writer::write_all`]).
pub fn write_all(files: &[(PathBuf, Vec<u8>)], force: bool) -> Result<(), OutputError> {
    Writer::new(force).write_all(files)
}

/// Writes every `(path, bytes)` pair on the calling thread (see [`Writer::write_all_serially`]).
pub fn write_all_serially(files: &[(PathBuf, Vec<u8>)], force: bool) -> Result<(), OutputError> {
    Writer::new(force).write_all_serially(files)
}

/// The folder a file goes in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses a target that exists (without `--force`) or is a folder. Never follows a link.
fn check_target(path: &Path, force: bool) -> Result<(), OutputError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Err(OutputError::Folder(path.display().to_string())),
        Ok(_) if !force => Err(OutputError::Exists(path.display().to_string())),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OutputError::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// A temporary file holding one output, flushed to disk, registered for removal on a signal.
struct Staged {
    /// `None` once taken for the commit.
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut live = live().lock();
            drop(file);
            live.remove(&self.path);
        }
    }
}

/// Writes `bytes` to a new owner-only temporary file in `path`'s folder and flushes it to disk.
fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, OutputError> {
    // Messages name the output, never the temporary file (tempfile adds its path to errors).
    let io = |source: std::io::Error| OutputError::Io {
        path: path.display().to_string(),
        source: without_temp_path(source),
    };
    // Created and registered under the registry's lock: once a signal has taken the lock to
    // remove every temporary file, no new one can appear.
    let mut live = live().lock();
    let file = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(folder_of(path))
        .map_err(io)?;
    live.insert(file.path().to_path_buf());
    drop(live);
    let mut staged = Staged {
        path: file.path().to_path_buf(),
        file: Some(file),
    };
    if let Some(file) = staged.file.as_mut() {
        std::io::Write::write_all(file.as_file_mut(), bytes).map_err(io)?;
        file.as_file().sync_all().map_err(io)?;
    }
    Ok(staged)
}

/// The operating system's error inside one that tempfile wrapped with a temporary file's path.
fn without_temp_path(error: std::io::Error) -> std::io::Error {
    let code = error
        .get_ref()
        .and_then(|inner| inner.source())
        .and_then(|source| source.downcast_ref::<std::io::Error>())
        .and_then(std::io::Error::raw_os_error);
    match code {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => error,
    }
}

/// One renamed file, and what to do to take it back.
struct Committed<'a> {
    path: &'a Path,
    /// The file's identity, so that only our own file is ever removed.
    id: (u64, u64),
    /// A second name of the file this one replaced (`--force`), to put it back.
    backup: Option<PathBuf>,
}

/// Renames staged files into place, all or nothing. Holds the registry's lock throughout, so a
/// signal waits until the case is either wholly in place or wholly taken back.
fn commit(ready: Vec<(Staged, &Path)>, force: bool) -> Result<(), OutputError> {
    // Taken out of their guards first: a guard's drop takes the lock held below.
    let mut pending: std::collections::VecDeque<(tempfile::NamedTempFile, PathBuf, &Path)> = ready
        .into_iter()
        .filter_map(|(mut s, path)| s.file.take().map(|f| (f, s.path.clone(), path)))
        .collect();
    let mut guard = live().lock();
    let mut done: Vec<Committed<'_>> = Vec::with_capacity(pending.len());
    let mut failure = None;
    while let Some((file, temp, path)) = pending.pop_front() {
        let io = |source| OutputError::Io {
            path: path.display().to_string(),
            source,
        };
        let id = match file.as_file().metadata() {
            Ok(m) => (m.dev(), m.ino()),
            Err(source) => {
                drop(file);
                guard.remove(&temp);
                failure = Some(io(source));
                break;
            }
        };
        let backup = if force { back_up(path, &mut guard) } else { None };
        let result = if force {
            file.persist(path).map(drop).map_err(|e| e.error)
        } else {
            file.persist_noclobber(path).map(drop).map_err(|e| e.error)
        };
        guard.remove(&temp);
        match result {
            Ok(()) => done.push(Committed { path, id, backup }),
            Err(e) => {
                if let Some(b) = &backup {
                    let _ = std::fs::remove_file(b);
                    guard.remove(b);
                }
                failure = Some(if e.kind() == ErrorKind::AlreadyExists {
                    OutputError::Exists(path.display().to_string())
                } else {
                    io(e)
                });
                break;
            }
        }
    }
    for (file, temp, _) in pending.drain(..) {
        drop(file);
        guard.remove(&temp);
    }
    let Some(failure) = failure else {
        for c in &done {
            if let Some(b) = &c.backup {
                let _ = std::fs::remove_file(b);
                guard.remove(b);
            }
        }
        return Ok(());
    };
    for c in done.iter().rev() {
        match &c.backup {
            Some(b) => {
                let _ = std::fs::rename(b, c.path);
                guard.remove(b);
            }
            None => {
                let ours = std::fs::symlink_metadata(c.path).is_ok_and(|m| (m.dev(), m.ino()) == c.id);
                if ours {
                    let _ = std::fs::remove_file(c.path);
                }
            }
        }
    }
    Err(failure)
}

/// Gives the file at `path` (if any) a second, temporary name so that it can be put back.
/// Filesystems without hard links get no backup.
fn back_up(path: &Path, live: &mut HashSet<PathBuf>) -> Option<PathBuf> {
    std::fs::symlink_metadata(path).ok()?;
    let dir = folder_of(path);
    for _ in 0..8 {
        let name = dir.join(format!(
            "{TEMP_PREFIX}{}-{:016x}{TEMP_SUFFIX}",
            std::process::id(),
            random()
        ));
        match std::fs::hard_link(path, &name) {
            Ok(()) => {
                live.insert(name.clone());
                return Some(name);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(_) => return None,
        }
    }
    None
}

/// A random number for a temporary name (from the standard library's seeded hasher).
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish()
}

/// How temporary files start.
const TEMP_PREFIX: &str = ".appeal-";
/// How temporary files end.
const TEMP_SUFFIX: &str = ".tmp";
/// A temporary file older than this, whatever its process, is stale.
const STALE_AGE: Duration = Duration::from_secs(60);

/// Removes this user's temporary files in `dir` left by processes that are gone (or that are
/// older than [`STALE_AGE`]). Never touches this process's own files, another user's files or
/// anything that is not a plain file.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    let uid = rustix::process::getuid().as_raw();
    let now = SystemTime::now();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.file_type().is_file() || meta.uid() != uid {
            continue;
        }
        let pid = middle.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid == Some(me) {
            continue;
        }
        let gone = pid.is_some_and(|p| !process_alive(p));
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AGE);
        if gone || old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id exists (a process of another user counts as existing).
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else {
        return false;
    };
    !matches!(rustix::process::test_kill_process(pid), Err(e) if e == rustix::io::Errno::SRCH)
}

/// The temporary files this process has on disk right now.
///
/// This is the one piece of process-wide mutable state in `appeal`, and it has to be: a signal
/// is delivered to the process, not to a writer, so the thread that handles it must reach every
/// temporary file from one place. The signal thread is started with the registry, on the first
/// write.
struct Live {
    paths: Mutex<HashSet<PathBuf>>,
}

impl Live {
    fn lock(&self) -> MutexGuard<'_, HashSet<PathBuf>> {
        self.paths.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The registry, starting the signal thread the first time.
fn live() -> &'static Live {
    static LIVE: OnceLock<Live> = OnceLock::new();
    LIVE.get_or_init(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            let _ = std::thread::Builder::new()
                .name("appeal-signals".into())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        // Holding the lock until the process is gone keeps any write from
                        // starting or finishing a commit after the files are removed.
                        let paths = live().lock();
                        for path in paths.iter() {
                            let _ = std::fs::remove_file(path);
                        }
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                        std::process::exit(128 + signal);
                    }
                });
        }
        Live {
            paths: Mutex::default(),
        }
    })
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

    #[test]
    fn a_too_long_name_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let letter = dir.path().join("x.md");
        let long = dir.path().join(format!("{}.md", "x".repeat(300)));
        let e = write_all(&[(letter.clone(), b"a".to_vec()), (long, b"b".to_vec())], false).unwrap_err();
        assert!(matches!(e, OutputError::Io { .. }), "{e}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        // --force onto a folder is refused before the letter is replaced.
        std::fs::write(&letter, b"old").unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let files = vec![(letter.clone(), b"new".to_vec()), (sub.clone(), b"b".to_vec())];
        assert!(matches!(write_all(&files, true), Err(OutputError::Folder(_))));
        assert_eq!(std::fs::read(&letter).unwrap(), b"old");
    }

    #[test]
    fn forced_commit_puts_back_what_it_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        let b = dir.path().join("b.md");
        std::fs::write(&a, b"old").unwrap();
        let sa = stage(&a, b"new").unwrap();
        let sb = stage(&b, b"b").unwrap();
        // The second name becomes a non-empty folder after the checks: its rename fails.
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("keep"), b"k").unwrap();
        assert!(commit(vec![(sa, &a), (sb, &b)], true).is_err());
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["a.md", "b.md"]);
    }

    #[test]
    fn commit_rolls_back_when_a_later_rename_fails() {
        // The pre-check passes; the second rename fails because the name appears meanwhile.
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        let b = dir.path().join("b.md");
        let sa = stage(&a, b"a").unwrap();
        let sb = stage(&b, b"b").unwrap();
        std::fs::write(&b, b"theirs").unwrap();
        let e = commit(vec![(sa, &a), (sb, &b)], false).unwrap_err();
        assert!(matches!(e, OutputError::Exists(_)), "{e}");
        assert!(!a.exists(), "the first file was taken back");
        assert_eq!(std::fs::read(&b).unwrap(), b"theirs");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dangling_links_and_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("x.md");
        let aim = dir.path().join("nowhere");
        std::os::unix::fs::symlink(&aim, &link).unwrap();
        assert!(matches!(
            write_all(&[(link.clone(), b"a".to_vec())], false),
            Err(OutputError::Exists(_))
        ));
        write_all(&[(link.clone(), b"a".to_vec())], true).unwrap();
        assert!(!aim.exists(), "the link was replaced, not followed");
        assert_eq!(std::fs::read(&link).unwrap(), b"a");
    }

    #[test]
    fn created_folders_are_owner_only_and_stale_files_go() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a").join("b");
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::set_permissions(dir.path().join("a"), std::fs::Permissions::from_mode(0o755)).unwrap();
        write_all(&[(out.join("x.md"), b"a".to_vec())], false).unwrap();
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        // A dead process's temporary file goes; a live one's and other names stay.
        let dead = out.join(".appeal-4000000-abc.tmp");
        let alive = out.join(format!(".appeal-{}-abc.tmp", std::process::id()));
        let other = out.join(".appeal-notes.txt");
        for p in [&dead, &alive, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        // A live process's file over a minute old is stale too (its process is not writing it).
        let old = out.join(".appeal-1-old.tmp");
        std::fs::write(&old, b"x").unwrap();
        let two_minutes_ago = SystemTime::now() - Duration::from_secs(120);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(two_minutes_ago)
            .unwrap();
        // Another user's file is never touched (only checked where this test may give files away).
        let theirs = out.join(".appeal-4000001-theirs.tmp");
        std::fs::write(&theirs, b"x").unwrap();
        let given_away = std::os::unix::fs::chown(&theirs, Some(54321), None).is_ok();
        write_all(&[(out.join("y.md"), b"a".to_vec())], false).unwrap();
        assert!(!dead.exists());
        assert!(!old.exists());
        assert!(alive.exists());
        assert!(other.exists());
        assert_eq!(theirs.exists(), given_away);
    }

    #[test]
    fn clashes_name_both_inputs() {
        let a = Path::new("a/x.toml");
        let b = Path::new("b/x.toml");
        let c = Path::new("c.toml");
        let out = |n: &str| vec![PathBuf::from(format!("out/{n}.md"))];
        let found = find_clashes([(a, out("x")), (b, out("x")), (c, out("c"))]);
        assert_eq!(found[0], None);
        let clash = found[1].as_ref().unwrap();
        assert_eq!(
            (clash.case.as_str(), clash.other.as_str()),
            ("b/x.toml", "a/x.toml")
        );
        assert_eq!(found[2], None);
    }
}
