//! The database. One SQL text serves SQLite and PostgreSQL through sqlx's `Any` driver
//! (values are integers, text and booleans only: times are Unix seconds, dates ISO text);
//! each database keeps its own migrations.

pub mod applications;
pub mod audit;
pub mod bootstrap;
pub mod cadres;
pub mod completion;
pub mod corrections;
pub mod dev_ranges;
mod direct_read;
pub mod entry_faults;
pub mod error;
pub mod import_jobs;
pub mod inbox;
pub mod member_bulk;
pub mod member_detail;
pub mod member_edit;
pub mod members;
pub mod org_admins;
pub mod org_changes;
pub mod org_create;
pub mod org_delete;
pub mod org_info;
pub mod org_moves;
pub mod org_search;
pub mod orgs;
pub mod people;
pub mod reg_codes;
pub mod reset_codes;
pub mod roles;
pub mod scope;
pub mod sessions;
pub mod settings;
pub mod throttle;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use direct_read::{PgReader, Reader, SqliteReader};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

pub use error::StoreError;
pub use scope::AdminScope;

pub type Tx = Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The connections of the hot reads (`direct_read`); none for an in-memory SQLite database.
    reader: Option<Arc<Reader>>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Seconds since the Unix epoch: the one time representation in the database.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// Connects without migrating. `sqlite://FILE` creates the file when missing.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(url_scheme(url)));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let unreachable = |e: sqlx::Error| {
            StoreError::Unreachable(format!(
                "{}（{e}）。请确认数据库服务已启动，地址、端口、用户名和数据库名正确",
                redact(&url)
            ))
        };
        let options = AnyConnectOptions::from_str(&url).map_err(unreachable)?;
        let reader = match backend {
            Backend::Sqlite => sqlite_file(&url).map(|f| Reader::Sqlite(SqliteReader::new(&f))),
            Backend::Postgres => Some(Reader::Postgres(Box::new(PgReader::new(
                sqlx::postgres::PgConnectOptions::from_str(&url).map_err(unreachable)?,
                8,
            )))),
        };
        let max = match backend {
            // SQLite allows one writer; more connections only help readers (WAL).
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let mut pool = AnyPoolOptions::new()
            .max_connections(max)
            // No ping before every query: it doubled the round trips of each request (a trip
            // to SQLite's worker thread, or to PostgreSQL). A connection broken by a database
            // restart fails one query instead, and idle ones are retired after a few minutes.
            .test_before_acquire(false)
            .idle_timeout(Duration::from_secs(300))
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            pool = pool.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000; \
                         PRAGMA cache_size = -65536",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(options).await.map_err(unreachable)?;
        Ok(Self {
            pool,
            backend,
            reader: reader.map(Arc::new),
        })
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (BEGIN IMMEDIATE), so two writers queue on busy_timeout instead of failing when a
    /// read lock would have to be upgraded.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// After a bulk load on PostgreSQL: clears the dead row versions a large load leaves (they
    /// slow scans until autovacuum runs) and refreshes the planner's statistics. Not on SQLite:
    /// with ANALYZE statistics its planner chose slower plans for the session and role queries
    /// (home page throughput halved in scripts/bench.sh).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            sqlx::query("VACUUM ANALYZE").execute(&self.pool).await?;
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Pool gauges for /metrics: (open connections, idle connections).
    pub fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// A consistent online copy of a SQLite database (VACUUM INTO reads one snapshot).
    pub async fn backup_sqlite(&self, target: &str) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Unsupported(
                "backup 只适用于 SQLite；PostgreSQL 请使用 pg_dump",
            ));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file behind a `sqlite:` URL; none for an in-memory database, which only its own
/// connections can see.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    let memory = url.contains(":memory:") || url.contains("mode=memory");
    (!memory && !file.as_os_str().is_empty()).then(|| file.to_path_buf())
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{user}@{}", &url[..s], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

fn url_scheme(url: &str) -> String {
    url.split("://")
        .next()
        .unwrap_or(url)
        .chars()
        .take(20)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u@h:5432/db"
        );
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }

    #[test]
    fn sqlite_file_behind_the_url() {
        use std::path::PathBuf;
        let file = |url: &str| super::sqlite_file(url);
        assert_eq!(file("sqlite://x.db?mode=rwc"), Some(PathBuf::from("x.db")));
        assert_eq!(file("sqlite:x.db"), Some(PathBuf::from("x.db")));
        assert_eq!(
            file("sqlite:///var/lib/tuanjian/a%20b.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/tuanjian/a b.db"))
        );
        // In-memory databases are visible only to their own connections: no direct reader.
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("sqlite://x.db?mode=memory"), None);
    }
}
