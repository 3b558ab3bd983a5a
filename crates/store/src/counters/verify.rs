//! `tuanjian verify-counters`: every organisation's counters must equal its own rows' counts
//! plus its children's counters. Checked for every organisation, this proves every subtree's
//! counters equal the count of the subtree's rows, without adding the counts up the tree. The
//! check weighs each organisation's counters and rows into two sums (`fingerprint`: one pass
//! over the rows, one over the counters) and counts value by value only the organisations
//! whose sums differ.

use serde::Serialize;
use sqlx::Row;

use super::fingerprint::find_suspects;
use super::rebuild::{
    MembersOf, OwnInto, count_in_memory, count_own_members, count_own_rest, rebuild,
};
use super::sql::member_statuses;
use crate::member_search::{name_chars_faults, rebuild_name_chars};
use crate::{Store, StoreError};

/// How many differences a report lists (it counts them all).
const LISTED: usize = 100;

/// The counters of the organisations the fingerprints found different (`verify_suspects`)
/// against their own rows' counts (counted into `verify_own` first, as a rebuild counts them)
/// plus their children's counters.
const DIFFERENCES: &str = "WITH own AS (SELECT org_id, dim, val, n FROM verify_own \
       WHERE org_id IN (SELECT org_id FROM verify_suspects)), \
     kids AS (SELECT o.parent_id AS org_id, c.dim AS dim, c.val AS val, CAST(SUM(c.n) AS BIGINT) AS n \
       FROM org_counts c JOIN orgs o ON o.id = c.org_id \
       WHERE o.parent_id IN (SELECT org_id FROM verify_suspects) \
       GROUP BY o.parent_id, c.dim, c.val), \
     expected AS (SELECT org_id, dim, val, CAST(SUM(n) AS BIGINT) AS n FROM \
       (SELECT org_id, dim, val, n FROM own UNION ALL SELECT org_id, dim, val, n FROM kids) u \
       GROUP BY org_id, dim, val), \
     stored AS (SELECT org_id, dim, val, n FROM org_counts \
       WHERE org_id IN (SELECT org_id FROM verify_suspects)) \
     SELECT COALESCE(e.org_id, s.org_id), COALESCE(e.dim, s.dim), COALESCE(e.val, s.val), \
       COALESCE(s.n, 0), COALESCE(e.n, 0) \
     FROM expected e FULL OUTER JOIN stored s \
       ON s.org_id = e.org_id AND s.dim = e.dim AND s.val = e.val \
     WHERE COALESCE(s.n, 0) <> COALESCE(e.n, 0) ORDER BY 1, 2, 3";

/// Rows whose copied columns differ from what they copy (each would mislead the counters).
const COLUMN_FAULTS: &str = concat!(
    "SELECT \
     (SELECT COUNT(*) FROM orgs WHERE admin_count <> \
        (SELECT COUNT(*) FROM org_admins a WHERE a.org_id = orgs.id)) + \
     (SELECT COUNT(*) FROM orgs WHERE member_count <> \
        (SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id AND m.status IN ",
    member_statuses!(),
    ")) + \
     (SELECT COUNT(*) FROM cadre_posts c JOIN orgs o ON o.id = c.org_id WHERE c.org_path <> o.path) + \
     (SELECT COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.org_path <> o.path)"
);

const UNFOLDED: &str = "SELECT (SELECT COUNT(*) FROM member_count_log) \
    + (SELECT COUNT(*) FROM org_count_log) + (SELECT COUNT(*) FROM cadre_count_log) \
    + (SELECT COUNT(*) FROM transfer_count_log)";

/// One counter that differs from its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CounterDifference {
    pub org_id: i64,
    pub dim: String,
    pub val: String,
    pub stored: i64,
    pub counted: i64,
}

