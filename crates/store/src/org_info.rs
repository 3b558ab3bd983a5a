//! An organisation's information (完善组织信息): reading it, writing it with its 书记, and keeping
//! `info_complete` in step so completion rates are a count.

use sqlx::Row;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{IdNumber, OrgInfo};

use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::Org;
use crate::people::{insert_person, person_by_id_number_tx};
use crate::roles::insert_cadre_post;
use crate::{Store, StoreError, Tx};

/// The 书记 as entered on the form: a person who may not be in the system yet.
#[derive(Debug, Clone)]
pub struct SecretaryInput {
    pub name: String,
    pub id_number: IdNumber,
    pub mobile: String,
}

/// One statement, on a transaction or on the pool (where a lost connection is retried).
async fn read_info<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    org_id: i64,
) -> Result<OrgInfo, StoreError> {
    let row = sqlx::query(
        "SELECT o.phone, o.email, o.industry, o.admin_staff_quota, o.admin_staff_actual, o.career_staff_quota, \
         o.career_staff_actual, o.school_code, p.name AS secretary_name, p.id_number AS secretary_id_number, \
         p.phone AS secretary_phone FROM orgs o LEFT JOIN people p ON p.id = o.secretary_person_id WHERE o.id = $1",
    )
    .bind(org_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(OrgInfo {
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        industry: row.try_get("industry")?,
        admin_staff_quota: row.try_get("admin_staff_quota")?,
        admin_staff_actual: row.try_get("admin_staff_actual")?,
        career_staff_quota: row.try_get("career_staff_quota")?,
        career_staff_actual: row.try_get("career_staff_actual")?,
        secretary_name: row.try_get("secretary_name")?,
        secretary_id_number: row.try_get("secretary_id_number")?,
        secretary_phone: row.try_get("secretary_phone")?,
        school_code: row.try_get("school_code")?,
    })
}

impl Store {
    pub async fn org_info(&self, org_id: i64) -> Result<OrgInfo, StoreError> {
        read_info(self.pool(), org_id).await
    }

    /// Whether `org` is an independent school organisation: not a leading body, its industry is
    /// a school kind, and its parent is not a school (a school's colleges and classes are not).
    pub async fn is_school_org(&self, org: &Org) -> Result<bool, StoreError> {
        is_school(self.pool(), org).await
    }
}

pub async fn org_info_tx(tx: &mut Tx, org_id: i64) -> Result<OrgInfo, StoreError> {
    read_info(&mut **tx, org_id).await
}

/// One statement (its own industry and its parent's), like `read_info`.
async fn is_school<'c>(
    conn: impl sqlx::Executor<'c, Database = sqlx::Any>,
    org: &Org,
) -> Result<bool, StoreError> {
    if org.level.is_leading_body() {
        return Ok(false);
    }
    let (own, parent): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT o.industry, (SELECT p.industry FROM orgs p WHERE p.id = $2) FROM orgs o WHERE o.id = $1",
    )
    .bind(org.id)
    .bind(org.parent_id)
    .fetch_one(conn)
    .await?;
    Ok(tuanjian_domain::org_info::is_independent_school(
        org.class(),
        own.as_deref(),
        parent.as_deref(),
    ))
}

/// Recomputes `info_complete` for `org` from what is stored now.
pub async fn refresh_completeness(tx: &mut Tx, org: &Org) -> Result<bool, StoreError> {
    let info = read_info(&mut **tx, org.id).await?;
    let school = is_school(&mut **tx, org).await?;
    let complete = info.missing(org.class(), school).is_empty();
    sqlx::query("UPDATE orgs SET info_complete = $1 WHERE id = $2")
        .bind(i64::from(complete))
        .bind(org.id)
        .execute(&mut **tx)
        .await?;
    Ok(complete)
}

/// The registered name is personal information of someone possibly outside the admin's scope:
/// say only that it differs (issue 10, item 8).
pub(crate) fn secretary_mismatch_message(id: &IdNumber, typed: &str) -> String {
    format!(
        "身份证号码 {} 已在系统中登记，登记的姓名与填写的“{}”不一致；请核对书记的姓名和身份证号码，如登记的姓名有误，请其所在组织申请更正",
        id.masked(),
        typed
    )
}

