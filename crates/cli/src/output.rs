//! Writing records in the output formats, streamed: each record is written as soon as
//! it is ready, in input order.

use std::io::{self, Write};

use bouncekit_core::Record;
use serde_json::{Value, json};

use crate::cli::RecordFormat;

/// A streaming writer of records in one format.
pub struct RecordWriter<W: Write> {
    out: W,
    format: RecordFormat,
    count: usize,
}

/// Columns of the table and CSV outputs.
const COLUMNS: &[&str] = &["origin", "recipient", "status", "reply", "reason", "kind", "blame", "action", "format", "diagnostic"];

impl<W: Write> RecordWriter<W> {
    /// Starts the output (writes the array opener or the header row).
    pub fn new(mut out: W, format: RecordFormat) -> io::Result<Self> {
        match format {
            RecordFormat::Json | RecordFormat::SisimaiJson => out.write_all(b"[")?,
            RecordFormat::Csv => out.write_all(&csv_line(COLUMNS.iter().map(|c| c.to_string()).collect())?)?,
            RecordFormat::Table => {
                writeln!(out, "{:<28} {:<7} {:<5} {:<15} {:<12} {:<9} {:<12} {}", "RECIPIENT", "STATUS", "REPLY", "REASON", "KIND", "BLAME", "ACTION", "DIAGNOSTIC")?
            }
            RecordFormat::Jsonl => {}
        }
        Ok(Self { out, format, count: 0 })
    }

    /// Writes one record.
    pub fn write(&mut self, r: &Record) -> io::Result<()> {
        match self.format {
            RecordFormat::Json | RecordFormat::SisimaiJson => {
                if self.count > 0 {
                    self.out.write_all(b",")?;
                }
                self.out.write_all(b"\n")?;
                let v = if self.format == RecordFormat::Json { serde_json::to_value(r)? } else { sisimai(r) };
                serde_json::to_writer(&mut self.out, &v)?;
            }
            RecordFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, r)?;
                self.out.write_all(b"\n")?;
            }
            RecordFormat::Csv => self.out.write_all(&csv_line(row(r))?)?,
            RecordFormat::Table => {
                let c = row(r);
                let mut diag = c[9].clone();
                if diag.chars().count() > 70 {
                    diag = diag.chars().take(67).collect::<String>() + "...";
                }
                writeln!(self.out, "{:<28} {:<7} {:<5} {:<15} {:<12} {:<9} {:<12} {}", c[1], c[2], c[3], c[4], c[5], c[6], c[7], diag)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Flushes what was written so far (streaming while following a log).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Ends the output (closes the JSON array) and flushes.
    pub fn finish(mut self) -> io::Result<usize> {
        if matches!(self.format, RecordFormat::Json | RecordFormat::SisimaiJson) {
            self.out.write_all(if self.count > 0 { b"\n]\n" } else { b"]\n" })?;
        }
        self.out.flush()?;
        Ok(self.count)
    }
}

/// One CSV line, quoted as needed.
fn csv_line(fields: Vec<String>) -> io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::new());
    w.write_record(&fields).map_err(io::Error::other)?;
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn row(r: &Record) -> Vec<String> {
    vec![
        r.origin.name.clone(),
        r.recipient.clone(),
        opt(&r.status),
        opt(&r.reply_code),
        r.reason.to_string(),
        r.kind.to_string(),
        r.blame.to_string(),
        r.action.to_string(),
        r.format.clone(),
        r.diagnostic.clone(),
    ]
}

/// A record with Sisimai's field names and meanings.
pub fn sisimai(r: &Record) -> Value {
    json!({
        "recipient": r.recipient,
        "addresser": r.sender.clone().unwrap_or_default(),
        "deliverystatus": opt(&r.status),
        "replycode": opt(&r.reply_code),
        "reason": r.reason.as_str(),
        "hardbounce": u8::from(r.hard_bounce),
        "action": r.dsn_action.clone().unwrap_or_default(),
        "diagnosticcode": r.diagnostic,
        "diagnostictype": r.diagnostic_type.clone().unwrap_or_default(),
        "rhost": r.remote_mta.clone().unwrap_or_default(),
        "lhost": r.reporting_mta.clone().unwrap_or_default(),
        "smtpcommand": r.smtp_command.clone().unwrap_or_default(),
        "smtpagent": r.format,
        "messageid": r.message_id.clone().unwrap_or_default(),
        "subject": r.subject.clone().unwrap_or_default(),
        "timestamp": r.timestamp.unwrap_or(0),
        "feedbacktype": r.feedback_type.clone().unwrap_or_default(),
        "origin": r.origin.name,
    })
}
