//! The request's slot for the person it acts for, and the mark a commit leaves (PostgreSQL:
//! the replica itself is tested through the HTTP app, `web/tests/web/ops/replica.rs`).

use std::time::Duration;

use super::{ReadSource, acting_for, acting_person, note_person, reads_follow_writes};
use crate::test_support::{PgDb, sqlite_store};

#[tokio::test]
async fn the_slot_holds_the_person_of_its_request_only() {
    note_person(1);
    assert_eq!(acting_person(), None, "outside a request nobody is noted");
    reads_follow_writes(async {
        assert_eq!(acting_person(), None);
        note_person(7);
        assert_eq!(acting_person(), Some(7));
    })
    .await;
    assert_eq!(acting_person(), None);
    assert_eq!(
        acting_for(Some(9), async { acting_person() }).await,
        Some(9)
    );
}

/// A closed port: a replica that is down.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_commit_marks_the_acting_persons_write_past_its_commit() {
    let (store, db) = PgDb::new().await;
    let replica = format!("postgres://postgres@127.0.0.1:{}/x", closed_port());
    let store = store
        .with_replica(&replica, Duration::from_secs(10))
        .await
        .unwrap();
    let person: i64 = sqlx::query_scalar(
        "INSERT INTO people (id_number, name, created_at, name_sort) \
         VALUES ('11010519491231002X', '甲', 0, 'jia') RETURNING id",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let marked = async || -> Option<i64> {
        sqlx::query_scalar("SELECT lsn FROM read_marks WHERE person_id = $1")
            .bind(person)
            .fetch_optional(store.pool())
            .await
            .unwrap()
    };
    // Outside a request: a commit marks nobody.
    store.begin().await.unwrap().commit().await.unwrap();
    assert_eq!(marked().await, None);
    reads_follow_writes(async {
        note_person(person);
        let mut tx = store.begin().await.unwrap();
        sqlx::query("UPDATE people SET name = '乙' WHERE id = $1")
            .bind(person)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    })
    .await;
    let first = marked().await.expect("the write is marked");
    let now: i64 =
        sqlx::query_scalar("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(first > 0 && first <= now, "{first} within 0..{now}");
    // The replica is down: its reads run on the primary, counted so.
    let reads = reads_follow_writes(async { store.replica_read().await.unwrap() }).await;
    let standby: i64 =
        sqlx::query_scalar("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END::bigint")
            .fetch_one(reads.pool())
            .await
            .unwrap();
    assert_eq!(standby, 0, "read on the primary");
    assert_eq!(
        store.replica_stats().unwrap().get(ReadSource::Unavailable),
        1
    );
    db.drop_db(store).await;
}

#[tokio::test]
async fn sqlite_refuses_a_replica() {
    let (store, _db) = sqlite_store().await;
    let e = store
        .with_replica(
            "postgres://postgres@127.0.0.1:5433/x",
            Duration::from_secs(10),
        )
        .await
        .err()
        .expect("refused");
    assert!(e.to_string().contains("只适用于 PostgreSQL"), "{e}");
}
