//! The statements of `tuanjian demo` (crates/demo plans the data, this module writes it):
//! the load of its rows (`load.rs`: multi-row INSERTs on SQLite, `insert.rs`; COPY through
//! staging tables on PostgreSQL, `copy.rs`) and the few reads and updates around them.

mod copy;
mod insert;
mod load;

use std::collections::HashSet;

use sqlx::{AssertSqlSafe, Row};
use tuanjian_domain::OrgKind;

pub use insert::{Inserter, Table, Val};
pub use load::Loader;

use crate::{Backend, StoreError, Tx};

/// Sets each organisation's 书记: `UPDATE orgs SET secretary_person_id = v.column2 FROM
/// (VALUES (id, person), …) AS v WHERE orgs.id = v.column1`, a few hundred pairs per statement
/// (both databases name VALUES columns columnN).
pub(crate) async fn set_secretaries(tx: &mut Tx, pairs: &[(i64, i64)]) -> Result<(), StoreError> {
    let backend = tx.backend();
    for chunk in pairs.chunks(500) {
        let values = insert::insert_sql(backend, "x", &["id", "value"], chunk.len());
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
