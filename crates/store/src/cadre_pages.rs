//! A page of the cadre list, by key (issue 14), as `member_pages` reads the member list: the
//! list's order is the post's organisation path, then the post (`cadre_posts_list`, migration
//! 0021), so 下一页 and 上一页 continue after or before a post with one index seek at any depth,
//! numbered pages are read from the nearer end and skip at most `MAX_OFFSET` rows, and the
//! unfiltered total comes from the counters (a filtered one is counted up to a cap).
//!
//! Parameters: $1, $2 the subtree's path range; $3–$6 the filters (`CadreQuery::binds`); $7
//! the page size; then $8 the offset, or $8, $9 the key (a post's path and id).

use sqlx::Row;

use crate::cadres::{CadreListItem, CadreQuery, item_from_row};
use crate::counters::Dim;
use crate::member_pages::{MAX_OFFSET, Position};
use crate::{Store, StoreError};

/// The posts of the query (the people and organisations they need), driven by the posts'
/// index in the list's order (SQLite keeps a CROSS JOIN's order).
macro_rules! from_posts {
    () => {
        " FROM cadre_posts c CROSS JOIN people p CROSS JOIN orgs o \
          WHERE p.id = c.person_id AND o.id = c.org_id \
          AND c.org_path >= $1 AND c.org_path < $2 \
          AND ($3 IS NULL OR p.name LIKE $3 ESCAPE '\\') \
          AND ($4 IS NULL OR p.id_number LIKE $4 ESCAPE '\\') \
          AND ($5 IS NULL OR c.post = $5) \
          AND ($6 IS NULL OR c.org_id = $6)"
    };
}

macro_rules! page_sql {
    ($tail:literal) => {
        concat!(
            "SELECT c.id AS post_id, c.person_id, p.name, p.id_number, c.org_id, c.org_path, \
             o.full_name AS org_name, c.post, c.post_since, c.nature, c.party_committee",
            from_posts!(),
            $tail
        )
    };
}

const FORWARD: &str = page_sql!(" ORDER BY c.org_path, c.id LIMIT $7 OFFSET $8");
const BACKWARD: &str = page_sql!(" ORDER BY c.org_path DESC, c.id DESC LIMIT $7 OFFSET $8");
const AFTER: &str =
    page_sql!(" AND (c.org_path, c.id) > ($8, $9) ORDER BY c.org_path, c.id LIMIT $7");
const BEFORE: &str =
    page_sql!(" AND (c.org_path, c.id) < ($8, $9) ORDER BY c.org_path DESC, c.id DESC LIMIT $7");
/// How a statement walks the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    Forward,
    Backward,
    After,
    Before,
}

impl Walk {
    fn sql(self) -> &'static str {
        match self {
            Walk::Forward => FORWARD,
            Walk::Backward => BACKWARD,
            Walk::After => AFTER,
            Walk::Before => BEFORE,
        }
    }
}

const COUNT_UP_TO: &str = concat!(
    "SELECT COUNT(*) FROM (SELECT 1",
    from_posts!(),
    " LIMIT $7) capped"
);

/// A page of the cadre list.
#[derive(Debug, Clone)]
pub struct CadrePage {
    pub items: Vec<CadreListItem>,
    /// Exact when unfiltered (from the counters) or when the filter matches at most the
    /// query's cap; else the cap, with `total_is_lower_bound`.
    pub total: i64,
    pub total_is_lower_bound: bool,
    pub page: i64,
    pub per_page: i64,
    /// The first row's post when rows lie before the page (上一页 continues before it).
    pub prev_before: Option<i64>,
    /// The last row's post when rows lie after the page (下一页 continues after it).
    pub next_after: Option<i64>,
}

impl Store {
    /// The query's total: the subtree's counters when nothing filters it, else its matches
    /// counted up to the query's cap (`true`: there are more).
    pub async fn cadre_total(&self, q: &CadreQuery<'_>) -> Result<(i64, bool), StoreError> {
        if q.unfiltered() {
            let counts = self.subtree_dim_counts(q.org_id, Dim::Cadres).await?;
            return Ok((counts.get(Dim::Cadres, ""), false));
        }
        let cap = q.count_cap();
        let n = self.count_cadres_up_to(q, cap + 1).await?;
        Ok(if n > cap { (cap, true) } else { (n, false) })
    }

