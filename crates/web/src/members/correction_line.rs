//! How a correction reads in one line, in the member's record.

use tuanjian_domain::IdNumber;
use tuanjian_store::corrections::Correction;

fn masked(id: &str) -> String {
    IdNumber::parse(id)
        .map(|i| i.masked())
        .unwrap_or_else(|_| id.to_string())
}

/// One line for lists: what changes, ID numbers masked.
pub fn summary(c: &Correction) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &c.changes.name {
        parts.push(format!(
            "姓名 {} → {n}",
            c.before.name.as_deref().unwrap_or("")
        ));
    }
    if let Some(i) = &c.changes.id_number {
        parts.push(format!(
            "身份证号码 {} → {}",
            masked(c.before.id_number.as_deref().unwrap_or("")),
            masked(i)
        ));
    }
    parts.join("；")
}
