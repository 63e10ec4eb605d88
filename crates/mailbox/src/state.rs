//! The resume point, kept in a small JSON file written atomically (temporary file,
//! fsync, rename) after every acknowledged message.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

/// The version written into state files; a file of another version is refused.
const VERSION: u32 = 1;

/// The resume point of one mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The file format version.
    pub version: u32,
    /// The mailbox URL (without secrets) this state belongs to; a state file is never
    /// applied to another mailbox.
    pub mailbox: String,
    /// IMAP: the UIDVALIDITY the UIDs below belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid_validity: Option<u32>,
    /// IMAP: every message with a UID up to this one has been handled and acknowledged.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_uid: u32,
    /// POP3: the UIDLs of handled messages still on the server.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub uidls: BTreeSet<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl State {
    /// Reads the state of `mailbox` from `path`; a missing file is a fresh start.
    pub fn load(path: &Path, mailbox: &str) -> Result<Self, Error> {
        let err = |m: String| Error::State { path: path.to_path_buf(), message: m };
        let text = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self { version: VERSION, mailbox: mailbox.to_string(), ..Self::default() });
            }
            Err(e) => return Err(err(e.to_string())),
        };
        let state: Self = serde_json::from_slice(&text).map_err(|e| err(format!("not a bouncekit mailbox state: {e}")))?;
        if state.version != VERSION {
            return Err(err(format!("version {} (this bouncekit writes {VERSION})", state.version)));
        }
        if state.mailbox != mailbox {
            return Err(err(format!("belongs to {}, not {mailbox}: use one state file per mailbox", state.mailbox)));
        }
        Ok(state)
    }

    /// Writes the state to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let err = |m: String| Error::State { path: path.to_path_buf(), message: m };
        let tmp = tmp_path(path);
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            serde_json::to_writer_pretty(&mut f, self)?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                // Make the rename itself durable; not every platform can open directories.
                if let Ok(d) = std::fs::File::open(dir) {
                    d.sync_all().ok();
                }
            }
            Ok(())
        };
        write().map_err(|e| {
            std::fs::remove_file(&tmp).ok();
            err(e.to_string())
        })
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}
