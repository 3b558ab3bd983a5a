//! Any bytes uploaded as an import: the reader answers with rows or a file-level error, never
//! panics, never allocates without bound; what it reads obeys the template, and an error report
//! of it reads back as the same rows.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tuanjian_domain::OrgKind;
use tuanjian_sheet::{ReportRow, read_rows, write_report};
use tuanjian_web::member_import::columns::{Context, Kind, template};

/// calamine panics on some damaged files (slices out of range, overflow); the reader catches
/// those and answers "unreadable", which is what the server does too. The fuzzer's own hook
/// aborts on every panic, so panics from inside calamine are let through to that catch; any
/// other panic (ours, or an assertion here) still aborts and is reported.
fn tolerate_calamine_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                fuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    tolerate_calamine_panics();
    for kind in [Kind::Members, Kind::Cadres] {
        let t = template(
            kind,
            &Context {
                org_kind: OrgKind::Committee,
                branch_names: vec!["共青团某中学高一1班支部".into()],
            },
        );
        for name in ["upload.xlsx", "upload.xls"] {
            let Ok(rows) = read_rows(&t, data, name) else {
                continue;
            };
            assert!(!rows.is_empty() && rows.len() <= t.max_rows);
            let mut last = 0;
            for r in &rows {
                assert!(r.number > last, "rows in order");
                last = r.number;
                assert_eq!(r.values.len(), t.columns.len());
                assert!(r.faults.iter().all(|f| f.row == r.number && !f.message.is_empty()));
                assert!(r.values.iter().all(|v| v.trim() == v));
            }
            let report: Vec<ReportRow<'_>> = rows
                .iter()
                .map(|r| ReportRow {
                    number: r.number,
                    values: &r.values,
                    faults: &r.faults,
                })
                .collect();
            let bytes = write_report(&t, &report).expect("a report of read rows");
            let again = read_rows(&t, &bytes, "report.xlsx").expect("the report reads back");
            assert_eq!(again.len(), rows.len());
            for (a, b) in again.iter().zip(&rows) {
                assert_eq!((a.number, &a.values), (b.number, &b.values));
            }
        }
    }
});
