//! GB/T 2260 county-level address codes (past and present) that may start an ID number.

use std::sync::OnceLock;

static TABLE: &str = include_str!("../data/address_codes.tsv");

/// (code, name) pairs sorted by code. Parsed once from the embedded table.
pub fn all() -> &'static [(&'static str, &'static str)] {
    static PARSED: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut rows: Vec<_> = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('\t'))
            .collect();
        rows.sort_unstable();
        rows
    })
}

pub fn lookup(code: &str) -> Option<&'static str> {
    let rows = all();
    rows.binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| rows[i].1)
}

/// Codes under a two-digit province prefix, for the demo generator.
pub fn in_province(prefix: &str) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    all()
        .iter()
        .filter(move |(c, _)| c.starts_with(prefix) && !c.ends_with("00"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_is_loaded() {
        assert!(super::all().len() > 6000);
        assert_eq!(super::lookup("110101"), Some("东城区"));
        assert_eq!(super::lookup("000000"), None);
        assert!(super::in_province("65").count() > 50);
    }
}
