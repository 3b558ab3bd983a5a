//! The COPY stage of the demo load on PostgreSQL: rows are encoded in COPY's text format and
//! streamed by a task of their own, on a connection of their own, into UNLOGGED staging tables
//! (`demo_load_*`), while the generator goes on planning the next rows (two cores: one makes
//! rows, the server loads them). `load.rs` then moves the staged rows into the real tables
//! inside the demo's transaction.
//!
//! Why staging tables: the store's transactions run on sqlx's `Any` driver, which cannot speak
//! COPY; the staged rows become visible to users only when the demo's transaction commits.

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::insert::{Table, Val};
use crate::StoreError;

/// A batch sent to the server as one COPY statement: a few megabytes, so that ten million
/// rows need a few thousand statements, each well below the server's message size.
const BATCH_BYTES: usize = 4 << 20;

/// Batches waiting for the stage's connection: enough for the generator to run ahead while
/// one is loading, few enough to bound the memory.
const QUEUED_BATCHES: usize = 4;

/// The staged tables, in the order `load.rs` empties them.
pub(super) const STAGED: [Table; 5] = [
    Table::People,
    Table::Orgs,
    Table::Members,
    Table::CadrePosts,
    Table::OrgAdmins,
];

/// The staging table of a demo table.
pub(super) fn staged_name(table: Table) -> &'static str {
    match table {
        Table::Orgs => "demo_load_orgs",
        Table::People => "demo_load_people",
        Table::Members => "demo_load_members",
        Table::CadrePosts => "demo_load_cadre_posts",
        Table::OrgAdmins => "demo_load_org_admins",
    }
}

/// Each organisation's 书记, staged beside the tables and joined in when orgs are loaded.
pub(super) const SECRETARIES: &str = "demo_load_secretaries";

/// Appends `text` escaped for COPY's text format: backslash, tab, newline and carriage
/// return would otherwise end a field or a row (or start an escape); every other character,
/// Chinese included, goes as its UTF-8 bytes.
pub(crate) fn escape_into(buf: &mut Vec<u8>, text: &str) {
    for &b in text.as_bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => buf.push(b),
        }
    }
}

/// Appends one row: fields separated by tabs, `\N` for NULL, a newline at the end.
pub(crate) fn encode_row(buf: &mut Vec<u8>, row: &[Val]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            buf.push(b'\t');
        }
        match value {
            Val::Int(v) | Val::OptInt(Some(v)) => buf.extend_from_slice(v.to_string().as_bytes()),
            Val::Text(v) | Val::OptText(Some(v)) => escape_into(buf, v),
            Val::OptInt(None) | Val::OptText(None) => buf.extend_from_slice(b"\\N"),
        }
    }
    buf.push(b'\n');
}

/// `COPY demo_load_x (a, b) FROM STDIN` for a staged table: constant names only.
fn copy_statement(table: &str, columns: &[&str]) -> String {
    format!("COPY {table} ({}) FROM STDIN", columns.join(", "))
}

/// A COPY statement and its rows; `None` ends the stage.
type Batch = Option<(String, Vec<u8>)>;

/// The connection loading the staging tables, and the queue feeding it.
pub(super) struct Stage {
    queue: mpsc::Sender<Batch>,
    task: JoinHandle<Result<PgConnection, StoreError>>,
}

