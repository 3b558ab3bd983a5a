//! The superiors' progress list: every branch of a subtree with its rating of the year (or
//! none: not started), its founding time and name (for eligibility), and the subtree's direct
//! children, so the caller can sum each child's branches. One range read of `orgs` joined to
//! the year's ratings.

use sqlx::Row;
use tuanjian_domain::OrgKind;
use tuanjian_domain::star_rating::round::RatingState;

use super::{decode_stars, decode_state};
use crate::scope::Subtree;
use crate::{Store, StoreError};

/// A branch of the subtree, or a direct child of its top, with the year's rating.
#[derive(Debug, Clone)]
pub struct StarProgressRow {
    pub org_id: i64,
    pub parent_id: Option<i64>,
    pub path: String,
    pub full_name: String,
    pub is_branch: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// `NotStarted` when the branch has no rating for the year (and for non-branches).
    pub state: RatingState,
    /// The confirmed stars (`None`: not confirmed, or 未定级).
    pub stars: Option<u8>,
}

impl Store {
    /// The subtree's branches and the top's direct children, in path order.
    pub async fn star_progress(
        &self,
        q: &Subtree,
        year: i32,
    ) -> Result<Vec<StarProgressRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id, o.parent_id, o.path, o.kind, o.full_name, o.created_at, \
             r.status, r.stars \
             FROM orgs o LEFT JOIN star_ratings r ON r.org_id = o.id AND r.year = $3 \
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
                    None => RatingState::NotStarted,
                    Some(s) => decode_state(&s)?,
                };
                Ok(StarProgressRow {
                    org_id: r.try_get("id")?,
                    parent_id: r.try_get("parent_id")?,
                    path: r.try_get("path")?,
                    full_name: r.try_get("full_name")?,
                    is_branch: kind == OrgKind::Branch.code()
                        || kind == OrgKind::GraduatingBranch.code(),
                    created_at: r.try_get("created_at")?,
                    state,
                    stars: decode_stars(r.try_get("stars")?)?,
                })
            })
            .collect()
    }
}
