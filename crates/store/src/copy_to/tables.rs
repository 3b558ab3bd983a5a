//! Which tables `copy-to` copies, in which order, and which it leaves behind (and why).

/// A table copied row by row.
#[derive(Debug, Clone, Copy)]
pub struct CopyTable {
    pub name: &'static str,
    /// The order rows are read and written in. Only `orgs` needs a particular one: its
    /// `parent_id` points into itself and an organisation moved under a younger one has the
    /// larger id, so parents (smaller depth) go first; the others only need a stable order.
    pub order_by: &'static str,
    /// Columns the target computes itself, left out of the insert and the checksum:
    /// `orgs.child_count` and `complete_children` are kept by the triggers of migration 0006,
    /// which count each child as it is inserted (copied values would be counted twice), and
    /// `admin_count`, `member_count` by those of migration 0015 likewise.
    pub rebuilt: &'static [&'static str],
}

const fn table(name: &'static str, order_by: &'static str) -> CopyTable {
    CopyTable {
        name,
        order_by,
        rebuilt: &[],
    }
}

/// Every table copied, each after the tables its foreign keys point to (a test compares this
/// order with the foreign keys of both migrated schemas, and the list with their tables).
pub const COPIED: &[CopyTable] = &[
    table("people", "id"),
    CopyTable {
        name: "orgs",
        order_by: "depth, id",
        rebuilt: &[
            "child_count",
            "complete_children",
            "admin_count",
            "member_count",
        ],
    },
    table("members", "person_id"),
    table("cadre_posts", "id"),
    table("org_admins", "org_id, person_id"),
    // Kept: a lockout in force stays in force after the move (its rows expire on their own).
    table("login_throttle", "key"),
    table("audit_log", "id"),
    // Also the record that the one-time data steps of `migrate` have run (`name_check`).
    table("settings", "key"),
    table("reg_codes", "id"),
    table("org_changes", "id"),
    table("org_moves", "id"),
    table("dev_ranges", "id"),
    table("applications", "id"),
    // Kept: a code handed to a person stays usable until it expires.
    table("reset_codes", "id"),
    table("corrections", "id"),
    // Kept with their files: the history of imports and their error reports.
    table("import_jobs", "id"),
    table("transfers", "id"),
    table("transfer_steps", "id"),
    table("membership_changes", "id"),
    table("graduation_marks", "org_id"),
    table("late_graduates", "person_id"),
    table("remembered_roles", "person_id"),
    table("age_cases", "id"),
    table("review_rounds", "id"),
    table("review_grades", "round_id, person_id"),
    table("registrations", "person_id, year"),
    // Stored files (issue 15) with their chunks, and the archives that hold them.
    table("stored_files", "id"),
    table("file_chunks", "file_id, seq"),
    table("member_archives", "person_id"),
    table("party_recommendations", "person_id"),
    // 团费 (issue 16): the sums and standings as the source kept them with its payments.
    table("dues_bands", "province_id"),
    table("dues_incomes", "person_id"),
    table("dues_payments", "person_id, month"),
    table("dues_corrections", "id"),
    table("dues_totals", "org_id, month"),
    table("dues_standing", "person_id"),
    // 对标定级 (issue 16): the years' standards, then the ratings and their scores.
    table("star_rating_years", "year"),
    table("star_rating_items", "year, seq"),
    table("star_ratings", "id"),
    table("star_rating_scores", "rating_id, seq"),
    // The statistics counters as the source kept them; what the triggers logged while the
    // rows were inserted is dropped before the commit (it would count every row twice).
    table("org_counts", "org_id, dim, val"),
    // Empty: only a PostgreSQL server with a read replica writes it (store::replica).
    table("read_marks", "person_id"),
];

