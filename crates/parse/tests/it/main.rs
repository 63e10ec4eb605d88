//! Integration tests of the parser: golden samples written for this project
//! (`testdata/bounces`) and the shared real-bounce corpus.

mod corpus;
mod samples;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
