//! Writing listings (suppressions, checks, domains, alerts, reports, summaries) as a
//! table, JSON, JSON lines or CSV. Each listing is columns of text for people and CSV,
//! and one JSON value per row.

use std::io::{self, Write};

use serde_json::Value;

use crate::cli::ListFormat;

/// Table cells longer than this are cut with `...`.
const MAX_CELL: usize = 70;

/// A listing: column names, text rows, JSON rows.
#[derive(Debug, Default)]
pub struct Listing {
    /// Column names.
    pub columns: Vec<&'static str>,
    /// Text cells, one row per item.
    pub rows: Vec<Vec<String>>,
    /// One JSON value per item.
    pub json: Vec<Value>,
}

impl Listing {
    /// An empty listing with these columns.
    pub fn new(columns: &[&'static str]) -> Self {
        Self { columns: columns.to_vec(), rows: Vec::new(), json: Vec::new() }
    }

    /// Adds one item.
    pub fn push(&mut self, row: Vec<String>, json: Value) {
        self.rows.push(row);
        self.json.push(json);
    }

    /// Writes the listing to `out`.
    pub fn write(&self, out: &mut impl Write, format: ListFormat) -> io::Result<()> {
        match format {
            ListFormat::Json => {
                serde_json::to_writer_pretty(&mut *out, &self.json)?;
                out.write_all(b"\n")?;
            }
            ListFormat::Jsonl => {
                for v in &self.json {
                    serde_json::to_writer(&mut *out, v)?;
                    out.write_all(b"\n")?;
                }
            }
            ListFormat::Csv => {
                let mut w = csv::Writer::from_writer(&mut *out);
                w.write_record(&self.columns).map_err(io::Error::other)?;
                for r in &self.rows {
                    w.write_record(r).map_err(io::Error::other)?;
                }
                w.flush()?;
            }
            ListFormat::Table => {
                let cut = |s: &str| -> String {
                    let s = s.replace(['\n', '\r', '\t'], " ");
                    if s.chars().count() > MAX_CELL { s.chars().take(MAX_CELL - 3).collect::<String>() + "..." } else { s }
                };
                let rows: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(|c| cut(c)).collect()).collect();
                let mut widths: Vec<usize> = self.columns.iter().map(|c| c.len()).collect();
                for r in &rows {
                    for (i, c) in r.iter().enumerate() {
                        widths[i] = widths[i].max(c.chars().count());
                    }
                }
                let line = |cells: Vec<String>| -> String {
                    let n = cells.len();
                    cells
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| if i + 1 == n { c } else { format!("{c:<w$}", w = widths[i]) })
                        .collect::<Vec<_>>()
                        .join("  ")
                        .trim_end()
                        .to_string()
                };
                writeln!(out, "{}", line(self.columns.iter().map(|c| c.to_uppercase()).collect()))?;
                for r in rows {
                    writeln!(out, "{}", line(r))?;
                }
            }
        }
        out.flush()
    }

    /// Writes the listing to standard output.
    pub fn print(&self, format: ListFormat) -> io::Result<()> {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        self.write(&mut out, format)
    }
}

/// A key/value summary (one row per figure) as a listing.
pub fn summary(pairs: &[(&str, String)]) -> Listing {
    let mut l = Listing::new(&["item", "value"]);
    let mut obj = serde_json::Map::new();
    for (k, v) in pairs {
        l.rows.push(vec![k.to_string(), v.clone()]);
        obj.insert(k.to_string(), v.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::from(v.clone())));
    }
    l.json.push(Value::Object(obj));
    l
}
