//! The statements of `tuanjian demo` (crates/demo plans the data, this module writes it):
//! multi-row INSERTs, one statement per few hundred rows, which is what makes a million
//! members fit in seconds on SQLite and PostgreSQL alike, and the few reads and updates
//! around them.
//!
//! The INSERT texts hold lists of placeholders whose length depends on the batch; they are
//! built at run time from this module's constant table and column names and placeholders only
//! (every value is bound), wrapped in `AssertSqlSafe`.

use std::collections::HashSet;
use std::sync::Arc;

use sqlx::{AssertSqlSafe, Row, SqlSafeStr, SqlStr};
use tuanjian_domain::OrgKind;

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
    fn name(self) -> &'static str {
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

/// Buffers rows of one table and writes them `rows_per_statement` at a time.
pub struct Inserter {
    backend: Backend,
    table: Table,
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
    // Safe: the text holds only this module's constant table and column names and numbered
    // placeholders; every value is bound, never spliced in.
    // An Arc so that cloning the full-size statement for every batch does not copy its text.
    AssertSqlSafe(Arc::<str>::from(sql)).into_sql_str()
}

impl Inserter {
    /// An inserter for statements run in `tx` (whose backend decides the placeholders).
    pub fn new(tx: &Tx, table: Table, rows_per_statement: usize) -> Self {
        let backend = tx.backend();
        let columns = table.columns();
        Self {
            backend,
            table,
            rows_per_statement,
            full_statement: insert_sql(backend, table.name(), columns, rows_per_statement),
            values: Vec::with_capacity(columns.len() * rows_per_statement),
        }
    }

    /// Buffers a row; true when a full statement is waiting, for callers that must write
    /// another table first (a member's person row before the member row).
    pub fn push<const N: usize>(&mut self, row: [Val; N]) -> bool {
        let width = self.table.columns().len();
        debug_assert_eq!(N, width, "{}", self.table.name());
        self.values.extend(row);
        self.values.len() >= width * self.rows_per_statement
    }

