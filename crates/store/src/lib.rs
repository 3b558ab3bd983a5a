//! The database. One SQL text serves SQLite and PostgreSQL through sqlx's `Any` driver
//! (values are integers, text and booleans only: times are Unix seconds, dates ISO text);
//! each database keeps its own migrations.

pub mod age_cases;
pub mod applications;
pub mod archives;
pub mod audit;
pub mod bootstrap;
pub mod cadre_pages;
pub mod cadres;
pub mod completion;
pub mod copy_to;
pub mod corrections;
pub mod counters;
pub mod demo_data;
pub mod dev_ranges;
mod direct_read;
pub mod dues;
pub mod entry_faults;
pub mod error;
pub mod files;
pub mod graduation;
mod hot_cache;
pub mod import_jobs;
pub mod inbox;
pub mod leaving;
pub mod list_choices;
pub mod member_bulk;
pub mod member_detail;
pub mod member_edit;
pub mod member_pages;
mod member_search;
pub mod members;
pub mod name_check;
mod name_order;
pub mod next_dev_number;
pub mod org_admins;
pub mod org_audit;
pub mod org_changes;
pub mod org_create;
pub mod org_delete;
pub mod org_info;
pub mod org_moves;
pub mod org_search;
pub mod orgs;
pub mod own_record;
pub mod people;
pub mod range_book;
pub mod recommendations;
mod reconnect;
pub mod reg_codes;
pub mod replica;
pub mod reset_codes;
pub mod reviews;
pub mod roles;
pub mod scope;
pub mod sessions;
pub mod settings;
mod sqlite_cache;
pub mod star_ratings;
#[cfg(any(test, feature = "test-support"))]
pub mod test_db;
#[cfg(any(test, feature = "test-support"))]
pub mod test_seed;
#[cfg(test)]
mod test_support;
pub mod throttle;
pub mod transfers;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use direct_read::{PgReader, Reader, SqliteReader};
use hot_cache::HotCache;
use reconnect::{LossClock, is_connection_lost};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};

pub use error::StoreError;
pub use hot_cache::CacheStats;
pub use reconnect::Pooled;
pub use scope::AdminScope;
pub use sqlite_cache::SqliteCache;

/// A transaction that will write. Used as a connection (`&mut *tx`); its commit also makes
/// this server forget its cached reads, so the next request sees the change.
/// The page cache of a SQLite bulk write's connection (`Tx::widen_cache`), in KiB: 128 MiB.
pub const BULK_CACHE_KIB: i64 = 128 * 1024;

pub struct Tx {
    inner: Transaction<'static, Any>,
    cache: Option<Arc<HotCache>>,
    backend: Backend,
    /// With a read replica: the primary, where the commit marks the acting person's write.
    marks: Option<Store>,
    /// SQLite: the connection's page cache (KiB) before `widen_cache`, set back at the end.
    narrow_cache_kib: Option<i64>,
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

impl Tx {
    /// The database this transaction runs on, for statements whose text differs by backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Readies this transaction for a bulk write (an import of 100,000 members): on SQLite a
    /// wider page cache (`widen_cache`); on PostgreSQL no JIT compilation for the rest of the
    /// transaction. PostgreSQL compiles the expressions of any statement its planner costs
    /// above `jit_above_cost`, as it does a bulk write's; compiling took 0.6–0.8 s of such an
    /// import at 10 M members, more than those statements' evaluation could gain.
    pub async fn bulk_write(&mut self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => self.widen_cache().await,
            Backend::Postgres => {
                sqlx::query("SET LOCAL jit = off")
                    .execute(&mut *self.inner)
                    .await?;
                Ok(())
            }
        }
    }

