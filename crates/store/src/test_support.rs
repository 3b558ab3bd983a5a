//! Fresh databases for the store's own tests: a SQLite file, or a PostgreSQL database
//! (`TUANJIAN_TEST_PG`, as the web tests use) dropped afterwards.

use crate::Store;

/// Polls until `done` holds, for at most five seconds (what it waits for takes milliseconds).
pub(crate) async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..500 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("not within 5 s: {what}");
}

pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}_{}_{}", std::process::id(), rand::random::<u32>())
}

pub(crate) struct SqliteFile(pub(crate) std::path::PathBuf);

impl Drop for SqliteFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

pub(crate) async fn sqlite_store() -> (Store, SqliteFile) {
    let path = std::env::temp_dir().join(format!("{}.db", unique("tj_store")));
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    (store, SqliteFile(path))
}

pub(crate) struct PgDb {
    admin: String,
    name: String,
    /// For a second store on the same database (a second server).
    pub(crate) url: String,
}

impl PgDb {
    pub(crate) async fn new() -> (Store, Self) {
        sqlx::any::install_default_drivers();
        let admin = std::env::var("TUANJIAN_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = unique("tj_store");
        let pool = sqlx::AnyPool::connect(&admin)
            .await
            .expect("PostgreSQL must be running for the PostgreSQL tests (see README)");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        let store = Store::open(&url).await.unwrap();
        (store, Self { admin, name, url })
    }

    /// Lets new connections in, or refuses them (existing ones stay).
    pub(crate) async fn allow_connections(&self, yes: bool) {
        self.on_admin(format!(
            "ALTER DATABASE {} ALLOW_CONNECTIONS {yes}",
            self.name
        ))
        .await;
    }

    pub(crate) async fn drop_db(self, store: Store) {
        store.close().await;
        drop(store);
        self.on_admin(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .await;
    }

    /// A statement on the admin database (the test database's own name in it is ours).
    async fn on_admin(&self, sql: String) {
        let pool = sqlx::AnyPool::connect(&self.admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

/// The values a source file's SQL compares `column` with or sets it to as literals
/// (`status = 'pending'`, `m.status IN ('pending_old', 'pending_new')`), so a test can check that
/// each is one the column's enum reads back.
pub(crate) fn sql_literals<'a>(source: &'a str, column: &str) -> Vec<&'a str> {
    let quoted = |s: &'a str| -> Vec<&'a str> {
        s.split(',')
            .filter_map(|v| v.trim().strip_prefix('\'')?.strip_suffix('\''))
            .collect()
    };
    let mut out = Vec::new();
    let single = format!("{column} = '");
    for (at, _) in source.match_indices(&single) {
        let rest = &source[at + single.len()..];
        out.push(&rest[..rest.find('\'').expect("closing quote")]);
    }
    let list = format!("{column} IN (");
    for (at, _) in source.match_indices(&list) {
        let rest = &source[at + list.len()..];
        out.extend(quoted(&rest[..rest.find(')').expect("closing bracket")]));
    }
    out
}

#[test]
fn sql_literals_are_found() {
    let sql = "UPDATE t SET status = 'a' WHERE x.status IN ('b', 'c') AND kind = 'k'";
    assert_eq!(sql_literals(sql, "status"), ["a", "b", "c"]);
}
