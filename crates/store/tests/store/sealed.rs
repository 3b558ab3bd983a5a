//! Only `crates/store` touches the database: no other crate depends on sqlx or SQLite, and no
//! other crate's source names sqlx or holds SQL text. Tests and examples of other crates may
//! still read a database through sqlx as a dev-dependency.

use std::fs;
use std::path::{Path, PathBuf};

/// Crates that bring a database driver.
const DATABASE_CRATES: &[&str] = &["sqlx", "rusqlite", "libsqlite3-sys"];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn other_crates() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(workspace_root().join("crates"))
        .expect("crates/")
        .map(|e| e.expect("crates/ entry").path())
        .filter(|p| p.join("Cargo.toml").is_file() && !p.ends_with("store"))
        .collect();
    dirs.sort();
    dirs
}

/// The names a manifest lists in [dependencies], [build-dependencies] and their
/// target-specific forms (not [dev-dependencies]).
fn runtime_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_runtime = false;
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']');
            in_runtime = header == "dependencies"
                || header == "build-dependencies"
                || header.ends_with(".dependencies")
                || header.ends_with(".build-dependencies");
            // `[dependencies.sqlx]`: a table naming one dependency.
            if let Some(name) = header.strip_prefix("dependencies.") {
                names.push(name.trim().to_string());
                in_runtime = false;
            }
            continue;
        }
        if in_runtime && !line.is_empty() && !line.starts_with('#') {
            let name = line
                .split(['=', '.'])
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            names.push(name.to_string());
        }
    }
    names
}

/// What in a source file only the store may write: the sqlx or rusqlite API, or SQL text.
fn database_code(source: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for needle in ["sqlx::", "rusqlite::", "use sqlx", "use rusqlite"] {
        if source.contains(needle) {
            found.push(needle);
        }
    }
    for keyword in ["SELECT ", "INSERT INTO ", "DELETE FROM "] {
        if source.contains(keyword) {
            found.push(keyword);
        }
    }
    // `UPDATE <table> SET`
    let mut rest = source;
    while let Some(at) = rest.find("UPDATE ") {
        rest = &rest[at + "UPDATE ".len()..];
        let table_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if table_len > 0 && rest[table_len..].starts_with(" SET ") {
            found.push("UPDATE … SET");
            break;
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_crate_but_store_depends_on_a_database_driver() {
    let crates = other_crates();
    assert!(crates.len() >= 4, "found {crates:?}");
    let mut wrong = Vec::new();
    for dir in &crates {
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
        for name in runtime_dependencies(&manifest) {
            if DATABASE_CRATES.contains(&name.as_str()) {
                wrong.push(format!("{}: {name}", dir.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "only crates/store may depend on a database driver: {wrong:?}"
    );
}

#[test]
fn no_source_but_the_stores_touches_the_database() {
    let mut wrong = Vec::new();
    for dir in other_crates() {
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        assert!(!files.is_empty(), "{} has no sources", dir.display());
        for file in files {
            let source = fs::read_to_string(&file).expect("source");
            for what in database_code(&source) {
                wrong.push(format!("{}: {what}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "SQL and sqlx belong in crates/store: {wrong:?}"
    );
}

#[test]
fn the_checks_recognise_what_they_forbid() {
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nanyhow = \"1\"\nsqlx.workspace = true\n\
                    \n[dev-dependencies]\nrusqlite = \"0.39\"\n\n[dependencies.libsqlite3-sys]\nversion = \"0.3\"\n";
    assert_eq!(
        runtime_dependencies(manifest),
        ["anyhow", "sqlx", "libsqlite3-sys"]
    );
    assert_eq!(
        database_code("let n: i64 = sqlx::query_scalar(\"SELECT 1\")"),
        ["sqlx::", "SELECT "]
    );
    assert_eq!(
        database_code("\"UPDATE people SET name = $1\""),
        ["UPDATE … SET"]
    );
    assert!(database_code("EnvFilter::new(\"info,sqlx=warn\"); // 更新 UPDATE").is_empty());
}
