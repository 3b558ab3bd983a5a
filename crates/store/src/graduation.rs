//! 毕业 (issue 12): branches' graduation marks, members marked as graduating late, the daily
//! conversion of student branches whose month has come into 毕业生团组织, and the list of a
//! graduating branch's members to transfer.
//!
//! Who may mark is the caller's business (`Action::MarkGraduation`); this module re-reads the
//! branch in the transaction (its kind may have changed since) and writes each change with its
//! audit record.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::graduation::{GradMonth, GraduationMark, LateGraduation};
use tuanjian_domain::{ErrorCode, IdNumber, OrgKind, OrgPath};

use crate::audit::{self, Actor, AuditEntry};
use crate::org_moves::org_tx;
use crate::orgs::{Org, org_from_row};
use crate::{Store, StoreError, Tx, now};

fn broken(what: &'static str) -> StoreError {
    StoreError::Broken(what)
}

fn not_allowed(message: String) -> StoreError {
    StoreError::Conflict {
        code: ErrorCode::GraduationNotAllowed,
        message,
    }
}

/// A branch under a school organisation with its mark.
#[derive(Debug, Clone)]
pub struct BranchMark {
    pub org: Org,
    pub mark: Option<GraduationMark>,
    /// When the daily run made it a 毕业生团组织.
    pub converted_at: Option<i64>,
    /// Members in normal standing.
    pub members: i64,
}

/// A page of the branches below an organisation.
#[derive(Debug, Clone)]
pub struct BranchMarkPage {
    pub items: Vec<BranchMark>,
    pub total: i64,
}

fn mark_from_row(r: &AnyRow) -> Result<Option<GraduationMark>, StoreError> {
    let kind: Option<String> = r.try_get("mark_kind")?;
    let month: Option<String> = r.try_get("mark_month")?;
    kind.map(|k| {
        GraduationMark::from_stored(&k, month.as_deref())
            .ok_or(broken("graduation_marks holds an unknown mark"))
    })
    .transpose()
}

fn late_from_row(r: &AnyRow) -> Result<Option<LateGraduation>, StoreError> {
    let kind: Option<String> = r.try_get("late_kind")?;
    let month: Option<String> = r.try_get("late_month")?;
    match (kind, month) {
        (Some(k), Some(m)) => LateGraduation::from_stored(&k, &m)
            .map(Some)
            .ok_or(broken("late_graduates holds an unknown mark")),
        _ => Ok(None),
    }
}

/// The branch's mark, read in the transaction.
async fn mark_tx(tx: &mut Tx, org_id: i64) -> Result<Option<GraduationMark>, StoreError> {
    let row = sqlx::query(
        "SELECT kind AS mark_kind, month AS mark_month FROM graduation_marks WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(r) => mark_from_row(&r),
        None => Ok(None),
    }
}

