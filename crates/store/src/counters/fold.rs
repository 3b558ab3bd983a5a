//! Folding the triggers' logs into the counters, inside the transaction that wrote them. The
//! log's values are grouped by path first (an import of 100,000 members into 50 branches
//! becomes a few thousand rows), then added to every organisation on each path, in key
//! order so that two transactions lock the counters they share in the same order. Each branch's
//! own member count (`orgs.member_count`, its size class) moves here too, once per transaction:
//! updating it per member made a large import quadratic on PostgreSQL (migration 0018).

use sqlx::AnyConnection;

use super::sql::{log_values, member_statuses, pg_month, sqlite_month};
use crate::{Backend, StoreError};

/// Whether any log holds a row (most transactions change nothing counted).
const ANY_LOGGED: &str = "SELECT CASE WHEN EXISTS (SELECT 1 FROM member_count_log) \
    OR EXISTS (SELECT 1 FROM org_count_log) OR EXISTS (SELECT 1 FROM cadre_count_log) \
    OR EXISTS (SELECT 1 FROM transfer_count_log) THEN 1 ELSE 0 END";

/// The change of each branch's member count, before the fold: a branch changing size class logs
/// itself (the `orgs` trigger) for the fold that follows.
const MEMBER_COUNTS: &str = concat!(
    "UPDATE orgs SET member_count = member_count + d.n FROM (\
     SELECT org_id, CAST(SUM(delta) AS BIGINT) AS n FROM member_count_log WHERE status IN ",
    member_statuses!(),
    " GROUP BY org_id HAVING SUM(delta) <> 0) AS d WHERE orgs.id = d.org_id"
);

const FOLD_SQLITE: &str = concat!(
    "INSERT INTO org_counts (org_id, dim, val, n) \
     SELECT o.id, g.dim, g.val, SUM(g.n) FROM (\
       SELECT path, dim, val, SUM(delta) AS n FROM (",
    log_values!(sqlite_month),
    ") x GROUP BY path, dim, val HAVING SUM(delta) <> 0) g \
     JOIN json_each('[' || replace(trim(g.path, '/'), '/', ',') || ']') a \
     JOIN orgs o ON o.id = a.value \
     WHERE true GROUP BY o.id, g.dim, g.val HAVING SUM(g.n) <> 0 ORDER BY 1, 2, 3 \
     ON CONFLICT (org_id, dim, val) DO UPDATE SET n = org_counts.n + excluded.n"
);

const FOLD_PG: &str = concat!(
    "INSERT INTO org_counts (org_id, dim, val, n) \
     SELECT o.id, g.dim, g.val, SUM(g.n) FROM (\
       SELECT path, dim, val, SUM(delta) AS n FROM (",
    log_values!(pg_month),
    ") x GROUP BY path, dim, val HAVING SUM(delta) <> 0) g \
     CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from g.path), '/')) AS a(id) \
     JOIN orgs o ON o.id = CAST(a.id AS BIGINT) \
     GROUP BY o.id, g.dim, g.val HAVING SUM(g.n) <> 0 ORDER BY 1, 2, 3 \
     ON CONFLICT (org_id, dim, val) DO UPDATE SET n = org_counts.n + excluded.n"
);

const CLEAR: [&str; 4] = [
    "DELETE FROM member_count_log",
    "DELETE FROM org_count_log",
    "DELETE FROM cadre_count_log",
    "DELETE FROM transfer_count_log",
];

/// Adds what the logs hold to the counters and empties them. Called by `Tx::commit`; a
/// transaction sees only its own log rows (the others' are folded and deleted before they
/// commit), so concurrent writers never fold each other's changes.
pub(crate) async fn fold(conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    let logged: i64 = sqlx::query_scalar(ANY_LOGGED).fetch_one(&mut *conn).await?;
    if logged == 0 {
        return Ok(());
    }
    member_counts(conn).await?;
    let sql = match backend {
        Backend::Sqlite => FOLD_SQLITE,
        Backend::Postgres => FOLD_PG,
    };
    sqlx::query(sql).execute(&mut *conn).await?;
    clear(conn).await
}

/// Moves each branch's own member count by what the members' log holds (the first step of the
/// fold; alone where the counters are copied, not folded).
pub(crate) async fn member_counts(conn: &mut AnyConnection) -> Result<(), StoreError> {
    sqlx::query(MEMBER_COUNTS).execute(&mut *conn).await?;
    Ok(())
}

/// Empties the logs (after a fold, or when the counters are rebuilt from the rows).
pub(crate) async fn clear(conn: &mut AnyConnection) -> Result<(), StoreError> {
    for sql in CLEAR {
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}
