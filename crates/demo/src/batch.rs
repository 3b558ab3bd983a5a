//! Multi-row INSERT statements: one statement per few hundred rows is what makes a million
//! members fit in seconds on SQLite and PostgreSQL alike.

use std::sync::Arc;

use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};
use tuanjian_store::{Backend, Tx};

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

/// Buffers rows of one table and writes them `rows_per_statement` at a time.
pub struct Inserter {
    backend: Backend,
    table: &'static str,
    columns: &'static [&'static str],
    rows_per_statement: usize,
    full_statement: SqlStr,
    values: Vec<Val>,
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` for PostgreSQL. SQLite gets anonymous `?`
/// placeholders instead: sqlx resolves each numbered SQLite parameter by name, and SQLite's name
/// lookup is a linear scan, which made binding a 3,000-value statement quadratic (80 % of the
/// time of a large demo). Anonymous parameters bind in order with no lookup.
fn insert_sql(backend: Backend, table: &str, columns: &[&str], rows: usize) -> SqlStr {
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
    // Safe: the text holds only this crate's constant table and column names and numbered
    // placeholders; every value is bound, never spliced in.
    // An Arc so that cloning the full-size statement for every batch does not copy its text.
    AssertSqlSafe(Arc::<str>::from(sql)).into_sql_str()
}

impl Inserter {
    pub fn new(
        backend: Backend,
        table: &'static str,
        columns: &'static [&'static str],
        rows_per_statement: usize,
    ) -> Self {
        Self {
            backend,
            table,
            columns,
            rows_per_statement,
            full_statement: insert_sql(backend, table, columns, rows_per_statement),
            values: Vec::with_capacity(columns.len() * rows_per_statement),
        }
    }

    /// Buffers a row; true when a full statement is waiting, for callers that must write
    /// another table first (a member's person row before the member row).
    pub fn push<const N: usize>(&mut self, row: [Val; N]) -> bool {
        debug_assert_eq!(N, self.columns.len(), "{}", self.table);
        self.values.extend(row);
        self.values.len() >= self.columns.len() * self.rows_per_statement
    }

    /// Adds a row, writing the buffer when it holds a full statement.
    pub async fn row<const N: usize>(&mut self, tx: &mut Tx, row: [Val; N]) -> sqlx::Result<()> {
        if self.push(row) {
            self.flush(tx).await?;
        }
        Ok(())
    }

    /// Writes whatever is buffered.
    pub async fn flush(&mut self, tx: &mut Tx) -> sqlx::Result<()> {
        let rows = self.values.len() / self.columns.len();
        if rows == 0 {
            return Ok(());
        }
        let sql = if rows == self.rows_per_statement {
            self.full_statement.clone()
        } else {
            insert_sql(self.backend, self.table, self.columns, rows)
        };
        let mut query = sqlx::query(sql);
        for value in self.values.drain(..) {
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

/// `UPDATE table SET column = v.column2 FROM (VALUES (id, value), …) AS v WHERE table.id =
/// v.column1`, a few hundred pairs per statement (both databases name VALUES columns columnN).
pub async fn set_by_id(
    tx: &mut Tx,
    backend: Backend,
    table: &'static str,
    column: &'static str,
    pairs: &[(i64, i64)],
) -> sqlx::Result<()> {
    for chunk in pairs.chunks(500) {
        let values = insert_sql(backend, "x", &["id", "value"], chunk.len());
        let values = values
            .as_str()
            .split_once("VALUES ")
            .map_or("", |(_, v)| v)
            .to_string();
        // Safe: constant table and column names and placeholders only; values are bound.
        let sql = AssertSqlSafe(format!(
            "UPDATE {table} SET {column} = v.column2 FROM (VALUES {values}) AS v \
             WHERE {table}.id = v.column1"
        ));
        let mut query = sqlx::query(sql);
        for &(id, value) in chunk {
            query = query.bind(id).bind(value);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        let sql = super::insert_sql(Backend::Postgres, "t", &["a", "b"], 2);
        assert_eq!(
            sql.as_str(),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        let sql = super::insert_sql(Backend::Sqlite, "t", &["a", "b"], 2);
        assert_eq!(sql.as_str(), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
    }
}
