//! Hot reads on PostgreSQL: a few connections outside sqlx's pool, so that handing one back
//! costs nothing. The pool pings a returned connection (a round trip) to learn whether a
//! cancelled query left it mid-conversation; here a connection goes back only after its
//! query finished, and one whose query failed or was cancelled is closed instead.

use std::sync::Mutex;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::{ConnectOptions, Decode, Executor, Postgres, Row, TypeInfo, ValueRef};
use tokio::sync::Semaphore;

use super::{Cols, Mapper, Param};
use crate::{StoreError, reconnect};

/// Rows straight from the PostgreSQL driver: the `Any` driver's conversion of every row and
/// its column list was a tenth of the server's time on an organisation page.
impl Cols for PgRow {
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?
            .ok_or_else(|| StoreError::Db(sqlx::Error::Decode(format!("第 {i} 列为空").into())))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        let value = self.try_get_raw(i)?;
        if value.is_null() {
            return Ok(None);
        }
        let ty = value.type_info().name().to_string();
        let n = match ty.as_str() {
            "INT8" => <i64 as Decode<Postgres>>::decode(value),
            "INT4" => <i32 as Decode<Postgres>>::decode(value).map(i64::from),
            "INT2" => <i16 as Decode<Postgres>>::decode(value).map(i64::from),
            "BOOL" => <bool as Decode<Postgres>>::decode(value).map(i64::from),
            other => Err(format!("第 {i} 列的类型 {other} 不是整数").into()),
        };
        n.map(Some)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(e)))
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(i)?)
    }
}

pub(crate) struct PgReader {
    options: PgConnectOptions,
    idle: Mutex<Vec<PgConnection>>,
    /// Connections open at once, idle or in use.
    permits: Semaphore,
}

/// A connection lent to one query. Returned to the idle list only when the query finished.
struct Lease<'a> {
    reader: &'a PgReader,
    conn: Option<PgConnection>,
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

impl PgReader {
    pub(crate) fn options(&self) -> &PgConnectOptions {
        &self.options
    }

    pub(crate) fn new(options: PgConnectOptions, max_connections: usize) -> Self {
        Self {
            options,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(max_connections),
        }
    }

    /// Runs one query on `conn`, which goes back to the idle list only when the query finished.
    async fn run(
        &self,
        conn: PgConnection,
        sql: &'static str,
        params: &[Param<'_>],
    ) -> Result<Vec<PgRow>, sqlx::Error> {
        let mut lease = Lease {
            reader: self,
            conn: Some(conn),
            finished: false,
        };
        let conn = lease.conn.as_mut().expect("just set");
        let mut query = sqlx::query::<Postgres>(sql);
        for p in params {
            query = match *p {
                Param::Int(v) => query.bind(v),
                Param::Text(v) => query.bind(v),
            };
        }
        let rows = conn.fetch_all(query).await?;
        lease.finished = true;
        Ok(rows)
    }

    /// Ends the idle connections politely (the server then logs no lost client); one still
    /// reading is closed when its read finishes and it is dropped with the store.
    pub(crate) async fn close(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for conn in idle {
            let _ = sqlx::Connection::close(conn).await;
        }
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
        // A connection that sat idle may have been closed by the server (a restart, an idle
        // timeout, an administrator): a read is safe to repeat on a new one. A server going
        // down ends connections one by one, so a new one may be ended too: a few attempts.
        let mut attempt = 1;
        let rows = loop {
            // After a lost one, the other idle connections are suspect too: a new one.
            let idle = if attempt == 1 {
                self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
            } else {
                None
            };
            let result = match idle {
                Some(conn) => self.run(conn, sql, params).await,
                None => match self.options.connect().await {
                    Ok(conn) => self.run(conn, sql, params).await,
                    Err(e) => Err(e),
                },
            };
            match result {
                Err(e) if reconnect::is_connection_lost(&e) && attempt < reconnect::ATTEMPTS => {
                    attempt += 1;
                }
                other => break other?,
            }
        };
        rows.iter().map(|r| map(r)).collect()
    }
}
