//! Completion of organisation information below an organisation: counts over the kept
//! `info_complete` flag, so a rate over a whole province is one index range scan.

use sqlx::Row;
use tuanjian_domain::OrgPath;

use crate::orgs::{Org, Page, PageRequest, org_from_row};
use crate::{Store, StoreError};

impl Store {
    /// Completion of every organisation below `path` (itself excluded): (complete, total).
    pub async fn subtree_completion(&self, path: &OrgPath) -> Result<(i64, i64), StoreError> {
        let (lo, hi) = path.subtree_range();
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(info_complete), 0) AS BIGINT) AS done, COUNT(*) AS total \
             FROM orgs WHERE path > $1 AND path < $2",
        )
        .bind(lo)
        .bind(hi)
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get("done")?, row.try_get("total")?))
    }

    /// A page of the direct children whose information is not complete, in creation order.
    pub async fn incomplete_children(
        &self,
        parent_id: i64,
        req: PageRequest,
    ) -> Result<Page<Org>, StoreError> {
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orgs WHERE parent_id = $1 AND info_complete = 0",
        )
        .bind(parent_id)
        .fetch_one(self.pool())
        .await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            crate::org_columns!(),
            " FROM orgs WHERE parent_id = $1 AND info_complete = 0 ORDER BY sort_key, id LIMIT $2 OFFSET $3"
        ))
        .bind(parent_id)
        .bind(req.per_page)
        .bind(req.offset())
        .fetch_all(self.pool())
        .await?;
        Ok(Page {
            items: rows.iter().map(org_from_row).collect::<Result<_, _>>()?,
            total,
            page: req.page,
            per_page: req.per_page,
        })
    }
}
