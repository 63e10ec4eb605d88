//! CSV and JSON import/export: round trips, idempotence, row errors.

use bouncekit_core::{Kind, Reason};
use bouncekit_store::exchange::{read_csv, read_json, write_csv, write_json};
use bouncekit_store::{Suppression, SuppressionFilter};

use crate::support::*;

fn good(rows: Vec<(u64, Result<Suppression, bouncekit_store::RowError>)>) -> (Vec<(u64, Suppression)>, Vec<bouncekit_store::RowError>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (n, r) in rows {
        match r {
            Ok(s) => ok.push((n, s)),
            Err(e) => bad.push(e),
        }
    }
    (ok, bad)
}

fn export_then_import_elsewhere_round_trips_and_is_idempotent(db: Db) {
    let (mut a, _) = store(db);
    a.ingest(Some("m"), &[rec("a@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1"), rec("b@example.com", Kind::Complaint, Reason::Feedback, "")]).expect("ingest");
    let mut all = a.suppressions(&SuppressionFilter::default()).expect("list");
    all.sort_by(|x, y| x.address.cmp(&y.address));
    for format in ["csv", "json"] {
        let mut buf = Vec::new();
        if format == "csv" { write_csv(&mut buf, &all).expect("csv") } else { write_json(&mut buf, &all).expect("json") }
        let rows = if format == "csv" { read_csv(&buf[..]).expect("read") } else { read_json(&buf[..]).expect("read") };
        let (ok, bad) = good(rows);
        assert!(bad.is_empty(), "{format}: {bad:?}");
        let (mut b, _) = store(db);
        let first = b.import(&ok, "importer").expect("import");
        assert_eq!((first.inserted, first.updated, first.unchanged), (2, 0, 0), "{format}");
        let again = b.import(&ok, "importer").expect("import");
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2), "{format}: import is idempotent");
        let mut back = b.suppressions(&SuppressionFilter::default()).expect("list");
        back.sort_by(|x, y| x.address.cmp(&y.address));
        assert_eq!(back, all, "{format}: round trip");
    }
}

fn bad_rows_are_reported_with_their_numbers(db: Db) {
    let csv = "email,scope,kind,expires_at\nok@example.com,,,\nnot-an-address,,,\nfine@example.com,list:,,\nlate@example.com,,,tomorrow\nk@example.com,,nosuchkind,\n";
    let (ok, bad) = good(read_csv(csv.as_bytes()).expect("csv"));
    assert_eq!(bad.iter().map(|e| e.row).collect::<Vec<_>>(), [3, 4]);
    assert!(bad[0].message.contains("scope") && bad[1].message.contains("expires_at"), "{bad:?}");
    let (mut s, _) = store(db);
    let o = s.import(&ok, "me").expect("import");
    assert_eq!(o.inserted, 1);
    assert_eq!(o.errors.iter().map(|e| (e.row, e.message.as_str())).collect::<Vec<_>>(), [(2, "`not-an-address` is not an email address"), (5, "unknown kind `nosuchkind`")]);
    let json = "{\"address\":\"a@example.com\"}\n{\"address\":\"b@example.com\",\"status\":\"gone\"}\n";
    let (ok, bad) = good(read_json(json.as_bytes()).expect("jsonl"));
    assert_eq!((ok.len(), bad[0].row), (1, 2));
    assert!(read_csv("scope\nglobal\n".as_bytes()).is_err(), "a CSV without an address column is refused whole");
}

crate::support::both!(export_then_import_elsewhere_round_trips_and_is_idempotent, bad_rows_are_reported_with_their_numbers);
