//! The application layer knows no adapter: no HTTP server, templates, command-line parser or
//! API documentation among its dependencies, and none named in its source. Pages, the API, the
//! command line and jobs call it; it never calls them.

use std::fs;
use std::path::{Path, PathBuf};

const ADAPTER_CRATES: &[&str] = &[
    "axum",
    "askama",
    "askama_web",
    "clap",
    "utoipa",
    "tower",
    "tower-http",
    "hyper",
    "tuanjian-web",
];

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Dependency names under [dependencies] (dev-dependencies may use anything).
fn runtime_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_runtime = false;
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[') {
            in_runtime = header.trim_end_matches(']') == "dependencies";
            continue;
        }
        if in_runtime && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.']).next().unwrap_or("").trim();
            names.push(name.to_string());
        }
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn depends_on_no_adapter_crate() {
    let manifest = fs::read_to_string(crate_dir().join("Cargo.toml")).unwrap();
    let deps = runtime_dependencies(&manifest);
    assert!(deps.iter().any(|d| d == "tuanjian-store"), "{deps:?}");
    let wrong: Vec<_> = deps
        .iter()
        .filter(|d| ADAPTER_CRATES.contains(&d.as_str()))
        .collect();
    assert!(wrong.is_empty(), "crates/app must not depend on {wrong:?}");
}

#[test]
fn names_no_adapter_in_its_source() {
    let mut files = Vec::new();
    rust_files(&crate_dir().join("src"), &mut files);
    assert!(!files.is_empty());
    let mut wrong = Vec::new();
    for f in files {
        let source = fs::read_to_string(&f).unwrap();
        for name in ADAPTER_CRATES {
            let path = format!("{}::", name.replace('-', "_"));
            if source.contains(&path) {
                wrong.push(format!("{}: {path}", f.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "adapter code in crates/app: {wrong:?}");
}