/// Sets (`Some`) or clears (`None`) a student, teachers' or mixed mark on a 团支部. A branch
/// already converted (or any other kind) is refused.
pub async fn mark_branch(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    mark: Option<GraduationMark>,
) -> Result<(), StoreError> {
    let org = org_tx(tx, org_id).await?;
    match org.kind {
        OrgKind::Branch => {}
        OrgKind::GraduatingBranch => {
            return Err(not_allowed(format!(
                "{}已转为毕业生团组织，不能再修改毕业标注；请为其团员办理组织关系转出",
                org.full_name
            )));
        }
        other => {
            return Err(not_allowed(format!(
                "{}是{}，只能为团支部标注毕业时间",
                org.full_name,
                other.label()
            )));
        }
    }
    let before = mark_tx(tx, org_id).await?;
    match mark {
        Some(m) => {
            sqlx::query(
                "INSERT INTO graduation_marks (org_id, kind, month, marked_by, marked_at, converted_at) \
                 VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (org_id) DO UPDATE SET kind = excluded.kind, \
                 month = excluded.month, marked_by = excluded.marked_by, marked_at = excluded.marked_at, \
                 converted_at = NULL",
            )
            .bind(org_id)
            .bind(m.kind())
            .bind(m.month().map(|m| m.to_string()))
            .bind(actor.person_id)
            .bind(now())
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM graduation_marks WHERE org_id = $1")
                .bind(org_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    let label = |m: Option<GraduationMark>| m.map(|m| m.label());
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.graduation.mark")
            .target("org", org_id)
            .org(org_id)
            .before(label(before))
            .after(label(mark)),
    )
    .await
}

/// Sets or clears a member's late graduation. Only members of a student branch (marked with a
/// month, or already a 毕业生团组织) are marked.
pub async fn mark_late(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    late: Option<LateGraduation>,
) -> Result<Org, StoreError> {
    let (branch, _) = crate::transfers::member_for_transfer(tx, person_id).await?;
    let student = match branch.kind {
        OrgKind::GraduatingBranch => true,
        OrgKind::Branch => matches!(
            mark_tx(tx, branch.id).await?,
            Some(GraduationMark::Students(_))
        ),
        _ => false,
    };
    if !student {
        return Err(not_allowed(format!(
            "{}没有标注为学生团支部（毕业年月），其团员无需标注延期毕业；请先由上级组织为该团支部标注毕业年月",
            branch.full_name
        )));
    }
    let before = late_tx(tx, person_id, branch.id).await?;
    match late {
        Some(l) => {
            sqlx::query(
                "INSERT INTO late_graduates (person_id, org_id, kind, month, marked_by, marked_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id) DO UPDATE SET org_id = excluded.org_id, \
                 kind = excluded.kind, month = excluded.month, marked_by = excluded.marked_by, \
                 marked_at = excluded.marked_at",
            )
            .bind(person_id)
            .bind(branch.id)
            .bind(l.kind())
            .bind(l.listed_from().to_string())
            .bind(actor.person_id)
            .bind(now())
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM late_graduates WHERE person_id = $1")
                .bind(person_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    let label = |l: Option<LateGraduation>| l.map(|l| l.label());
    audit::record(
        tx,
        actor,
        AuditEntry::new("member.graduation.late")
            .target("person", person_id)
            .org(branch.id)
            .before(label(before))
            .after(label(late)),
    )
    .await?;
    Ok(branch)
}

/// The member's late graduation in `branch_id` (a mark made in an earlier branch is void).
async fn late_tx(
    tx: &mut Tx,
    person_id: i64,
    branch_id: i64,
) -> Result<Option<LateGraduation>, StoreError> {
    let row = sqlx::query(
        "SELECT kind AS late_kind, month AS late_month FROM late_graduates \
         WHERE person_id = $1 AND org_id = $2",
    )
    .bind(person_id)
    .bind(branch_id)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(r) => late_from_row(&r),
        None => Ok(None),
    }
}

/// A branch the daily run converted.
#[derive(Debug, Clone, Serialize)]
pub struct Converted {
    pub org_id: i64,
    pub full_name: String,
    pub month: String,
}

/// Every student branch whose month is `this_month` or earlier becomes a 毕业生团组织. Each
/// branch changes in a statement conditional on its kind, so of several servers running this
/// at once each branch is converted (and audited) by one only.
pub async fn convert_due(
    tx: &mut Tx,
    actor: &Actor,
    this_month: GradMonth,
) -> Result<Vec<Converted>, StoreError> {
    let rows = sqlx::query(
        "SELECT g.org_id, o.full_name, g.month FROM graduation_marks g JOIN orgs o ON o.id = g.org_id \
         WHERE g.kind = 'students' AND g.converted_at IS NULL AND g.month <= $1 AND o.kind = $2 \
         ORDER BY g.org_id",
    )
    .bind(this_month.to_string())
    .bind(OrgKind::Branch.code())
    .fetch_all(&mut **tx)
    .await?;
    let at = now();
    let mut done = Vec::new();
    for r in &rows {
        let org_id: i64 = r.try_get("org_id")?;
        let changed = sqlx::query("UPDATE orgs SET kind = $1 WHERE id = $2 AND kind = $3")
            .bind(OrgKind::GraduatingBranch.code())
            .bind(org_id)
            .bind(OrgKind::Branch.code())
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if changed != 1 {
            continue;
        }
        sqlx::query("UPDATE graduation_marks SET converted_at = $1 WHERE org_id = $2")
            .bind(at)
            .bind(org_id)
            .execute(&mut **tx)
            .await?;
        let month: String = r.try_get("month")?;
        audit::record(
            tx,
            actor,
            AuditEntry::new("org.graduation.convert")
                .target("org", org_id)
                .org(org_id)
                .before(OrgKind::Branch.code())
                .after(serde_json::json!({
                    "kind": OrgKind::GraduatingBranch.code(),
                    "month": month,
                })),
        )
        .await?;
        done.push(Converted {
            org_id,
            full_name: r.try_get("full_name")?,
            month,
        });
    }
    Ok(done)
}

/// A member of a graduating branch.
#[derive(Debug, Clone, Serialize)]
pub struct Graduate {
    pub person_id: i64,
    pub name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
    #[serde(skip)]
    pub late: Option<LateGraduation>,
    /// A transfer already under way.
    pub open_transfer: Option<i64>,
}

/// A graduating branch's members: those to transfer now, those held back as late graduates,
/// and those whose transfer is already under way.
#[derive(Debug, Clone, Default)]
pub struct Graduates {
    pub ready: Vec<Graduate>,
    pub late: Vec<Graduate>,
    pub in_transfer: Vec<Graduate>,
}

/// More than any class; a branch beyond it is shown in part.
pub const GRADUATES_LIMIT: i64 = 5_000;

impl Store {
    /// The branches (团支部 and 毕业生团组织) below `path`, by name, with their marks.
    pub async fn branch_marks(
        &self,
        path: &OrgPath,
        offset: i64,
        limit: i64,
    ) -> Result<BranchMarkPage, StoreError> {
        let (lo, hi) = path.subtree_range();
        let rows = sqlx::query(concat!(
            "SELECT ",
            crate::org_columns!(),
            ", (SELECT g.kind FROM graduation_marks g WHERE g.org_id = orgs.id) AS mark_kind, \
             (SELECT g.month FROM graduation_marks g WHERE g.org_id = orgs.id) AS mark_month, \
             (SELECT g.converted_at FROM graduation_marks g WHERE g.org_id = orgs.id) AS converted_at, \
             (SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id AND m.status = 'normal') AS member_count \
             FROM orgs WHERE path >= $1 AND path < $2 AND kind IN ($3, $4) \
             ORDER BY sort_key, id LIMIT $5 OFFSET $6"
        ))
        .bind(&lo)
        .bind(&hi)
        .bind(OrgKind::Branch.code())
        .bind(OrgKind::GraduatingBranch.code())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(BranchMark {
                    org: org_from_row(r)?,
                    mark: mark_from_row(r)?,
                    converted_at: r.try_get("converted_at")?,
                    members: r.try_get("member_count")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orgs WHERE path >= $1 AND path < $2 AND kind IN ($3, $4)",
        )
        .bind(&lo)
        .bind(&hi)
        .bind(OrgKind::Branch.code())
        .bind(OrgKind::GraduatingBranch.code())
        .fetch_one(self.pool())
        .await?;
        Ok(BranchMarkPage { items, total })
    }

    /// A branch's mark and when it was converted.
    pub async fn graduation_mark(
        &self,
        org_id: i64,
    ) -> Result<Option<(GraduationMark, Option<i64>)>, StoreError> {
        let row = sqlx::query(
            "SELECT kind AS mark_kind, month AS mark_month, converted_at FROM graduation_marks \
             WHERE org_id = $1",
        )
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(mark_from_row(&r)?.map(|m| (m, r.try_get("converted_at").ok().flatten())))
    }

    /// A member's late graduation, if marked in the branch they are in.
    pub async fn late_graduation(
        &self,
        person_id: i64,
    ) -> Result<Option<LateGraduation>, StoreError> {
        let row = sqlx::query(
            "SELECT l.kind AS late_kind, l.month AS late_month FROM late_graduates l \
             JOIN members m ON m.person_id = l.person_id AND m.org_id = l.org_id \
             WHERE l.person_id = $1",
        )
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(r) => late_from_row(&r),
            None => Ok(None),
        }
    }

    /// The members (normal standing) of a branch, sorted out for transfer in `this_month`.
    pub async fn graduates(
        &self,
        org_id: i64,
        this_month: GradMonth,
    ) -> Result<Graduates, StoreError> {
        let rows = sqlx::query(
            "SELECT p.id, p.name, p.id_number, l.kind AS late_kind, l.month AS late_month, \
             (SELECT MIN(t.id) FROM transfers t WHERE t.person_id = m.person_id \
               AND t.status IN ('pending_out', 'pending_in')) AS open_transfer \
             FROM members m JOIN people p ON p.id = m.person_id \
             LEFT JOIN late_graduates l ON l.person_id = m.person_id AND l.org_id = m.org_id \
             WHERE m.org_id = $1 AND m.status = 'normal' ORDER BY p.name_sort, p.id LIMIT $2",
        )
        .bind(org_id)
        .bind(GRADUATES_LIMIT)
        .fetch_all(self.pool())
        .await?;
        let mut out = Graduates::default();
        for r in &rows {
            let id_number: String = r.try_get("id_number")?;
            let g = Graduate {
                person_id: r.try_get("id")?,
                name: r.try_get("name")?,
                id_number: IdNumber::parse(&id_number)
                    .map_err(|_| broken("people.id_number holds a bad number"))?,
                late: late_from_row(r)?,
                open_transfer: r.try_get("open_transfer")?,
            };
            if g.open_transfer.is_some() {
                out.in_transfer.push(g);
            } else if g.late.is_some_and(|l| l.holds_in(this_month)) {
                out.late.push(g);
            } else {
                out.ready.push(g);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stored_kinds_are_known() {
        use tuanjian_domain::graduation::MARK_KINDS;
        for literal in crate::test_support::sql_literals(include_str!("graduation.rs"), "kind") {
            assert!(MARK_KINDS.iter().any(|(k, _)| *k == literal), "{literal}");
        }
    }
}
