//! Sessions in the database, so several app servers share them and a restart logs no one out.
//! Only a SHA-256 of the token is stored: a copy of the table cannot be used to sign in.

use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::org_from_row_at;
use crate::people::{Person, person_from_row};
use crate::roles::RoleKind;
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session: cookie plus a CSRF token for forms.
    Web,
    /// An API client: bearer token, no cookie, so no CSRF exposure.
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// A live session with what every request needs, read in one query: the person, and when the
/// session acts as an admin who still holds that role, the scope and the inbox count.
#[derive(Debug, Clone)]
pub struct SignedSession {
    pub session: Session,
    pub person: Person,
    pub admin_scope: Option<AdminScope>,
    pub inbox_count: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub token_hash: String,
    pub person_id: i64,
    pub csrf_token: String,
    pub role: Option<(RoleKind, i64)>,
    pub last_seen_at: i64,
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a session inside `tx` (with the login's audit record) and returns its token.
pub async fn create_session(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    kind: SessionKind,
    role: Option<(RoleKind, i64)>,
) -> Result<String, StoreError> {
    let token = random_token();
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, kind, csrf_token, role_kind, role_org_id, client_addr, created_at, last_seen_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(hash_token(&token))
    .bind(person_id)
    .bind(kind.code())
    .bind(random_token())
    .bind(role.map(|r| r.0.code()))
    .bind(role.map(|r| r.1))
    .bind(actor.client_addr.as_deref())
    .bind(t)
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("login.success").target("person", person_id),
    )
    .await?;
    Ok(token)
}

impl Store {
    /// The live session for `token`, or `None` when unknown or idle longer than `idle_timeout`
    /// seconds (an expired one is deleted). Refreshes last-seen at most once a minute, so reads
    /// do not turn into a write per request.
    pub async fn session(
        &self,
        token: &str,
        idle_timeout: i64,
    ) -> Result<Option<SignedSession>, StoreError> {
        let token_hash = hash_token(token);
        let row = sqlx::query(
            "SELECT s.person_id, s.csrf_token, s.role_kind, s.role_org_id, s.last_seen_at, \
             p.id, p.id_number, p.name, p.phone, p.password_hash, \
             o.id AS ro_id, o.parent_id AS ro_parent_id, o.path AS ro_path, o.level AS ro_level, o.kind AS ro_kind, \
             o.short_name AS ro_short_name, o.full_name AS ro_full_name, o.province_id AS ro_province_id, \
             o.xinjiang AS ro_xinjiang, o.created_at AS ro_created_at, \
             CASE WHEN o.id IS NULL THEN NULL ELSE \
               (SELECT COUNT(*) FROM org_changes WHERE approver_org_id = o.id AND status = 'pending') \
               + (SELECT COUNT(*) FROM org_moves WHERE from_parent_id = o.id AND status = 'pending_old') \
               + (SELECT COUNT(*) FROM org_moves WHERE to_parent_id = o.id AND status = 'pending_new') \
               + (SELECT COUNT(*) FROM applications WHERE org_id = o.id AND status = 'pending') \
               + (SELECT COUNT(*) FROM corrections WHERE approver_org_id = o.id AND status = 'pending') END AS inbox_count \
             FROM sessions s JOIN people p ON p.id = s.person_id \
             LEFT JOIN org_admins a ON s.role_kind = 'admin' AND a.org_id = s.role_org_id AND a.person_id = s.person_id \
             LEFT JOIN orgs o ON o.id = a.org_id \
             WHERE s.token_hash = $1",
        )
        .bind(&token_hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let t = now();
        let last_seen_at: i64 = row.try_get("last_seen_at")?;
        if t - last_seen_at > idle_timeout {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(&token_hash)
                .execute(self.pool())
                .await?;
            return Ok(None);
        }
        if t - last_seen_at >= 60 {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(t)
                .bind(&token_hash)
                .execute(self.pool())
                .await?;
        }
        let role_kind: Option<String> = row.try_get("role_kind")?;
        let role_org_id: Option<i64> = row.try_get("role_org_id")?;
        let session = Session {
            token_hash,
            person_id: row.try_get("person_id")?,
            csrf_token: row.try_get("csrf_token")?,
            role: role_kind
                .as_deref()
                .and_then(RoleKind::parse)
                .zip(role_org_id),
            last_seen_at: t,
        };
        let person = person_from_row(&row)?;
        let admin_org: Option<i64> = row.try_get(10)?;
        let admin_scope = match admin_org {
            Some(_) => Some(AdminScope::new(person.id, org_from_row_at(&row, 10)?)),
            None => None,
        };
        Ok(Some(SignedSession {
            session,
            person,
            admin_scope,
            inbox_count: row.try_get("inbox_count")?,
        }))
    }

    pub async fn end_session(&self, actor: &Actor, session: &Session) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(&session.token_hash)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("logout").target("person", session.person_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_session_role(
        &self,
        actor: &Actor,
        session: &Session,
        role: (RoleKind, i64),
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE sessions SET role_kind = $1, role_org_id = $2 WHERE token_hash = $3")
            .bind(role.0.code())
            .bind(role.1)
            .bind(&session.token_hash)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("role.switch")
                .target("person", session.person_id)
                .org(role.1)
                .after(serde_json::json!({ "role": role.0.code(), "org_id": role.1 })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes sessions idle longer than `idle_timeout`; run periodically.
    pub async fn purge_sessions(&self, idle_timeout: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
            .bind(now() - idle_timeout)
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}

/// After a password change every other session of the person ends.
pub async fn end_other_sessions(
    tx: &mut Tx,
    person_id: i64,
    keep_token_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND token_hash <> $2")
        .bind(person_id)
        .bind(keep_token_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
