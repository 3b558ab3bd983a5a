//! Read replicas (issue 14): statistics, lists and exports may read from a PostgreSQL
//! streaming replica (`serve --read-database-url`), through one method, `Store::replica_read`.
//!
//! A read goes to the replica unless
//! - the person the request acts for wrote something the replica has not replayed yet: their
//!   commits leave the primary's WAL position after the commit in `read_marks` (`marks`), and
//!   the replica's `pg_last_wal_replay_lsn()` must have reached it (read-your-writes, whichever
//!   server the next request reaches);
//! - the replica lags more than the allowed time (default 10 s), or has no replay position;
//! - the replica failed (unreachable, the status query or the read itself failed): it is then
//!   skipped for `SKIP_AFTER_FAILURE`, and the read runs on the primary.
//!
//! None of these fails the request; a change of state is logged once (tracing). The mark and
//! the replica's status are read at the same time, so a read costs one round trip more than on
//! the primary alone (the longer of the two), and each write one more statement.

mod marks;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::AnyPool;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

use crate::reconnect::{self, Fallback, LossClock, Pooled};
use crate::{Backend, Store, StoreError};

pub use marks::{acting_for, acting_person, reads_follow_writes};
pub(crate) use marks::{mark, note_person};

/// How long a replica that failed is left alone before it is tried again.
const SKIP_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// Why `--read-database-url` is refused with an SQLite database.
pub const NOT_ON_SQLITE: &str = "只读副本（--read-database-url）只适用于 PostgreSQL：SQLite 数据库没有副本。请去掉这个选项，或先用 tuanjian copy-to 迁到 PostgreSQL";

/// The default of `serve --replica-max-lag-seconds`.
pub const DEFAULT_MAX_LAG: Duration = Duration::from_secs(10);

/// The replica's replay position (bytes from 0/0) and how far behind the primary it is, in
/// milliseconds: 0 while it streams and has replayed all it received, else the age of the
/// last transaction it replayed (the primary's clock), which grows while replay stalls.
const STATUS: &str = "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, \
     CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() \
               AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') \
          THEN 0::bigint \
          ELSE (EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) \
                * 1000)::bigint END";

/// Where a replica-eligible read ran, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadSource {
    Replica,
    /// The primary: the person's own write is not replayed yet.
    OwnWrite,
    /// The primary: the replica lags more than allowed.
    Lagging,
    /// The primary: the replica failed or cannot say where it is.
    Unavailable,
}

impl ReadSource {
    const ALL: [ReadSource; 4] = [
        ReadSource::Replica,
        ReadSource::OwnWrite,
        ReadSource::Lagging,
        ReadSource::Unavailable,
    ];

    fn index(self) -> usize {
        self as usize
    }

    /// The label of /metrics.
    pub fn code(self) -> &'static str {
        match self {
            ReadSource::Replica => "replica",
            ReadSource::OwnWrite => "primary_own_write",
            ReadSource::Lagging => "primary_lagging",
            ReadSource::Unavailable => "primary_unavailable",
        }
    }
}

/// How many replica-eligible reads ran where, since the server started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplicaStats {
    counts: [u64; 4],
}

impl ReplicaStats {
    pub fn get(&self, source: ReadSource) -> u64 {
        self.counts[source.index()]
    }

    /// Every source with its count, for /metrics.
    pub fn all(&self) -> impl Iterator<Item = (ReadSource, u64)> + '_ {
        ReadSource::ALL.iter().map(|s| (*s, self.get(*s)))
    }
}

/// The replica's pool and what this server knows of its health (not of any person).
pub(crate) struct Replica {
    pool: AnyPool,
    loss: Arc<LossClock>,
    max_lag_ms: i64,
    start: Instant,
    /// Milliseconds since `start` until which the replica is skipped (0: not skipped).
    skip_until_ms: AtomicU64,
    /// The last state logged (a `ReadSource` index; `OwnWrite` is not a state of the replica).
    logged: AtomicU8,
    counts: [AtomicU64; 4],
}

