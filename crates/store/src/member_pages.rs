//! A page of the member list, by key (issue 14): 下一页 and 上一页 continue after or before a
//! member's place in the list's order (`Position::After`/`Before`, one index seek at any
//! depth), and numbered pages are read from whichever end of the list is nearer, never skipping
//! more than `MAX_OFFSET` rows (`reachable`). Every order ends in the member's id, so a key is
//! one member.
//!
//! The statements come in three shapes over the same parameters — $1..$8 the filters
//! (`member_conditions`), $9 the name search's character (unused by the scope's shape), $10
//! the page size, then $11 the offset or $11.. the key: the scope's range of `members_scope`;
//! the character index alone (name and 团籍 filters, index orders); the character index
//! reading each candidate's row (other filters or orders).

use sqlx::Row;

use crate::direct_read::Param;
use crate::member_search::Chosen;
use crate::members::{MemberListItem, MemberQuery, MemberSort, item_from_cols, member_conditions};
use crate::orgs::PageRequest;
use crate::{Backend, Store, StoreError};

/// The most rows a numbered page skips (from the nearer end): 500 pages of 20.
pub const MAX_OFFSET: i64 = 10_000;

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Page `n` (from 1) of `per_page` rows.
    Number(i64),
    /// The rows after this member's place in the order (下一页).
    After(i64),
    /// The rows before this member's place (上一页).
    Before(i64),
}

/// The member list's pages in the organisation order with no filter but the standing, on
/// PostgreSQL (migration 0023): a stored function keeps one generic plan of each walk where the
/// statement was planned afresh on every execution (most of the database's work per page).
/// Pages near the end of a long list (`Walk::Backward`) and the export's whole list keep the
/// statement.
const PAGE_FUNCTION: &str = "SELECT person_id, person_name, person_id_number, org_id, org_path, \
     org_name, join_month, dev_number, status, entry_fault \
     FROM tj_member_page($1, $2, $3, $4, $5, $6, $7, $8, $9) WITH ORDINALITY AS p \
     ORDER BY p.ordinality";

/// The most rows the function reads for a page: the largest page and one more.
const PAGE_FUNCTION_ROWS: i64 = PageRequest::MAX_PER_PAGE + 1;

/// Whether page `page` can be read without skipping more than `MAX_OFFSET` rows: from the
/// start, or from the end when the total is exact.
pub fn reachable(page: i64, per_page: i64, total: i64, exact: bool) -> bool {
    let from_start = (page - 1).saturating_mul(per_page);
    let from_end = total - page.saturating_mul(per_page);
    from_start <= MAX_OFFSET || (exact && from_end <= MAX_OFFSET)
}

/// How a statement walks the order.
#[derive(Debug, Clone, Copy)]
enum Walk {
    /// In order, skipping $11 rows.
    Forward,
    /// Against the order, skipping $11 rows (pages near the end).
    Backward,
    /// In order, after the key.
    After,
    /// Against the order, before the key.
    Before,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scope,
    Chars,
    CharsAndMembers,
}

macro_rules! from_scope {
    () => {
        concat!(" FROM members m WHERE ", member_conditions!())
    };
}

macro_rules! from_chars {
    () => {
        " FROM member_name_chars g WHERE g.ch = $9 AND g.org_path >= $1 AND g.org_path < $2 \
          AND ($3 IS NULL OR g.person_name LIKE $3 ESCAPE '\\') \
          AND ($6 IS NULL OR g.status = $6) \
          AND ($8 = 'all' OR ($8 = 'members') = (g.status IN ('normal', 'aged_out_pending', \
          'lapsed_pending', 'withdrawn_pending', 'expelled_pending')))"
    };
}

// The candidates drive the join (SQLite keeps a CROSS JOIN's order).
macro_rules! from_chars_and_members {
    () => {
        concat!(
            " FROM member_name_chars g CROSS JOIN members m WHERE m.person_id = g.person_id \
              AND g.ch = $9 AND g.org_path >= $1 AND g.org_path < $2 AND ",
            member_conditions!()
        )
    };
}

