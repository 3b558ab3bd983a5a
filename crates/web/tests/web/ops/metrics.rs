//! Operations: health, metrics, security headers, and the command line.

mod common;

use std::process::{Command, Stdio};

use common::{Db, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp, TestDb};
use reqwest::StatusCode;
use tuanjian_web::Config;

both_databases!(
    metrics_count_routes_and_logins,
    pages_carry_security_headers
);

async fn metrics_count_routes_and_logins(app: TestApp) {
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    api.get(&format!("/api/v1/orgs/{}", app.root.id)).await;
    api.get(&format!("/api/v1/orgs/{}", app.root.id)).await;
    let text = reqwest::get(app.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("tuanjian_http_requests_total{route=\"/api/v1/orgs/{id}\",method=\"GET\",status=\"200\"} 2"), "{text}");
    // The second request's session comes from memory.
    let hits = text
        .lines()
        .find_map(|l| l.strip_prefix("tuanjian_read_cache_lookups_total{result=\"hit\"} "))
        .map(|n| n.parse::<u64>().unwrap());
    assert!(text.contains("tuanjian_read_cache_live 1\n"), "{text}");
    assert!(hits.unwrap() >= 1, "{text}");
    assert!(text.contains("tuanjian_logins_total{result=\"success\"} 1"));
    assert!(text.contains("tuanjian_db_pool_connections{state=\"open\"}"));
    assert!(!text.contains(ROOT_ADMIN_ID), "no ID numbers in metrics");
    assert_eq!(
        reqwest::get(app.url("/healthz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    assert_eq!(
        reqwest::get(app.url("/readyz")).await.unwrap().status(),
        StatusCode::OK
    );
}

async fn pages_carry_security_headers(app: TestApp) {
    let res = reqwest::get(app.url("/login")).await.unwrap();
    let h = res.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let html = res.text().await.unwrap();
    assert!(html.contains("name=\"viewport\""), "usable on phones");
    assert!(
        !html.contains("style=\""),
        "no inline styles: the CSP forbids them"
    );
}

#[tokio::test]
async fn metrics_are_refused_to_other_addresses() {
    let config = Config {
        metrics_allow: vec!["10.9.9.9".parse().unwrap()],
        ..Config::default()
    };
    let app = TestApp::spawn_with(Db::Sqlite, config).await;
    assert_eq!(
        reqwest::get(app.url("/metrics")).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

fn tuanjian(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tuanjian"))
        .args(args)
        .env_remove("TUANJIAN_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn init_twice(kind: Db) {
    let db = TestDb::new(kind).await;
    let args = [
        "init",
        "--admin-id",
        ROOT_ADMIN_ID,
        "--password-stdin",
        "--database-url",
        &db.url,
    ];
    let (code, out, err) = tuanjian(&args, "Central2024\n");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("已创建 团中央 和 37 个省级团委"), "{out}");
    assert!(
        !err.contains("Central2024") && !out.contains("Central2024"),
        "password never printed"
    );
    let (code, out, _) = tuanjian(&args, "Central2024\n");
    assert_eq!(code, 0);
    assert!(out.contains("没有做任何修改"), "{out}");
    let store = tuanjian_store::Store::open(&db.url).await.unwrap();
    assert_eq!(store.org_count().await.unwrap(), 38);
    store.close().await;
}

both_database_kinds!(init_twice);

#[test]
fn init_refuses_weak_password_and_bad_id() {
    let path = std::env::temp_dir().join(format!("tj_test_cli_{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let (code, _, err) = tuanjian(
        &[
            "init",
            "--admin-id",
            "12345",
            "--password-stdin",
            "--database-url",
            &url,
        ],
        "x\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("身份证号码"), "{err}");
    let (code, _, err) = tuanjian(
        &[
            "init",
            "--admin-id",
            ROOT_ADMIN_ID,
            "--password-stdin",
            "--database-url",
            &url,
        ],
        "short\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("密码不符合要求"), "{err}");
    let (code, out, _) = tuanjian(
        &[
            "init",
            "--admin-id",
            ROOT_ADMIN_ID,
            "--generate-password",
            "--database-url",
            &url,
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(out.contains("只显示这一次"), "{out}");
    // Backup: a consistent copy that opens and holds the same tree.
    let backup = std::env::temp_dir().join(format!("tj_test_backup_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&backup);
    let (code, out, err) = tuanjian(
        &["backup", backup.to_str().unwrap(), "--database-url", &url],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = tuanjian(
        &["backup", backup.to_str().unwrap(), "--database-url", &url],
        "",
    );
    assert_eq!(code, 1, "refuses to overwrite");
    assert!(err.contains("已存在"));
    let (code, out, _) = tuanjian(
        &[
            "init",
            "--admin-id",
            ROOT_ADMIN_ID,
            "--generate-password",
            "--database-url",
            &format!("sqlite://{}", backup.display()),
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("没有做任何修改"),
        "the backup holds the initialised tree: {out}"
    );
    for p in [&path, &backup] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn unreachable_database_is_a_clear_message() {
    let (code, _, err) = tuanjian(
        &[
            "migrate",
            "--database-url",
            "postgres://nobody:secret@127.0.0.1:1/none",
        ],
        "",
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("无法连接数据库") && err.contains("请确认数据库服务已启动"),
        "{err}"
    );
    assert!(!err.contains("secret"), "password not echoed: {err}");
    assert!(!err.contains("panicked"));
    let (code, _, err) = tuanjian(&["migrate", "--database-url", "mysql://x"], "");
    assert_eq!(code, 1);
    assert!(err.contains("无法识别"), "{err}");
}

/// An SQLite page-cache budget out of range is refused before anything is opened or created.
#[test]
fn serve_refuses_a_cache_budget_out_of_range() {
    let path = std::env::temp_dir().join(format!("tj_test_cache_{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    for mib in ["4", "70000"] {
        let (code, _, err) = tuanjian(
            &[
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--database-url",
                &url,
                "--sqlite-cache-mib",
                mib,
            ],
            "",
        );
        assert_ne!(code, 0);
        assert!(err.contains("SQLite 页缓存总量"), "{err}");
        assert!(err.contains("8 到 65536"), "{err}");
        assert!(!path.exists(), "no database file was created");
    }
}
