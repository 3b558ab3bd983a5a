//! `tuanjian copy-to`, through the binary: a SQLite database filled by the app (the 广州 tree,
//! admins, a member, a cadre, an application, a transfer, audit rows, sessions, an import job's
//! file) is copied into a fresh PostgreSQL database, every table's rows compared (all columns,
//! derived ones included), the app started on the copy and signed in to; a second copy into
//! the now filled database is refused and changes nothing; a source whose migrations are behind
//! the program's is refused before the target is touched; a verification that finds a difference
//! rolls everything back; a mistyped source file is refused, not created.

use std::collections::BTreeMap;
use std::process::Command;

use reqwest::StatusCode;
use sqlx::{AnyConnection, Column, Connection, Row};
use tuanjian_store::copy_to::tables::{COPIED, SKIPPED, SQLITE_ONLY};

use crate::self_service::{applicant, id_aged, join_application};
use crate::support::admin::PW;
use crate::support::members::World;
use crate::support::{Db, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp, TestDb, serve_existing};
use crate::transfers::{member, request, start_mine};

/// Runs the binary: (exit status, stdout, stderr).
fn copy_to(source: &str, target: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tuanjian"))
        .args(["copy-to", target, "--database-url", source])
        .env_remove("TUANJIAN_DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Val {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

type Rows = Vec<BTreeMap<String, Val>>;

/// Every row of `table`, each column by name, sorted (the two databases order text apart).
async fn rows(conn: &mut AnyConnection, table: &str) -> Rows {
    let sql = format!("SELECT * FROM {table}");
    let found = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let mut out: Rows = found
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    let name = row.columns()[i].name().to_string();
                    let v = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                        v.map(Val::Int)
                    } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                        v.map(Val::Text)
                    } else {
                        row.try_get::<Option<Vec<u8>>, _>(i).unwrap().map(Val::Blob)
                    };
                    (name, v.unwrap_or(Val::Null))
                })
                .collect()
        })
        .collect();
    out.sort();
    out
}

/// Every table's rows, copied and skipped.
async fn all_rows(url: &str) -> BTreeMap<&'static str, Rows> {
    let mut conn = AnyConnection::connect(url).await.unwrap();
    let mut out = BTreeMap::new();
    for name in COPIED
        .iter()
        .map(|t| t.name)
        .chain(SKIPPED.iter().map(|s| s.0))
    {
        if url.starts_with("postgres") && SQLITE_ONLY.contains(&name) {
            continue;
        }
        out.insert(name, rows(&mut conn, name).await);
    }
    conn.close().await.unwrap();
    out
}