/// A sort's key, its order (`fwd`) and the reverse, and the comparisons that continue after
/// and before a key, for the alias `m` or `g`.
macro_rules! sort_sql {
    ($a:ident, Org, key) => {
        concat!(
            "(",
            stringify!($a),
            ".org_path, ",
            stringify!($a),
            ".person_sort, ",
            stringify!($a),
            ".person_id)"
        )
    };
    ($a:ident, Org, fwd) => {
        concat!(
            "ORDER BY ",
            stringify!($a),
            ".org_path, ",
            stringify!($a),
            ".person_sort, ",
            stringify!($a),
            ".person_id"
        )
    };
    ($a:ident, Org, rev) => {
        concat!(
            "ORDER BY ",
            stringify!($a),
            ".org_path DESC, ",
            stringify!($a),
            ".person_sort DESC, ",
            stringify!($a),
            ".person_id DESC"
        )
    };
    ($a:ident, Org, after) => {
        concat!(sort_sql!($a, Org, key), " > ($11, $12, $13)")
    };
    ($a:ident, Org, before) => {
        concat!(sort_sql!($a, Org, key), " < ($11, $12, $13)")
    };
    ($a:ident, Name, key) => {
        concat!(
            "(",
            stringify!($a),
            ".person_sort, ",
            stringify!($a),
            ".person_id)"
        )
    };
    ($a:ident, Name, fwd) => {
        concat!(
            "ORDER BY ",
            stringify!($a),
            ".person_sort, ",
            stringify!($a),
            ".person_id"
        )
    };
    ($a:ident, Name, rev) => {
        concat!(
            "ORDER BY ",
            stringify!($a),
            ".person_sort DESC, ",
            stringify!($a),
            ".person_id DESC"
        )
    };
    ($a:ident, Name, after) => {
        concat!(sort_sql!($a, Name, key), " > ($11, $12)")
    };
    ($a:ident, Name, before) => {
        concat!(sort_sql!($a, Name, key), " < ($11, $12)")
    };
    (m, JoinOld, key) => {
        "(COALESCE(m.join_month, ''), m.person_id)"
    };
    (m, JoinOld, fwd) => {
        "ORDER BY COALESCE(m.join_month, ''), m.person_id"
    };
    (m, JoinOld, rev) => {
        "ORDER BY COALESCE(m.join_month, '') DESC, m.person_id DESC"
    };
    (m, JoinOld, after) => {
        concat!(sort_sql!(m, JoinOld, key), " > ($11, $12)")
    };
    (m, JoinOld, before) => {
        concat!(sort_sql!(m, JoinOld, key), " < ($11, $12)")
    };
    (m, JoinNew, key) => {
        sort_sql!(m, JoinOld, key)
    };
    (m, JoinNew, fwd) => {
        sort_sql!(m, JoinOld, rev)
    };
    (m, JoinNew, rev) => {
        sort_sql!(m, JoinOld, fwd)
    };
    (m, JoinNew, after) => {
        concat!(sort_sql!(m, JoinOld, key), " < ($11, $12)")
    };
    (m, JoinNew, before) => {
        concat!(sort_sql!(m, JoinOld, key), " > ($11, $12)")
    };
}

/// The inner statement's tail for a walk: the key condition, the order and the limit.
macro_rules! walk_sql {
    ($a:ident, $sort:ident, Forward) => {
        concat!(" ", sort_sql!($a, $sort, fwd), " LIMIT $10 OFFSET $11")
    };
    ($a:ident, $sort:ident, Backward) => {
        concat!(" ", sort_sql!($a, $sort, rev), " LIMIT $10 OFFSET $11")
    };
    ($a:ident, $sort:ident, After) => {
        concat!(
            " AND ",
            sort_sql!($a, $sort, after),
            " ",
            sort_sql!($a, $sort, fwd),
            " LIMIT $10"
        )
    };
    ($a:ident, $sort:ident, Before) => {
        concat!(
            " AND ",
            sort_sql!($a, $sort, before),
            " ",
            sort_sql!($a, $sort, rev),
            " LIMIT $10"
        )
    };
}

