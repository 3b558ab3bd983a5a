//! The roles a person holds: admin of organisations, cadre posts, membership of a branch.

use serde::Serialize;
use tuanjian_domain::ErrorCode;

use crate::audit::{self, Actor, AuditEntry};
use crate::direct_read::Param;
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    Admin,
    Cadre,
    Member,
}

impl RoleKind {
    pub fn code(self) -> &'static str {
        match self {
            RoleKind::Admin => "admin",
            RoleKind::Cadre => "cadre",
            RoleKind::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RoleKind::Admin => "管理员",
            RoleKind::Cadre => "团干部",
            RoleKind::Member => "团员",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(RoleKind::Admin),
            "cadre" => Some(RoleKind::Cadre),
            "member" => Some(RoleKind::Member),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Role {
    pub kind: RoleKind,
    pub org_id: i64,
    pub org_short_name: String,
    pub org_full_name: String,
    /// The posts held, for a cadre role ("书记、组织委员").
    pub posts: Vec<String>,
}

impl Role {
    pub fn label(&self) -> String {
        match self.kind {
            RoleKind::Cadre if !self.posts.is_empty() => {
                format!("{} {}", self.org_short_name, self.posts.join("、"))
            }
            _ => format!("{} {}", self.org_short_name, self.kind.label()),
        }
    }
}

/// Every role of a person, cached (`hot_cache`): every table it reads notifies its changes.
pub(crate) const ROLES_SQL: &str = "SELECT 0, o.id, o.short_name, o.full_name, o.path, '', 0 \
       FROM org_admins a JOIN orgs o ON o.id = a.org_id WHERE a.person_id = $1 \
     UNION ALL \
     SELECT 1, o.id, o.short_name, o.full_name, o.path, c.post, c.id \
       FROM cadre_posts c JOIN orgs o ON o.id = c.org_id WHERE c.person_id = $1 \
     UNION ALL \
     SELECT 2, o.id, o.short_name, o.full_name, o.path, '', 0 \
       FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.person_id = $1 \
     ORDER BY 1, 5, 7";

impl Store {
    /// Every role of a person: admin roles first, then cadre posts (one role per organisation),
    /// then membership. One query, since every page header needs it.
    pub async fn roles_of(&self, person_id: i64) -> Result<Vec<Role>, StoreError> {
        let cache = self.cache();
        if let Some(roles) = cache.and_then(|c| c.roles(person_id)) {
            return Ok(roles);
        }
        let ticket = cache.and_then(|c| c.ticket());
        let rows = self
            .read_rows(ROLES_SQL, &[Param::Int(person_id)], &|c| {
                let kind = match c.int(0)? {
                    0 => RoleKind::Admin,
                    1 => RoleKind::Cadre,
                    _ => RoleKind::Member,
                };
                Ok((kind, c.int(1)?, c.text(2)?, c.text(3)?, c.text(5)?))
            })
            .await?;
        let mut roles: Vec<Role> = Vec::with_capacity(rows.len());
        for (kind, org_id, short_name, full_name, post) in rows {
            if kind == RoleKind::Cadre
                && let Some(existing) = roles
                    .iter_mut()
                    .find(|x| x.kind == kind && x.org_id == org_id)
            {
                existing.posts.push(post);
                continue;
            }
            roles.push(Role {
                kind,
                org_id,
                org_short_name: short_name,
                org_full_name: full_name,
                posts: if kind == RoleKind::Cadre {
                    vec![post]
                } else {
                    vec![]
                },
            });
        }
        if let Some(cache) = cache {
            cache.keep_roles(ticket, person_id, &roles);
        }
        Ok(roles)
    }
}

pub async fn insert_admin(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    person_id: i64,
) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO org_admins (org_id, person_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(org_id)
    .bind(person_id)
    .bind(now())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::AlreadyAdmin,
            message: "此人已经是该组织的管理员".into(),
        });
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("admin.add")
            .target("person", person_id)
            .org(org_id),
    )
    .await
}

pub async fn insert_cadre_post(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    person_id: i64,
    post: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO cadre_posts (person_id, org_id, post, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(person_id)
    .bind(org_id)
    .bind(post)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("cadre.add_post")
            .target("person", person_id)
            .org(org_id)
            .after(serde_json::json!({ "post": post })),
    )
    .await
}

impl Store {
    pub async fn holds_post(&self, person_id: i64, org_id: i64) -> Result<bool, StoreError> {
        let hit = self
            .read_row(
                "SELECT id FROM cadre_posts WHERE person_id = $1 AND org_id = $2 LIMIT 1",
                &[Param::Int(person_id), Param::Int(org_id)],
                &|c| c.int(0),
            )
            .await?;
        Ok(hit.is_some())
    }

    pub async fn is_member_of(&self, person_id: i64, org_id: i64) -> Result<bool, StoreError> {
        let hit = self
            .read_row(
                "SELECT person_id FROM members WHERE person_id = $1 AND org_id = $2",
                &[Param::Int(person_id), Param::Int(org_id)],
                &|c| c.int(0),
            )
            .await?;
        Ok(hit.is_some())
    }
}