/// What the app writes in a county's first weeks, plus an import job's file (a BLOB) and
/// an audit row with JSON, written directly.
async fn fill(app: &TestApp) -> i64 {
    let world = World::new(app).await;
    let (_, me) = member(app, &world.w.branch, 1, "李转接").await;
    let transfer = start_mine(&me, request(&world.w.sibling)).await;
    let cadre = app.add_person(&id_aged(30, 301), "王书记", Some(PW)).await;
    app.make_cadre(&world.w.school, &cadre, "书记").await;
    applicant(
        app,
        "/api/v1/join",
        join_application(&world.w.province, &id_aged(15, 302), "赵入团"),
    )
    .await;
    sqlx::query(
        "INSERT INTO import_jobs (org_id, template, mode, state, phase, file_name, file_bytes, \
         created_at, updated_at, heartbeat_at) \
         VALUES ($1, 'members', 'validate', 'failed', 'done', '名单.xlsx', $2, 1, 2, 3)",
    )
    .bind(world.w.branch.id)
    .bind(vec![0u8, 1, 0xff, b'\'', 0])
    .execute(app.store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO audit_log (at, action, org_id, before_json, after_json) \
         VALUES (1700000000, 'org.update', $1, NULL, $2)",
    )
    .bind(world.w.city.id)
    .bind(r#"{"简称":"团广州市委 😀","引号":"\"x\"\n"}"#)
    .execute(app.store.pool())
    .await
    .unwrap();
    transfer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filled_sqlite_database_moves_to_postgresql() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let transfer = fill(&app).await;
    let target = TestDb::new(Db::Postgres).await;

    let (code, out, err) = copy_to(&app.db.url, &target.url);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("复制完成，校验一致"), "{out}");
    assert!(
        out.contains("已复制 orgs") && out.contains("跳过 sessions"),
        "{out}"
    );
    assert!(out.contains("校验 transfers：1 行，一致"), "{out}");

    let before = all_rows(&app.db.url).await;
    let after = all_rows(&target.url).await;
    for seeded in [
        "people",
        "orgs",
        "members",
        "cadre_posts",
        "org_admins",
        "audit_log",
        "settings",
        "applications",
        "import_jobs",
        "transfers",
        "transfer_steps",
    ] {
        assert!(!before[seeded].is_empty(), "{seeded} was seeded");
    }
    for (table, source) in &before {
        if table.ends_with("_count_log") || *table == "name_chars_deferred" {
            // The counters' logs and the bulk writes' deferred name search entries are empty
            // outside a transaction, on both sides.
            assert!(
                source.is_empty() && after[table].is_empty(),
                "{table} empty"
            );
        } else if *table == "name_chars_pending" {
            // An import's entries left for after its commit: the target's triggers wrote them
            // all as the members arrived, so nothing is pending there.
            assert!(after[table].is_empty(), "{table} empty in the target");
        } else if *table == "member_name_chars" {
            // Not copied: the target's triggers write the same entries as members arrive.
            assert!(!source.is_empty(), "the source has name search entries");
            assert_eq!(&after[table], source, "the name search entries match");
        } else if SQLITE_ONLY.contains(table) {
            assert!(!source.is_empty(), "{table} is the SQLite helper");
        } else if SKIPPED.iter().any(|s| s.0 == *table) {
            assert!(
                !source.is_empty(),
                "the source has {table} rows to leave behind"
            );
            assert!(after[table].is_empty(), "{table} is not copied");
        } else {
            assert_eq!(
                &after[table], source,
                "table {table} differs after the copy"
            );
        }
    }

    // The copy is usable: the app starts on it, people sign in (new sessions and audit rows,
    // so the sequences continue after the copied ids) and find their records.
    let server = serve_existing(&target.url).await;
    let mut root = server.api();
    root.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let mut me = server.api();
    me.login(&crate::support::members::youth(1), PW).await;
    let (status, shown) = me.get(&format!("/api/v1/transfers/{transfer}")).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["transfer"]["status"], "pending_out", "{shown}");

    // A second copy into the filled database is refused and changes nothing.
    let filled = all_rows(&target.url).await;
    let (code, out, err) = copy_to(&app.db.url, &target.url);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("目标数据库不是空的"), "{err}");
    assert!(!out.contains("复制完成"), "{out}");
    assert_eq!(all_rows(&target.url).await, filled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_behind_the_programs_migrations_is_refused() {
    let source = TestDb::new(Db::Sqlite).await;
    let store = tuanjian_store::Store::open(&source.url).await.unwrap();
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    let target = TestDb::new(Db::Postgres).await;
    let (code, out, err) = copy_to(&source.url, &target.url);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("迁移版本") && err.contains("tuanjian migrate"),
        "{err}"
    );
    // Refused before the target was migrated: it holds no table at all.
    let mut conn = AnyConnection::connect(&target.url).await.unwrap();
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables, 0);
    conn.close().await.unwrap();
}

#[test]
fn a_missing_source_file_is_refused_and_not_created() {
    let path = std::env::temp_dir().join(format!("tj_test_copy_missing_{}.db", std::process::id()));
    let (code, out, err) = copy_to(
        &format!("sqlite://{}", path.display()),
        "postgres://nobody@127.0.0.1:1/none",
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("无法连接数据库"), "{err}");
    assert!(!path.exists(), "no empty database file left behind");
}

/// A copy that would not be faithful is rolled back: a member row whose stored sort key is
/// missing is completed by PostgreSQL's insert trigger, so the member table's checksum differs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_difference_found_by_the_verification_rolls_everything_back() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let p = app.add_person(&id_aged(20, 401), "钱校验", Some(PW)).await;
    app.make_member(&w.branch, &p).await;
    sqlx::query("UPDATE members SET person_sort = NULL WHERE person_id = $1")
        .bind(p.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let target = TestDb::new(Db::Postgres).await;
    let (code, out, err) = copy_to(&app.db.url, &target.url);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("校验 members：不一致"), "{out}");
    assert!(
        out.contains("差异：表 members 源 1 行，目标 1 行（行数相同，内容不同）"),
        "{out}"
    );
    assert!(!out.contains("复制完成"), "{out}");
    assert!(err.contains("已回滚"), "{err}");
    for (table, rows) in all_rows(&target.url).await {
        assert!(rows.is_empty(), "{table} holds rows after the rollback");
    }
}
