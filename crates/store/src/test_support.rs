//! What the store's own tests share: fresh databases (`test_db`, as the test programs use),
//! waiting for what happens in the background, and reading the literals of a module's SQL.

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

pub(crate) use crate::test_db::{Db, TestDb};

/// The store on a fresh SQLite file, deleted when the `TestDb` goes.
pub(crate) async fn sqlite_store() -> (Store, TestDb) {
    let db = TestDb::new(Db::Sqlite).await;
    let store = Store::open(&db.url).await.unwrap();
    (store, db)
}

/// A fresh PostgreSQL database, for tests that also reach it otherwise than through the store.
pub(crate) struct PgDb {
    db: TestDb,
    /// For a second store on the same database (a second server).
    pub(crate) url: String,
}

impl PgDb {
    pub(crate) async fn new() -> (Store, Self) {
        let db = TestDb::new(Db::Postgres).await;
        let store = Store::open(&db.url).await.unwrap();
        let url = db.url.clone();
        (store, Self { db, url })
    }

    /// Lets new connections in, or refuses them (existing ones stay).
    pub(crate) async fn allow_connections(&self, yes: bool) {
        let sql = format!("ALTER DATABASE {} ALLOW_CONNECTIONS {yes}", self.db.name());
        let pool = sqlx::AnyPool::connect(&crate::test_db::pg_admin_url())
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }

    /// Closes the store, then drops the database.
    pub(crate) async fn drop_db(self, store: Store) {
        store.close().await;
        drop(store);
        drop(self.db);
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
