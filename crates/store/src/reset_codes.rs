//! Password reset codes as stored (issue 4, part 6): the member's own admin or the direct
//! superior's admin issues a code for one person; the person types their ID number, the code
//! and a new password under 忘记密码. The code, its validity and its states are the domain's
//! (`tuanjian_domain::reset_code`). Only a digest bound to the person is stored, so the table
//! cannot be read back into codes, and a code typed with another person's ID number matches
//! nothing.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{
    Action, ActorRole, CodeState, OrgPath, RESET_CODE_VALIDITY, Refusal, Relation, ResetCode,
    authorize,
};

use crate::audit::{self, Actor, AuditEntry};
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};

/// What is stored of `code`: bound to the person, so the same code for two people differs.
pub fn digest(code: &ResetCode, person_id: i64) -> String {
    let d = Sha256::digest(format!("reset:{person_id}:{}", code.as_str()).as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct ResetRecord {
    pub id: i64,
    pub person_id: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    /// A newer code exists for the same person.
    pub superseded: bool,
}

impl ResetRecord {
    /// A superseded code counts as revoked.
    pub fn state_at(&self, t: i64) -> CodeState {
        CodeState::at(t, self.expires_at, self.used_at.is_some(), self.superseded)
    }

    pub fn state(&self) -> CodeState {
        self.state_at(now())
    }
}

macro_rules! record_select {
    ($where:literal) => {
        concat!(
            "SELECT c.id, c.person_id, c.created_by, c.created_at, c.expires_at, c.used_at, \
             (SELECT COUNT(*) FROM reset_codes n WHERE n.person_id = c.person_id AND n.id > c.id) AS newer \
             FROM reset_codes c WHERE ",
            $where
        )
    };
}

fn record_from_row(r: &sqlx::any::AnyRow) -> Result<ResetRecord, StoreError> {
    Ok(ResetRecord {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        used_at: r.try_get("used_at")?,
        superseded: r.try_get::<i64, _>("newer")? > 0,
    })
}

/// The person a code is for, as the issuing admin may see them.
#[derive(Debug, Clone, Serialize)]
pub struct ResetTarget {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number_masked: String,
    /// Where the person is a member or holds a post, inside the admin's scope.
    pub places: Vec<String>,
}

const NOT_ABOVE_ADMIN: Refusal = Refusal {
    code: ErrorCode::TargetIsAdmin,
    message: "该人员是本组织或上级、其他组织的管理员，为安全起见不能在此为其生成重置码；管理员的密码重置须由其所管理组织的直属上级组织管理员办理",
};

/// Who `person_id` is to the admin: visible at all (else `NotFound`), and whether the rules
/// let this admin issue a code. A member's branch and a cadre's organisations count (own
/// admin or direct superior's); an admin account may only be reset from above the
/// organisation it administers, so a branch admin can never take over a superior's account.
pub async fn reset_target(
    tx: &mut Tx,
    scope: &AdminScope,
    person_id: i64,
) -> Result<Result<ResetTarget, Refusal>, StoreError> {
    let person = sqlx::query("SELECT name, id_number FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let rows = sqlx::query(
        "SELECT 'member' AS role, o.path, o.full_name FROM members m JOIN orgs o ON o.id = m.org_id \
         WHERE m.person_id = $1 \
         UNION ALL SELECT 'cadre', o.path, o.full_name FROM cadre_posts c JOIN orgs o ON o.id = c.org_id \
         WHERE c.person_id = $1 \
         UNION ALL SELECT 'admin', o.path, o.full_name FROM org_admins a JOIN orgs o ON o.id = a.org_id \
         WHERE a.person_id = $1",
    )
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut visible = false;
    let mut allowed = false;
    let mut admin_elsewhere = false;
    let mut places = Vec::new();
    for r in &rows {
        let role: String = r.try_get("role")?;
        let path: String = r.try_get("path")?;
        let path = OrgPath::parse(&path)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?;
        let relation = scope.relation_to(&path);
        let inside = scope.covers(&path);
        if role == "admin" {
            // Only strictly below the issuing admin's organisation.
            if !matches!(relation, Relation::DirectChild | Relation::Descendant) {
                admin_elsewhere = true;
            } else if relation == Relation::DirectChild {
                allowed = true;
            }
        } else if inside {
            visible = true;
            let name: String = r.try_get("full_name")?;
            if !places.contains(&name) {
                places.push(name);
            }
            if authorize(Action::IssueResetCode, ActorRole::Admin(relation)).is_ok() {
                allowed = true;
            }
        }
        visible |= inside;
    }
    if !visible {
        return Err(StoreError::NotFound);
    }
    if admin_elsewhere {
        return Ok(Err(NOT_ABOVE_ADMIN));
    }
    if !allowed {
        return Ok(Err(Refusal {
            code: ErrorCode::NotOwnOrDirectSuperior,
            message: "团员、团干部的录入、修改和密码重置由其所在组织或直属上级组织的管理员办理",
        }));
    }
    let id_number: String = person.try_get("id_number")?;
    let masked = tuanjian_domain::IdNumber::parse(&id_number)
        .map(|id| id.masked())
        .unwrap_or_default();
    Ok(Ok(ResetTarget {
        person_id,
        name: person.try_get("name")?,
        id_number_masked: masked,
        places,
    }))
}

/// Issues a new code for `person_id` (checked with `reset_target`), revoking any earlier one:
/// the earlier codes are cut to expire now and count as superseded. The code is returned
/// once, here; only its digest is kept.
pub async fn issue(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
) -> Result<(ResetCode, ResetRecord), StoreError> {
    let t = now();
    sqlx::query(
        "UPDATE reset_codes SET expires_at = $1 WHERE person_id = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(t)
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    let code = ResetCode::generate(&mut rand::rng());
    let expires_at = RESET_CODE_VALIDITY.expires_at(t);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reset_codes (person_id, code_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(person_id)
    .bind(digest(&code, person_id))
    .bind(actor.person_id)
    .bind(t)
    .bind(expires_at)
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("reset_code.issue")
            .target("person", person_id)
            .after(serde_json::json!({ "code_id": id, "expires_at": expires_at })),
    )
    .await?;
    Ok((
        code,
        ResetRecord {
            id,
            person_id,
            created_by: actor.person_id,
            created_at: t,
            expires_at,
            used_at: None,
            superseded: false,
        },
    ))
}

/// The code `code` of `person_id`, whatever its state; `None` when that person has no such
/// code.
pub async fn find_tx(
    tx: &mut Tx,
    person_id: i64,
    code: &ResetCode,
) -> Result<Option<ResetRecord>, StoreError> {
    let row = sqlx::query(record_select!("c.code_hash = $1 AND c.person_id = $2"))
        .bind(digest(code, person_id))
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(record_from_row).transpose()
}

/// Marks the code used. Holds only while it is unused, unexpired and the newest, so two
/// requests racing for one code cannot both win.
pub async fn mark_used(tx: &mut Tx, actor: &Actor, rec: &ResetRecord) -> Result<(), StoreError> {
    let t = now();
    let n = sqlx::query(
        "UPDATE reset_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at >= $1 \
         AND NOT EXISTS (SELECT 1 FROM reset_codes n WHERE n.person_id = $3 AND n.id > $2)",
    )
    .bind(t)
    .bind(rec.id)
    .bind(rec.person_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::ResetCodeUsed,
            message: "重置码刚刚已被使用或作废，请联系所在团组织管理员重新生成".into(),
        });
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("reset_code.use")
            .target("person", rec.person_id)
            .after(serde_json::json!({ "code_id": rec.id })),
    )
    .await
}

/// Ends every session of the person: after a reset nobody holding an old session stays in.
pub async fn end_all_sessions(tx: &mut Tx, person_id: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

impl Store {
    /// The person's most recent code, in whatever state (never the code itself).
    pub async fn latest_reset_code(
        &self,
        person_id: i64,
    ) -> Result<Option<ResetRecord>, StoreError> {
        let row = sqlx::query(record_select!(
            "c.person_id = $1 ORDER BY c.id DESC LIMIT 1"
        ))
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(record_from_row).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_bind_to_the_person() {
        let c = ResetCode::generate(&mut rand::rng());
        assert_ne!(digest(&c, 1), digest(&c, 2));
        assert_eq!(digest(&c, 1), digest(&c, 1));
        assert_eq!(digest(&c, 1).len(), 64);
        let known = ResetCode::parse("ABCDE-FGHJK").unwrap();
        let expected: String = Sha256::digest(b"reset:7:ABCDEFGHJK")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest(&known, 7), expected, "stored digests stay readable");
    }

    #[test]
    fn states() {
        let valid = RESET_CODE_VALIDITY.in_seconds();
        let mut r = ResetRecord {
            id: 1,
            person_id: 1,
            created_by: None,
            created_at: 0,
            expires_at: RESET_CODE_VALIDITY.expires_at(0),
            used_at: None,
            superseded: false,
        };
        assert_eq!(r.state_at(valid), CodeState::Active);
        assert_eq!(r.state_at(valid + 1), CodeState::Expired);
        r.superseded = true;
        assert_eq!(r.state_at(valid + 1), CodeState::Revoked);
        r.used_at = Some(5);
        assert_eq!(r.state_at(0), CodeState::Used);
    }
}
