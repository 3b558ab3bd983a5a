//! Rebuilding the counters from the rows (`verify-counters --repair`, the first start after
//! migration 0015, the demo's bulk load): the columns the counters depend on are set from
//! their rows, each organisation's own rows are counted, and the counts are added up the tree
//! one depth at a time, deepest first, so each level reads only the level below it.

use super::fold::clear;
use super::sql::{
    cadre_rows, cadre_values, member_rows, member_statuses, member_values, org_rows, org_values,
    pg_month, sqlite_month, transfer_rows, transfer_values,
};
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

/// The members' counted columns once, under their organisation's id: the counts below read this
/// narrow copy one dimension at a time instead of joining people and orgs for each.
const COUNTED_MEMBERS: &str = concat!(
    "CREATE TEMPORARY TABLE rebuild_members AS SELECT * FROM ",
    member_rows!("m.org_id"),
    " r"
);

/// The same, for the organisations a check's fingerprints found different (`verify_suspects`).
const COUNTED_SUSPECT_MEMBERS: &str = concat!(
    "CREATE TEMPORARY TABLE rebuild_members AS SELECT * FROM ",
    member_rows!("m.org_id"),
    " r WHERE r.path IN (SELECT org_id FROM verify_suspects)"
);

/// One member dimension ($1, the number of `member_values`) counted per organisation. Counting
/// all thirteen in one statement made one aggregate of every (organisation, dimension, value):
/// at 10 million members it outgrew memory and spilled to disk for most of half an hour.
macro_rules! own_members {
    ($into:literal, $month:ident) => {
        concat!(
            "INSERT INTO ",
            $into,
            " (org_id, dim, val, n) SELECT t.path, t.dim, t.val, SUM(t.delta) FROM (",
            member_values!(
                "rebuild_members",
                $month!("s.status_since"),
                "(SELECT CAST($1 AS INTEGER) AS k)"
            ),
            ") t GROUP BY t.path, t.dim, t.val HAVING SUM(t.delta) <> 0"
        )
    };
}

/// Organisations and posts under their organisation's id; transfers by the paths they hold.
macro_rules! own_rest {
    ($into:literal, $month:ident) => {
        concat!(
            "INSERT INTO ",
            $into,
            " (org_id, dim, val, n) SELECT t.path, t.dim, t.val, SUM(t.delta) FROM (",
            org_values!(org_rows!("o.id")),
            " UNION ALL ",
            cadre_values!(cadre_rows!("o.id")),
            " UNION ALL SELECT o.id AS path, x.dim, x.val, x.delta FROM (",
            transfer_values!(transfer_rows!(), $month!("s.updated_at")),
            ") x JOIN orgs o ON o.path = x.path",
            ") t GROUP BY t.path, t.dim, t.val HAVING SUM(t.delta) <> 0"
        )
    };
}

/// Where own counts go: the counters (a rebuild) or a check's scratch table (`verify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnInto {
    Counters,
    Scratch,
}

fn own_statements(backend: Backend, into: OwnInto) -> (&'static str, &'static str) {
    match (backend, into) {
        (Backend::Sqlite, OwnInto::Counters) => (
            own_members!("org_counts", sqlite_month),
            own_rest!("org_counts", sqlite_month),
        ),
        (Backend::Postgres, OwnInto::Counters) => (
            own_members!("org_counts", pg_month),
            own_rest!("org_counts", pg_month),
        ),
        (Backend::Sqlite, OwnInto::Scratch) => (
            own_members!("verify_own", sqlite_month),
            own_rest!("verify_own", sqlite_month),
        ),
        (Backend::Postgres, OwnInto::Scratch) => (
            own_members!("verify_own", pg_month),
            own_rest!("verify_own", pg_month),
        ),
    }
}

/// How many dimensions `member_values` yields.
const MEMBER_DIMENSIONS: i64 = 13;

/// Adds the counts of the organisations at one depth to their parents.
const ROLL_UP: &str = "INSERT INTO org_counts (org_id, dim, val, n) \
    SELECT o.parent_id, c.dim, c.val, SUM(c.n) FROM org_counts c JOIN orgs o ON o.id = c.org_id \
    WHERE o.depth = $1 AND o.parent_id IS NOT NULL GROUP BY o.parent_id, c.dim, c.val \
    ON CONFLICT (org_id, dim, val) DO UPDATE SET n = org_counts.n + excluded.n";

/// Runs one statement of the rebuild, logging its time (a rebuild of millions of rows runs for
/// minutes; the log says where).
pub(crate) async fn timed(
    tx: &mut Tx,
    what: &str,
    sql: &'static str,
    arg: Option<i64>,
) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    let query = sqlx::query(sql);
    let query = match arg {
        Some(a) => query.bind(a),
        None => query,
    };
    let done = query.execute(&mut **tx).await?;
    tracing::info!(
        rows = done.rows_affected(),
        arg,
        seconds = started.elapsed().as_secs_f64(),
        "counters: {what}"
    );
    Ok(())
}

/// Whose member rows are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MembersOf {
    Every,
    /// The organisations in the check's `verify_suspects`.
    Suspects,
}

/// Sets the memory of each dimension's aggregate (up to an entry per organisation and value)
/// for the rest of the transaction.
pub(crate) async fn count_in_memory(tx: &mut Tx) -> Result<(), StoreError> {
    if tx.backend() == Backend::Postgres {
        sqlx::query("SET LOCAL work_mem = '256MB'")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Organisations' own member rows counted (not their subtrees') into the counters or the scratch
/// table `verify_own`, one dimension at a time.
pub(crate) async fn count_own_members(
    tx: &mut Tx,
    into: OwnInto,
    of: MembersOf,
) -> Result<(), StoreError> {
    let (own_members, _) = own_statements(tx.backend(), into);
    let copy = match of {
        MembersOf::Every => COUNTED_MEMBERS,
        MembersOf::Suspects => COUNTED_SUSPECT_MEMBERS,
    };
    timed(tx, "members copied", copy, None).await?;
    for k in 1..=MEMBER_DIMENSIONS {
        timed(tx, "member dimension counted", own_members, Some(k)).await?;
    }
    sqlx::query("DROP TABLE rebuild_members")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Every organisation's own organisation, post and transfer rows counted.
pub(crate) async fn count_own_rest(tx: &mut Tx, into: OwnInto) -> Result<(), StoreError> {
    let (_, own_rest) = own_statements(tx.backend(), into);
    timed(
        tx,
        "organisations, posts and transfers counted",
        own_rest,
        None,
    )
    .await
}

/// Replaces every counter with the count of the rows, in the caller's transaction.
pub(crate) async fn rebuild(tx: &mut Tx) -> Result<(), StoreError> {
    for sql in FIX_COLUMNS {
        sqlx::query(sql).execute(&mut **tx).await?;
    }
    clear(tx).await?;
    sqlx::query("DELETE FROM org_counts")
        .execute(&mut **tx)
        .await?;
    count_in_memory(tx).await?;
    count_own_members(tx, OwnInto::Counters, MembersOf::Every).await?;
    count_own_rest(tx, OwnInto::Counters).await?;
    let (low, high): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(depth), MAX(depth) FROM orgs")
            .fetch_one(&mut **tx)
            .await?;
    if let (Some(low), Some(high)) = (low, high) {
        for depth in (low + 1..=high).rev() {
            timed(tx, "counts added up one level", ROLL_UP, Some(depth)).await?;
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
