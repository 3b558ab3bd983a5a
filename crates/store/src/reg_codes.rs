//! 管理员注册码 as stored: one row per issued code (`reg_codes`), the newest unrevoked one
//! per organisation usable. The code itself, its validity and its states are the domain's
//! (`tuanjian_domain::reg_code`); using one is a conditional update, so a code can never serve
//! twice.

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{CodeState, REGISTRATION_CODE_VALIDITY, RegCode};

use crate::audit::{self, Actor, AuditEntry};
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Serialize)]
pub struct CodeRecord {
    pub id: i64,
    pub org_id: i64,
    pub code: RegCode,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub used_at: Option<i64>,
    pub used_by: Option<i64>,
}

impl CodeRecord {
    pub fn state_at(&self, t: i64) -> CodeState {
        CodeState::at(
            t,
            self.expires_at,
            self.used_at.is_some(),
            self.revoked_at.is_some(),
        )
    }

    pub fn state(&self) -> CodeState {
        self.state_at(now())
    }

    pub fn display(&self) -> String {
        self.code.display()
    }
}

fn record_from_row(r: &sqlx::any::AnyRow) -> Result<CodeRecord, StoreError> {
    Ok(CodeRecord {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: RegCode::parse(&r.try_get::<String, _>("code")?)
            .ok_or(StoreError::Broken("reg_codes.code holds a malformed code"))?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
        used_at: r.try_get("used_at")?,
        used_by: r.try_get("used_by")?,
    })
}

macro_rules! code_columns {
    () => {
        "id, org_id, code, created_by, created_at, expires_at, revoked_at, used_at, used_by"
    };
}

/// What the audit log keeps of a code: never the code itself.
fn audit_view(c: &CodeRecord) -> serde_json::Value {
    serde_json::json!({ "code_id": c.id, "expires_at": c.expires_at })
}

/// Revokes the organisation's unused codes and issues a new one, inside `tx`.
pub async fn issue(tx: &mut Tx, actor: &Actor, org_id: i64) -> Result<CodeRecord, StoreError> {
    let t = now();
    sqlx::query(
        "UPDATE reg_codes SET revoked_at = $1 WHERE org_id = $2 AND revoked_at IS NULL AND used_at IS NULL",
    )
    .bind(t)
    .bind(org_id)
    .execute(&mut **tx)
    .await?;
    // A collision among 31^12 codes is all but impossible; the unique index would still catch it.
    let code = RegCode::generate(&mut rand::rng());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reg_codes (org_id, code, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(code.as_str())
    .bind(actor.person_id)
    .bind(t)
    .bind(REGISTRATION_CODE_VALIDITY.expires_at(t))
    .fetch_one(&mut **tx)
    .await?;
    let rec = CodeRecord {
        id,
        org_id,
        code,
        created_by: actor.person_id,
        created_at: t,
        expires_at: REGISTRATION_CODE_VALIDITY.expires_at(t),
        revoked_at: None,
        used_at: None,
        used_by: None,
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("reg_code.issue")
            .target("org", org_id)
            .org(org_id)
            .after(audit_view(&rec)),
    )
    .await?;
    Ok(rec)
}

/// Revokes the organisation's unused, unrevoked codes. Refused when there is none.
pub async fn revoke(tx: &mut Tx, actor: &Actor, org_id: i64) -> Result<(), StoreError> {
    let t = now();
    let n = sqlx::query(
        "UPDATE reg_codes SET revoked_at = $1 WHERE org_id = $2 AND revoked_at IS NULL AND used_at IS NULL",
    )
    .bind(t)
    .bind(org_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::NoActiveCode,
            message:
                "该组织当前没有可作废的注册码（已使用或已作废）；如需新的注册码，请点击“重新生成”"
                    .into(),
        });
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("reg_code.revoke")
            .target("org", org_id)
            .org(org_id),
    )
    .await
}

/// The code as stored, whatever its state; `None` when no code is spelled like this.
pub async fn find_tx(tx: &mut Tx, code: &RegCode) -> Result<Option<CodeRecord>, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        code_columns!(),
        " FROM reg_codes WHERE code = $1"
    ))
    .bind(code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(record_from_row).transpose()
}

/// Marks an active code used by `person_id`. The update holds only while the code is still
/// unused, unrevoked and unexpired, so two registrations racing for one code cannot both win.
pub async fn mark_used(
    tx: &mut Tx,
    actor: &Actor,
    rec: &CodeRecord,
    person_id: i64,
) -> Result<(), StoreError> {
    let t = now();
    let n = sqlx::query(
        "UPDATE reg_codes SET used_at = $1, used_by = $2 WHERE id = $3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at >= $1",
    )
    .bind(t)
    .bind(person_id)
    .bind(rec.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::CodeUsed,
            message: "注册码刚刚已被使用或作废，请向上级组织管理员索取新的注册码".into(),
        });
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("reg_code.use")
            .target("org", rec.org_id)
            .org(rec.org_id)
            .after(serde_json::json!({ "code_id": rec.id, "person_id": person_id })),
    )
    .await
}

impl Store {
    /// The organisation's most recent code, in whatever state.
    pub async fn current_code(&self, org_id: i64) -> Result<Option<CodeRecord>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            code_columns!(),
            " FROM reg_codes WHERE org_id = $1 ORDER BY id DESC LIMIT 1"
        ))
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(record_from_row).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states() {
        let valid = REGISTRATION_CODE_VALIDITY.in_seconds();
        let mut c = CodeRecord {
            id: 1,
            org_id: 1,
            code: RegCode::parse("ABCDEFGHJKMN").unwrap(),
            created_by: None,
            created_at: 0,
            expires_at: REGISTRATION_CODE_VALIDITY.expires_at(0),
            revoked_at: None,
            used_at: None,
            used_by: None,
        };
        assert_eq!(c.display(), "ABCD-EFGH-JKMN");
        assert_eq!(c.state_at(19 * 86_400), CodeState::Active);
        assert_eq!(
            c.state_at(valid),
            CodeState::Active,
            "the 20th day is valid"
        );
        assert_eq!(c.state_at(20 * 86_400 + 1), CodeState::Expired);
        c.revoked_at = Some(5);
        assert_eq!(c.state_at(0), CodeState::Revoked);
        c.used_at = Some(6);
        assert_eq!(c.state_at(valid * 2), CodeState::Used);
    }
}
