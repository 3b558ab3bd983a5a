//! Every code of the one table is met by at least one test: some test in the workspace (a test
//! program under `crates/*/tests`, or a `#[cfg(test)]` module) names it as a string where it
//! checks an answer. A code no test produces is either dead or untested; both are bugs.

use std::fs;
use std::path::{Path, PathBuf};

use tuanjian_app::ErrorCode;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The test code of the workspace: whole files under `tests/`, and what follows `#[cfg(test)]`
/// in the sources.
fn test_sources() -> String {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut text = String::new();
    for krate in fs::read_dir(&crates).expect("crates/").flatten() {
        let mut files = Vec::new();
        rust_files(&krate.path().join("tests"), &mut files);
        for f in files {
            text.push_str(&fs::read_to_string(&f).unwrap());
        }
        let mut files = Vec::new();
        rust_files(&krate.path().join("src"), &mut files);
        for f in files {
            let source = fs::read_to_string(&f).unwrap();
            if let Some(at) = source.find("#[cfg(test)]") {
                text.push_str(&source[at..]);
            }
        }
    }
    text
}

/// Codes no test provokes yet, each with why. The list may only shrink: a code listed here that
/// a test meets fails the test below, so the list cannot go stale.
const NOT_YET_PROVOKED: &[(&str, &str)] = &[];

#[test]
fn every_code_is_produced_by_some_test() {
    let tests = test_sources();
    // This file names every code itself; it must not count.
    let own = include_str!("error_codes.rs");
    let tests = tests.replace(own, "");
    let unmet: Vec<&str> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !tests.contains(&format!("\"{c}\"")))
        .filter(|c| !NOT_YET_PROVOKED.iter().any(|(n, _)| n == c))
        .collect();
    let met: Vec<&str> = NOT_YET_PROVOKED
        .iter()
        .map(|(n, _)| *n)
        .filter(|c| tests.contains(&format!("\"{c}\"")) || ErrorCode::parse(c).is_none())
        .collect();
    assert!(
        met.is_empty(),
        "remove these from NOT_YET_PROVOKED (a test meets them now, or they left the table): {met:?}"
    );
    assert!(
        unmet.is_empty(),
        "no test checks for these codes: {unmet:?}; write a test that provokes each (or remove \
         a code nothing produces from crates/domain/src/error_code.rs)"
    );
}
