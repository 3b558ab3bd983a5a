//! SQLite's page cache as one budget for a whole server. SQLite keeps a cache per connection,
//! so the budget is shared out evenly over every connection a store may hold open at once:
//! the pool's and the direct reads' idle ones. With 64 MiB on each connection a server on the
//! 1,000,000-member demo set sat at about 580 MB (docs/benchmarks.md, "Issue 10: SQLite memory").

use crate::direct_read::SQLITE_MAX_IDLE;

/// Connections of the pool on SQLite: it allows one writer, more only help readers (WAL).
pub(crate) const SQLITE_POOL_MAX: u32 = 8;

/// The total page cache of one store's SQLite connections, in MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteCache {
    total_mib: u32,
}

impl SqliteCache {
    /// Fits a small machine: the embedded default runs at schools and counties.
    pub const DEFAULT_MIB: u32 = 64;
    /// Below this each connection would keep only a few dozen pages.
    pub const MIN_MIB: u32 = 8;
    /// 64 GiB: more is a typing mistake, not a plan.
    pub const MAX_MIB: u32 = 65_536;

    /// A budget in MiB; `Err` with a message for the operator when out of range.
    pub fn mib(total_mib: u32) -> Result<Self, String> {
        if (Self::MIN_MIB..=Self::MAX_MIB).contains(&total_mib) {
            Ok(Self { total_mib })
        } else {
            Err(format!(
                "SQLite 页缓存总量为 {total_mib} MiB，超出允许范围：请填写 {} 到 {} 之间的整数（单位 MiB，默认 {}）",
                Self::MIN_MIB,
                Self::MAX_MIB,
                Self::DEFAULT_MIB
            ))
        }
    }

    pub fn total_mib(self) -> u32 {
        self.total_mib
    }

    /// Each connection's share in KiB (what `PRAGMA cache_size = -N` takes).
    pub(crate) fn per_connection_kib(self) -> i64 {
        i64::from(self.total_mib) * 1024 / i64::from(SQLITE_POOL_MAX + SQLITE_MAX_IDLE as u32)
    }
}

impl Default for SqliteCache {
    fn default() -> Self {
        Self {
            total_mib: Self::DEFAULT_MIB,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use crate::test_support::{Db, PgDb, TestDb};

    #[test]
    fn shares_never_add_up_to_more_than_the_budget() {
        for mib in [SqliteCache::MIN_MIB, 64, 100, 1000, SqliteCache::MAX_MIB] {
            let cache = SqliteCache::mib(mib).unwrap();
            let connections = i64::from(SQLITE_POOL_MAX) + SQLITE_MAX_IDLE as i64;
            let sum = cache.per_connection_kib() * connections;
            assert!(sum <= i64::from(mib) * 1024, "{mib}");
            assert!(sum > i64::from(mib) * 1024 - connections, "{mib}");
        }
        assert_eq!(SqliteCache::default().total_mib(), 64);
    }

    #[test]
    fn out_of_range_budgets_are_refused_in_chinese() {
        for mib in [0, 7, 65_537] {
            let err = SqliteCache::mib(mib).unwrap_err();
            assert!(err.contains("8 到 65536"), "{err}");
        }
    }

    /// What `PRAGMA cache_size` reads on a pool connection and on a direct-read connection.
    async fn cache_sizes(store: &Store) -> (i64, i64) {
        let pooled: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let direct = store
            .read_row("PRAGMA cache_size", &[], &|c| c.int(0))
            .await
            .unwrap()
            .unwrap();
        (pooled, direct)
    }

    #[tokio::test]
    async fn the_budget_reaches_every_sqlite_connection() {
        for (mib, kib) in [(64, 2730), (1536, 65536)] {
            let file = TestDb::new(Db::Sqlite).await;
            let store = Store::open_with(&file.url, SqliteCache::mib(mib).unwrap())
                .await
                .unwrap();
            assert!(store.reader.is_some());
            // Negative: KiB rather than pages.
            assert_eq!(cache_sizes(&store).await, (-kib, -kib), "{mib} MiB");
            store.close().await;
        }
        let (store, _file) = crate::test_support::sqlite_store().await;
        assert_eq!(cache_sizes(&store).await, (-2730, -2730), "default");
    }

    /// On PostgreSQL a bulk write compiles nothing by JIT, and only inside its transaction: the
    /// connection the pool lends again plans with the server's setting.
    #[tokio::test]
    async fn a_bulk_writes_jit_setting_ends_with_it() {
        let (store, db) = PgDb::new().await;
        let jit = "SELECT current_setting('jit')";
        let server: String = sqlx::query_scalar(jit)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(server, "on", "PostgreSQL's default");
        for commit in [true, false] {
            let mut tx = store.begin().await.unwrap();
            tx.bulk_write().await.unwrap();
            let inside: String = sqlx::query_scalar(jit).fetch_one(&mut *tx).await.unwrap();
            assert_eq!(inside, "off");
            if commit {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
            // Every connection the pool has open, so the one the write used is among them.
            let mut held = Vec::new();
            for _ in 0..store.pool().size() {
                held.push(store.pool().acquire().await.unwrap());
            }
            for conn in &mut held {
                let after: String = sqlx::query_scalar(jit)
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap();
                assert_eq!(after, server, "after commit: {commit}");
            }
        }
        db.drop_db(store).await;
    }

    /// A bulk write's wider cache ends with its transaction, committed or rolled back: every
    /// connection the pool lends afterwards has the budget's share again.
    #[tokio::test]
    async fn a_bulk_writes_cache_ends_with_it() {
        let (store, _file) = crate::test_support::sqlite_store().await;
        for commit in [true, false] {
            let mut tx = store.begin().await.unwrap();
            tx.bulk_write().await.unwrap();
            tx.bulk_write().await.unwrap();
            let inside: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            assert_eq!(inside, -crate::BULK_CACHE_KIB);
            if commit {
                tx.commit().await.unwrap();
            } else {
                tx.rollback().await.unwrap();
            }
            // Every connection of the pool at once, so the one the write used is among them.
            let mut held = Vec::new();
            for _ in 0..SQLITE_POOL_MAX {
                held.push(store.pool().acquire().await.unwrap());
            }
            for conn in &mut held {
                let size: i64 = sqlx::query_scalar("PRAGMA cache_size")
                    .fetch_one(&mut **conn)
                    .await
                    .unwrap();
                assert_eq!(
                    size,
                    -2730,
                    "after a {} bulk write",
                    if commit { "committed" } else { "rolled back" }
                );
            }
        }
    }

    /// PostgreSQL has no such cache: the setting is accepted and changes nothing there.
    #[tokio::test]
    async fn postgres_accepts_the_setting() {
        let (store, db) = PgDb::new().await;
        let other = Store::open_with(&db.url, SqliteCache::mib(1536).unwrap())
            .await
            .unwrap();
        other.ping().await.unwrap();
        other.close().await;
        db.drop_db(store).await;
    }
}