impl Replica {
    /// The replica's pool; a statement that fails there runs again on `fallback`'s primary.
    pub(crate) fn pooled<'p>(&'p self, primary: &'p AnyPool, clock: &'p LossClock) -> Pooled<'p> {
        Pooled::replica(
            &self.pool,
            &self.loss,
            Fallback {
                primary,
                clock,
                replica: self,
            },
        )
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A statement or `BEGIN` failed on the replica after it was chosen: counted as a read of
    /// the primary, which runs it again.
    pub(crate) fn failed_read(&self, error: &dyn std::fmt::Display) {
        self.failed("a read failed", error);
        let _ = self.counts[ReadSource::Replica.index()].fetch_update(
            Ordering::Relaxed,
            Ordering::Relaxed,
            |n| n.checked_sub(1),
        );
        self.count(ReadSource::Unavailable);
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(crate) fn skipping(&self) -> bool {
        self.now_ms() < self.skip_until_ms.load(Ordering::Relaxed)
    }

    /// The replica failed: reads go to the primary for a while, and the operator hears of it.
    fn failed(&self, what: &str, error: &dyn std::fmt::Display) {
        let until = self.now_ms() + SKIP_AFTER_FAILURE.as_millis() as u64;
        self.skip_until_ms.store(until, Ordering::Relaxed);
        self.logged
            .store(ReadSource::Unavailable as u8, Ordering::Relaxed);
        tracing::warn!(
            %error,
            skip_seconds = SKIP_AFTER_FAILURE.as_secs(),
            "read replica: {what}; reading from the primary"
        );
    }

    /// Logs when the replica's state changes (caught up, lagging, no position).
    fn note_state(&self, state: ReadSource, lag_ms: Option<i64>) {
        let before = self.logged.swap(state as u8, Ordering::Relaxed);
        if before == state as u8 {
            return;
        }
        match state {
            ReadSource::Replica => tracing::info!(?lag_ms, "read replica in use"),
            ReadSource::Lagging => tracing::warn!(
                ?lag_ms,
                max_lag_ms = self.max_lag_ms,
                "read replica lags too far; reading from the primary"
            ),
            ReadSource::Unavailable => tracing::warn!(
                "read replica reports no replay position (not a standby?); reading from the primary"
            ),
            ReadSource::OwnWrite => {}
        }
    }

    async fn status(&self) -> Result<(Option<i64>, Option<i64>), StoreError> {
        // Its own pool without fallback: the status must come from the replica.
        Ok(sqlx::query_as(STATUS)
            .fetch_one(Pooled::new(&self.pool, &self.loss, true))
            .await?)
    }

    fn count(&self, source: ReadSource) {
        self.counts[source.index()].fetch_add(1, Ordering::Relaxed);
    }

    fn stats(&self) -> ReplicaStats {
        ReplicaStats {
            counts: std::array::from_fn(|i| self.counts[i].load(Ordering::Relaxed)),
        }
    }
}

