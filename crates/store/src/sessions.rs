//! Sessions in the database, so several app servers share them and a restart logs no one out.
//! Only a SHA-256 of the token is stored: a copy of the table cannot be used to sign in.

use crate::audit::{self, Actor, AuditEntry};
use crate::direct_read::{Cols, Param};
use crate::orgs::org_from_row_at;
use crate::people::{Person, person_from_cols};
use crate::roles::RoleKind;
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};
use rand::RngCore;
use sha2::{Digest, Sha256};

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
    /// As stored: refreshed at most once a minute.
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

/// Lower-case hex; on every request's path (the token's digest), so without a `format!` per byte.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
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

/// The session by token hash with its person, and the admin role's organisation and 待办
/// count while the person still holds that role (columns as `session_from_cols` reads them).
/// Cached (`hot_cache`): every table it reads notifies its changes.
pub(crate) const SESSION_SQL: &str = "SELECT s.person_id, s.csrf_token, s.role_kind, s.role_org_id, s.last_seen_at, \
     p.id, p.id_number, p.name, p.phone, p.password_hash, \
     o.id, o.parent_id, o.path, o.level, o.kind, o.short_name, o.full_name, o.province_id, \
     o.xinjiang, o.created_at, \
     CASE WHEN o.id IS NULL THEN NULL ELSE \
       (SELECT COUNT(*) FROM org_changes WHERE approver_org_id = o.id AND status = 'pending') \
       + (SELECT COUNT(*) FROM org_moves WHERE from_parent_id = o.id AND status = 'pending_old') \
       + (SELECT COUNT(*) FROM org_moves WHERE to_parent_id = o.id AND status = 'pending_new') \
       + (SELECT COUNT(*) FROM applications WHERE org_id = o.id AND status = 'pending') \
       + (SELECT COUNT(*) FROM corrections WHERE approver_org_id = o.id AND status = 'pending') \
       + (SELECT COUNT(*) FROM transfers WHERE from_org_id = o.id AND status = 'pending_out') \
       + (SELECT COUNT(*) FROM transfers WHERE to_org_id = o.id AND status = 'pending_in') END \
     FROM sessions s JOIN people p ON p.id = s.person_id \
     LEFT JOIN org_admins a ON s.role_kind = 'admin' AND a.org_id = s.role_org_id AND a.person_id = s.person_id \
     LEFT JOIN orgs o ON o.id = a.org_id \
     WHERE s.token_hash = $1";

fn session_from_cols(c: &dyn Cols, token_hash: &str) -> Result<SignedSession, StoreError> {
    let role_kind = c.opt_text(2)?;
    let session = Session {
        token_hash: token_hash.to_string(),
        person_id: c.int(0)?,
        csrf_token: c.text(1)?,
        role: role_kind
            .as_deref()
            .and_then(RoleKind::parse)
            .zip(c.opt_int(3)?),
        last_seen_at: c.int(4)?,
    };
    let person = person_from_cols(c, 5)?;
    let admin_scope = match c.opt_int(10)? {
        Some(_) => Some(AdminScope::new(person.id, org_from_row_at(c, 10)?)),
        None => None,
    };
    Ok(SignedSession {
        session,
        person,
        admin_scope,
        inbox_count: c.opt_int(20)?,
    })
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
        let t = now();
        // A cached session serves until its last-seen time is due for a refresh: the refresh
        // and the idle check below then run against the database.
        let cache = self.cache();
        if let Some(found) = cache.and_then(|c| c.session(&token_hash))
            && t - found.session.last_seen_at < idle_timeout.min(60)
        {
            crate::replica::note_person(found.person.id);
            return Ok(Some(found));
        }
        let ticket = cache.and_then(|c| c.ticket());
        let found = self
            .read_row(SESSION_SQL, &[Param::Text(&token_hash)], &|c| {
                session_from_cols(c, &token_hash)
            })
            .await?;
        let Some(mut found) = found else {
            return Ok(None);
        };
        let last_seen_at = found.session.last_seen_at;
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
            found.session.last_seen_at = t;
        }
        if let Some(cache) = cache {
            cache.keep_session(ticket, &found);
        }
        // This request acts for the person: their commits mark their writes, their replica
        // reads follow them (`replica`).
        crate::replica::note_person(found.person.id);
        Ok(Some(found))
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

    /// Makes `role` the session's active one; with `remember`, also the role the person's next
    /// browser login starts in (`remembered_role`), in the same transaction.
    pub async fn set_session_role(
        &self,
        actor: &Actor,
        session: &Session,
        role: (RoleKind, i64),
        remember: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE sessions SET role_kind = $1, role_org_id = $2 WHERE token_hash = $3")
            .bind(role.0.code())
            .bind(role.1)
            .bind(&session.token_hash)
            .execute(&mut *tx)
            .await?;
        if remember {
            sqlx::query(
                "INSERT INTO remembered_roles (person_id, role_kind, role_org_id, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (person_id) DO UPDATE SET \
                 role_kind = excluded.role_kind, role_org_id = excluded.role_org_id, \
                 updated_at = excluded.updated_at",
            )
            .bind(session.person_id)
            .bind(role.0.code())
            .bind(role.1)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
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

    /// The role the person last chose in a browser, as stored; the caller checks that the
    /// person still holds it.
    pub async fn remembered_role(
        &self,
        person_id: i64,
    ) -> Result<Option<(RoleKind, i64)>, StoreError> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT role_kind, role_org_id FROM remembered_roles WHERE person_id = $1",
        )
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|(kind, org_id)| {
            RoleKind::parse(&kind)
                .map(|k| (k, org_id))
                .ok_or(StoreError::Broken("a remembered role of an unknown kind"))
        })
        .transpose()
    }

    /// Removes sessions idle longer than `idle_timeout`; run periodically.
    pub async fn purge_sessions(&self, idle_timeout: i64) -> Result<u64, StoreError> {
        let purged = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
            .bind(now() - idle_timeout)
            .execute(self.pool())
            .await?
            .rows_affected();
        self.forget_cached();
        Ok(purged)
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

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_lower_case_and_padded() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        // The digest of a token is what the sessions table stores; its shape must not change.
        assert_eq!(
            super::hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
