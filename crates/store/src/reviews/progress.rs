//! The superior's progress list: every branch of a subtree with its round of the year (or
//! none: not started), and the subtree's direct children, so the caller can sum each child's
//! branches. One range read of `orgs` joined to the year's rounds.

use sqlx::Row;
use tuanjian_domain::OrgKind;
use tuanjian_domain::review::RoundState;

use crate::scope::Subtree;
use crate::{Store, StoreError};

/// A branch of the subtree, or a direct child of its top, with the year's round.
#[derive(Debug, Clone)]
pub struct ProgressRow {
    pub org_id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub full_name: String,
    pub is_branch: bool,
    /// The branch's members now.
    pub member_count: i64,
    /// `NotStarted` when the branch has no round for the year (and for non-branches).
    pub state: RoundState,
    pub graded: i64,
}

impl Store {
    /// The subtree's branches and the top's direct children, in path order.
    pub async fn review_progress(
        &self,
        q: &Subtree,
        year: i32,
    ) -> Result<Vec<ProgressRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id, o.parent_id, o.path, o.kind, o.full_name, o.member_count, \
             r.status, r.graded \
             FROM orgs o LEFT JOIN review_rounds r ON r.org_id = o.id AND r.year = $3 \
             WHERE o.path >= $1 AND o.path < $2 AND o.id <> $6 \
               AND (o.kind IN ($4, $5) OR o.parent_id = $6) \
             ORDER BY o.path",
        )
        .bind(&q.lo)
        .bind(&q.hi)
        .bind(i64::from(year))
        .bind(OrgKind::Branch.code())
        .bind(OrgKind::GraduatingBranch.code())
        .bind(q.org_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let status: Option<String> = r.try_get("status")?;
                let state = match status {
                    None => RoundState::NotStarted,
                    Some(s) => RoundState::from_code(&s)
                        .ok_or(StoreError::Broken("review_rounds.status"))?,
                };
                Ok(ProgressRow {
                    org_id: r.try_get("id")?,
                    parent_id: r.try_get("parent_id")?,
                    path: r.try_get("path")?,
                    full_name: r.try_get("full_name")?,
                    is_branch: kind == OrgKind::Branch.code()
                        || kind == OrgKind::GraduatingBranch.code(),
                    member_count: r.try_get("member_count")?,
                    state,
                    graded: r.try_get::<Option<i64>, _>("graded")?.unwrap_or(0),
                })
            })
            .collect()
    }
}
