//! The audit log: written inside the transaction of the change it records.

use serde::Serialize;

use crate::{StoreError, Tx, now};

/// Who acted, from where. `person_id` is `None` for anonymous actions (a failed login).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub person_id: Option<i64>,
    pub role: Option<String>,
    pub client_addr: Option<String>,
}

pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub target_kind: Option<&'a str>,
    pub target_id: Option<i64>,
    pub org_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> AuditEntry<'a> {
    pub fn new(action: &'a str) -> Self {
        Self {
            action,
            target_kind: None,
            target_id: None,
            org_id: None,
            before: None,
            after: None,
        }
    }

    pub fn target(mut self, kind: &'a str, id: i64) -> Self {
        self.target_kind = Some(kind);
        self.target_id = Some(id);
        self
    }

    pub fn org(mut self, org_id: i64) -> Self {
        self.org_id = Some(org_id);
        self
    }

    pub fn before(mut self, v: impl Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }

    pub fn after(mut self, v: impl Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

pub async fn record(tx: &mut Tx, actor: &Actor, entry: AuditEntry<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_person_id, actor_role, client_addr, action, target_kind, \
         target_id, org_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now())
    .bind(actor.person_id)
    .bind(actor.role.as_deref())
    .bind(actor.client_addr.as_deref())
    .bind(entry.action)
    .bind(entry.target_kind)
    .bind(entry.target_id)
    .bind(entry.org_id)
    .bind(entry.before.map(|v| v.to_string()))
    .bind(entry.after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_person_id: Option<i64>,
    pub client_addr: Option<String>,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    pub org_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Most recent entries first, for tests and the history pages.
pub async fn recent(
    store: &crate::Store,
    action: &str,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, at, actor_person_id, client_addr, action, target_kind, target_id, org_id, before_json, \
         after_json FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(action)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}
