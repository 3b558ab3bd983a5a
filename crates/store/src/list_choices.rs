//! What a list offers to narrow itself to (the member list's 所在团支部): the branches of a
//! subtree when there are few, read without sorting the whole subtree — at national scale a
//! subtree holds millions of branches, and the page asks on every view.

use tuanjian_domain::OrgKind;

use crate::counters::Dim;
use crate::orgs::{Org, org_from_row};
use crate::{Store, StoreError};

impl Store {
    /// The 团支部 below `org` by full name when there are at most `at_most`; `None` when there
    /// are more (the counters tell, or `known`: their number read with the list's total). The
    /// inner query stops at `at_most + 1` rows in index order; only those are sorted.
    pub async fn few_branches_under(
        &self,
        org: &Org,
        at_most: i64,
        known: Option<i64>,
    ) -> Result<Option<Vec<Org>>, StoreError> {
        // The counters say how many there are (one row): a province's list does not read a
        // hundred organisations on every page only to offer a text box instead.
        let branches = match known {
            Some(n) => n,
            None => self
                .subtree_dim_counts(org.id, Dim::OrgKind)
                .await?
                .get(Dim::OrgKind, OrgKind::Branch.code()),
        };
        if branches > at_most {
            return Ok(None);
        }
        let (lo, hi) = org.path.subtree_range();
        let rows = sqlx::query(concat!(
            "SELECT ",
            crate::org_columns!(),
            " FROM (SELECT ",
            crate::org_columns!(),
            " FROM orgs WHERE path >= $1 AND path < $2 AND kind = $3 LIMIT $4) b \
             ORDER BY full_name, id"
        ))
        .bind(&lo)
        .bind(&hi)
        .bind(OrgKind::Branch.code())
        .bind(at_most + 1)
        .fetch_all(self.pool())
        .await?;
        if rows.len() as i64 > at_most {
            return Ok(None);
        }
        rows.iter()
            .map(org_from_row)
            .collect::<Result<_, _>>()
            .map(Some)
    }
}