/// One page: the matching ids in the walk's order, then their rows in the list's order.
macro_rules! page_sql {
    ($from:ident, $a:ident, $sort:ident, $walk:ident) => {
        concat!(
            "SELECT m.person_id, m.person_name, m.person_id_number, m.org_id, m.org_path, \
             o.full_name AS org_name, m.join_month, m.dev_number, m.status, m.entry_fault \
             FROM (SELECT ",
            stringify!($a),
            ".person_id",
            $from!(),
            walk_sql!($a, $sort, $walk),
            ") page JOIN members m ON m.person_id = page.person_id \
             JOIN orgs o ON o.id = m.org_id ",
            sort_sql!(m, $sort, fwd)
        )
    };
}

macro_rules! walks {
    ($from:ident, $a:ident, $sort:ident, $walk:expr) => {
        match $walk {
            Walk::Forward => page_sql!($from, $a, $sort, Forward),
            Walk::Backward => page_sql!($from, $a, $sort, Backward),
            Walk::After => page_sql!($from, $a, $sort, After),
            Walk::Before => page_sql!($from, $a, $sort, Before),
        }
    };
}

fn statement(shape: Shape, sort: MemberSort, walk: Walk) -> &'static str {
    use MemberSort::*;
    match (shape, sort) {
        (Shape::Scope, Org) => walks!(from_scope, m, Org, walk),
        (Shape::Scope, Name) => walks!(from_scope, m, Name, walk),
        (Shape::Scope, JoinMonthOldest) => walks!(from_scope, m, JoinOld, walk),
        (Shape::Scope, JoinMonthNewest) => walks!(from_scope, m, JoinNew, walk),
        (Shape::Chars, Name) => walks!(from_chars, g, Name, walk),
        (Shape::Chars, _) => walks!(from_chars, g, Org, walk),
        (Shape::CharsAndMembers, Org) => walks!(from_chars_and_members, m, Org, walk),
        (Shape::CharsAndMembers, Name) => walks!(from_chars_and_members, m, Name, walk),
        (Shape::CharsAndMembers, JoinMonthOldest) => {
            walks!(from_chars_and_members, m, JoinOld, walk)
        }
        (Shape::CharsAndMembers, JoinMonthNewest) => {
            walks!(from_chars_and_members, m, JoinNew, walk)
        }
    }
}

/// Counts of each shape, up to $10 (`capped`) or all.
fn count_statement(shape: Shape, capped: bool) -> &'static str {
    macro_rules! count {
        ($from:ident, true) => {
            concat!(
                "SELECT COUNT(*) FROM (SELECT 1",
                $from!(),
                " LIMIT $10) capped"
            )
        };
        ($from:ident, false) => {
            concat!("SELECT COUNT(*) FROM (SELECT 1", $from!(), ") all_rows")
        };
    }
    match (shape, capped) {
        (Shape::Scope, true) => count!(from_scope, true),
        (Shape::Scope, false) => count!(from_scope, false),
        (Shape::Chars, true) => count!(from_chars, true),
        (Shape::Chars, false) => count!(from_chars, false),
        (Shape::CharsAndMembers, true) => count!(from_chars_and_members, true),
        (Shape::CharsAndMembers, false) => count!(from_chars_and_members, false),
    }
}

/// Binds $1..$9 of the statements: the scope's range, the query's filters, the name search's
/// character.
macro_rules! bind_filters {
    ($query:expr, ($lo:expr, $hi:expr), $q:expr, $ch:expr) => {{
        let (name, id, join, status, faulty) = $q.binds();
        $query
            .bind($lo)
            .bind($hi)
            .bind(name)
            .bind(id)
            .bind(join)
            .bind(status)
            .bind(faulty)
            .bind($q.standing())
            .bind($ch)
    }};
}

/// A member's place in an order: the key's values, read by id.
#[derive(Debug, Clone)]
struct Key {
    org_path: String,
    person_sort: String,
    join_month: String,
    person_id: i64,
}

/// Rows of a page and whether more lie before and after them.
pub(crate) struct Rows {
    pub rows: Vec<MemberListItem>,
    pub more_before: bool,
    pub more_after: bool,
}

