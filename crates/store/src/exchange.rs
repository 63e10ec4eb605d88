//! Import and export of the suppression list as CSV and JSON.
//!
//! Both formats carry the fields of [`Suppression`] with times as RFC 3339. Reading
//! never stops at a bad row: every row is numbered (the first data row is 1) and either
//! parsed or reported as a [`RowError`], so an import can say "row 17: `x` is not an
//! email address" and still take the rest. Only `address` is required; missing fields
//! default to a manual, active, global suppression.

use std::io::{Read, Write};

use bouncekit_policy::Scope;
use bouncekit_policy::time::{format_rfc3339, parse_instant};

use crate::{RowError, Suppression, SuppressionStatus};

/// The columns of the CSV format, in order.
pub const CSV_COLUMNS: &[&str] =
    &["address", "scope", "domain", "kind", "reason", "status_code", "status", "first_seen", "last_seen", "count", "expires_at", "source", "note", "created_by"];

/// Numbered rows of an import file, each parsed or refused.
pub type Rows = Vec<(u64, Result<Suppression, RowError>)>;

/// Why an export or a whole import file failed (single bad rows are [`RowError`]s).
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// CSV could not be written or its header read.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// JSON could not be written, or the file is not a JSON array or JSON lines.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The CSV has no `address` column.
    #[error("CSV header has no `address` column (columns: {0})")]
    NoAddressColumn(String),
}

/// Writes suppressions as CSV with a header row.
pub fn write_csv<W: Write>(out: W, rows: &[Suppression]) -> Result<(), ExchangeError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    for s in rows {
        w.write_record([
            s.address.clone(),
            s.scope.to_string(),
            s.domain.clone(),
            s.kind.clone(),
            s.reason.clone(),
            s.status_code.clone().unwrap_or_default(),
            s.status.as_str().to_string(),
            format_rfc3339(s.first_seen),
            format_rfc3339(s.last_seen),
            s.count.to_string(),
            s.expires_at.map(format_rfc3339).unwrap_or_default(),
            s.source.clone(),
            s.note.clone().unwrap_or_default(),
            s.created_by.clone().unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes suppressions as one JSON array.
pub fn write_json<W: Write>(mut out: W, rows: &[Suppression]) -> Result<(), ExchangeError> {
    serde_json::to_writer_pretty(&mut out, rows)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Reads CSV: numbered rows, each parsed or refused.
pub fn read_csv<R: Read>(input: R) -> Result<Rows, ExchangeError> {
    let mut rd = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input);
    let header: Vec<String> = rd.headers()?.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let Some(addr_col) = col("address").or_else(|| col("email")) else {
        return Err(ExchangeError::NoAddressColumn(header.join(",")));
    };
    let cols: Vec<Option<usize>> = CSV_COLUMNS.iter().map(|c| col(c)).collect();
    let mut out = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let n = i as u64 + 1;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                out.push((n, Err(RowError { row: n, message: e.to_string() })));
                continue;
            }
        };
        let get = |idx: usize| -> Option<&str> { cols[idx].and_then(|c| rec.get(c)).map(str::trim).filter(|v| !v.is_empty()) };
        out.push((n, csv_row(n, rec.get(addr_col).unwrap_or("").trim(), get)));
    }
    Ok(out)
}

fn csv_row<'a>(n: u64, address: &str, get: impl Fn(usize) -> Option<&'a str>) -> Result<Suppression, RowError> {
    let err = |m: String| RowError { row: n, message: m };
    if address.is_empty() {
        return Err(err("empty address".into()));
    }
    let time = |idx: usize, name: &str| -> Result<Option<i64>, RowError> {
        match get(idx) {
            None | Some("never") => Ok(None),
            Some(v) => parse_instant(v).map(Some).map_err(|e| err(format!("{name}: {e}"))),
        }
    };
    let scope: Scope = match get(1) {
        Some(v) => v.parse().map_err(|e: bouncekit_policy::scope::ScopeError| err(e.to_string()))?,
        None => Scope::Global,
    };
    let status = match get(6) {
        Some(v) => SuppressionStatus::parse(v).ok_or_else(|| err(format!("status `{v}`: expected active, expired or removed")))?,
        None => SuppressionStatus::Active,
    };
    let count = match get(9) {
        Some(v) => v.parse::<i64>().map_err(|_| err(format!("count `{v}` is not a number")))?,
        None => 1,
    };
    Ok(Suppression {
        address: address.to_string(),
        scope,
        domain: String::new(),
        kind: get(3).unwrap_or("manual").to_string(),
        reason: get(4).unwrap_or("manual").to_string(),
        status_code: get(5).map(str::to_string),
        status,
        first_seen: time(7, "first_seen")?.unwrap_or(0),
        last_seen: time(8, "last_seen")?.unwrap_or(0),
        count,
        expires_at: time(10, "expires_at")?,
        source: get(11).unwrap_or("import").to_string(),
        note: get(12).map(str::to_string),
        created_by: get(13).map(str::to_string),
    })
}

/// Reads JSON: an array of objects, or one object per line. A row that does not fit
/// is refused with its number; a file that is not JSON at all is an error.
pub fn read_json<R: Read>(mut input: R) -> Result<Rows, ExchangeError> {
    let mut text = String::new();
    input.read_to_string(&mut text)?;
    let values: Vec<serde_json::Value> = if text.trim_start().starts_with('[') {
        serde_json::from_str(&text)?
    } else {
        text.lines().filter(|l| !l.trim().is_empty()).map(serde_json::from_str).collect::<Result<_, _>>()?
    };
    Ok(values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let n = i as u64 + 1;
            let mut parsed = serde_json::from_value::<Suppression>(v).map_err(|e| RowError { row: n, message: e.to_string() });
            if let Ok(s) = &mut parsed
                && s.source == "manual"
            {
                s.source = "import".into();
            }
            (n, parsed)
        })
        .collect())
}
