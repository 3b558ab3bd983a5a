//! Where the demo's rows go: on SQLite straight into the tables with multi-row INSERTs (the
//! row triggers keep the counters, folded at commit as for any change); on PostgreSQL through
//! COPY into staging tables (`copy.rs`), then, inside the demo's transaction, into the tables
//! with one set-based statement each, row triggers off and secondary indexes rebuilt after,
//! the columns the triggers would have kept computed from the rows, and the counters rebuilt
//! from the rows (`counters::rebuild_in`), so a finished demo passes `verify-counters`.

use std::time::Instant;

use sqlx::{AssertSqlSafe, Row};

use super::copy::{STAGED, Stage, staged_name};
use super::insert::{Inserter, Table};
use crate::{Backend, Store, StoreError, Tx, counters};

/// The demo's tables in the order their rows are moved out of staging: people and
/// organisations before the rows referring to them.
const LOADED: [&str; 6] = [
    "people",
    "orgs",
    "members",
    "cadre_posts",
    "org_admins",
    "member_name_chars",
];

/// Statements moving the staged rows. Organisations get their 书记 and the columns their row
/// triggers keep (child counts, admin and member counts) from the staged rows; posts get their
/// organisation's path (the `cadre_posts_path` trigger's work).
const MOVE_PEOPLE: &str = "INSERT INTO people (id, id_number, name, phone, password_hash, \
    created_at, name_sort) SELECT id, id_number, name, phone, password_hash, created_at, \
    name_sort FROM demo_load_people";

const MOVE_ORGS: &str = concat!(
    "INSERT INTO orgs (id, parent_id, path, depth, level, kind, short_name, full_name, ",
    "province_id, xinjiang, created_at, phone, email, industry, admin_staff_quota, ",
    "admin_staff_actual, career_staff_quota, career_staff_actual, school_code, info_complete, ",
    "name_key, sort_key, secretary_person_id, child_count, complete_children, admin_count, ",
    "member_count) ",
    "SELECT o.id, o.parent_id, o.path, o.depth, o.level, o.kind, o.short_name, o.full_name, ",
    "o.province_id, o.xinjiang, o.created_at, o.phone, o.email, o.industry, o.admin_staff_quota, ",
    "o.admin_staff_actual, o.career_staff_quota, o.career_staff_actual, o.school_code, ",
    "o.info_complete, o.name_key, o.sort_key, s.person_id, COALESCE(c.n, 0), ",
    "COALESCE(c.done, 0), COALESCE(a.n, 0), COALESCE(m.n, 0) ",
    "FROM demo_load_orgs o ",
    "LEFT JOIN demo_load_secretaries s ON s.org_id = o.id ",
    "LEFT JOIN (SELECT parent_id, COUNT(*) AS n, SUM(info_complete) AS done ",
    "FROM demo_load_orgs GROUP BY parent_id) c ON c.parent_id = o.id ",
    "LEFT JOIN (SELECT org_id, COUNT(*) AS n FROM demo_load_org_admins GROUP BY org_id) a ",
    "ON a.org_id = o.id ",
    "LEFT JOIN (SELECT org_id, COUNT(*) AS n FROM demo_load_members WHERE status IN ",
    crate::counters::sql::member_statuses!(),
    " GROUP BY org_id) m ON m.org_id = o.id"
);

const MOVE_MEMBERS: &str = "INSERT INTO members (person_id, org_id, org_path, join_month, \
    dev_number, status, created_at, person_name, person_id_number, person_sort) \
    SELECT person_id, org_id, org_path, join_month, dev_number, status, created_at, \
    person_name, person_id_number, person_sort FROM demo_load_members";

/// The name search's entries (the `members_name_chars_*` triggers' work, migration 0019).
const FILL_NAME_CHARS: &str = "INSERT INTO member_name_chars (ch, org_path, person_sort, \
    person_id, person_name, status) SELECT c, m.org_path, m.person_sort, m.person_id, \
    m.person_name, m.status FROM demo_load_members m \
    CROSS JOIN LATERAL tj_name_chars(m.person_name) AS c";

const MOVE_POSTS: &str = "INSERT INTO cadre_posts (id, person_id, org_id, post, created_at, \
    org_path) SELECT c.id, c.person_id, c.org_id, c.post, c.created_at, o.path \
    FROM demo_load_cadre_posts c JOIN orgs o ON o.id = c.org_id";

const MOVE_ADMINS: &str = "INSERT INTO org_admins (org_id, person_id, created_at) \
    SELECT org_id, person_id, created_at FROM demo_load_org_admins";

/// The bodies that were there before the demo (团中央, the provincial committees) got children
/// and a 书记 from staged rows: their trigger-kept columns are set from the rows.
const FIX_EXISTING: [&str; 2] = [
    "UPDATE orgs SET child_count = c.n, complete_children = c.done \
     FROM (SELECT parent_id, COUNT(*) AS n, SUM(info_complete) AS done FROM orgs \
     WHERE parent_id IS NOT NULL GROUP BY parent_id) c \
     WHERE orgs.id = c.parent_id AND (orgs.child_count <> c.n OR orgs.complete_children <> c.done)",
    "UPDATE orgs SET secretary_person_id = s.person_id FROM demo_load_secretaries s \
     WHERE orgs.id = s.org_id AND orgs.secretary_person_id IS DISTINCT FROM s.person_id",
];

