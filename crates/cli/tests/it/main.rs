//! End-to-end tests of the `bouncekit` binary: real processes, real files.

mod catalogue;
mod classify;
mod explain;
mod fault;
mod logs;
mod nodes;
mod parse;
mod poll;
mod security;
mod serve;
mod store;

use std::process::{Command, Output, Stdio};

/// Runs the built binary with `args`, feeding `stdin`.
pub fn bouncekit(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bouncekit"));
    cmd.args(args).env_remove("LANG").env_remove("LC_ALL").env_remove("LC_MESSAGES").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().expect("binary finishes")
}

/// Standard output as text.
pub fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
