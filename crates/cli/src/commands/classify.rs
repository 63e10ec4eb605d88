//! `bouncekit classify`: SMTP reply lines → reason, kind, blame, action.

use std::io::{self, BufRead, Read, Write};
use std::process::ExitCode;

use bouncekit_classify::classify_reply;
use bouncekit_core::{Reason, Record};

/// Runs the command.
pub fn run(replies: Vec<String>, json: bool) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut undefined = 0usize;
    let mut handle = |line: &str, out: &mut dyn Write| -> io::Result<()> {
        let r = classify_reply(line);
        if r.reason == Reason::Undefined {
            undefined += 1;
        }
        if json { write_json(out, line, &r) } else { write_text(out, line, &r) }
    };
    if replies.is_empty() {
        // Bytes, not `lines()`: a reply that is not UTF-8 is read lossily instead of
        // ending the run, and an endless line is cut at MAX_LINE instead of filling
        // memory.
        let mut stdin = io::stdin().lock();
        let mut buf = Vec::new();
        while read_line(&mut stdin, &mut buf)? {
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim_end_matches(['\n', '\r']);
            if !line.trim().is_empty() {
                handle(line, &mut out)?;
            }
        }
    } else {
        for r in &replies {
            handle(r, &mut out)?;
        }
    }
    out.flush()?;
    Ok(if undefined > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Longest reply line read from standard input; the rest of a longer line is skipped.
const MAX_LINE: usize = 64 * 1024;

/// Reads one line (at most [`MAX_LINE`] bytes of it) into `buf`; false at the end.
fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<bool> {
    buf.clear();
    let n = input.by_ref().take(MAX_LINE as u64).read_until(b'\n', buf)?;
    if n == MAX_LINE && buf.last() != Some(&b'\n') {
        // Too long: skip to the end of the line.
        let mut rest = Vec::new();
        while input.by_ref().take(MAX_LINE as u64).read_until(b'\n', &mut rest)? > 0 && rest.last() != Some(&b'\n') {
            rest.clear();
        }
    }
    Ok(n > 0)
}

fn write_json(out: &mut dyn Write, input: &str, r: &Record) -> io::Result<()> {
    let v = serde_json::json!({
        "input": input,
        "reply_code": r.reply_code,
        "status": r.status,
        "code_mismatch": r.code_mismatch,
        "recipient": (!r.recipient.is_empty()).then_some(&r.recipient),
        "smtp_command": r.smtp_command,
        "remote_mta": r.remote_mta,
        "text": r.diagnostic,
        "reason": r.reason,
        "kind": r.kind,
        "blame": r.blame,
        "action": r.action,
        "hard_bounce": r.hard_bounce,
    });
    serde_json::to_writer(&mut *out, &v)?;
    writeln!(out)
}

fn write_text(out: &mut dyn Write, input: &str, r: &Record) -> io::Result<()> {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    writeln!(out, "{input}")?;
    writeln!(out, "  reason:  {}", r.reason)?;
    writeln!(out, "  kind:    {}", r.kind)?;
    writeln!(out, "  blame:   {}", r.blame)?;
    writeln!(out, "  action:  {}", r.action)?;
    write!(out, "  codes:   reply {}, status {}", opt(r.reply_code.map(|c| c.to_string())), opt(r.status.map(|c| c.to_string())))?;
    if r.code_mismatch {
        write!(out, " (classes disagree)")?;
    }
    writeln!(out)?;
    if !r.recipient.is_empty() {
        writeln!(out, "  recipient: {}", r.recipient)?;
    }
    if let Some(c) = &r.smtp_command {
        writeln!(out, "  command: {c}")?;
    }
    if let Some(h) = &r.remote_mta {
        writeln!(out, "  remote:  {h}")?;
    }
    Ok(())
}
