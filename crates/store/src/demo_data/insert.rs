//! The INSERT path of the demo load (SQLite, and PostgreSQL's small pieces): multi-row
//! INSERTs, one statement per few hundred rows, which is what makes a million members fit in
//! seconds on SQLite.
//!
//! The INSERT texts hold lists of placeholders whose length depends on the batch; they are
//! built at run time from this module's constant table and column names and placeholders only
//! (every value is bound), wrapped in `AssertSqlSafe`.

use std::sync::Arc;

use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use super::copy::CopyRows;
use crate::{Backend, StoreError, Tx};

/// One bound value; the schema keeps to integers and text, which the `Any` driver binds on
/// both databases.
pub enum Val {
    Int(i64),
    Text(String),
    OptText(Option<String>),
    OptInt(Option<i64>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}

impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::OptText(v)
    }
}

/// The tables the demo fills, each with the columns of its rows in the order they are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Orgs,
    People,
    Members,
    CadrePosts,
    OrgAdmins,
}

impl Table {
    pub(super) fn name(self) -> &'static str {
        match self {
            Table::Orgs => "orgs",
            Table::People => "people",
            Table::Members => "members",
            Table::CadrePosts => "cadre_posts",
            Table::OrgAdmins => "org_admins",
        }
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Table::Orgs => &[
                "id",
                "parent_id",
                "path",
                "depth",
                "level",
                "kind",
                "short_name",
                "full_name",
                "province_id",
                "xinjiang",
                "created_at",
                "phone",
                "email",
                "industry",
                "admin_staff_quota",
                "admin_staff_actual",
                "career_staff_quota",
                "career_staff_actual",
                "school_code",
                "info_complete",
                "name_key",
                "sort_key",
            ],
            Table::People => &[
                "id",
                "id_number",
                "name",
                "phone",
                "password_hash",
                "created_at",
                "name_sort",
            ],
            Table::Members => &[
                "person_id",
                "org_id",
                "org_path",
                "join_month",
                "dev_number",
                "status",
                "created_at",
                "person_name",
                "person_id_number",
                "person_sort",
            ],
            Table::CadrePosts => &["id", "person_id", "org_id", "post", "created_at"],
            Table::OrgAdmins => &["org_id", "person_id", "created_at"],
        }
    }
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` for PostgreSQL. SQLite gets anonymous `?`
/// placeholders instead: sqlx resolves each numbered SQLite parameter by name, and SQLite's name
/// lookup is a linear scan, which made binding a 3,000-value statement quadratic (80 % of the
/// time of a large demo). Anonymous parameters bind in order with no lookup.
pub(super) fn insert_sql(backend: Backend, table: &str, columns: &[&str], rows: usize) -> SqlStr {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for col in 0..columns.len() {
            if col > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Postgres => {
                    n += 1;
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                Backend::Sqlite => sql.push('?'),
            }
        }
        sql.push(')');
    }
    // Safe: the text holds only this module's constant table and column names and numbered
    // placeholders; every value is bound, never spliced in.
    // An Arc so that cloning the full-size statement for every batch does not copy its text.
    AssertSqlSafe(Arc::<str>::from(sql)).into_sql_str()
}

/// Buffers rows of one table and writes them: `rows_per_statement` at a time with INSERT, or a
/// few megabytes at a time through the COPY stage (`copy.rs`, PostgreSQL's demo load).
pub struct Inserter {
    table: Table,
    sink: Sink,
}

enum Sink {
    Insert {
        backend: Backend,
        rows_per_statement: usize,
        full_statement: SqlStr,
        values: Vec<Val>,
    },
    Copy(CopyRows),
}

impl Inserter {
    /// An inserter for statements run in `tx` (whose backend decides the placeholders).
    pub fn new(tx: &Tx, table: Table, rows_per_statement: usize) -> Self {
        let backend = tx.backend();
        let columns = table.columns();
        Self {
            table,
            sink: Sink::Insert {
                backend,
                rows_per_statement,
                full_statement: insert_sql(backend, table.name(), columns, rows_per_statement),
                values: Vec::with_capacity(columns.len() * rows_per_statement),
            },
        }
    }

    /// An inserter handing its rows to the COPY stage.
    pub(super) fn copying(table: Table, rows: CopyRows) -> Self {
        Self {
            table,
            sink: Sink::Copy(rows),
        }
    }

    /// Buffers a row; true when a full batch is waiting, for callers that must write
    /// another table first (a member's person row before the member row).
    pub fn push<const N: usize>(&mut self, row: [Val; N]) -> bool {
        let width = self.table.columns().len();
        debug_assert_eq!(N, width, "{}", self.table.name());
        match &mut self.sink {
            Sink::Insert {
                rows_per_statement,
                values,
                ..
            } => {
                values.extend(row);
                values.len() >= width * *rows_per_statement
            }
            Sink::Copy(rows) => rows.push(&row),
        }
    }

    /// Adds a row, writing the buffer when it holds a full batch.
    pub async fn row<const N: usize>(
        &mut self,
        tx: &mut Tx,
        row: [Val; N],
    ) -> Result<(), StoreError> {
        if self.push(row) {
            self.flush(tx).await?;
        }
        Ok(())
    }

    /// Writes whatever is buffered.
    pub async fn flush(&mut self, tx: &mut Tx) -> Result<(), StoreError> {
        let table = self.table;
        let (backend, rows_per_statement, full_statement, values) = match &mut self.sink {
            Sink::Copy(rows) => return rows.flush().await,
            Sink::Insert {
                backend,
                rows_per_statement,
                full_statement,
                values,
            } => (*backend, *rows_per_statement, full_statement, values),
        };
        let columns = table.columns();
        let rows = values.len() / columns.len();
        if rows == 0 {
            return Ok(());
        }
        let sql = if rows == rows_per_statement {
            full_statement.clone()
        } else {
            insert_sql(backend, table.name(), columns, rows)
        };
        let mut query = sqlx::query(sql);
        for value in values.drain(..) {
            query = match value {
                Val::Int(v) => query.bind(v),
                Val::Text(v) => query.bind(v),
                Val::OptText(v) => query.bind(v),
                Val::OptInt(v) => query.bind(v),
            };
        }
        query.execute(&mut **tx).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        let sql = insert_sql(Backend::Postgres, "t", &["a", "b"], 2);
        assert_eq!(
            sql.as_str(),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        let sql = insert_sql(Backend::Sqlite, "t", &["a", "b"], 2);
        assert_eq!(sql.as_str(), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
    }
}