    /// SQLite: a page cache of `BULK_CACHE_KIB` on this transaction's connection until it
    /// ends. A bulk write (an import of 100,000 members) touches pages all over the name
    /// search's index (one place per character of every name); with the connection's share of
    /// the budget (a few MiB) each was read and written again and again (2.8 s of writing
    /// became 18 s). Nothing on PostgreSQL.
    pub async fn widen_cache(&mut self) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite || self.narrow_cache_kib.is_some() {
            return Ok(());
        }
        let before: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(&mut *self.inner)
            .await?;
        // Safe: a constant number, no input.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA cache_size = -{BULK_CACHE_KIB}"
        )))
        .execute(&mut *self.inner)
        .await?;
        self.narrow_cache_kib = Some(before);
        Ok(())
    }

    /// Sets the connection's page cache back (before the transaction ends: the dirty pages are
    /// written by the commit all the same, and the pool gets the connection as it lent it).
    async fn narrow_cache(
        inner: &mut Transaction<'static, Any>,
        kib: Option<i64>,
    ) -> Result<(), StoreError> {
        if let Some(before) = kib {
            // Safe: the number SQLite itself reported.
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = {before}")))
                .execute(&mut **inner)
                .await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        let Tx {
            mut inner,
            cache,
            backend,
            marks,
            narrow_cache_kib,
        } = self;
        // The statistics counters move with the rows, in the same transaction.
        counters::fold(&mut inner, backend).await?;
        Self::narrow_cache(&mut inner, narrow_cache_kib).await?;
        // Forgets when the commit returns, fails with an unknown outcome, or is abandoned
        // half-way (the request's client went away): the change may have been applied.
        let _forget = ForgetOnDrop(cache);
        inner.commit().await?;
        // The write is committed whatever happens to the mark: a failed mark is reported, not
        // turned into a failed change (the person may then briefly read the replica's past).
        if let Some(primary) = marks
            && let Some(person) = replica::acting_person()
            && let Err(e) = replica::mark(&primary, person).await
        {
            tracing::warn!(error = %e, person, "could not record a write for read-your-writes");
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        let mut inner = self.inner;
        Self::narrow_cache(&mut inner, self.narrow_cache_kib).await?;
        Ok(inner.rollback().await?)
    }
}

struct ForgetOnDrop(Option<Arc<HotCache>>);

impl Drop for ForgetOnDrop {
    fn drop(&mut self) {
        if let Some(cache) = &self.0 {
            cache.forget_all();
        }
    }
}

/// The hot cache of a server, and the stop signal of its listening task, which ends when the
/// last clone of the store is dropped or closed.
struct HotCacheHandle {
    cache: Arc<HotCache>,
    stop: std::sync::Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// When a pooled connection was last found closed by the server (`reconnect`).
    loss: Arc<LossClock>,
    backend: Backend,
    /// The connections of the hot reads (`direct_read`); none for an in-memory SQLite database.
    reader: Option<Arc<Reader>>,
    /// Only when asked for (`with_hot_cache`, by `serve`); never for an in-memory SQLite database.
    hot: Option<Arc<HotCacheHandle>>,
    /// Only when asked for (`with_replica`, by `serve --read-database-url`).
    replica: Option<Arc<replica::Replica>>,
    /// This store is the one `replica_read` hands its read: `pool()` and `begin_read()` reach
    /// the replica.
    reads_replica: bool,
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
        Self::connect_with(url, SqliteCache::default()).await
    }

    /// Connects without migrating, with SQLite's page cache (ignored on PostgreSQL).
    pub async fn connect_with(url: &str, sqlite_cache: SqliteCache) -> Result<Self, StoreError> {
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
            Backend::Sqlite => sqlite_file(&url)
                .map(|f| Reader::Sqlite(SqliteReader::new(&f, sqlite_cache.per_connection_kib()))),
            Backend::Postgres => Some(Reader::Postgres(Box::new(PgReader::new(
                sqlx::postgres::PgConnectOptions::from_str(&url).map_err(unreachable)?,
                8,
            )))),
        };
        let max = match backend {
            Backend::Sqlite => sqlite_cache::SQLITE_POOL_MAX,
            Backend::Postgres => 16,
        };
        let mut pool = AnyPoolOptions::new()
            .max_connections(max)
            // No ping before every query: it doubled the round trips of each request (a trip
            // to SQLite's worker thread, or to PostgreSQL). A connection the server closed is
            // found by `reconnect` instead (a ping after a second idle, one retry).
            .test_before_acquire(false)
            .idle_timeout(Duration::from_secs(300))
            .acquire_timeout(Duration::from_secs(10));
        let loss = LossClock::new();
        if backend == Backend::Postgres {
            let clock = loss.clone();
            pool = pool.before_acquire(move |conn, meta| {
                let clock = clock.clone();
                Box::pin(async move { reconnect::check_idle(conn, &meta, &clock).await })
            });
        }
        if backend == Backend::Sqlite {
            let cache_kib = sqlite_cache.per_connection_kib();
            pool = pool.after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 15000",
                    )
                    .await?;
                    // A PRAGMA takes no bind parameters; the value is an integer we computed.
                    conn.execute(sqlx::AssertSqlSafe(format!(
                        "PRAGMA cache_size = -{cache_kib}"
                    )))
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(options).await.map_err(unreachable)?;
        Ok(Self {
            pool,
            loss,
            backend,
            reader: reader.map(Arc::new),
            hot: None,
            replica: None,
            reads_replica: false,
        })
    }

    /// The PostgreSQL connection parameters, for a connection outside the pool (the demo's
    /// COPY stage); `None` on SQLite.
    pub(crate) fn pg_connect_options(&self) -> Option<sqlx::postgres::PgConnectOptions> {
        match self.reader.as_deref() {
            Some(Reader::Postgres(reader)) => Some(reader.options().clone()),
            _ => None,
        }
    }

    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, SqliteCache::default()).await
    }

    /// Connects with SQLite's page cache (ignored on PostgreSQL) and applies pending migrations.
    pub async fn open_with(url: &str, sqlite_cache: SqliteCache) -> Result<Self, StoreError> {
        let store = Self::connect_with(url, sqlite_cache).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_schema().await?;
        // Data steps SQL cannot do on both databases, each recorded once. An in-memory SQLite
        // database (no file, so no direct reader) is new and holds nothing to fix; its pool's
        // connections may not even share it.
        if self.backend == Backend::Postgres || self.reader.is_some() {
            name_check::run_once(self).await?;
            name_order::fill_missing(self).await?;
            counters::build_once(self).await?;
        }
        Ok(())
    }

    /// The SQL migrations only, without the data steps of `migrate`: for `copy_to`, whose
    /// target receives the source's data (and its record of those steps) instead.
    pub(crate) async fn migrate_schema(&self) -> Result<(), StoreError> {
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

    /// The pool, as an executor whose single statements are run again when their
    /// connection turns out to have been closed by the server (`reconnect`): use it for reads
    /// and for writes that are safe to repeat; anything else belongs in a `Tx`.
    pub fn pool(&self) -> Pooled<'_> {
        match self.replica() {
            Some(replica) if self.reads_replica => replica.pooled(&self.pool, &self.loss),
            _ => Pooled::new(&self.pool, &self.loss, self.backend == Backend::Postgres),
        }
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (BEGIN IMMEDIATE), so two writers queue on busy_timeout instead of failing when a
    /// read lock would have to be upgraded.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let inner = self
            .begin_retried(|| async {
                match self.backend {
                    Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
                    Backend::Postgres => self.pool.begin().await,
                }
            })
            .await?;
        Ok(Tx {
            inner,
            cache: self.cache().cloned(),
            backend: self.backend,
            marks: self.replica.is_some().then(|| self.on_primary()),
            narrow_cache_kib: None,
        })
    }

    /// Whether this store's reads go to a read replica (`replica_read`).
    pub(crate) fn reads_replica(&self) -> bool {
        self.reads_replica && self.replica().is_some()
    }

    /// Begins a transaction that only reads: several statements see one snapshot. Rolled back
    /// or dropped; on SQLite it takes no write lock.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        let mut begun = None;
        if let Some(replica) = self.replica()
            && self.reads_replica
            && !replica.skipping()
        {
            match replica.pool().begin().await {
                Ok(tx) => begun = Some(tx),
                // The replica failed: the primary serves (`replica`).
                Err(e) => replica.failed_read(&e),
            }
        }
        let inner = match begun {
            Some(tx) => tx,
            None => self.begin_retried(|| self.pool.begin()).await?,
        };
        Ok(Tx {
            inner,
            cache: self.cache().cloned(),
            backend: self.backend,
            marks: None,
            narrow_cache_kib: None,
        })
    }

    /// Nothing is written before `BEGIN` succeeds, so a connection the server closed while
    /// it was idle costs another attempt on another connection, not the request.
    async fn begin_retried<F, Fut>(
        &self,
        begin: F,
    ) -> Result<Transaction<'static, Any>, sqlx::Error>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Transaction<'static, Any>, sqlx::Error>>,
    {
        let mut attempt = 1;
        loop {
            match begin().await {
                Err(e) if is_connection_lost(&e) && attempt < reconnect::ATTEMPTS => {
                    self.loss.saw_loss();
                    tracing::info!(error = %e, attempt, "connection lost before BEGIN; again");
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Keeps the reads of every signed-in request in memory until a change to what they read
    /// is committed anywhere (`hot_cache`): for `serve`, not for one-off commands. An in-memory
    /// SQLite database is returned as it is.
    pub async fn with_hot_cache(mut self) -> Result<Self, StoreError> {
        let (cache, stop) = match self.reader.as_deref() {
            Some(Reader::Postgres(reader)) => {
                let (cache, stop) = hot_cache::start(reader.options())
                    .await
                    .map_err(|e| StoreError::Unreachable(format!("无法监听缓存失效通知（{e}）")))?;
                (cache, Some(stop))
            }
            Some(Reader::Sqlite(reader)) => (hot_cache::for_sqlite(reader.path())?, None),
            None => return Ok(self),
        };
        self.hot = Some(Arc::new(HotCacheHandle {
            cache,
            stop: std::sync::Mutex::new(stop),
        }));
        Ok(self)
    }

    pub(crate) fn cache(&self) -> Option<&Arc<HotCache>> {
        self.hot.as_ref().map(|h| &h.cache)
    }

    /// Forgets this server's cached reads: after a change made outside `Tx` (a single
    /// statement on the pool), before the next request relies on seeing it.
    pub fn forget_cached(&self) {
        if let Some(cache) = self.cache() {
            cache.forget_all();
        }
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

    /// The cache of hot reads for /metrics; `None` where there is none (SQLite, commands).
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.cache().map(|c| c.stats())
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
        if let Some(hot) = &self.hot
            && let Some(stop) = hot.stop.lock().unwrap_or_else(|e| e.into_inner()).take()
        {
            let _ = stop.send(());
        }
        if let Some(Reader::Postgres(reader)) = self.reader.as_deref() {
            reader.close().await;
        }
        if let Some(replica) = self.replica() {
            replica.close().await;
        }
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
