//! Walking the inputs of `parse`: files, directories, mbox streams and stdin, in a
//! stable order, as a stream of messages.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use bouncekit_core::{Origin, OriginKind};

/// Every file below the given paths, in the order given and sorted within directories.
/// Unreadable directories are reported through `errors` and skipped.
pub fn expand(paths: &[PathBuf], errors: &mut Vec<String>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            walk(p, &mut out, errors, 0);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        errors.push(format!("{}: directory nesting too deep, skipped", dir.display()));
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push(format!("{}: cannot read directory: {e}", dir.display()));
            return;
        }
    };
    entries.sort();
    for e in entries {
        let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') && e.is_file() {
            continue;
        }
        if e.is_dir() {
            if name == "tmp" && dir.join("cur").is_dir() {
                continue; // Maildir's tmp holds messages still being written.
            }
            walk(&e, out, errors, depth + 1);
        } else if e.is_file() {
            out.push(e);
        }
    }
}

/// An open input: a name for diagnostics and a buffered reader.
pub struct Input {
    /// Where records from it come from.
    pub origin: Origin,
    /// The bytes.
    pub reader: Box<dyn BufRead + Send>,
}

/// Opens a path (`-` is stdin).
pub fn open(path: &Path) -> io::Result<Input> {
    if path.as_os_str() == "-" {
        return Ok(Input { origin: Origin { kind: OriginKind::Stdin, name: "-".into() }, reader: Box::new(BufReader::new(io::stdin())) });
    }
    let f = File::open(path)?;
    Ok(Input { origin: Origin::file(path.to_string_lossy()), reader: Box::new(BufReader::with_capacity(1 << 16, f)) })
}

/// Reads a whole small input.
pub fn read_all(mut r: impl Read) -> io::Result<Vec<u8>> {
    let mut v = Vec::new();
    r.read_to_end(&mut v)?;
    Ok(v)
}
