//! Reading a table's rows as typed cells, writing them in batches, and the checksum both
//! sides are compared by.

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::CopyError;
use super::tables::CopyTable;

/// What a column holds on both databases. SQLite's INTEGER is PostgreSQL's BIGINT or INTEGER
/// (the schema stores flags as 0/1 integers on both, times as Unix seconds, dates as text),
/// TEXT is TEXT (JSON included), BLOB is BYTEA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Blob,
}

impl Kind {
    /// The kind of a PostgreSQL column type; None for a type the copy does not know (a future
    /// migration adding one must teach it here, not have its values converted blindly).
    pub fn of_postgres(data_type: &str) -> Option<Kind> {
        match data_type {
            "bigint" | "integer" | "smallint" => Some(Kind::Int),
            "text" => Some(Kind::Text),
            "bytea" => Some(Kind::Blob),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

impl Cell {
    fn size(&self) -> usize {
        match self {
            Cell::Int(_) => 8,
            Cell::Text(t) => t.as_ref().map_or(0, String::len),
            Cell::Blob(b) => b.as_ref().map_or(0, Vec::len),
        }
    }

    /// Fed to the row's digest: a tag per kind and NULL, lengths before contents, so no two
    /// different rows feed the same bytes.
    fn digest(&self, h: &mut Sha256) {
        match self {
            Cell::Int(None) | Cell::Text(None) | Cell::Blob(None) => h.update([0u8]),
            Cell::Int(Some(v)) => {
                h.update([1u8]);
                h.update(v.to_le_bytes());
            }
            Cell::Text(Some(t)) => bytes(h, 2, t.as_bytes()),
            Cell::Blob(Some(b)) => bytes(h, 3, b),
        }
    }
}

fn bytes(h: &mut Sha256, tag: u8, b: &[u8]) {
    h.update([tag]);
    h.update((b.len() as u64).to_le_bytes());
    h.update(b);
}

/// A copied column: its name (checked to be a plain identifier) and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// Rows counted and summed: the sum of each row's digest (its first 16 bytes as a number),
/// which does not depend on the order the rows come in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub rows: u64,
    pub checksum: u128,
}

impl Tally {
    pub fn add(&mut self, row: &[Cell]) {
        let mut h = Sha256::new();
        for cell in row {
            cell.digest(&mut h);
        }
        let d = h.finalize();
        let mut first = [0u8; 16];
        first.copy_from_slice(&d[..16]);
        self.rows += 1;
        self.checksum = self.checksum.wrapping_add(u128::from_le_bytes(first));
    }
}

fn column_list(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn decode(row: &AnyRow, columns: &[Column], table: &str) -> Result<Vec<Cell>, CopyError> {
    let mut cells = Vec::with_capacity(columns.len());
    for (i, c) in columns.iter().enumerate() {
        let cell = match c.kind {
            Kind::Int => row.try_get::<Option<i64>, _>(i).map(Cell::Int),
            Kind::Text => row.try_get::<Option<String>, _>(i).map(Cell::Text),
            Kind::Blob => row.try_get::<Option<Vec<u8>>, _>(i).map(Cell::Blob),
        }
        .map_err(|e| {
            CopyError::Refused(format!(
                "表 {table} 的列 {} 有一个值不是应有的类型（{e}）：源数据库可能被其他程序改动过，请先修正该值",
                c.name
            ))
        })?;
        cells.push(cell);
    }
    Ok(cells)
}

fn select_sql(table: &CopyTable, columns: &[Column]) -> AssertSqlSafe<String> {
    // Safe: the table and its order are this module's constants, the columns identifiers
    // checked by `schema::plain`; there are no values.
    AssertSqlSafe(format!(
        "SELECT {} FROM {} ORDER BY {}",
        column_list(columns),
        table.name,
        table.order_by
    ))
}

/// Copies every row of `table` from `source` to `target` in its order, in batches of at most
/// `rows_per_insert` rows or about 8 MiB (a table of uploaded files); answers the tally of
/// the rows read.
pub async fn copy_rows(
    source: &mut AnyConnection,
    target: &mut AnyConnection,
    table: &CopyTable,
    columns: &[Column],
) -> Result<Tally, CopyError> {
    const BATCH_BYTES: usize = 8 << 20;
    let per = rows_per_insert(columns.len());
    let mut stream = sqlx::query(select_sql(table, columns)).fetch(source);
    let mut tally = Tally::default();
    let (mut rows, mut size) = (Vec::new(), 0usize);
    while let Some(row) = stream.try_next().await? {
        let cells = decode(&row, columns, table.name)?;
        tally.add(&cells);
        size += cells.iter().map(Cell::size).sum::<usize>();
        rows.push(cells);
        if rows.len() >= per || size >= BATCH_BYTES {
            insert(&mut *target, table.name, columns, std::mem::take(&mut rows)).await?;
            size = 0;
        }
    }
    insert(target, table.name, columns, rows).await?;
    Ok(tally)
}

/// Counts and sums every row of `table` as it now stands.
pub async fn tally(
    conn: &mut AnyConnection,
    table: &CopyTable,
    columns: &[Column],
) -> Result<Tally, CopyError> {
    let mut stream = sqlx::query(select_sql(table, columns)).fetch(conn);
    let mut tally = Tally::default();
    while let Some(row) = stream.try_next().await? {
        tally.add(&decode(&row, columns, table.name)?);
    }
    Ok(tally)
}

/// Writes `rows` to `table` on PostgreSQL: one INSERT of numbered placeholders, every value
/// bound with its column's type (a NULL too, so a NULL text is not sent as a NULL number).
async fn insert(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[Column],
    rows: Vec<Vec<Cell>>,
) -> Result<(), CopyError> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = columns.len();
    let groups: Vec<String> = (0..rows.len())
        .map(|r| {
            let marks: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    // Safe: constant table name, checked column identifiers and placeholders; values bound.
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        column_list(columns),
        groups.join(", ")
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for cell in rows.into_iter().flatten() {
        q = match cell {
            Cell::Int(v) => q.bind(v),
            Cell::Text(v) => q.bind(v),
            Cell::Blob(v) => q.bind(v),
        };
    }
    q.execute(conn).await?;
    Ok(())
}

/// Rows per INSERT for a table this wide: within PostgreSQL's 65,535 bound values.
pub fn rows_per_insert(width: usize) -> usize {
    (60_000 / width.max(1)).clamp(1, 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_does_not_depend_on_row_order_but_on_every_value() {
        let a = vec![Cell::Int(Some(1)), Cell::Text(Some("张三".into()))];
        let b = vec![Cell::Int(Some(2)), Cell::Text(None)];
        let (mut one, mut two) = (Tally::default(), Tally::default());
        one.add(&a);
        one.add(&b);
        two.add(&b);
        two.add(&a);
        assert_eq!(one, two);
        let mut other = Tally::default();
        other.add(&a);
        other.add(&[Cell::Int(Some(2)), Cell::Text(Some(String::new()))]);
        assert_ne!(one, other, "NULL and empty text differ");
        let mut blob = Tally::default();
        blob.add(&a);
        blob.add(&[Cell::Int(Some(2)), Cell::Blob(None)]);
        assert_eq!(blob.rows, 2);
        assert_eq!(Kind::of_postgres("integer"), Some(Kind::Int));
        assert_eq!(Kind::of_postgres("timestamp with time zone"), None);
    }
}
