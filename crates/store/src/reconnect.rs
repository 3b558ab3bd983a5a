//! Pooled connections the database server closed while they sat idle (a restart, a failover,
//! `pg_terminate_backend`). The pool does not ping before every query (it doubled the round
//! trips of each request, docs/benchmarks.md "Run C"), so a dead connection is found only when
//! it is used. Two things keep that from failing a request:
//! - `check_idle`: a connection idle for longer than `PING_AFTER_IDLE` is pinged when it is
//!   taken from the pool (busy servers reuse connections within milliseconds, so this costs
//!   nothing under load), and for a while after a lost connection was seen, every connection
//!   opened before that is pinged too (the others were most likely closed with it);
//! - `Pooled`, what `Store::pool()` hands out: a single statement outside a transaction that
//!   fails because its connection was lost before the statement ran is run again on
//!   another connection. `Store::begin` and `Store::begin_read` do the same for `BEGIN`.
//!
//! A transaction that loses its connection half-way is not repeated (it was rolled back; the
//! caller answers 503 and the user tries again).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::error::BoxDynError;
use sqlx::pool::{PoolConnection, PoolConnectionMetadata};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Either, Execute, Executor, SqlStr};

use crate::replica::Replica;

/// A connection idle for longer than this is pinged before it is handed out.
pub(crate) const PING_AFTER_IDLE: Duration = Duration::from_secs(1);
/// How often a statement (or `BEGIN`) is tried when each attempt finds its connection lost.
pub(crate) const ATTEMPTS: u32 = 3;
/// How long after a lost connection the older connections are pinged before use.
const SUSPECT_FOR: Duration = Duration::from_secs(10);

/// Did this error end the connection before the statement ran, so that running it again on
/// another connection does what the caller asked, once?
///
/// PostgreSQL sends class 57P (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
/// connect now, 57P05 idle session timeout …) as the first answer on a connection it has
/// closed, before reading the statement; class 08 are connection exceptions.
pub(crate) fn is_connection_lost(e: &sqlx::Error) -> bool {
    match e {
        // The socket was gone, or ended in the middle of a message.
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

/// When a lost connection was last seen, as milliseconds since the pool was made (0: never).
#[derive(Debug)]
pub(crate) struct LossClock {
    start: Instant,
    last_loss_ms: AtomicU64,
}

impl LossClock {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            last_loss_ms: AtomicU64::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        // +1 so that a loss in the first millisecond is not taken for "never".
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX) + 1
    }

    pub(crate) fn saw_loss(&self) {
        self.last_loss_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// Is a connection of this age suspect: opened before a loss seen a moment ago?
    fn suspect(&self, age: Duration) -> bool {
        let loss = self.last_loss_ms.load(Ordering::Relaxed);
        if loss == 0 {
            return false;
        }
        let since = Duration::from_millis(self.now_ms().saturating_sub(loss));
        since < SUSPECT_FOR && age > since
    }
}

/// The pool's `before_acquire` on PostgreSQL: `Ok(true)` hands the connection out, an error
/// closes it and the pool takes or opens another.
pub(crate) async fn check_idle(
    conn: &mut AnyConnection,
    meta: &PoolConnectionMetadata,
    clock: &LossClock,
) -> Result<bool, sqlx::Error> {
    if (meta.idle_for >= PING_AFTER_IDLE || clock.suspect(meta.age))
        && let Err(e) = conn.ping().await
    {
        clock.saw_loss();
        return Err(e);
    }
    Ok(true)
}

/// The pool as an executor whose single statements survive a connection lost while idle
/// (see the module comment). Statements run through it outside a transaction must be safe to
/// run again: reads, and writes that set values rather than add to them.
#[derive(Clone, Copy)]
pub struct Pooled<'p> {
    pool: &'p AnyPool,
    clock: &'p LossClock,
    /// PostgreSQL: `acquire` pings (a SQLite connection is not closed under us).
    postgres: bool,
    /// On a read replica: where a statement that failed there runs again.
    fallback: Option<Fallback<'p>>,
}

/// The primary behind a read replica's pool (`replica`).
#[derive(Clone, Copy)]
pub(crate) struct Fallback<'p> {
    pub(crate) primary: &'p AnyPool,
    pub(crate) clock: &'p LossClock,
    pub(crate) replica: &'p Replica,
}

impl std::fmt::Debug for Pooled<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pooled")
            .field("postgres", &self.postgres)
            .field("replica", &self.fallback.is_some())
            .finish()
    }
}

impl<'p> Pooled<'p> {
    pub(crate) fn new(pool: &'p AnyPool, clock: &'p LossClock, postgres: bool) -> Self {
        Self {
            pool,
            clock,
            postgres,
            fallback: None,
        }
    }

