//! People: everyone who logs in, keyed by ID number.

use serde::Serialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::IdNumber;

use crate::audit::{self, Actor, AuditEntry};
use crate::direct_read::Cols;
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub id_number: IdNumber,
    pub name: String,
    pub phone: Option<String>,
    /// `None` while the account is in its initial state.
    pub password_hash: Option<String>,
}

impl Person {
    /// Accounts created by an admin keep the derivable initial password until first change.
    pub fn in_initial_state(&self) -> bool {
        self.password_hash.is_none()
    }
}

/// What the audit log keeps of a person: never the password hash.
#[derive(Serialize)]
struct PersonAudit<'a> {
    id_number: &'a str,
    name: &'a str,
    phone: Option<&'a str>,
}

/// Reads id, id_number, name, phone, password_hash by position from `at` on.
pub(crate) fn person_from_cols(c: &dyn Cols, at: usize) -> Result<Person, StoreError> {
    let id_number = c.text(at + 1)?;
    Ok(Person {
        id: c.int(at)?,
        id_number: IdNumber::parse(&id_number)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?,
        name: c.text(at + 2)?,
        phone: c.opt_text(at + 3)?,
        password_hash: c.opt_text(at + 4)?,
    })
}

/// A person from a row that selects id, id_number, name, phone, password_hash first.
pub(crate) fn person_from_row(row: &sqlx::any::AnyRow) -> Result<Person, StoreError> {
    person_from_cols(row, 0)
}

impl Store {
    pub async fn person_by_id_number(
        &self,
        id_number: &IdNumber,
    ) -> Result<Option<Person>, StoreError> {
        let row = sqlx::query(
            "SELECT id, id_number, name, phone, password_hash FROM people WHERE id_number = $1",
        )
        .bind(id_number.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(person_from_row).transpose()
    }

    pub async fn person(&self, id: i64) -> Result<Person, StoreError> {
        let row = sqlx::query(
            "SELECT id, id_number, name, phone, password_hash FROM people WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        person_from_row(&row)
    }
}

pub async fn person_by_id_number_tx(
    tx: &mut Tx,
    id_number: &IdNumber,
) -> Result<Option<Person>, StoreError> {
    let row = sqlx::query(
        "SELECT id, id_number, name, phone, password_hash FROM people WHERE id_number = $1",
    )
    .bind(id_number.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(person_from_row).transpose()
}

/// Creates an account. `password_hash = None` leaves it in the initial state.
pub async fn insert_person(
    tx: &mut Tx,
    actor: &Actor,
    id_number: &IdNumber,
    name: &str,
    phone: Option<&str>,
    password_hash: Option<&str>,
) -> Result<Person, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (id_number, name, phone, password_hash, created_at, name_sort) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id_number) DO NOTHING RETURNING id",
    )
    .bind(id_number.as_str())
    .bind(name)
    .bind(phone)
    .bind(password_hash)
    .bind(now())
    .bind(tuanjian_domain::name_order::person_sort_key(name))
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::Conflict {
        code: ErrorCode::AlreadyRegistered,
        message: format!(
            "身份证号码 {} 已在系统中注册，不能重复注册",
            id_number.masked()
        ),
    })?;
    let after = PersonAudit {
        id_number: id_number.as_str(),
        name,
        phone,
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("person.create")
            .target("person", id)
            .after(&after),
    )
    .await?;
    Ok(Person {
        id,
        id_number: id_number.clone(),
        name: name.to_string(),
        phone: phone.map(str::to_string),
        password_hash: password_hash.map(str::to_string),
    })
}

/// Replaces the password hash, leaving the initial state; recorded without the hash.
pub async fn set_password_hash(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    hash: &str,
) -> Result<(), StoreError> {
    let changed = sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(person_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("account.password_change").target("person", person_id),
    )
    .await
}
