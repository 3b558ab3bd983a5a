//! The server's own check of uploaded PDFs in a child process (`tuanjian check-pdf`, set by
//! `serve` as `Config::pdf_checker`): the same answers as the check in the process, a checker
//! the file crashes or kills refuses the file, and a checker that fails by itself is the
//! server's error, not the user's.

use std::path::PathBuf;

use reqwest::StatusCode;

use super::*;
use crate::support::members::World;
use crate::support::{Db, fast_test_config};

async fn app_checking_with(exe: PathBuf) -> TestApp {
    let config = tuanjian_app::Config {
        pdf_checker: Some(exe),
        ..fast_test_config()
    };
    TestApp::spawn_with(Db::Sqlite, config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_child_process_checks_as_the_server_would() {
    let app = app_checking_with(PathBuf::from(env!("CARGO_BIN_EXE_tuanjian"))).await;
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "新团员", "2024-03", 1).await;
    let fake = b"%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n";
    let whole = pdf(2, 100);
    for (name, bytes, why) in [
        (
            "renamed.pdf",
            &b"<html></html>"[..],
            "文件开头不是 PDF 的标志",
        ),
        ("faked.pdf", &fake[..], "文件结构无法读取"),
        (
            "cut.pdf",
            &whole[..whole.len() - 40],
            "结尾缺少 PDF 的结束标志",
        ),
        ("nopages.pdf", &pdf(0, 0)[..], "没有任何页面"),
    ] {
        let (status, body) = upload(&t.branch, m.id, name, bytes).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "archive_not_pdf"),
            "{name}: {body}"
        );
        assert!(
            body["error"]["message"].as_str().unwrap().contains(why),
            "{name}: {body}"
        );
    }
    assert_eq!(stored(&app).await, (0, 0));
    let (status, body) = upload(&t.branch, m.id, "scan.pdf", &whole).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["file"]["page_count"], 2);
}

/// A checker script with `body` as its shell commands.
fn script(dir: &std::path::Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checker_that_dies_refuses_the_file_one_that_fails_is_an_error() {
    let dir = std::env::temp_dir().join(format!("tj-checker-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Killed (as by the kernel for memory) or panicking: the file broke the parser.
    for body in ["kill -9 $$", "exit 101"] {
        let app = app_checking_with(script(&dir, "dies.sh", body)).await;
        let t = World::new(&app).await;
        let m = member(&app, &t.w.branch, 1, "新团员", "2024-03", 1).await;
        let (status, body) = upload(&t.branch, m.id, "scan.pdf", &pdf(1, 0)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::UNPROCESSABLE_ENTITY, "archive_not_pdf"),
            "{body}"
        );
        assert_eq!(stored(&app).await, (0, 0));
    }
    // The checker's own failure (it could not read the file): not blamed on the upload.
    let app = app_checking_with(script(&dir, "fails.sh", "exit 1")).await;
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "新团员", "2024-03", 1).await;
    let (status, body) = upload(&t.branch, m.id, "scan.pdf", &pdf(1, 0)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(stored(&app).await, (0, 0));
    let _ = std::fs::remove_dir_all(&dir);
}
