//! The command line: init (twice, refusals), a clear message for an unreachable or unknown
//! database, and serve refusing an SQLite page-cache budget out of range.

use std::process::{Command, Stdio};

use crate::support::{Db, ROOT_ADMIN_ID, TestDb};

both_database_kinds!(init_twice);

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

/// A read replica is for PostgreSQL: with an SQLite database the flag is refused, saying so,
/// before anything is opened or created.
#[test]
fn serve_refuses_a_read_replica_on_sqlite() {
    let path = std::env::temp_dir().join(format!("tj_test_replica_{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let (code, _, err) = tuanjian(
        &[
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--read-database-url",
            "postgres://postgres@127.0.0.1:5433/postgres",
        ],
        "",
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("只读副本（--read-database-url）只适用于 PostgreSQL"),
        "{err}"
    );
    assert!(!path.exists(), "no database file was created");
}
