//! Excel import and export of members and cadres (issue 5, `src/member_import/`), over the
//! real HTTP API, the pages and the command line, on SQLite and PostgreSQL: round trips,
//! faults, jobs, export, the command line, the pages, what an import may not do (issue 10,
//! `limits`) and the journey in a browser. Small inputs are golden files in tests/data (see
//! `crate::support::import::golden`); large ones are generated in the tests.

mod browser;
mod chunks;
mod cli;
mod export;
mod faults;
mod jobs;
mod limits;
mod pages;
mod round_trip;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::import::*;
use crate::support::{Db, TestApp};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use tuanjian_app::member_import::columns::Kind;
use tuanjian_domain::{IdNumber, MemberField, OrgKind, OrgLevel};
use tuanjian_store::import_jobs::{self, NewJob};

/// The command line, as built for the tests.
fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tuanjian"))
}

/// A file in the temporary directory holding `bytes`, named uniquely.
fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!(
        "tj-import-{}-{}-{name}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Five members, the third without a name.
fn golden_faults_like() -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = (0..5).map(|i| member_row(700 + i, BRANCH1)).collect();
    rows[2][0] = String::new();
    members_file(&rows)
}
