//! `tuanjian copy-to`: moves a SQLite database into a new, empty PostgreSQL database, for a
//! county that outgrows the embedded default. The source is read in one snapshot; the target
//! is migrated, then filled, its sequences set and every table verified (row count and a
//! checksum of every copied value) inside ONE transaction: all of it, or nothing.

mod rows;
mod schema;
pub mod tables;

use std::time::Instant;

use thiserror::Error;

use crate::{Backend, SQLITE_MIGRATIONS, Store, StoreError};
pub use rows::Tally;
use tables::{COPIED, SKIPPED};

#[derive(Debug, Error)]
pub enum CopyError {
    /// Nothing was copied, for the reason given (what to do is part of the message).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CopyError {
    fn from(e: sqlx::Error) -> Self {
        CopyError::Store(StoreError::Db(e))
    }
}

/// One table's rows as read from the source and as found in the target afterwards.
#[derive(Debug, Clone)]
pub struct TableCopy {
    pub table: &'static str,
    pub source: Tally,
    pub target: Tally,
}

impl TableCopy {
    pub fn consistent(&self) -> bool {
        self.source == self.target
    }
}

/// What the copy did. When not `committed`, the target's transaction was rolled back: the
/// tables listed as inconsistent say why.
#[derive(Debug, Clone)]
pub struct CopyReport {
    pub tables: Vec<TableCopy>,
    pub skipped: &'static [(&'static str, &'static str)],
    pub seconds: f64,
    pub committed: bool,
}

impl CopyReport {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.source.rows).sum()
    }

    pub fn differences(&self) -> impl Iterator<Item = &TableCopy> {
        self.tables.iter().filter(|t| !t.consistent())
    }
}

/// Reported as the copy goes.
pub enum Progress<'a> {
    Skipped { table: &'a str, reason: &'a str },
    Copied { table: &'a str, rows: u64 },
    Verified(&'a TableCopy),
}

impl Store {
    /// Copies this SQLite database into the empty PostgreSQL database at `target_url`
    /// (module doc). Refusals change nothing; a verification that fails rolls back and is
    /// answered as a report that is not `committed`.
    pub async fn copy_to_postgres(
        &self,
        target_url: &str,
        mut progress: impl FnMut(Progress<'_>),
    ) -> Result<CopyReport, CopyError> {
        let started = Instant::now();
        if self.backend != Backend::Sqlite {
            return Err(CopyError::Refused(
                "copy-to 把 SQLite 数据库复制到 PostgreSQL：--database-url 须为 sqlite:// 地址"
                    .into(),
            ));
        }
        // One read transaction: every table is read from the same snapshot.
        let mut source = self.begin_read().await?;
        let known: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|m| m.version).collect();
        schema::check_versions(&schema::applied_versions(&mut source).await?, &known)?;
        let target = Store::connect(target_url).await?;
        let result = fill(&mut source, &target, &mut progress).await;
        target.close().await;
        let (tables, committed) = result?;
        Ok(CopyReport {
            tables,
            skipped: SKIPPED,
            seconds: started.elapsed().as_secs_f64(),
            committed,
        })
    }
}

/// Migrates the target and fills it in one transaction, committed only when every table
/// verifies.
async fn fill(
    source: &mut crate::Tx,
    target: &Store,
    progress: &mut impl FnMut(Progress<'_>),
) -> Result<(Vec<TableCopy>, bool), CopyError> {
    if target.backend != Backend::Postgres {
        return Err(CopyError::Refused(
            "copy-to 的目标须为 PostgreSQL 数据库地址（postgres://用户@主机/数据库）".into(),
        ));
    }
    // Before migrating, so that a database in use is not even migrated.
    schema::check_empty(&mut *target.pool.acquire().await?).await?;
    target.migrate_schema().await?;
    let mut tx = target.begin().await?;
    // Again inside the transaction: nobody filled it in between.
    schema::check_empty(&mut tx).await?;
    schema::check_all_known(&mut tx).await?;
    for (table, reason) in SKIPPED {
        progress(Progress::Skipped { table, reason });
    }
    let mut copied = Vec::with_capacity(COPIED.len());
    for table in COPIED {
        let columns = schema::columns(source, &mut tx, table).await?;
        let tally = rows::copy_rows(source, &mut tx, table, &columns).await?;
        progress(Progress::Copied {
            table: table.name,
            rows: tally.rows,
        });
        copied.push((table, columns, tally));
    }
    schema::reset_sequences(&mut tx).await?;
    let mut report = Vec::with_capacity(copied.len());
    for (table, columns, source_tally) in copied {
        let check = TableCopy {
            table: table.name,
            source: source_tally,
            target: rows::tally(&mut tx, table, &columns).await?,
        };
        progress(Progress::Verified(&check));
        report.push(check);
    }
    let consistent = report.iter().all(TableCopy::consistent);
    if consistent {
        // The counters were copied as they are: the triggers' log of the inserts is not folded,
        // except into each branch's own member count, which is not copied (migration 0018).
        crate::counters::member_counts(&mut tx).await?;
        crate::counters::clear_logs(&mut tx).await?;
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok((report, consistent))
}
