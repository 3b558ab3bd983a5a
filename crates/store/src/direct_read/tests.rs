//! The direct reads against real databases: a SQLite file, an in-memory SQLite database (the
//! pool's fallback) and PostgreSQL (`TUANJIAN_TEST_PG`, as the web tests use).

use std::time::Duration;

use super::{Param, Reader};
use crate::test_support::{PgDb, eventually, sqlite_store};
use crate::{Store, StoreError};

/// Parameters bind by their number, wherever they first appear in the text.
async fn binds_by_number(store: &Store) {
    let rows = store
        .read_rows(
            "SELECT $2, $1, $2 || $3",
            &[Param::Int(7), Param::Text("乙"), Param::Text("丙")],
            &|c| Ok((c.text(0)?, c.int(1)?, c.text(2)?)),
        )
        .await
        .unwrap();
    assert_eq!(rows, vec![("乙".to_string(), 7, "乙丙".to_string())]);
}

/// A write committed through the pool is seen by the very next direct read.
async fn sees_each_commit(store: &Store) {
    for round in 0..3_i64 {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
            .bind(format!("direct_read_{round}"))
            .bind(round.to_string())
            .execute(store.pool())
            .await
            .unwrap();
        let seen = store
            .read_row(
                "SELECT COUNT(*) FROM settings WHERE key LIKE 'direct_read_%'",
                &[],
                &|c| c.int(0),
            )
            .await
            .unwrap();
        assert_eq!(seen, Some(round + 1));
    }
}

/// A failing statement reports an error, and the next read works.
async fn recovers_from_errors(store: &Store) {
    let err = store
        .read_rows("SELECT no_such_column FROM orgs", &[], &|c| c.int(0))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Db(_) | StoreError::Sqlite(_)));
    let one = store
        .read_row("SELECT 1", &[], &|c| c.int(0))
        .await
        .unwrap();
    assert_eq!(one, Some(1));
}

#[tokio::test]
async fn sqlite_file_reads_directly() {
    let (store, _file) = sqlite_store().await;
    assert!(matches!(store.reader.as_deref(), Some(Reader::Sqlite(_))));
    binds_by_number(&store).await;
    sees_each_commit(&store).await;
    recovers_from_errors(&store).await;
}

#[tokio::test]
async fn sqlite_reader_refuses_to_write() {
    let (store, _file) = sqlite_store().await;
    let err = store
        .read_rows("DELETE FROM settings RETURNING key", &[], &|c| c.text(0))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Sqlite(_)), "{err:?}");
}

#[tokio::test]
async fn in_memory_sqlite_reads_through_the_pool() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    assert!(store.reader.is_none());
    binds_by_number(&store).await;
}

#[tokio::test]
async fn postgres_reads_on_own_connections() {
    let (store, db) = PgDb::new().await;
    assert!(matches!(store.reader.as_deref(), Some(Reader::Postgres(_))));
    binds_by_number(&store).await;
    sees_each_commit(&store).await;
    recovers_from_errors(&store).await;
    db.drop_db(store).await;
}

/// A read abandoned mid-query must not hand its connection, still busy with the old query, to
/// the next read.
#[tokio::test]
async fn postgres_cancelled_read_closes_its_connection() {
    let (store, db) = PgDb::new().await;
    let Some(Reader::Postgres(reader)) = store.reader.as_deref() else {
        panic!("PostgreSQL reader expected");
    };
    let slow = store.read_rows("SELECT 1 FROM pg_sleep(2)", &[], &|c| c.int(0));
    assert!(
        tokio::time::timeout(Duration::from_millis(200), slow)
            .await
            .is_err()
    );
    assert_eq!(
        reader.idle_count(),
        0,
        "the interrupted connection was kept"
    );
    let rows = store
        .read_rows("SELECT $1", &[Param::Int(42)], &|c| c.int(0))
        .await
        .unwrap();
    assert_eq!(rows, vec![42]);
    assert_eq!(reader.idle_count(), 1);
    db.drop_db(store).await;
}

/// Closing the store ends the reader's idle connections too, not only the pool's.
#[tokio::test]
async fn postgres_close_ends_idle_connections() {
    let (store, db) = PgDb::new().await;
    let Some(Reader::Postgres(reader)) = store.reader.as_deref() else {
        panic!("PostgreSQL reader expected");
    };
    let pid: i64 = store
        .read_row("SELECT pg_backend_pid()", &[], &|c| c.int(0))
        .await
        .unwrap()
        .unwrap();
    let watcher = sqlx::AnyPool::connect(&db.url).await.unwrap();
    store.close().await;
    assert_eq!(reader.idle_count(), 0);
    eventually("the reader's connection ends with close()", async || {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1")
            .bind(pid)
            .fetch_one(&watcher)
            .await
            .unwrap()
            == 0
    })
    .await;
    watcher.close().await;
    db.drop_db(store).await;
}

/// A connection the server closed while it sat idle (a restart, an administrator) costs no
/// request: the read is repeated once on a new connection.
#[tokio::test]
async fn postgres_read_survives_a_closed_idle_connection() {
    let (store, db) = PgDb::new().await;
    let Some(Reader::Postgres(reader)) = store.reader.as_deref() else {
        panic!("PostgreSQL reader expected");
    };
    let first = store
        .read_row("SELECT pg_backend_pid()", &[], &|c| c.int(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reader.idle_count(), 1);
    let url = db.url.clone();
    let mut other = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend(CAST($1 AS INTEGER))")
        .bind(first)
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert!(ended);
    // Give the backend a moment to go.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second = store
        .read_row("SELECT pg_backend_pid()", &[], &|c| c.int(0))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first, second, "the closed connection was used again");
    assert_eq!(reader.idle_count(), 1);
    drop(other);
    db.drop_db(store).await;
}

/// PostgreSQL rows are read by the native driver: every integer width (and flags) reads as i64,
/// NULL as None, and anything else is an error, not a wrong number.
#[tokio::test]
async fn postgres_integers_of_every_width() {
    let (store, db) = PgDb::new().await;
    let row = store
        .read_row(
            "SELECT CAST(1 AS SMALLINT), CAST(2 AS INTEGER), CAST(3 AS BIGINT), TRUE, \
             CAST(NULL AS INTEGER), CAST('四' AS TEXT), CAST(NULL AS TEXT)",
            &[],
            &|c| {
                Ok((
                    [c.int(0)?, c.int(1)?, c.int(2)?, c.int(3)?],
                    c.opt_int(4)?,
                    c.text(5)?,
                    c.opt_text(6)?,
                ))
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row, ([1, 2, 3, 1], None, "四".to_string(), None));
    for (sql, what) in [
        (
            "SELECT CAST(NULL AS INTEGER)",
            "a NULL where a number must be",
        ),
        ("SELECT CAST('5' AS TEXT)", "text read as a number"),
        ("SELECT CAST(1.5 AS NUMERIC)", "a decimal read as a number"),
    ] {
        let got = store.read_row(sql, &[], &|c| c.int(0)).await;
        assert!(got.is_err(), "{what}: {got:?}");
    }
    db.drop_db(store).await;
}