    /// A read replica's pool whose failed statements run again on the primary.
    pub(crate) fn replica(pool: &'p AnyPool, clock: &'p LossClock, fallback: Fallback<'p>) -> Self {
        Self {
            pool,
            clock,
            postgres: true,
            fallback: Some(fallback),
        }
    }

    /// The connections the pool holds open, lent or idle (tests that visit each of them).
    #[cfg(test)]
    pub(crate) fn size(self) -> u32 {
        self.pool.size()
    }

    /// A connection for several statements that need no transaction. Several statements
    /// cannot be repeated from half-way, so on PostgreSQL it is pinged first (one round trip;
    /// the hot paths use single statements or `direct_read`), and a lost one replaced.
    pub async fn acquire(self) -> Result<PoolConnection<Any>, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        if !self.postgres {
            return Ok(conn);
        }
        match conn.ping().await {
            Err(e) if is_connection_lost(&e) => {
                self.clock.saw_loss();
                // Closed, not returned: the pool opens or checks another.
                drop(conn.detach());
                self.pool.acquire().await
            }
            Err(e) => Err(e),
            Ok(()) => Ok(conn),
        }
    }

    /// The sqlx pool itself, for what needs it by type (migrations).
    pub fn inner(self) -> &'p AnyPool {
        self.pool
    }

    /// Runs `run` on a connection from the pool; again on another one while an attempt lost
    /// its connection before the statement ran (`ATTEMPTS` in all: a server that is going
    /// down ends connections one by one, so the next one may be hit too).
    async fn retried<T, F>(self, replay: Replay, run: F) -> Result<T, sqlx::Error>
    where
        F: for<'c> Fn(&'c mut AnyConnection, Replay) -> BoxFuture<'c, Result<T, sqlx::Error>>,
    {
        if let Some(fallback) = self.fallback
            && fallback.replica.skipping()
        {
            // A statement failed on the replica a moment ago (this read's or another's): the
            // primary answers until the replica is tried again.
            return Pooled::new(fallback.primary, fallback.clock, true)
                .attempts(&replay, &run)
                .await;
        }
        let result = self.attempts(&replay, &run).await;
        match (result, self.fallback) {
            // Whatever went wrong on the replica (down, a query cancelled by replay, a write
            // sent there by mistake), the primary answers: the request does not fail.
            (Err(e), Some(fallback)) => {
                fallback.replica.failed_read(&e);
                Pooled::new(fallback.primary, fallback.clock, true)
                    .attempts(&replay, &run)
                    .await
            }
            (result, _) => result,
        }
    }

    async fn attempts<T, F>(self, replay: &Replay, run: &F) -> Result<T, sqlx::Error>
    where
        F: for<'c> Fn(&'c mut AnyConnection, Replay) -> BoxFuture<'c, Result<T, sqlx::Error>>,
    {
        let mut attempt = 1;
        loop {
            match self.once(replay.again(), run).await {
                Err(e) if is_connection_lost(&e) && attempt < ATTEMPTS => {
                    self.clock.saw_loss();
                    tracing::info!(error = %e, attempt, "connection lost before the statement ran; again");
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn once<T, F>(self, replay: Replay, run: &F) -> Result<T, sqlx::Error>
    where
        F: for<'c> Fn(&'c mut AnyConnection, Replay) -> BoxFuture<'c, Result<T, sqlx::Error>>,
    {
        let mut conn = self.pool.acquire().await?;
        run(&mut conn, replay).await
    }
}

/// A statement taken apart so it can be run again: its SQL and a copy of its arguments.
struct Replay {
    sql: SqlStr,
    args: Option<AnyArguments>,
    persistent: bool,
}

impl Replay {
    fn take<'q, E: Execute<'q, Any>>(mut query: E) -> Result<Self, sqlx::Error> {
        let args = query.take_arguments().map_err(sqlx::Error::Encode)?;
        let persistent = query.persistent();
        Ok(Self {
            sql: query.sql(),
            args,
            persistent,
        })
    }

    fn again(&self) -> Self {
        Self {
            sql: self.sql.clone(),
            args: self.args.as_ref().map(|a| {
                // The values are plain data (numbers, shared strings and bytes).
                let mut copy = AnyArguments::default();
                copy.values.0 = a.values.0.clone();
                copy
            }),
            persistent: self.persistent,
        }
    }
}

impl Execute<'_, Any> for Replay {
    fn sql(self) -> SqlStr {
        self.sql
    }

    fn statement(&self) -> Option<&AnyStatement> {
        None
    }

    fn take_arguments(&mut self) -> Result<Option<AnyArguments>, BoxDynError> {
        Ok(self.args.take())
    }

    fn persistent(&self) -> bool {
        self.persistent
    }
}

impl<'p> Executor<'p> for Pooled<'p> {
    type Database = Any;

    /// Collected before the first item is handed on, so that a lost connection can be
    /// retried without having yielded anything twice (the store streams no large results).
    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        let all = async move {
            let replay = Replay::take(query)?;
            self.retried(replay, |conn, q| Box::pin(conn.fetch_many(q).try_collect()))
                .await
        };
        stream::once(all)
            .map_ok(|items: Vec<_>| stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        Box::pin(async move {
            let replay = Replay::take(query)?;
            self.retried(replay, |conn, q| conn.fetch_optional(q)).await
        })
    }

    fn execute<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<AnyQueryResult, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        Box::pin(async move {
            let replay = Replay::take(query)?;
            self.retried(replay, |conn, q| conn.execute(q)).await
        })
    }

    fn fetch_all<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Vec<AnyRow>, sqlx::Error>>
    where
        'p: 'e,
        E: 'q + Execute<'q, Any>,
    {
        Box::pin(async move {
            let replay = Replay::take(query)?;
            self.retried(replay, |conn, q| conn.fetch_all(q)).await
        })
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, Result<AnyStatement, sqlx::Error>>
    where
        'p: 'e,
    {
        self.pool.prepare_with(sql, parameters)
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<sqlx::Describe<Any>, sqlx::Error>>
    where
        'p: 'e,
    {
        self.pool.describe(sql)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::Connection;

    use super::is_connection_lost;
    use crate::Store;
    use crate::test_support::PgDb;

    /// Ends every server process of the test database but the caller's own, as a restart or
    /// failover does, from a connection of its own.
    pub(crate) async fn terminate_backends(url: &str) -> i64 {
        let mut admin = sqlx::AnyConnection::connect(url).await.unwrap();
        let ended: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()) AS ended",
        )
        .fetch_one(&mut admin)
        .await
        .unwrap();
        admin.close().await.unwrap();
        ended
    }

    /// Opens `n` pool connections at once and puts them back idle.
    async fn warm(store: &Store, n: usize) {
        let mut held = Vec::new();
        for _ in 0..n {
            held.push(store.pool().acquire().await.unwrap());
        }
        for c in &mut held {
            sqlx::query("SELECT 1").execute(&mut **c).await.unwrap();
        }
        drop(held);
        // The pool pings returned connections before they are idle again.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    /// One of everything a request does on the pool: a read, a write outside a transaction,
    /// a write transaction, a read snapshot.
    async fn work(store: &Store, round: i64) {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orgs")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(n >= 0);
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind("reconnect_test")
            .bind(round.to_string())
            .execute(store.pool())
            .await
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        sqlx::query("UPDATE settings SET value = $1 WHERE key = $2")
            .bind((round + 1).to_string())
            .bind("reconnect_test")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut snap = store.begin_read().await.unwrap();
        let v: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind("reconnect_test")
            .fetch_one(&mut *snap)
            .await
            .unwrap();
        assert_eq!(v, (round + 1).to_string());
        snap.rollback().await.unwrap();
    }

    /// SQLite has no server to close connections: the same work runs, nothing is ended.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_runs_the_same_work() {
        let (store, _file) = crate::test_support::sqlite_store().await;
        for round in 0..3 {
            warm(&store, 6).await;
            for i in 0..4 {
                work(&store, round * 100 + i).await;
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pool_survives_terminated_backends() {
        let (store, db) = PgDb::new().await;
        // What a terminated connection answers is taken for a lost connection.
        let mut raw = store.pool().acquire().await.unwrap();
        sqlx::query("SELECT 1").execute(&mut *raw).await.unwrap();
        assert!(terminate_backends(&db.url).await >= 1);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let e = sqlx::query("SELECT 1")
            .execute(&mut *raw)
            .await
            .unwrap_err();
        assert!(is_connection_lost(&e), "{e:?}");
        drop(raw);

        for round in 0..3 {
            // Just used (no idle ping): every statement meets a dead connection at once.
            warm(&store, 6).await;
            assert!(terminate_backends(&db.url).await >= 6);
            for i in 0..4 {
                work(&store, round * 100 + i).await;
            }
            // A pause: the connections are idle long enough to be pinged.
            warm(&store, 6).await;
            terminate_backends(&db.url).await;
            tokio::time::sleep(super::PING_AFTER_IDLE + Duration::from_millis(200)).await;
            for i in 0..4 {
                work(&store, round * 100 + 50 + i).await;
            }
        }
        db.drop_db(store).await;
    }
}