/// What a query reads: the shape, and the character for a name search.
enum Plan {
    Read(Shape, String),
    /// A name search with a character in no name of the scope.
    Nothing,
}

impl Store {
    /// The shape that answers `q` in `sort` order.
    async fn plan(
        &self,
        q: &MemberQuery<'_>,
        sort: Option<MemberSort>,
    ) -> Result<Plan, StoreError> {
        let Some(pattern) = q.name_pattern() else {
            return Ok(Plan::Read(Shape::Scope, String::new()));
        };
        // An import's members whose entries are not written yet may be in the scope: its
        // members are read themselves (the name filter on each), until the merge.
        let (lo, hi) = q.range();
        if self.name_chars_pending_in(lo, hi).await? {
            return Ok(Plan::Read(Shape::Scope, String::new()));
        }
        Ok(match self.search_char(q, pattern).await? {
            Chosen::NoMatch => Plan::Nothing,
            Chosen::Char(ch) => {
                let (_, id, join, _, faulty) = q.binds();
                let index_only = id.is_none()
                    && join.is_none()
                    && faulty == 0
                    && matches!(sort, None | Some(MemberSort::Org | MemberSort::Name));
                let shape = if index_only {
                    Shape::Chars
                } else {
                    Shape::CharsAndMembers
                };
                Plan::Read(shape, ch)
            }
        })
    }

    /// `q`'s matches, counted up to `cap` (all without).
    pub(crate) async fn count_planned(
        &self,
        q: &MemberQuery<'_>,
        cap: Option<i64>,
    ) -> Result<i64, StoreError> {
        let Plan::Read(shape, ch) = self.plan(q, None).await? else {
            return Ok(0);
        };
        let (lo, hi) = q.range();
        let query = bind_filters!(
            sqlx::query_scalar(count_statement(shape, cap.is_some())),
            (lo.to_string(), hi.to_string()),
            q,
            ch
        );
        let query = match cap {
            Some(cap) => query.bind(cap),
            None => query.bind(i64::MAX),
        };
        Ok(query.fetch_one(self.pool()).await?)
    }