impl Stage {
    /// Connects and (re)creates empty staging tables; a run that failed before may have left
    /// some behind.
    pub(super) async fn open(options: &PgConnectOptions) -> Result<Stage, StoreError> {
        // The drops below may find nothing to drop; that is not worth a notice in the log.
        let options = options
            .clone()
            .options([("client_min_messages", "warning")]);
        let mut conn = PgConnection::connect_with(&options).await?;
        for table in STAGED {
            let name = staged_name(table);
            // Safe: constant table names only.
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP TABLE IF EXISTS {name}; \
                 CREATE UNLOGGED TABLE {name} (LIKE {} INCLUDING DEFAULTS)",
                table.name()
            )))
            .execute(&mut conn)
            .await?;
        }
        sqlx::raw_sql(concat!(
            "DROP TABLE IF EXISTS demo_load_secretaries; ",
            "CREATE UNLOGGED TABLE demo_load_secretaries (org_id BIGINT NOT NULL, person_id BIGINT NOT NULL)"
        ))
        .execute(&mut conn)
        .await?;
        let (queue, batches) = mpsc::channel(QUEUED_BATCHES);
        let task = tokio::spawn(run(conn, batches));
        Ok(Stage { queue, task })
    }

    /// A row buffer for a staged table.
    pub(super) fn rows(&self, table: Table) -> CopyRows {
        CopyRows {
            statement: copy_statement(staged_name(table), table.columns()),
            buf: Vec::with_capacity(BATCH_BYTES + 4096),
            queue: self.queue.clone(),
        }
    }

    /// Stages each organisation's 书记.
    pub(super) async fn secretaries(&self, pairs: &[(i64, i64)]) -> Result<(), StoreError> {
        let mut rows = CopyRows {
            statement: copy_statement(SECRETARIES, &["org_id", "person_id"]),
            buf: Vec::new(),
            queue: self.queue.clone(),
        };
        for &(org, person) in pairs {
            if rows.push(&[Val::Int(org), Val::Int(person)]) {
                rows.flush().await?;
            }
        }
        rows.flush().await
    }

    /// Waits for every queued batch to be loaded and closes the connection. The callers'
    /// `CopyRows` must have been flushed first.
    pub(super) async fn close(self) -> Result<(), StoreError> {
        // An explicit end rather than waiting for every sender to go: a writer still holding
        // an (empty) row buffer must not keep the load waiting.
        let _ = self.queue.send(None).await;
        let conn = self
            .task
            .await
            .map_err(|_| StoreError::Broken("演示数据装载任务意外中止"))??;
        conn.close().await?;
        Ok(())
    }
}

async fn run(
    mut conn: PgConnection,
    mut batches: mpsc::Receiver<Batch>,
) -> Result<PgConnection, StoreError> {
    while let Some(Some((statement, data))) = batches.recv().await {
        let mut copy = conn.copy_in_raw(&statement).await?;
        copy.send(data).await?;
        copy.finish().await?;
    }
    Ok(conn)
}

/// Rows of one staged table, encoded and handed to the stage a batch at a time.
pub struct CopyRows {
    statement: String,
    buf: Vec<u8>,
    queue: mpsc::Sender<Batch>,
}

impl CopyRows {
    /// Encodes a row; true when a batch is full.
    pub(super) fn push(&mut self, row: &[Val]) -> bool {
        encode_row(&mut self.buf, row);
        self.buf.len() >= BATCH_BYTES
    }

    /// Queues what is buffered.
    pub(super) async fn flush(&mut self) -> Result<(), StoreError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let data = std::mem::replace(&mut self.buf, Vec::with_capacity(BATCH_BYTES + 4096));
        self.queue
            .send(Some((self.statement.clone(), data)))
            .await
            // The stage stopped on an error, which `Stage::close` reports.
            .map_err(|_| StoreError::Broken("演示数据装载连接已中断"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(row: &[Val]) -> String {
        let mut buf = Vec::new();
        encode_row(&mut buf, row);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn special_characters_are_escaped() {
        let mut buf = Vec::new();
        escape_into(&mut buf, "a\\b\tc\nd\re");
        assert_eq!(buf, b"a\\\\b\\tc\\nd\\re");
    }

    #[test]
    fn chinese_and_ordinary_text_pass_unchanged() {
        let mut buf = Vec::new();
        escape_into(&mut buf, "共青团北京市委员会 N'o \"q\" ,;|");
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "共青团北京市委员会 N'o \"q\" ,;|"
        );
    }

    #[test]
    fn a_backslash_n_in_text_is_not_read_as_null() {
        // The text `\N` must arrive as two characters, not as NULL.
        assert_eq!(
            encoded(&[Val::Text("\\N".into()), Val::OptText(None)]),
            "\\\\N\t\\N\n"
        );
    }

    #[test]
    fn rows_are_tab_separated_with_nulls_and_integers() {
        assert_eq!(
            encoded(&[
                Val::Int(-42),
                Val::OptInt(None),
                Val::OptInt(Some(7)),
                Val::Text("张三".into()),
                Val::OptText(Some(String::new())),
            ]),
            "-42\t\\N\t7\t张三\t\n"
        );
    }

    #[test]
    fn copy_statements_name_the_staging_table_and_columns() {
        assert_eq!(
            copy_statement(staged_name(Table::OrgAdmins), Table::OrgAdmins.columns()),
            "COPY demo_load_org_admins (org_id, person_id, created_at) FROM STDIN"
        );
    }
}
