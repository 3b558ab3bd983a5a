//! Read replicas (issue 14, `store/src/replica/`): a server with `--read-database-url` serves
//! member lists and exports from the streaming replica that `scripts/test.sh` starts
//! (`TUANJIAN_TEST_PG_REPLICA`, 127.0.0.1:5433), except a person's reads after their own write
//! until the replica has replayed it; a lagging, failing or unreachable replica costs no
//! request. Where each read ran is counted by the store (`Store::replica_stats`), and the data
//! says it too: with the replica's replay paused, a row written since is visible only on the
//! primary. PostgreSQL only (SQLite refuses the flag: `cli::serve_refuses_a_read_replica_on_sqlite`).

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sqlx::Connection;
use tuanjian_store::Store;
use tuanjian_store::replica::ReadSource;

use crate::support::members::{World, member_json};
use crate::support::{ApiClient, Db, SecondServer, TestApp};

/// Tests that pause the replica's replay take turns: the pause holds for every database on it.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The replica's server (its `postgres` database), or `None` with a note when the test script
/// did not start one.
fn replica_server() -> Option<String> {
    let url = std::env::var("TUANJIAN_TEST_PG_REPLICA").ok();
    if url.is_none() {
        eprintln!(
            "note: TUANJIAN_TEST_PG_REPLICA is not set (scripts/test.sh starts a replica on 127.0.0.1:5433); replica test skipped"
        );
    }
    url
}

/// `server`'s URL naming database `db`.
fn on_database(server: &str, db: &str) -> String {
    let cut = server.rfind('/').expect("a database in the URL");
    format!("{}/{db}", &server[..cut])
}

async fn scalar(url: &str, sql: &'static str) -> Result<Option<i64>, sqlx::Error> {
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    let v = sqlx::query_scalar(sql).fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(v)
}

/// Waits until the replica has replayed everything the primary has flushed so far (the test's
/// new database included: it appears on the replica only then). The whole suite writes beside
/// it, so on a loaded machine replay may take a while.
async fn wait_replayed(primary: &str, replica: &str) {
    let target = scalar(
        primary,
        "SELECT (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint",
    )
    .await
    .unwrap()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let replayed = scalar(
            replica,
            "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint",
        )
        .await;
        if let Ok(Some(at)) = replayed
            && at >= target
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the replica did not catch up: {replayed:?} < {target}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Replay paused on the replica until dropped (also when the test fails half-way).
struct Paused(String);

impl Paused {
    async fn new(replica: &str) -> Self {
        let mut conn = sqlx::AnyConnection::connect(replica).await.unwrap();
        sqlx::query("SELECT pg_wal_replay_pause()")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        Paused(replica.to_string())
    }
}

impl Drop for Paused {
    fn drop(&mut self) {
        let url = self.0.clone();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
                    sqlx::query("SELECT pg_wal_replay_resume()")
                        .execute(&mut conn)
                        .await
                        .unwrap();
                })
        })
        .join()
        .unwrap();
    }
}

/// Another server on the app's database reading lists from `replica` (allowed to lag
/// `max_lag`), and its store, whose counts say where reads ran.
async fn replica_app(app: &TestApp, replica: &str, max_lag: Duration) -> (SecondServer, Store) {
    let store = Store::connect(&app.db.url)
        .await
        .unwrap()
        .with_hot_cache()
        .await
        .unwrap()
        .with_replica(replica, max_lag)
        .await
        .unwrap();
    (SecondServer::on_store(store.clone()).await, store)
}

/// The same signed-in person, asking `server` instead.
fn on(server: &SecondServer, signed: &ApiClient) -> ApiClient {
    let mut api = server.api();
    api.token = signed.token.clone();
    api
}

async fn total(api: &ApiClient, path: &str) -> i64 {
    let (status, body) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["total"].as_i64().unwrap()
}

fn count(store: &Store, source: ReadSource) -> u64 {
    store.replica_stats().unwrap().get(source)
}