impl Store {
    /// Lets `replica_read` use the streaming replica at `url` (PostgreSQL only), unless it lags
    /// more than `max_lag`. Connects lazily: a replica that is down at start costs nothing but
    /// a warning, and is used once it answers.
    pub async fn with_replica(mut self, url: &str, max_lag: Duration) -> Result<Self, StoreError> {
        if self.backend != Backend::Postgres {
            return Err(StoreError::Unsupported(NOT_ON_SQLITE));
        }
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Unsupported(
                "只读副本的地址（--read-database-url）必须是 PostgreSQL 地址，例如 postgres://用户@副本主机:5432/数据库名",
            ));
        }
        let options = AnyConnectOptions::from_str(url).map_err(|e| {
            StoreError::Unreachable(format!("只读副本 {}（{e}）", crate::redact(url)))
        })?;
        let loss = LossClock::new();
        let clock = loss.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .test_before_acquire(false)
            .idle_timeout(Duration::from_secs(300))
            // A replica that does not answer must not hold requests up for long: after this
            // the read runs on the primary.
            .acquire_timeout(Duration::from_secs(1))
            .before_acquire(move |conn, meta| {
                let clock = clock.clone();
                Box::pin(async move { reconnect::check_idle(conn, &meta, &clock).await })
            })
            .connect_lazy_with(options);
        let replica = Replica {
            pool,
            loss,
            max_lag_ms: i64::try_from(max_lag.as_millis()).unwrap_or(i64::MAX),
            start: Instant::now(),
            skip_until_ms: AtomicU64::new(0),
            logged: AtomicU8::new(ReadSource::Replica as u8),
            counts: Default::default(),
        };
        match replica.status().await {
            Ok((Some(_), lag_ms)) => tracing::info!(?lag_ms, "read replica connected"),
            Ok((None, _)) => tracing::warn!(
                "the read replica is not a standby (no replay position); reads stay on the primary until it is"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "read replica not reachable yet; reading from the primary until it is")
            }
        }
        self.replica = Some(Arc::new(replica));
        Ok(self)
    }

    /// A store for reads that may come from the replica (see the module comment): its
    /// `pool()` and `begin_read()` reach the replica when it may serve this request's person,
    /// else the primary; `begin` and the direct reads stay on the primary. A statement (or
    /// `BEGIN`) that fails on the replica runs again on the primary, so use it only to read.
    /// Without a replica it is this store. Decide once per use case and read through it:
    ///
    /// `let reads = store.replica_read().await?; reads.members(&q, sort, page).await?`
    pub async fn replica_read(&self) -> Result<Store, StoreError> {
        let Some(replica) = self.replica.as_deref() else {
            return Ok(self.clone());
        };
        let primary = self.on_primary();
        let source = primary.choose(replica).await?;
        replica.count(source);
        Ok(Store {
            reads_replica: source == ReadSource::Replica,
            ..primary
        })
    }

    /// Where a read would run now, for the person of this request.
    async fn choose(&self, replica: &Replica) -> Result<ReadSource, StoreError> {
        if replica.skipping() {
            return Ok(ReadSource::Unavailable);
        }
        let person = acting_person();
        let mark = async {
            match person {
                Some(p) => marks::marked(self, p).await,
                None => Ok(None),
            }
        };
        let (mark, status) = tokio::join!(mark, replica.status());
        let (replayed, lag_ms) = match status {
            Ok(status) => status,
            Err(e) => {
                replica.failed("unreachable", &e);
                return Ok(ReadSource::Unavailable);
            }
        };
        let Some(replayed) = replayed else {
            replica.note_state(ReadSource::Unavailable, lag_ms);
            return Ok(ReadSource::Unavailable);
        };
        // An unknown lag (nothing replayed since it started, and not caught up) is too far.
        if lag_ms.is_none_or(|lag| lag > replica.max_lag_ms) {
            replica.note_state(ReadSource::Lagging, lag_ms);
            return Ok(ReadSource::Lagging);
        }
        replica.note_state(ReadSource::Replica, lag_ms);
        Ok(match mark? {
            Some(written) if written > replayed => ReadSource::OwnWrite,
            _ => ReadSource::Replica,
        })
    }

    /// This store reading from the primary (a store `replica_read` passes may read the replica).
    pub(crate) fn on_primary(&self) -> Store {
        Store {
            reads_replica: false,
            ..self.clone()
        }
    }

    /// Counts of replica-eligible reads by where they ran; `None` without a replica.
    pub fn replica_stats(&self) -> Option<ReplicaStats> {
        self.replica.as_deref().map(Replica::stats)
    }

    pub(crate) fn replica(&self) -> Option<&Replica> {
        self.replica.as_deref()
    }
}

impl Replica {
    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests;
