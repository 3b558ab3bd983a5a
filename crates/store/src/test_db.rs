//! A fresh database per test (a SQLite file, or a new PostgreSQL database on
//! `TUANJIAN_TEST_PG`), gone when the test ends: the fixture of the store's and the web's test
//! programs, behind the feature `test-support` (their dev-dependency turns it on), and of the
//! store's own unit tests (`test_support`).

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests create their databases on.
pub fn pg_admin_url() -> String {
    std::env::var("TUANJIAN_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Unique within the program (the counter) and between programs (the pid); scripts/test.sh
/// drops the `tj_test_<pid>_…` databases of processes that are gone.
fn unique_name() -> String {
    format!(
        "tj_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    )
}

/// A fresh, empty database. Dropped (PostgreSQL) or deleted (SQLite) on drop.
pub struct TestDb {
    pub url: String,
    pub kind: Db,
    name: String,
    sqlite_path: Option<std::path::PathBuf>,
}

impl TestDb {
    /// The database's name (PostgreSQL) or the file's stem (SQLite).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SQLite file (None on PostgreSQL).
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        self.sqlite_path.as_deref()
    }

    pub async fn new(kind: Db) -> Self {
        let name = unique_name();
        match kind {
            Db::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Self {
                    url: format!("sqlite://{}", path.display()),
                    kind,
                    name,
                    sqlite_path: Some(path),
                }
            }
            Db::Postgres => {
                let admin = pg_admin_url();
                sqlx::any::install_default_drivers();
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("PostgreSQL must be running for the PostgreSQL tests (see README)");
                sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
                )
                .await
                .expect("create test database");
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Self {
                    url: format!("{base}/{name}"),
                    kind,
                    name,
                    sqlite_path: None,
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(p) = &self.sqlite_path {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
            }
        } else {
            // psql rather than sqlx: drop runs outside any runtime, maybe in a panicking test.
            let _ = std::process::Command::new("psql")
                .args([
                    &pg_admin_url(),
                    "-q",
                    "-c",
                    &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        }
    }
}
