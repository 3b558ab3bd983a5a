//! 管理员变更: an organisation's admins, adding one who is already a cadre there, revoking one
//! (the account stays; only the admin role goes).

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::IdNumber;

use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::Org;
use crate::people::{Person, person_by_id_number_tx};
use crate::roles::insert_admin;
use crate::{Store, StoreError, Tx};

#[derive(Debug, Clone, Serialize)]
pub struct AdminEntry {
    pub person_id: i64,
    pub name: String,
    /// First 6 and last 4 characters only.
    pub id_number_masked: String,
    /// When the person became admin (Unix seconds).
    pub since: i64,
}

impl Store {
    /// The organisation's admins, longest-serving first.
    pub async fn org_admins(&self, org_id: i64) -> Result<Vec<AdminEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.id, p.name, p.id_number, a.created_at FROM org_admins a JOIN people p ON p.id = a.person_id \
             WHERE a.org_id = $1 ORDER BY a.created_at, p.id",
        )
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let id_number: String = r.try_get("id_number")?;
                Ok(AdminEntry {
                    person_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    id_number_masked: IdNumber::parse(&id_number)
                        .map(|n| n.masked())
                        .unwrap_or_else(|_| "******".into()),
                    since: r.try_get("created_at")?,
                })
            })
            .collect()
    }
}

/// The how-to for a person who is not yet a cadre of the organisation.
pub const MAKE_CADRE_FIRST: &str =
    "请先在“组织信息”中将其设为书记，或在团干部管理中将其录入为本组织团干部，再添加为管理员";

/// Makes the person with `id_number` an admin of `org`. They must be in the system and hold a
/// cadre post in `org` itself.
pub async fn add_admin(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    id_number: &IdNumber,
) -> Result<Person, StoreError> {
    let person = person_by_id_number_tx(tx, id_number)
        .await?
        .ok_or_else(|| StoreError::Conflict {
            code: ErrorCode::PersonNotInSystem,
            message: format!(
                "身份证号码 {} 的人员尚未在系统中登记。管理员须先是本组织的团干部：{}",
                id_number.masked(),
                MAKE_CADRE_FIRST
            ),
        })?;
    let post: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM cadre_posts WHERE person_id = $1 AND org_id = $2 LIMIT 1",
    )
    .bind(person.id)
    .bind(org.id)
    .fetch_optional(&mut **tx)
    .await?;
    if post.is_none() {
        return Err(StoreError::Conflict {
            code: ErrorCode::NotACadre,
            message: format!(
                "{}（{}）还不是{}的团干部，不能添加为管理员。{}",
                person.name,
                person.id_number.masked(),
                org.full_name,
                MAKE_CADRE_FIRST
            ),
        });
    }
    insert_admin(tx, actor, org.id, person.id)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { code, .. } => StoreError::Conflict {
                code,
                message: format!("{}已经是{}的管理员", person.name, org.full_name),
            },
            other => other,
        })?;
    Ok(person)
}

/// Takes the admin role of `org` from the person. Their account, cadre posts and membership
/// stay; sessions acting as this admin lose the role at once.
pub async fn revoke_admin(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    person_id: i64,
) -> Result<(), StoreError> {
    let since: Option<i64> = sqlx::query_scalar(
        "SELECT created_at FROM org_admins WHERE org_id = $1 AND person_id = $2",
    )
    .bind(org.id)
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(since) = since else {
        return Err(StoreError::Conflict {
            code: ErrorCode::NotAdmin,
            message: format!("此人不是{}的管理员，无需撤销", org.full_name),
        });
    };
    sqlx::query("DELETE FROM org_admins WHERE org_id = $1 AND person_id = $2")
        .bind(org.id)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE sessions SET role_kind = NULL, role_org_id = NULL \
         WHERE person_id = $1 AND role_kind = 'admin' AND role_org_id = $2",
    )
    .bind(person_id)
    .bind(org.id)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("admin.revoke")
            .target("person", person_id)
            .org(org.id)
            .before(serde_json::json!({ "admin_since": since })),
    )
    .await
}
