//! Integration tests of the log readers: golden samples for every format
//! (`testdata/logs`), following across rotation, and resuming from checkpoints.

mod follow;
mod gzip;
mod robust;
mod samples;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// 2025-01-15 00:00:00 UTC: the reference time that dates year-less samples (December
/// lines are 2024, January lines 2025).
pub const REFERENCE: i64 = 1_736_899_200;

/// A fresh empty directory under the system's temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new directory named after the test.
    pub fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let p = std::env::temp_dir().join(format!("bouncekit-logs-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir created");
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