/// What a check found (and, with repair, fixed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CounterReport {
    pub organisations: i64,
    pub counters: i64,
    /// Every difference found; the first `LISTED` are in `differences`.
    pub difference_count: usize,
    pub differences: Vec<CounterDifference>,
    /// Organisations and rows whose copied columns (admin and member counts, paths) were wrong.
    pub column_faults: i64,
    /// Log rows not yet folded (left by statements outside a transaction).
    pub unfolded: i64,
    /// Name search entries (`member_name_chars`) missing, extra or doubled against the members.
    pub name_search_faults: i64,
    pub repaired: bool,
}

impl CounterReport {
    pub fn is_clean(&self) -> bool {
        self.counters_clean() && self.name_search_faults == 0
    }

    /// Whether the counters themselves (not the name search) match the rows.
    fn counters_clean(&self) -> bool {
        self.difference_count == 0 && self.column_faults == 0 && self.unfolded == 0
    }
}

impl Store {
    /// Checks every counter against the rows in one snapshot; with `repair`, rebuilds them all
    /// from the rows in the same transaction when anything differs.
    pub async fn verify_counters(&self, repair: bool) -> Result<CounterReport, StoreError> {
        let mut tx = if repair {
            self.begin().await?
        } else {
            self.begin_read().await?
        };
        // Scratch tables of this transaction (dropped with it): the check writes nothing else.
        for sql in [
            "CREATE TEMPORARY TABLE verify_own (org_id BIGINT NOT NULL, dim TEXT NOT NULL, \
             val TEXT NOT NULL, n BIGINT NOT NULL)",
            "CREATE TEMPORARY TABLE verify_suspects (org_id BIGINT PRIMARY KEY)",
        ] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        count_in_memory(&mut tx).await?;
        count_own_rest(&mut tx, OwnInto::Scratch).await?;
        let rows = if find_suspects(&mut tx).await? > 0 {
            count_own_members(&mut tx, OwnInto::Scratch, MembersOf::Suspects).await?;
            sqlx::query(DIFFERENCES).fetch_all(&mut *tx).await?
        } else {
            Vec::new()
        };
        for sql in ["DROP TABLE verify_own", "DROP TABLE verify_suspects"] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        let mut report = CounterReport {
            difference_count: rows.len(),
            column_faults: sqlx::query_scalar(COLUMN_FAULTS)
                .fetch_one(&mut *tx)
                .await?,
            organisations: sqlx::query_scalar("SELECT COUNT(*) FROM orgs")
                .fetch_one(&mut *tx)
                .await?,
            unfolded: sqlx::query_scalar(UNFOLDED).fetch_one(&mut *tx).await?,
            counters: sqlx::query_scalar("SELECT COUNT(*) FROM org_counts")
                .fetch_one(&mut *tx)
                .await?,
            name_search_faults: name_chars_faults(&mut tx).await?,
            ..CounterReport::default()
        };
        for row in rows.iter().take(LISTED) {
            report.differences.push(CounterDifference {
                org_id: row.try_get(0)?,
                dim: row.try_get(1)?,
                val: row.try_get(2)?,
                stored: row.try_get(3)?,
                counted: row.try_get(4)?,
            });
        }
        if repair && report.name_search_faults != 0 {
            rebuild_name_chars(&mut tx).await?;
            report.repaired = true;
        }
        if repair && !report.counters_clean() {
            rebuild(&mut tx).await?;
            report.repaired = true;
        }
        if repair {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(report)
    }

    /// Folds log rows that statements outside a transaction left (a test's or an operator's
    /// direct SQL; the store writes counted rows only in a `Tx`, whose commit folds them).
    pub async fn fold_pending_counters(&self) -> Result<(), StoreError> {
        let tx = self.begin().await?;
        tx.commit().await
    }

    /// Rebuilds every counter from the rows, whatever they hold (after a bulk load that
    /// bypassed the triggers, such as the demo's).
    pub async fn rebuild_counters(&self) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        rebuild(&mut tx).await?;
        tx.commit().await
    }
}
