//! The counters of one subtree counted from the rows, with the SQL the fold uses: what the
//! counters must equal. It reads the whole subtree, so it is for tests and checks, never pages.

use tuanjian_domain::OrgPath;

use super::SubtreeCounts;
use super::sql::{pg_month, sqlite_month, table_values};
use crate::{Backend, Store, StoreError};

const SUBTREE_SQLITE: &str = concat!(
    "SELECT dim, val, CAST(SUM(delta) AS BIGINT) FROM (",
    table_values!(sqlite_month),
    ") t WHERE t.path >= $1 AND t.path < $2 GROUP BY dim, val"
);

const SUBTREE_PG: &str = concat!(
    "SELECT dim, val, CAST(SUM(delta) AS BIGINT) FROM (",
    table_values!(pg_month),
    ") t WHERE t.path >= $1 AND t.path < $2 GROUP BY dim, val"
);

pub(super) async fn subtree(store: &Store, org_id: i64) -> Result<SubtreeCounts, StoreError> {
    let path: String = sqlx::query_scalar("SELECT path FROM orgs WHERE id = $1")
        .bind(org_id)
        .fetch_one(store.pool())
        .await?;
    let path =
        OrgPath::parse(&path).map_err(|_| StoreError::Broken("organisation path malformed"))?;
    let (from, to) = path.subtree_range();
    let sql = match store.backend() {
        Backend::Sqlite => SUBTREE_SQLITE,
        Backend::Postgres => SUBTREE_PG,
    };
    let rows = sqlx::query(sql)
        .bind(from)
        .bind(to)
        .fetch_all(store.pool())
        .await?;
    SubtreeCounts::from_rows(&rows)
}