    /// Every match of the query counted (slow at scale: for tests and checks).
    pub async fn count_cadres(&self, q: &CadreQuery<'_>) -> Result<i64, StoreError> {
        self.count_cadres_up_to(q, i64::MAX).await
    }

    async fn count_cadres_up_to(&self, q: &CadreQuery<'_>, cap: i64) -> Result<i64, StoreError> {
        let (name, id, post, org_id) = q.binds();
        Ok(sqlx::query_scalar(COUNT_UP_TO)
            .bind(q.lo.clone())
            .bind(q.hi.clone())
            .bind(name)
            .bind(id)
            .bind(post)
            .bind(org_id)
            .bind(cap)
            .fetch_one(self.pool())
            .await?)
    }

    /// A post's place in the list's order.
    async fn cadre_key(&self, post_id: i64) -> Result<Option<(String, i64)>, StoreError> {
        let row = sqlx::query("SELECT org_path, id FROM cadre_posts WHERE id = $1")
            .bind(post_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => Some((r.try_get("org_path")?, r.try_get("id")?)),
            None => None,
        })
    }

    /// `per_page` posts of `q` from `position` (page `number` is what the page shows); `None`
    /// when the post a key names is gone. Numbered pages must be `reachable` for `total`.
    pub async fn cadre_page(
        &self,
        q: &CadreQuery<'_>,
        position: Position,
        per_page: i64,
        number: i64,
        (total, total_is_lower_bound): (i64, bool),
    ) -> Result<Option<CadrePage>, StoreError> {
        let (name, id, post, org_id) = q.binds();
        let (mut lo, mut hi) = (q.lo.clone(), q.hi.clone());
        // One row more than the page tells whether another page follows on that side.
        let (walk, limit, skip, key) = match position {
            Position::Number(n) => {
                let from_start = (n - 1).saturating_mul(per_page);
                if from_start <= MAX_OFFSET || total_is_lower_bound {
                    (Walk::Forward, per_page + 1, from_start, None)
                } else {
                    // Near the end: page n's rows counted back from the last one.
                    let from_end = (total - n.saturating_mul(per_page)).max(0);
                    let size = (total - from_start).clamp(0, per_page);
                    (Walk::Backward, size, from_end, None)
                }
            }
            Position::After(k) | Position::Before(k) => {
                let Some(key) = self.cadre_key(k).await? else {
                    return Ok(None);
                };
                // The key's path bounds the range itself: the planners take a row comparison
                // for a filter, not for where to start reading.
                if matches!(position, Position::After(_)) {
                    if key.0 > lo {
                        lo.clone_from(&key.0);
                    }
                    (Walk::After, per_page + 1, 0, Some(key))
                } else {
                    // Just above every post of the key's path (paths hold no control characters).
                    let above = format!("{}\u{1}", key.0);
                    if above < hi {
                        hi = above;
                    }
                    (Walk::Before, per_page + 1, 0, Some(key))
                }
            }
        };
        let query = sqlx::query(walk.sql())
            .bind(lo)
            .bind(hi)
            .bind(name)
            .bind(id)
            .bind(post)
            .bind(org_id)
            .bind(limit);
        let query = match key {
            None => query.bind(skip),
            Some((path, id)) => query.bind(path).bind(id),
        };
        let rows = query.fetch_all(self.pool()).await?;
        let mut items = rows
            .iter()
            .map(item_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let more = items.len() as i64 > per_page;
        let (more_before, more_after) = match walk {
            Walk::Forward => {
                items.truncate(per_page as usize);
                (skip > 0, more)
            }
            Walk::Backward => {
                items.reverse();
                (skip + limit < total, skip > 0)
            }
            Walk::After => {
                items.truncate(per_page as usize);
                (true, more)
            }
            Walk::Before => {
                items.truncate(per_page as usize);
                items.reverse();
                (more, true)
            }
        };
        Ok(Some(CadrePage {
            prev_before: more_before
                .then(|| items.first().map(|c| c.post_id))
                .flatten(),
            next_after: more_after
                .then(|| items.last().map(|c| c.post_id))
                .flatten(),
            items,
            total,
            total_is_lower_bound,
            page: number,
            per_page,
        }))
    }
}