/// Finds or creates the 书记's account and makes them 书记 of `org`, replacing the previous one.
/// An existing account must carry the same name: names are not editable by organisation admins.
pub async fn set_secretary(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    s: &SecretaryInput,
) -> Result<i64, StoreError> {
    let person = match person_by_id_number_tx(tx, &s.id_number).await? {
        Some(p) if p.name != s.name => {
            return Err(StoreError::Conflict {
                code: ErrorCode::SecretaryNameMismatch,
                message: secretary_mismatch_message(&s.id_number, &s.name),
            });
        }
        Some(p) => p,
        // A 书记 not yet in the system gets an account in the initial state (seed, question 5).
        None => insert_person(tx, actor, &s.id_number, &s.name, Some(&s.mobile), None).await?,
    };
    sqlx::query("UPDATE people SET phone = $1 WHERE id = $2")
        .bind(&s.mobile)
        .bind(person.id)
        .execute(&mut **tx)
        .await?;
    let previous: Option<Option<i64>> =
        sqlx::query_scalar("SELECT secretary_person_id FROM orgs WHERE id = $1")
            .bind(org.id)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(Some(prev)) = previous
        && prev != person.id
    {
        sqlx::query(
            "DELETE FROM cadre_posts WHERE person_id = $1 AND org_id = $2 AND post = '书记'",
        )
        .bind(prev)
        .bind(org.id)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("UPDATE orgs SET secretary_person_id = $1 WHERE id = $2")
        .bind(person.id)
        .bind(org.id)
        .execute(&mut **tx)
        .await?;
    let has_post: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM cadre_posts WHERE person_id = $1 AND org_id = $2 AND post = '书记'",
    )
    .bind(person.id)
    .bind(org.id)
    .fetch_optional(&mut **tx)
    .await?;
    if has_post.is_none() {
        insert_cadre_post(tx, actor, org.id, person.id, "书记").await?;
    }
    Ok(person.id)
}

/// Writes the organisation's own fields (not the 书记) from `info`, records the change in the
/// audit log with before and after, and refreshes completeness. Names and kind are not here:
/// they change through `rename_org`, which only the superior may use.
pub async fn write_info_fields(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    info: &OrgInfo,
) -> Result<(), StoreError> {
    let before = read_info(&mut **tx, org.id).await?;
    sqlx::query(
        "UPDATE orgs SET phone = $1, email = $2, industry = $3, admin_staff_quota = $4, admin_staff_actual = $5, \
         career_staff_quota = $6, career_staff_actual = $7, school_code = $8 WHERE id = $9",
    )
    .bind(info.phone.as_deref())
    .bind(info.email.as_deref())
    .bind(info.industry.as_deref())
    .bind(info.admin_staff_quota)
    .bind(info.admin_staff_actual)
    .bind(info.career_staff_quota)
    .bind(info.career_staff_actual)
    .bind(info.school_code.as_deref())
    .bind(org.id)
    .execute(&mut **tx)
    .await?;
    let after = read_info(&mut **tx, org.id).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.info")
            .target("org", org.id)
            .org(org.id)
            .before(&before)
            .after(&after),
    )
    .await?;
    refresh_completeness(tx, org).await?;
    Ok(())
}

/// Changes 简称 and 全称 (the direct superior's power only; checked by the caller).
pub async fn rename_org(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    short_name: &str,
    full_name: &str,
) -> Result<(), StoreError> {
    crate::orgs::refuse_invisible(short_name, "组织简称")?;
    crate::orgs::refuse_invisible(full_name, "组织全称")?;
    let name_key = tuanjian_domain::text::comparison_key(full_name);
    if let Some(holder) = crate::orgs::name_holder(tx, full_name, &name_key, Some(org.id)).await? {
        return Err(crate::orgs::name_taken(full_name, &holder));
    }
    sqlx::query(
        "UPDATE orgs SET short_name = $1, full_name = $2, name_key = $3, sort_key = $4 WHERE id = $5",
    )
    .bind(short_name)
    .bind(full_name)
    .bind(&name_key)
    .bind(tuanjian_domain::name_order::sort_key(full_name))
    .bind(org.id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.rename")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({"short_name": org.short_name, "full_name": org.full_name}))
            .after(serde_json::json!({"short_name": short_name, "full_name": full_name})),
    )
    .await
}

impl Store {
    /// Completion of the organisations directly below `parent_id`: (complete, total).
    pub async fn children_completion(&self, parent_id: i64) -> Result<(i64, i64), StoreError> {
        // Kept in step by the triggers of migration 0006.
        let row = sqlx::query("SELECT complete_children, child_count FROM orgs WHERE id = $1")
            .bind(parent_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => (r.try_get(0)?, r.try_get(1)?),
            None => (0, 0),
        })
    }
}