    /// Adds a row, writing the buffer when it holds a full statement.
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
        let columns = self.table.columns();
        let rows = self.values.len() / columns.len();
        if rows == 0 {
            return Ok(());
        }
        let sql = if rows == self.rows_per_statement {
            self.full_statement.clone()
        } else {
            insert_sql(self.backend, self.table.name(), columns, rows)
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

/// Sets each organisation's 书记: `UPDATE orgs SET secretary_person_id = v.column2 FROM
/// (VALUES (id, person), …) AS v WHERE orgs.id = v.column1`, a few hundred pairs per statement
/// (both databases name VALUES columns columnN).
pub async fn set_secretaries(tx: &mut Tx, pairs: &[(i64, i64)]) -> Result<(), StoreError> {
    let backend = tx.backend();
    for chunk in pairs.chunks(500) {
        let values = insert_sql(backend, "x", &["id", "value"], chunk.len());
        let values = values
            .as_str()
            .split_once("VALUES ")
            .map_or("", |(_, v)| v)
            .to_string();
        // Safe: constant text and placeholders only; values are bound.
        let sql = AssertSqlSafe(format!(
            "UPDATE orgs SET secretary_person_id = v.column2 FROM (VALUES {values}) AS v \
             WHERE orgs.id = v.column1"
        ));
        let mut query = sqlx::query(sql);
        for &(id, value) in chunk {
            query = query.bind(id).bind(value);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// A provincial-level body directly under the root, as the demo finds it.
pub struct ProvincialOrg {
    pub id: i64,
    pub path: String,
    pub short_name: String,
    pub full_name: String,
    pub kind: OrgKind,
    pub xinjiang: bool,
}

/// What the database holds before the demo writes: the top of the tree, names and numbers in
/// use, and the next free ids.
pub struct Existing {
    /// `None` before `tuanjian init`.
    pub root_id: Option<i64>,
    pub provincial: Vec<ProvincialOrg>,
    pub full_names: HashSet<String>,
    pub id_numbers: Vec<String>,
    pub dev_numbers: Vec<String>,
    pub next_org_id: i64,
    pub next_person_id: i64,
    pub next_post_id: i64,
}

pub async fn existing(tx: &mut Tx) -> Result<Existing, StoreError> {
    let root_id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    let mut provincial = Vec::new();
    if let Some(root_id) = root_id {
        let rows = sqlx::query(
            "SELECT id, path, short_name, full_name, kind, xinjiang FROM orgs \
             WHERE parent_id = $1 AND level = 'provincial' ORDER BY id",
        )
        .bind(root_id)
        .fetch_all(&mut **tx)
        .await?;
        provincial.reserve(rows.len());
        for row in rows {
            let kind: String = row.try_get("kind")?;
            provincial.push(ProvincialOrg {
                id: row.try_get("id")?,
                path: row.try_get("path")?,
                short_name: row.try_get("short_name")?,
                full_name: row.try_get("full_name")?,
                kind: OrgKind::parse(&kind)
                    .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?,
                xinjiang: row.try_get::<i64, _>("xinjiang")? != 0,
            });
        }
    }
    let full_names = sqlx::query_scalar::<_, String>("SELECT full_name FROM orgs")
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect();
    let id_numbers = sqlx::query_scalar("SELECT id_number FROM people")
        .fetch_all(&mut **tx)
        .await?;
    let dev_numbers =
        sqlx::query_scalar("SELECT dev_number FROM members WHERE dev_number IS NOT NULL")
            .fetch_all(&mut **tx)
            .await?;
    let next_org_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM orgs")
        .fetch_one(&mut **tx)
        .await?;
    let next_person_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM people")
        .fetch_one(&mut **tx)
        .await?;
    let next_post_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM cadre_posts")
        .fetch_one(&mut **tx)
        .await?;
    Ok(Existing {
        root_id,
        provincial,
        full_names,
        id_numbers,
        dev_numbers,
        next_org_id,
        next_person_id,
        next_post_id,
    })
}

/// A setting's value read inside `tx` (under its write lock, unlike `settings::get`).
pub async fn setting_in(tx: &mut Tx, key: &str) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

pub async fn is_org_admin(tx: &mut Tx, org_id: i64, person_id: i64) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT person_id FROM org_admins WHERE org_id = $1 AND person_id = $2")
            .bind(org_id)
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

pub async fn set_password_hash(
    tx: &mut Tx,
    person_id: i64,
    password_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The 完善组织信息 fields the demo fills in for bodies that existed before it.
pub struct OrgContact {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub admin_staff_quota: Option<i64>,
    pub admin_staff_actual: Option<i64>,
    pub career_staff_quota: Option<i64>,
    pub career_staff_actual: Option<i64>,
    pub complete: bool,
}

pub async fn set_org_contact(tx: &mut Tx, org_id: i64, info: OrgContact) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE orgs SET phone = $1, email = $2, admin_staff_quota = $3, \
         admin_staff_actual = $4, career_staff_quota = $5, career_staff_actual = $6, \
         info_complete = $7 WHERE id = $8",
    )
    .bind(info.phone)
    .bind(info.email)
    .bind(info.admin_staff_quota)
    .bind(info.admin_staff_actual)
    .bind(info.career_staff_quota)
    .bind(info.career_staff_actual)
    .bind(i64::from(info.complete))
    .bind(org_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ids were given explicitly; on PostgreSQL move the sequences past them for later inserts
/// (SQLite takes MAX(id) + 1 by itself).
pub async fn move_sequences_past_ids(tx: &mut Tx) -> Result<(), StoreError> {
    if tx.backend() == Backend::Postgres {
        for sql in [
            "SELECT setval(pg_get_serial_sequence('orgs', 'id'), (SELECT MAX(id) FROM orgs))",
            "SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT MAX(id) FROM people))",
            "SELECT setval(pg_get_serial_sequence('cadre_posts', 'id'), (SELECT MAX(id) FROM cadre_posts))",
        ] {
            sqlx::query(sql).execute(&mut **tx).await?;
        }
    }
    Ok(())
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
