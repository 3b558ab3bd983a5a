use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::*;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of a source, roughly (enough for action codes: no escapes inside).
fn literals(text: &str) -> Vec<&str> {
    text.split('"').skip(1).step_by(2).collect()
}

fn looks_like_code(s: &str, prefixes: &BTreeSet<&str>) -> bool {
    let mut parts = s.split('.');
    let first = parts.next().unwrap_or_default();
    s.contains('.')
        && prefixes.contains(first)
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// Every action code written anywhere: the literal of each `AuditEntry::new("…")`, and in a
/// file that passes a computed code, every literal shaped like one (`"org_change.apply"`).
fn written_codes() -> BTreeSet<String> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(crates).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    let prefixes: BTreeSet<&str> = ACTIONS
        .iter()
        .map(|(c, _, _)| c.split('.').next().unwrap())
        .collect();
    let mut codes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Code only: before the tests, without comments (which quote `AuditEntry::new("…")`).
        let code_part: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let code_part = code_part.as_str();
        let mut computed = false;
        for (at, _) in code_part.match_indices("AuditEntry::new(") {
            let rest = code_part[at + "AuditEntry::new(".len()..].trim_start();
            match rest.strip_prefix('"') {
                Some(lit) => {
                    codes.insert(lit[..lit.find('"').unwrap()].to_string());
                }
                None => computed = true,
            }
        }
        if computed {
            codes.extend(
                literals(code_part)
                    .into_iter()
                    .filter(|s| looks_like_code(s, &prefixes))
                    .map(str::to_string),
            );
        }
    }
    codes
}

#[test]
fn every_written_action_has_a_label() {
    let codes = written_codes();
    assert!(codes.contains("role.switch") && codes.contains("org.move.approve_old"));
    let missing: Vec<&String> = codes.iter().filter(|c| action_label(c).is_none()).collect();
    assert!(
        missing.is_empty(),
        "actions without a Chinese label: {missing:?}"
    );
}

#[test]
fn each_code_once_and_labels_chinese() {
    let mut seen = BTreeSet::new();
    for (code, label, _) in ACTIONS {
        assert!(seen.insert(*code), "{code} listed twice");
        assert!(!label.is_ascii(), "{code}: {label}");
    }
}

#[test]
fn leaving_steps_composed() {
    for way in Way::ALL {
        for step in Step::ALL {
            let code = format!("membership.{}.{}", way.code(), step.code());
            let label = action_label(&code).unwrap();
            assert!(label.starts_with(way.label()) && label.ends_with(step.label()));
            assert_eq!(action_group(&code), AuditGroup::Change);
        }
    }
    assert_eq!(action_label("membership.nothing.decided"), None);
    assert_eq!(action_label("role.switched"), None);
}

#[test]
fn filter_keeps_access_apart() {
    assert_eq!(AuditFilter::parse("").unwrap(), AuditFilter::Changes);
    assert_eq!(AuditFilter::parse("all").unwrap(), AuditFilter::All);
    assert_eq!(AuditFilter::parse("全部").unwrap(), AuditFilter::All);
    assert_eq!(AuditFilter::parse("access").unwrap(), AuditFilter::Access);
    assert_eq!(
        AuditFilter::parse("x").unwrap_err().code(),
        "invalid_choice"
    );
    for code in [
        "role.switch",
        "member.export",
        "cadre.export",
        "login.success",
        "logout",
    ] {
        assert!(AuditFilter::Access.admits(code), "{code}");
        assert!(!AuditFilter::Changes.admits(code), "{code}");
        assert!(AuditFilter::All.admits(code));
    }
    for code in ["org.info", "org_change.apply", "admin.add", "member.create"] {
        assert!(AuditFilter::Changes.admits(code), "{code}");
        assert!(!AuditFilter::Access.admits(code), "{code}");
    }
    assert!(access_codes().any(|c| c == "role.switch"));
}