/// Lists and exports come from the replica; after the school admin's write, their own list and
/// export come from the primary (showing it) while replay is paused, and the county admin's
/// list still from the replica (not showing it); once replayed, both read the replica again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_follow_the_readers_own_writes() {
    let Some(server) = replica_server() else {
        return;
    };
    let _turn = TURN.lock().await;
    let app = TestApp::spawn(Db::Postgres).await;
    let t = World::new(&app).await;
    let replica = on_database(&server, app.db.name());
    let (second, store) = replica_app(&app, &replica, Duration::from_secs(600)).await;
    let (writer, other) = (on(&second, &t.school), on(&second, &t.county));
    let members = format!("/api/v1/orgs/{}/members", t.w.branch.id);
    wait_replayed(&app.db.url, &replica).await;

    assert_eq!(total(&writer, &members).await, 0);
    assert_eq!(total(&other, &members).await, 0);
    assert_eq!(count(&store, ReadSource::Replica), 2);

    let paused = Paused::new(&replica).await;
    let (status, body) = writer.post(&members, member_json(1, "张一")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The writer sees the write at once, from the primary, on any server of the database.
    assert_eq!(total(&writer, &members).await, 1);
    assert_eq!(count(&store, ReadSource::OwnWrite), 1);
    let (status, _) = writer
        .get(&format!("/api/v1/orgs/{}/members/export", t.w.branch.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&store, ReadSource::OwnWrite), 2);
    // Somebody else reads the replica, which has not replayed it.
    assert_eq!(total(&other, &members).await, 0);
    assert_eq!(count(&store, ReadSource::Replica), 3);
    let cadres = format!("/api/v1/orgs/{}/cadres", t.w.branch.id);
    total(&other, &cadres).await;
    assert_eq!(count(&store, ReadSource::Replica), 4);

    drop(paused);
    wait_replayed(&app.db.url, &replica).await;
    assert_eq!(total(&writer, &members).await, 1);
    assert_eq!(total(&other, &members).await, 1);
    assert_eq!(count(&store, ReadSource::Replica), 6);
    assert_eq!(count(&store, ReadSource::Lagging), 0);
    assert_eq!(count(&store, ReadSource::Unavailable), 0);
}

/// A replica further behind than allowed is not read: the list comes from the primary, fresh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_replica_is_not_read() {
    let Some(server) = replica_server() else {
        return;
    };
    let _turn = TURN.lock().await;
    let app = TestApp::spawn(Db::Postgres).await;
    let t = World::new(&app).await;
    let replica = on_database(&server, app.db.name());
    let (second, store) = replica_app(&app, &replica, Duration::from_millis(500)).await;
    let reader = on(&second, &t.county);
    let members = format!("/api/v1/orgs/{}/members", t.w.branch.id);
    wait_replayed(&app.db.url, &replica).await;

    let paused = Paused::new(&replica).await;
    // Written by another server (the test app), so no mark of the reader's: only the lag
    // keeps the reader off the replica.
    let (status, body) = t.school.post(&members, member_json(1, "张一")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(total(&reader, &members).await, 1);
    assert_eq!(count(&store, ReadSource::Lagging), 1);
    assert_eq!(count(&store, ReadSource::Replica), 0);
    drop(paused);
}

/// A replica that cannot be reached (here: nothing listens on its port) costs no request: the
/// reads run on the primary, and the replica is left alone for a while.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_replica_reads_the_primary() {
    let app = TestApp::spawn(Db::Postgres).await;
    let t = World::new(&app).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let replica = format!("postgres://postgres@127.0.0.1:{closed}/{}", app.db.name());
    let (second, store) = replica_app(&app, &replica, Duration::from_secs(10)).await;
    let writer = on(&second, &t.school);
    let members = format!("/api/v1/orgs/{}/members", t.w.branch.id);
    assert_eq!(total(&writer, &members).await, 0);
    let (status, body) = writer.post(&members, member_json(1, "张一")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(total(&writer, &members).await, 1);
    let (status, _) = writer
        .get(&format!("/api/v1/orgs/{}/members/export", t.w.branch.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(count(&store, ReadSource::Unavailable), 3);
    assert_eq!(count(&store, ReadSource::Replica), 0);
}

/// A read that fails on the replica runs again on the primary: here the replica answers its
/// status but is the wrong database (no tables), so the list itself fails there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_failing_on_the_replica_runs_on_the_primary() {
    let Some(server) = replica_server() else {
        return;
    };
    let _turn = TURN.lock().await;
    let app = TestApp::spawn(Db::Postgres).await;
    let t = World::new(&app).await;
    let (second, store) = replica_app(&app, &server, Duration::from_secs(600)).await;
    let reader = on(&second, &t.county);
    let members = format!("/api/v1/orgs/{}/members", t.w.branch.id);
    let (status, body) = t.school.post(&members, member_json(1, "张一")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(total(&reader, &members).await, 1);
    assert_eq!(count(&store, ReadSource::Unavailable), 1);
    assert_eq!(count(&store, ReadSource::Replica), 0);
}
