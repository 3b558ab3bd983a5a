//! The reads every signed-in request makes (its session, the person's roles, an
//! organisation's lineage and children) and a member list's page and total (unless the store
//! reads a replica: `replicable_rows`), on connections of their own rather than the pool's
//! (docs/benchmarks.md, issues 2 and 14):
//!
//! - sqlx's pool tests every connection it takes back with a round trip to the database (a
//!   ping), which doubled the trips of a short read, and the `Any` driver converts every row
//!   (`postgres`: native connections of its own);
//! - sqlx runs each SQLite connection on a worker thread and hands every statement and every
//!   row across a channel; those thread switches cost more than the queries themselves
//!   (`sqlite`).
//!
//! Only short index lookups bounded by a LIMIT come here; everything else, and every write,
//! uses the pool. Both see the last committed transaction.

mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) use postgres::PgReader;
pub(crate) use sqlite::{SQLITE_MAX_IDLE, SqliteReader};

use crate::{Store, StoreError};

/// A bound value. SQL texts number their parameters `$1`, `$2`, … as everywhere in the store.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Int(i64),
    Text(&'a str),
}

/// Reading a result row by column position, whichever driver produced it.
pub(crate) trait Cols {
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn text(&self, i: usize) -> Result<String, StoreError>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError>;
}

impl Cols for AnyRow {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(i)?)
    }
}

impl Cols for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(i)?)
    }
}

/// Turns one result row into a value (shared by a request's future, hence `Sync`).
pub(crate) type Mapper<'a, T> = dyn Fn(&dyn Cols) -> Result<T, StoreError> + Sync + 'a;

/// Parameter names as SQLite sees them; no query here takes more.
pub(crate) const PARAM_NAMES: [&str; 6] = ["$1", "$2", "$3", "$4", "$5", "$6"];

/// Where the hot reads run.
pub(crate) enum Reader {
    Sqlite(SqliteReader),
    Postgres(Box<PgReader>),
}

fn bind<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    params: &[Param<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for p in params {
        query = match *p {
            Param::Int(v) => query.bind(v),
            Param::Text(v) => query.bind(v),
        };
    }
    query
}

impl Store {
    /// Every row of a hot read, mapped by `map`.
    pub(crate) async fn read_rows<T>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
        map: &Mapper<'_, T>,
    ) -> Result<Vec<T>, StoreError> {
        match self.reader.as_deref() {
            Some(Reader::Sqlite(r)) => {
                debug_assert!(params.len() <= PARAM_NAMES.len());
                r.rows(sql, params, map)
            }
            Some(Reader::Postgres(r)) => r.rows(sql, params, map).await,
            // An in-memory SQLite database: only the pool's connections can see it.
            None => self.pool_rows(sql, params, map).await,
        }
    }

    /// The same read on the pool (`Store::pool`: the replica's when the store reads one).
    async fn pool_rows<T>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
        map: &Mapper<'_, T>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = bind(sqlx::query(sql), params)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| map(r)).collect()
    }

    /// Every row of a short read that a read replica may answer (a list's page and total): on
    /// the replica's pool when this store reads the replica (`Store::replica_read`), else as a
    /// hot read.
    pub(crate) async fn replicable_rows<T>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
        map: &Mapper<'_, T>,
    ) -> Result<Vec<T>, StoreError> {
        if self.reads_replica() {
            self.pool_rows(sql, params, map).await
        } else {
            self.read_rows(sql, params, map).await
        }
    }

    /// The first row of a hot read, if any.
    pub(crate) async fn read_row<T>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
        map: &Mapper<'_, T>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.read_rows(sql, params, map).await?.into_iter().next())
    }
}
