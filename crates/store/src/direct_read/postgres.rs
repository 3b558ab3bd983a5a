//! Hot reads on PostgreSQL: a few connections outside sqlx's pool, so that handing one back
//! costs nothing. The pool pings a returned connection (a round trip) to learn whether a
//! cancelled query left it mid-conversation; here a connection goes back only after its
//! query finished, and one whose query failed or was cancelled is closed instead.

use std::sync::Mutex;

use sqlx::AnyConnection;
use sqlx::any::AnyConnectOptions;
use sqlx::{ConnectOptions, Executor};
use tokio::sync::Semaphore;

use super::{Mapper, Param, bind};
use crate::StoreError;

pub(crate) struct PgReader {
    options: AnyConnectOptions,
    idle: Mutex<Vec<AnyConnection>>,
    /// Connections open at once, idle or in use.
    permits: Semaphore,
}

/// A connection lent to one query. Returned to the idle list only when the query finished.
struct Lease<'a> {
    reader: &'a PgReader,
    conn: Option<AnyConnection>,
    finished: bool,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if self.finished
            && let Some(conn) = self.conn.take()
        {
            self.reader
                .idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
        }
    }
}

/// The connection broke (as opposed to the query failing on a live connection).
fn is_connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now: the server
        // ended the session.
        sqlx::Error::Database(db) => db.code().is_some_and(|c| c.starts_with("57P")),
        _ => false,
    }
}

impl PgReader {
    pub(crate) fn new(options: AnyConnectOptions, max_connections: usize) -> Self {
        Self {
            options,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(max_connections),
        }
    }

    /// Runs one query on `conn`, which goes back to the idle list only when the query finished.
    async fn run(
        &self,
        conn: AnyConnection,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
        let mut lease = Lease {
            reader: self,
            conn: Some(conn),
            finished: false,
        };
        let conn = lease.conn.as_mut().expect("just set");
        let rows = conn.fetch_all(bind(sqlx::query(sql), params)).await?;
        lease.finished = true;
        Ok(rows)
    }

    #[cfg(test)]
    pub(crate) fn idle_count(&self) -> usize {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub(crate) async fn rows<T>(
        &self,
        sql: &'static str,
        params: &[Param<'_>],
        map: &Mapper<'_, T>,
    ) -> Result<Vec<T>, StoreError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let rows = match idle {
            Some(conn) => match self.run(conn, sql, params).await {
                // A connection that sat idle may have been closed by the server (a restart, an
                // idle timeout, an administrator): a read is safe to repeat on a new one.
                Err(e) if is_connection_lost(&e) => {
                    let conn = self.options.connect().await?;
                    self.run(conn, sql, params).await?
                }
                other => other?,
            },
            None => {
                let conn = self.options.connect().await?;
                self.run(conn, sql, params).await?
            }
        };
        rows.iter().map(|r| map(r)).collect()
    }
}
