//! Deleting an organisation that has no members and no children. Its admins, cadres and 书记
//! keep their accounts (seed, question 3): only the rows tying them to the organisation go.
//! Every foreign key to `orgs` has a rule here (`ORG_REFERENCES`, checked against both schemas
//! by a test), so deletion refuses with a message or settles the row, never fails on the key.

use serde::Serialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{OrgInfo, OrgLevel};

use crate::applications::settle_for_deleted_org_tx;
use crate::audit::{self, Actor, AuditEntry};
use crate::org_info::org_info_tx;
use crate::org_moves::org_tx;
use crate::orgs::Org;
use crate::range_book::range_from_row;
use crate::{Store, StoreError, Tx};

/// Every column that refers to `orgs(id)`, with what deleting the organisation does to its
/// rows. A new foreign key fails `org_delete::tests::every_reference_has_a_rule` until it gets
/// a rule here and in `delete_org`.
pub const ORG_REFERENCES: &[(&str, &str, &str)] = &[
    ("orgs", "parent_id", "refused while children exist"),
    (
        "orgs",
        "province_id",
        "only provinces are referred to; they are never deleted",
    ),
    ("members", "org_id", "refused while members exist"),
    (
        "cadre_posts",
        "org_id",
        "deleted (the people keep their accounts)",
    ),
    (
        "org_admins",
        "org_id",
        "deleted (the people keep their accounts)",
    ),
    ("reg_codes", "org_id", "deleted"),
    ("org_changes", "org_id", "deleted"),
    (
        "org_changes",
        "approver_org_id",
        "set to NULL (decided history of former children)",
    ),
    ("org_moves", "org_id", "deleted"),
    ("org_moves", "from_parent_id", "deleted"),
    ("org_moves", "to_parent_id", "deleted"),
    (
        "dev_ranges",
        "org_id",
        "refused while the organisation holds 号段 (take them back first)",
    ),
    (
        "applications",
        "org_id",
        "pending ones returned to the applicant; all kept under the parent",
    ),
    (
        "corrections",
        "org_id",
        "kept under the parent (the province decides them)",
    ),
    (
        "corrections",
        "approver_org_id",
        "only provinces are referred to; they are never deleted",
    ),
    (
        "import_jobs",
        "org_id",
        "refused while one runs; finished ones deleted with their files",
    ),
    (
        "transfers",
        "from_org_id",
        "set to NULL (the name is kept; refused while members exist, so none is open)",
    ),
    (
        "transfers",
        "to_org_id",
        "open ones returned to the starter; all set to NULL (the name is kept)",
    ),
    (
        "transfers",
        "assigned_org_id",
        "open ones returned to the starter; all set to NULL (the name is kept)",
    ),
    ("graduation_marks", "org_id", "deleted"),
    (
        "late_graduates",
        "org_id",
        "deleted (marks of members who have since left; refused while members exist)",
    ),
    (
        "membership_changes",
        "org_id",
        "set to NULL (a member's 团籍 history keeps the branch's name)",
    ),
    (
        "age_cases",
        "branch_id",
        "kept under the parent (the province and 团中央 still decide them)",
    ),
    (
        "review_rounds",
        "org_id",
        "deleted with their grades (refused while members exist; registrations keep the name)",
    ),
    (
        "party_recommendations",
        "org_id",
        "set to NULL (the member's 推优入党 record keeps the branch's name)",
    ),
    (
        "registrations",
        "org_id",
        "set to NULL (a member's 团籍注册 history keeps the branch's name)",
    ),
    (
        "star_ratings",
        "org_id",
        "deleted with their scores (对标定级 of a branch that no longer exists)",
    ),
    (
        "age_cases",
        "province_id",
        "only provinces are referred to; they are never deleted",
    ),
    (
        "dues_bands",
        "province_id",
        "only provinces are referred to; they are never deleted",
    ),
    (
        "dues_payments",
        "org_id",
        "kept under the parent (the dues were paid into the subtree)",
    ),
    (
        "dues_totals",
        "org_id",
        "folded into the parent's sums, rewritten from the moved payments",
    ),
];

/// What stands in the way of deleting an organisation.
#[derive(Debug, Clone, Serialize)]
pub struct DeleteBlockers {
    pub children: i64,
    pub members: i64,
    /// The 号段 it holds, as 「2024年 000000000001-000000000100」.
    pub dev_ranges: Vec<String>,
    pub running_imports: i64,
}

