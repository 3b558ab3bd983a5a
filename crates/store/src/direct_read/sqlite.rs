//! Hot reads on SQLite: read-only rusqlite connections used synchronously on the request's
//! thread. The queries take microseconds, and in WAL mode a reader never waits for a writer.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::{Mapper, PARAM_NAMES, Param};
use crate::StoreError;

/// Idle read-only connections to one SQLite file. A connection is taken for one query and
/// given back, so there are never more than the threads reading at once.
pub(crate) struct SqliteReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Each connection's page cache (a share of the store's budget, `SqliteCache`).
    cache_kib: i64,
}

/// Kept open between requests; more are opened while more threads read at once, then closed.
pub(crate) const SQLITE_MAX_IDLE: usize = 16;

impl SqliteReader {
    pub(crate) fn new(path: &Path, cache_kib: i64) -> Self {
        Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            cache_kib,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Only while a checkpoint or recovery holds the WAL index, never for a writer.
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "cache_size", -self.cache_kib)?;
        // A cached statement keeps its plan. Without this SQLite marks a statement whose
        // parameters may steer its plan (LIMIT $2, say) to be compiled again after every
        // rebind, which was a seventh of an organisation page's time.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(conn)
    }

    pub(crate) fn rows<T>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
        map: &Mapper<'_, T>,
    ) -> Result<Vec<T>, StoreError> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match taken {
            Some(c) => c,
            None => self.connect()?,
        };
        let out = run(&conn, sql, params, map);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < SQLITE_MAX_IDLE {
            idle.push(conn);
        }
        out
    }
}

fn run<T>(
    conn: &Connection,
    sql: &'static str,
    params: &[Param<'_>],
    map: &Mapper<'_, T>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    for (p, name) in params.iter().zip(PARAM_NAMES) {
        match *p {
            Param::Int(v) => stmt.raw_bind_parameter(name, v)?,
            Param::Text(v) => stmt.raw_bind_parameter(name, v)?,
        }
    }
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}