/// Tables left empty in the target, with the reason printed to the operator.
pub const SKIPPED: &[(&str, &str)] = &[
    (
        "sessions",
        "登录会话属于原服务器：搬迁后每人重新登录一次即可，不把仍有效的登录凭据带到新数据库",
    ),
    (
        "member_count_log",
        "统计变动日志只在事务内使用，事务结束时为空",
    ),
    (
        "org_count_log",
        "统计变动日志只在事务内使用，事务结束时为空",
    ),
    (
        "cadre_count_log",
        "统计变动日志只在事务内使用，事务结束时为空",
    ),
    (
        "member_name_chars",
        "姓名检索表由目标数据库的触发器在复制成员时重新生成",
    ),
    (
        "name_chars_deferred",
        "批量导入事务内暂存的人员编号，事务结束时为空",
    ),
    (
        "name_chars_pending",
        "批量导入后待补写姓名检索条目的人员范围；目标数据库的触发器在复制成员时已写好全部条目",
    ),
    (
        "name_char_positions",
        "SQLite 专用的常量表（拆分姓名用），PostgreSQL 不需要",
    ),
    (
        "transfer_count_log",
        "统计变动日志只在事务内使用，事务结束时为空",
    ),
];

/// Skipped tables only the SQLite schema has (the source's helpers).
pub const SQLITE_ONLY: &[&str] = &["name_char_positions"];

/// The migrations' own bookkeeping, written by `migrate`, never copied.
pub const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Whether `name` is one of the tables this module knows (copied or skipped).
pub fn known(name: &str) -> bool {
    COPIED.iter().any(|t| t.name == name) || SKIPPED.iter().any(|(t, _)| *t == name)
}

#[cfg(test)]
mod tests {
    use super::{COPIED, MIGRATIONS_TABLE, SKIPPED, SQLITE_ONLY};
    use crate::test_support::{PgDb, sqlite_store};
    use crate::{Backend, Store};

    /// The migrated schema's tables and its foreign keys (table, referenced table).
    async fn schema(store: &Store) -> (Vec<String>, Vec<(String, String)>) {
        let (tables, keys) = match store.backend() {
            Backend::Sqlite => (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                "SELECT m.name, f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
                 WHERE m.type = 'table'",
            ),
            Backend::Postgres => (
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text \
                 FROM pg_constraint c WHERE c.contype = 'f'",
            ),
        };
        let mut tables: Vec<String> = sqlx::query_scalar(tables)
            .fetch_all(store.pool())
            .await
            .unwrap();
        tables.retain(|t| t != MIGRATIONS_TABLE);
        tables.sort();
        let keys = sqlx::query_as(keys).fetch_all(store.pool()).await.unwrap();
        (tables, keys)
    }

    fn check(tables: Vec<String>, keys: Vec<(String, String)>, backend: Backend) {
        let mut listed: Vec<String> = COPIED
            .iter()
            .map(|t| t.name.to_string())
            .chain(SKIPPED.iter().map(|(t, _)| t.to_string()))
            .filter(|t| backend == Backend::Sqlite || !SQLITE_ONLY.contains(&t.as_str()))
            .collect();
        listed.sort();
        assert_eq!(
            listed, tables,
            "a table of the schema is neither copied nor skipped by copy-to (or a listed one is \
             gone): list it in copy_to::tables::COPIED, after the tables it refers to, or in SKIPPED"
        );
        let place = |t: &str| COPIED.iter().position(|c| c.name == t);
        for (from, to) in keys {
            if from == to || SKIPPED.iter().any(|(s, _)| *s == from) {
                continue;
            }
            let (f, t) = (place(&from).unwrap(), place(&to));
            assert!(
                t.is_some_and(|t| t < f),
                "{from} refers to {to}, which copy-to must copy first"
            );
        }
    }

    #[tokio::test]
    async fn copied_tables_cover_the_schema_in_foreign_key_order_sqlite() {
        let (store, _file) = sqlite_store().await;
        let (tables, keys) = schema(&store).await;
        check(tables, keys, Backend::Sqlite);
    }

    #[tokio::test]
    async fn copied_tables_cover_the_schema_in_foreign_key_order_postgres() {
        let (store, db) = PgDb::new().await;
        let (tables, keys) = schema(&store).await;
        check(tables, keys, Backend::Postgres);
        db.drop_db(store).await;
    }
}