impl DeleteBlockers {
    pub fn is_clear(&self) -> bool {
        self.children == 0
            && self.members == 0
            && self.dev_ranges.is_empty()
            && self.running_imports == 0
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
    let rows = sqlx::query(
        "SELECT start_value, end_value FROM dev_ranges WHERE org_id = $1 ORDER BY year, start_value",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let dev_ranges = rows
        .iter()
        .map(|r| range_from_row(r).map(|range| format!("{}年 {range}", range.year())))
        .collect::<Result<_, _>>()?;
    let running_imports: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM import_jobs WHERE org_id = $1 AND state = 'running'",
    )
    .bind(org_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(DeleteBlockers {
        children,
        members,
        dev_ranges,
        running_imports,
    })
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
    if !b.dev_ranges.is_empty() {
        out.push(format!(
            "该组织仍持有发展团员编号号段 {}。请先在上级组织的“号段管理”中收回这些号段，再删除本组织",
            b.dev_ranges.join("、")
        ));
    }
    if b.running_imports > 0 {
        out.push("该组织正在导入团员或团干部名单，请等导入结束后再删除本组织".to_string());
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

/// Refuses, with what to do first, while anything stands in the way.
fn refuse_if_blocked(org: &Org, b: &DeleteBlockers) -> Result<(), StoreError> {
    let refusals = blocker_messages(org, b);
    if refusals.is_empty() {
        return Ok(());
    }
    let code = if org.level <= OrgLevel::Provincial {
        ErrorCode::OrgNotDeletable
    } else if b.children > 0 {
        ErrorCode::OrgHasChildren
    } else if b.members > 0 {
        ErrorCode::OrgHasMembers
    } else if !b.dev_ranges.is_empty() {
        ErrorCode::OrgHoldsDevRanges
    } else {
        ErrorCode::OrgImportRunning
    };
    Err(StoreError::Conflict {
        code,
        message: refusals.join("；"),
    })
}

/// What settling the rows that referred to a deleted organisation did, for its audit record.
struct Settled {
    returned_applications: u64,
    deleted_import_jobs: u64,
}

/// Settles every row that refers to the organisation by its rule in `ORG_REFERENCES`, except
/// the refusing ones (checked before) and the organisation's own row.
async fn settle_references(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    parent_id: i64,
) -> Result<Settled, StoreError> {
    let returned_applications = settle_for_deleted_org_tx(tx, actor, org_id, parent_id).await?;
    crate::transfers::settle_for_deleted_org(tx, actor, org_id).await?;
    sqlx::query("UPDATE corrections SET org_id = $1 WHERE org_id = $2")
        .bind(parent_id)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE age_cases SET branch_id = $1 WHERE branch_id = $2")
        .bind(parent_id)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    // 团费 paid to the organisation stay in its parent's subtree sums.
    sqlx::query("UPDATE dues_payments SET org_id = $1 WHERE org_id = $2")
        .bind(parent_id)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM dues_totals WHERE org_id = $1")
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO dues_totals (org_id, org_path, month, members, due, paid, unpaid_members) \
         SELECT d.org_id, o.path, d.month, COUNT(*), SUM(d.due), SUM(d.paid), \
                SUM(CASE WHEN d.paid < d.due THEN 1 ELSE 0 END) \
         FROM dues_payments d JOIN orgs o ON o.id = d.org_id \
         WHERE d.org_id = $1 GROUP BY d.org_id, o.path, d.month \
         ON CONFLICT (org_id, month) DO UPDATE SET members = excluded.members, \
         due = excluded.due, paid = excluded.paid, unpaid_members = excluded.unpaid_members",
    )
    .bind(parent_id)
    .execute(&mut **tx)
    .await?;
    // Finished jobs only: one that started since the check above keeps its row, and the
    // deletion below is refused instead of pulling the job from under its writer.
    let deleted_import_jobs =
        sqlx::query("DELETE FROM import_jobs WHERE org_id = $1 AND state <> 'running'")
            .bind(org_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    for sql in [
        "DELETE FROM org_admins WHERE org_id = $1",
        "DELETE FROM cadre_posts WHERE org_id = $1",
        "DELETE FROM reg_codes WHERE org_id = $1",
        "DELETE FROM graduation_marks WHERE org_id = $1",
        "DELETE FROM late_graduates WHERE org_id = $1",
        "DELETE FROM org_changes WHERE org_id = $1",
        // Decided changes of former children keep their history without the approver.
        "UPDATE org_changes SET approver_org_id = NULL WHERE approver_org_id = $1",
        // A member's 团籍 history outlives the branch it happened in (its name is kept).
        "UPDATE membership_changes SET org_id = NULL WHERE org_id = $1",
        "UPDATE registrations SET org_id = NULL WHERE org_id = $1",
        "UPDATE party_recommendations SET org_id = NULL WHERE org_id = $1",
        "DELETE FROM review_grades WHERE round_id IN (SELECT id FROM review_rounds WHERE org_id = $1)",
        "DELETE FROM review_rounds WHERE org_id = $1",
        "DELETE FROM star_rating_scores WHERE rating_id IN (SELECT id FROM star_ratings WHERE org_id = $1)",
        "DELETE FROM star_ratings WHERE org_id = $1",
        "DELETE FROM org_moves WHERE org_id = $1 OR from_parent_id = $1 OR to_parent_id = $1",
        // Sessions acting in a role here simply have no role any more.
        "UPDATE sessions SET role_kind = NULL, role_org_id = NULL WHERE role_org_id = $1",
    ] {
        sqlx::query(sql).bind(org_id).execute(&mut **tx).await?;
    }
    Ok(Settled {
        returned_applications,
        deleted_import_jobs,
    })
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
    refuse_if_blocked(&org, &b)?;
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
    let parent_id = org
        .parent_id
        .ok_or_else(|| StoreError::Unsupported("顶层组织不能删除"))?;
    let settled = settle_references(tx, actor, org.id, parent_id).await?;
    // Everything above settles what referred to the organisation when we looked; a row
    // added concurrently since (a new import, say) is refused here rather than as a 500.
    match sqlx::query("DELETE FROM orgs WHERE id = $1")
        .bind(org.id)
        .execute(&mut **tx)
        .await
    {
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
            return Err(StoreError::Conflict {
                code: ErrorCode::OrgReferenced,
                message:
                    "删除时该组织刚刚有新的数据写入（例如开始了导入），未删除。请刷新页面查看后再试"
                        .into(),
            });
        }
        other => {
            other?;
        }
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
            })
            .after(serde_json::json!({
                "returned_applications": settled.returned_applications,
                "applications_and_corrections_moved_to": parent_id,
                "deleted_import_jobs": settled.deleted_import_jobs,
            })),
    )
    .await?;
    Ok(org)
}

#[cfg(test)]
mod tests {
    use super::ORG_REFERENCES;
    use crate::test_support::{PgDb, sqlite_store};
    use crate::{Backend, Store};

