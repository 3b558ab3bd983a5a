//! Deleting an organisation that has no members and no children. Its admins, cadres and 书记
//! keep their accounts (seed, question 3): only the rows tying them to the organisation go.

use serde::Serialize;
use tuanjian_domain::{OrgInfo, OrgLevel};

use crate::audit::{self, Actor, AuditEntry};
use crate::org_info::org_info_tx;
use crate::org_moves::org_tx;
use crate::orgs::Org;
use crate::{Store, StoreError, Tx};

/// What stands in the way of deleting an organisation.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DeleteBlockers {
    pub children: i64,
    pub members: i64,
}

impl DeleteBlockers {
    pub fn is_clear(&self) -> bool {
        self.children == 0 && self.members == 0
    }
}

async fn blockers(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
) -> Result<DeleteBlockers, StoreError> {
    let children: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orgs WHERE parent_id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(DeleteBlockers { children, members })
}

impl Store {
    pub async fn delete_blockers(&self, org_id: i64) -> Result<DeleteBlockers, StoreError> {
        let mut conn = self.pool().acquire().await?;
        blockers(&mut conn, org_id).await
    }
}

/// Why deletion is refused, as messages that say what to do first.
pub fn blocker_messages(org: &Org, b: &DeleteBlockers) -> Vec<String> {
    let mut out = Vec::new();
    if org.level <= OrgLevel::Provincial {
        out.push(format!(
            "{}是{}，由系统初始化建立，不能删除",
            org.full_name,
            org.level.label()
        ));
    }
    if b.children > 0 {
        out.push(format!(
            "该组织还有 {} 个下级组织。请先把下级组织迁移到其他组织下，或逐个删除下级组织，再删除本组织",
            b.children
        ));
    }
    if b.members > 0 {
        out.push(format!(
            "该组织还有 {} 名团员。请先把团员的组织关系转接到其他团支部，再删除本组织",
            b.members
        ));
    }
    out
}

/// What the audit log keeps of a deleted organisation.
#[derive(Debug, Serialize)]
struct Snapshot<'a> {
    org: &'a Org,
    info: OrgInfo,
    admin_person_ids: Vec<i64>,
    cadre_posts: Vec<(i64, String)>,
}

/// Deletes the organisation and the rows that point at it, in the caller's transaction, after
/// checking again (inside it) that nothing stands in the way.
pub async fn delete_org(tx: &mut Tx, actor: &Actor, org_id: i64) -> Result<Org, StoreError> {
    // Lock the row first so no child or member can be added under it while we look.
    sqlx::query("UPDATE orgs SET depth = depth WHERE id = $1")
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    let org = org_tx(tx, org_id).await?;
    let b = blockers(tx, org.id).await?;
    let refusals = blocker_messages(&org, &b);
    if !refusals.is_empty() {
        let code = if org.level <= OrgLevel::Provincial {
            "org_not_deletable"
        } else if b.children > 0 {
            "org_has_children"
        } else {
            "org_has_members"
        };
        return Err(StoreError::Conflict {
            code,
            message: refusals.join("；"),
        });
    }
    let info = org_info_tx(tx, org.id).await?;
    let admin_person_ids: Vec<i64> =
        sqlx::query_scalar("SELECT person_id FROM org_admins WHERE org_id = $1 ORDER BY person_id")
            .bind(org.id)
            .fetch_all(&mut **tx)
            .await?;
    let posts = sqlx::query_as::<_, (i64, String)>(
        "SELECT person_id, post FROM cadre_posts WHERE org_id = $1 ORDER BY id",
    )
    .bind(org.id)
    .fetch_all(&mut **tx)
    .await?;
    for sql in [
        "DELETE FROM org_admins WHERE org_id = $1",
        "DELETE FROM cadre_posts WHERE org_id = $1",
        "DELETE FROM reg_codes WHERE org_id = $1",
        "DELETE FROM org_changes WHERE org_id = $1",
        // Decided changes of former children keep their history without the approver.
        "UPDATE org_changes SET approver_org_id = NULL WHERE approver_org_id = $1",
        "DELETE FROM org_moves WHERE org_id = $1 OR from_parent_id = $1 OR to_parent_id = $1",
        // Sessions acting in a role here simply have no role any more.
        "UPDATE sessions SET role_kind = NULL, role_org_id = NULL WHERE role_org_id = $1",
        "DELETE FROM orgs WHERE id = $1",
    ] {
        sqlx::query(sql).bind(org.id).execute(&mut **tx).await?;
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.delete")
            .target("org", org.id)
            .org(org.id)
            .before(Snapshot {
                org: &org,
                info,
                admin_person_ids,
                cadre_posts: posts,
            }),
    )
    .await?;
    Ok(org)
}