    async fn key_of(&self, person_id: i64) -> Result<Option<Key>, StoreError> {
        let row = sqlx::query(
            "SELECT org_path, person_sort, COALESCE(join_month, '') AS join_month, person_id \
             FROM members WHERE person_id = $1 AND person_sort IS NOT NULL",
        )
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            Some(r) => Some(Key {
                org_path: r.try_get("org_path")?,
                person_sort: r.try_get("person_sort")?,
                join_month: r.try_get("join_month")?,
                person_id: r.try_get("person_id")?,
            }),
            None => None,
        })
    }

    /// `limit` rows of `q` in `sort` order from `position`; `None` when the member a key names
    /// is gone. `total` is the list's total (`exact` when not a lower bound); numbered pages
    /// must be `reachable`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn page_rows(
        &self,
        q: &MemberQuery<'_>,
        sort: MemberSort,
        position: Position,
        per_page: i64,
        total: i64,
        exact: bool,
    ) -> Result<Option<Rows>, StoreError> {
        let Plan::Read(shape, ch) = self.plan(q, Some(sort)).await? else {
            return Ok(Some(Rows {
                rows: Vec::new(),
                more_before: false,
                more_after: false,
            }));
        };
        let (name, id, join, status, faulty) = q.binds();
        let (lo, hi) = q.range();
        // One row more than the page tells whether another page follows on that side.
        let (walk, limit, skip, key) = match position {
            Position::Number(n) => {
                let from_start = (n - 1).saturating_mul(per_page);
                if from_start <= MAX_OFFSET || !exact {
                    (Walk::Forward, per_page + 1, from_start, None)
                } else {
                    // Near the end: the rows of page n counted back from the last one.
                    let from_end = (total - n.saturating_mul(per_page)).max(0);
                    let size = (total - from_start).clamp(0, per_page);
                    (Walk::Backward, size, from_end, None)
                }
            }
            Position::After(k) | Position::Before(k) => {
                let Some(key) = self.key_of(k).await? else {
                    return Ok(None);
                };
                let walk = if matches!(position, Position::After(_)) {
                    Walk::After
                } else {
                    Walk::Before
                };
                (walk, per_page + 1, 0, Some(key))
            }
        };
        // In the organisation order the key's path bounds the range itself: the planners take
        // a row comparison for a filter over the scope's range, not for where to start (SQLite
        // read 团中央's million entries to find the page after one near the end).
        let (mut lo, mut hi) = (lo.to_string(), hi.to_string());
        if let (Some(k), MemberSort::Org) = (&key, sort) {
            match walk {
                Walk::After if k.org_path > lo => lo.clone_from(&k.org_path),
                Walk::Before => {
                    // Just above every row of the key's path (paths hold no control characters).
                    let above = format!("{}\u{1}", k.org_path);
                    if above < hi {
                        hi = above;
                    }
                }
                _ => {}
            }
        }
        let plain = shape == Shape::Scope
            && sort == MemberSort::Org
            && (name.is_none() && id.is_none() && join.is_none() && status.is_none())
            && faulty == 0;
        let by_function = match walk {
            Walk::Forward => Some("forward"),
            Walk::After => Some("after"),
            Walk::Before => Some("before"),
            Walk::Backward => None,
        }
        .filter(|_| plain && self.backend() == Backend::Postgres && limit <= PAGE_FUNCTION_ROWS);
        let mut rows = if let Some(walk) = by_function {
            // Unused by the page by number: the key's place holders.
            let (k_path, k_sort, k_id) = match &key {
                Some(k) => (k.org_path.as_str(), k.person_sort.as_str(), k.person_id),
                None => ("", "", 0),
            };
            let params = [
                Param::Text(&lo),
                Param::Text(&hi),
                Param::Text(q.standing()),
                Param::Text(walk),
                Param::Int(limit),
                Param::Int(skip),
                Param::Text(k_path),
                Param::Text(k_sort),
                Param::Int(k_id),
            ];
            self.replicable_rows(PAGE_FUNCTION, &params, &item_from_cols)
                .await?
        } else {
            let query = bind_filters!(sqlx::query(statement(shape, sort, walk)), (lo, hi), q, ch)
                .bind(limit);
            let query = match (&key, sort) {
                (None, _) => query.bind(skip),
                (Some(k), MemberSort::Org) => query
                    .bind(k.org_path.clone())
                    .bind(k.person_sort.clone())
                    .bind(k.person_id),
                (Some(k), MemberSort::Name) => query.bind(k.person_sort.clone()).bind(k.person_id),
                (Some(k), _) => query.bind(k.join_month.clone()).bind(k.person_id),
            };
            query
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| item_from_cols(r))
                .collect::<Result<_, _>>()?
        };
        let full = |n: usize| n as i64 > per_page;
        Ok(Some(match walk {
            Walk::Forward => {
                let more_after = full(rows.len());
                rows.truncate(per_page as usize);
                Rows {
                    rows,
                    more_before: skip > 0,
                    more_after,
                }
            }
            Walk::Backward => Rows {
                rows,
                more_before: skip + limit < total,
                more_after: skip > 0,
            },
            Walk::After => {
                let more_after = full(rows.len());
                rows.truncate(per_page as usize);
                Rows {
                    rows,
                    more_before: true,
                    more_after,
                }
            }
            Walk::Before => {
                let more_before = full(rows.len());
                if more_before {
                    rows.remove(0);
                }
                Rows {
                    rows,
                    more_before,
                    more_after: true,
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_near_either_end_are_reachable() {
        // 1,000,000 rows of 20: pages 1–501 from the start, the last 501 from the end.
        let total = 1_000_000;
        assert!(reachable(1, 20, total, true));
        assert!(reachable(501, 20, total, true));
        assert!(!reachable(502, 20, total, true));
        assert!(!reachable(25_000, 20, total, true));
        assert!(reachable(50_000, 20, total, true), "the last page");
        assert!(reachable(49_500, 20, total, true));
        assert!(!reachable(49_499, 20, total, true));
        assert!(
            !reachable(50_000, 20, total, false),
            "no end to count back from when the total is a lower bound"
        );
    }
}