    /// Every (table, column) with a foreign key to `orgs`, as the database declares it.
    async fn org_foreign_keys(store: &Store) -> Vec<(String, String)> {
        let sql = match store.backend() {
            Backend::Sqlite => {
                "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
                 WHERE m.type = 'table' AND f.\"table\" = 'orgs'"
            }
            Backend::Postgres => {
                "SELECT cl.relname::text, a.attname::text FROM pg_constraint c \
                 JOIN pg_class cl ON cl.oid = c.conrelid \
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) \
                 WHERE c.contype = 'f' AND c.confrelid = 'orgs'::regclass"
            }
        };
        let mut keys: Vec<(String, String)> =
            sqlx::query_as(sql).fetch_all(store.pool()).await.unwrap();
        keys.sort();
        keys
    }

    fn with_rules() -> Vec<(String, String)> {
        let mut rules: Vec<(String, String)> = ORG_REFERENCES
            .iter()
            .map(|(t, c, _)| (t.to_string(), c.to_string()))
            .collect();
        rules.sort();
        rules
    }

    fn check(keys: Vec<(String, String)>) {
        assert_eq!(
            keys,
            with_rules(),
            "a foreign key to orgs without a deletion rule (or a rule for one that is gone): \
             give it one in ORG_REFERENCES and in delete_org"
        );
    }

    #[tokio::test]
    async fn every_reference_has_a_rule_sqlite() {
        let (store, _file) = sqlite_store().await;
        check(org_foreign_keys(&store).await);
    }

    #[tokio::test]
    async fn every_reference_has_a_rule_postgres() {
        let (store, db) = PgDb::new().await;
        check(org_foreign_keys(&store).await);
        db.drop_db(store).await;
    }
}