/// Secondary indexes of a demo table, as PostgreSQL would recreate them. Indexes behind a
/// constraint (primary keys, UNIQUE columns) stay: they check the load.
const SECONDARY_INDEXES: &str = "SELECT i.indexrelid::regclass::text, \
    pg_get_indexdef(i.indexrelid) FROM pg_index i \
    WHERE i.indrelid = $1::regclass \
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) \
    ORDER BY 1";

/// Where the demo's rows go; see the module comment.
pub struct Loader {
    stage: Option<Stage>,
}

impl Loader {
    /// On PostgreSQL, connects the COPY stage and creates its staging tables.
    pub async fn open(store: &Store) -> Result<Loader, StoreError> {
        let stage = match store.backend() {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let options = store
                    .pg_connect_options()
                    .ok_or(StoreError::Broken("PostgreSQL 连接参数缺失"))?;
                Some(Stage::open(&options).await?)
            }
        };
        Ok(Loader { stage })
    }

    /// Whether rows reach the tables only at `finish` (PostgreSQL).
    pub fn is_staged(&self) -> bool {
        self.stage.is_some()
    }

    /// A row writer for one table.
    pub fn inserter(&self, tx: &Tx, table: Table, rows_per_statement: usize) -> Inserter {
        match &self.stage {
            Some(stage) => Inserter::copying(table, stage.rows(table)),
            None => Inserter::new(tx, table, rows_per_statement),
        }
    }

    /// Records each organisation's 书记 (`(org, person)` pairs).
    pub async fn set_secretaries(
        &self,
        tx: &mut Tx,
        pairs: &[(i64, i64)],
    ) -> Result<(), StoreError> {
        match &self.stage {
            Some(stage) => stage.secretaries(pairs).await,
            None => super::set_secretaries(tx, pairs).await,
        }
    }

    /// Puts the staged rows into the tables, inside `tx`, with the counters rebuilt. Every
    /// inserter must have been flushed and dropped. Nothing to do on SQLite.
    pub async fn finish(self, tx: &mut Tx) -> Result<(), StoreError> {
        let Some(stage) = self.stage else {
            return Ok(());
        };
        let started = Instant::now();
        stage.close().await?;
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            "demo: last staged rows loaded"
        );
        move_staged(tx).await
    }
}

async fn timed(tx: &mut Tx, what: &str, sql: &'static str) -> Result<(), StoreError> {
    let started = Instant::now();
    let done = sqlx::query(sql).execute(&mut **tx).await?;
    tracing::info!(
        rows = done.rows_affected(),
        seconds = started.elapsed().as_secs_f64(),
        "demo: {what}"
    );
    Ok(())
}

async fn move_staged(tx: &mut Tx) -> Result<(), StoreError> {
    // Index builds sort in memory; the demo is the only writer while it runs.
    sqlx::query("SET LOCAL maintenance_work_mem = '1GB'")
        .execute(&mut **tx)
        .await?;
    for table in LOADED {
        // Safe: constant table names only. Row triggers (counter logs, copied columns,
        // cache notices) would run once per row; their work is done set-based below.
        sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {table} DISABLE TRIGGER USER"
        )))
        .execute(&mut **tx)
        .await?;
    }
    let mut dropped: Vec<String> = Vec::new();
    for table in LOADED {
        let rows = sqlx::query(SECONDARY_INDEXES)
            .bind(table)
            .fetch_all(&mut **tx)
            .await?;
        for row in rows {
            let name: String = row.try_get(0)?;
            // Safe: the name is the index's own, quoted by PostgreSQL (`regclass::text`).
            sqlx::query(AssertSqlSafe(format!("DROP INDEX {name}")))
                .execute(&mut **tx)
                .await?;
            dropped.push(row.try_get(1)?);
        }
    }
    timed(tx, "people moved", MOVE_PEOPLE).await?;
    timed(tx, "organisations moved", MOVE_ORGS).await?;
    timed(tx, "members moved", MOVE_MEMBERS).await?;
    timed(tx, "name search entries written", FILL_NAME_CHARS).await?;
    timed(tx, "cadre posts moved", MOVE_POSTS).await?;
    timed(tx, "admins moved", MOVE_ADMINS).await?;
    for sql in FIX_EXISTING {
        timed(tx, "columns of existing bodies set", sql).await?;
    }
    let started = Instant::now();
    for definition in &dropped {
        // Safe: PostgreSQL's own definition of the index dropped above (pg_get_indexdef).
        sqlx::query(AssertSqlSafe(definition.clone()))
            .execute(&mut **tx)
            .await?;
    }
    tracing::info!(
        indexes = dropped.len(),
        seconds = started.elapsed().as_secs_f64(),
        "demo: secondary indexes rebuilt"
    );
    for table in LOADED {
        // Safe: constant table names only.
        sqlx::query(AssertSqlSafe(format!(
            "ALTER TABLE {table} ENABLE TRIGGER USER"
        )))
        .execute(&mut **tx)
        .await?;
        // The plans of the rebuild below need the new sizes.
        sqlx::query(AssertSqlSafe(format!("ANALYZE {table}")))
            .execute(&mut **tx)
            .await?;
        // What the disabled statement triggers would have told the other servers' caches.
        sqlx::query("SELECT pg_notify('tuanjian_cache', $1)")
            .bind(table)
            .execute(&mut **tx)
            .await?;
    }
    let started = Instant::now();
    counters::rebuild_in(tx).await?;
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "demo: counters rebuilt"
    );
    for table in STAGED {
        // Safe: constant table names only.
        sqlx::query(AssertSqlSafe(format!("DROP TABLE {}", staged_name(table))))
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DROP TABLE demo_load_secretaries")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
