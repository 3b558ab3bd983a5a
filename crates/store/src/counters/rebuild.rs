//! Rebuilding the counters from the rows (`verify-counters --repair`, the first start after
//! migration 0015, the demo's bulk load): the columns the counters depend on are set from
//! their rows, each organisation's own rows are counted, and the counts are added up the tree
//! one depth at a time, deepest first, so each level reads only the level below it.

use super::fold::clear;
use super::sql::{member_statuses, pg_month, sqlite_month, table_values};
use crate::{Backend, Store, StoreError, Tx, settings};

/// The copies and counts the counters are derived from, set from the rows where they differ.
const FIX_COLUMNS: [&str; 4] = [
    "UPDATE orgs SET admin_count = (SELECT COUNT(*) FROM org_admins a WHERE a.org_id = orgs.id) \
     WHERE admin_count <> (SELECT COUNT(*) FROM org_admins a WHERE a.org_id = orgs.id)",
    concat!(
        "UPDATE orgs SET member_count = (SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id \
         AND m.status IN ",
        member_statuses!(),
        ") WHERE member_count <> (SELECT COUNT(*) FROM members m WHERE m.org_id = orgs.id \
         AND m.status IN ",
        member_statuses!(),
        ")"
    ),
    "UPDATE cadre_posts SET org_path = (SELECT path FROM orgs WHERE orgs.id = cadre_posts.org_id) \
     WHERE org_path <> (SELECT path FROM orgs WHERE orgs.id = cadre_posts.org_id)",
    "UPDATE members SET org_path = (SELECT path FROM orgs WHERE orgs.id = members.org_id) \
     WHERE org_path <> (SELECT path FROM orgs WHERE orgs.id = members.org_id)",
];

const OWN_SQLITE: &str = concat!(
    "INSERT INTO org_counts (org_id, dim, val, n) SELECT o.id, t.dim, t.val, SUM(t.delta) FROM (",
    table_values!(sqlite_month),
    ") t JOIN orgs o ON o.path = t.path GROUP BY o.id, t.dim, t.val HAVING SUM(t.delta) <> 0"
);

const OWN_PG: &str = concat!(
    "INSERT INTO org_counts (org_id, dim, val, n) SELECT o.id, t.dim, t.val, SUM(t.delta) FROM (",
    table_values!(pg_month),
    ") t JOIN orgs o ON o.path = t.path GROUP BY o.id, t.dim, t.val HAVING SUM(t.delta) <> 0"
);

/// Adds the counts of the organisations at one depth to their parents.
const ROLL_UP: &str = "INSERT INTO org_counts (org_id, dim, val, n) \
    SELECT o.parent_id, c.dim, c.val, SUM(c.n) FROM org_counts c JOIN orgs o ON o.id = c.org_id \
    WHERE o.depth = $1 AND o.parent_id IS NOT NULL GROUP BY o.parent_id, c.dim, c.val \
    ON CONFLICT (org_id, dim, val) DO UPDATE SET n = org_counts.n + excluded.n";

/// Replaces every counter with the count of the rows, in the caller's transaction.
pub(crate) async fn rebuild(tx: &mut Tx) -> Result<(), StoreError> {
    for sql in FIX_COLUMNS {
        sqlx::query(sql).execute(&mut **tx).await?;
    }
    clear(tx).await?;
    sqlx::query("DELETE FROM org_counts")
        .execute(&mut **tx)
        .await?;
    let own = match tx.backend() {
        Backend::Sqlite => OWN_SQLITE,
        Backend::Postgres => OWN_PG,
    };
    sqlx::query(own).execute(&mut **tx).await?;
    let (low, high): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(depth), MAX(depth) FROM orgs")
            .fetch_one(&mut **tx)
            .await?;
    if let (Some(low), Some(high)) = (low, high) {
        for depth in (low + 1..=high).rev() {
            sqlx::query(ROLL_UP).bind(depth).execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// The `settings` key recording that the counters were built from the rows once (migration
/// 0015 creates them empty, over whatever rows the database already holds).
const BUILT_KEY: &str = "org_counts_built_0015";

/// Builds the counters from the rows unless that was done; afterwards the fold keeps them.
pub(crate) async fn build_once(store: &Store) -> Result<(), StoreError> {
    if settings::get(store, BUILT_KEY).await?.is_some() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    rebuild(&mut tx).await?;
    settings::put(&mut tx, BUILT_KEY, "1").await?;
    tx.commit().await
}
