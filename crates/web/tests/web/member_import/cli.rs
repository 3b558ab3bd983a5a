//! `tuanjian import` and `tuanjian template` on the command line, and a process killed in
//! the middle of its commit.

use super::*;
use tuanjian_app::member_import::jobs;

both_databases!(command_line, a_job_taken_for_dead_writes_nothing);

async fn command_line(app: TestApp) {
    let s = setup(&app).await;
    let url = app.db.url.clone();
    let faults = temp_file("faults.xlsx", &{
        let mut rows: Vec<Vec<String>> = (0..20).map(|i| member_row(300 + i, BRANCH1)).collect();
        rows[5][0] = String::new();
        members_file(&rows)
    });
    let run = |args: &[&str]| {
        let out = bin()
            .args(args)
            .args(["--database-url", &url])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let f = faults.to_str().unwrap();
    // Faults stop the commit: exit 1, one JSON object per row, then the summary.
    let (code, out, _) = run(&[
        "import",
        "--org",
        SCHOOL,
        "--template",
        "members",
        f,
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{out}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 21);
    assert_eq!(
        lines[0],
        serde_json::json!({"row": 3, "ok": true, "errors": []})
    );
    assert_eq!(lines[5]["row"], 8);
    assert_eq!(lines[5]["ok"], false);
    assert_eq!(lines[5]["errors"][0]["column"], "姓名");
    assert_eq!(lines[5]["errors"][0]["code"], "required_missing");
    assert_eq!(lines[20]["summary"]["committed"], false);
    assert_eq!(lines[20]["summary"]["faulty"], 1);
    assert_eq!(count(&app, "members").await, 0);
    // A dry run writes nothing either.
    let (code, _, _) = run(&[
        "import",
        "--org",
        &s.w.school.id.to_string(),
        "--template",
        "members",
        f,
        "--dry-run",
    ]);
    assert_eq!(code, Some(1));
    // Valid rows only, when asked: exit 0.
    let (code, out, _) = run(&[
        "import",
        "--org",
        SCHOOL,
        "--template",
        "members",
        f,
        "--valid-only",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{out}");
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(summary["summary"]["members"], 19);
    assert_eq!(count(&app, "members").await, 19);
    // Unusable: an unknown organisation, the other template, a missing file (exit 2).
    let (code, _, err) = run(&["import", "--org", "一中团委", "--template", "members", f]);
    assert_eq!(code, Some(2));
    assert!(err.contains("组织不存在"), "{err}");
    let cadres = temp_file("c.xlsx", &golden_cadres());
    let (code, out, _) = run(&[
        "import",
        "--org",
        SCHOOL,
        "--template",
        "members",
        cadres.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(2));
    assert!(out.contains("template_mismatch"), "{out}");
    let (code, _, _) = run(&[
        "import",
        "--org",
        SCHOOL,
        "--template",
        "members",
        "/nonexistent.xlsx",
    ]);
    assert_eq!(code, Some(2));
    let (code, _, _) = run(&["import", "--org", SCHOOL, "--template", "bogus", f]);
    assert_eq!(code, Some(2));
    // The template command writes what the page offers.
    let out_file = std::env::temp_dir().join(format!("tj-template-{}.xlsx", rand::random::<u32>()));
    let (code, _, _) = run(&["template", "cadres", "-o", out_file.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    let bytes = std::fs::read(&out_file).unwrap();
    let err = tuanjian_sheet::read_rows(&template(Kind::Cadres), &bytes, "t.xlsx").unwrap_err();
    assert_eq!(err.code(), "sheet_empty");
    for p in [faults, cadres, out_file] {
        let _ = std::fs::remove_file(p);
    }
}

/// A process killed with SIGKILL in the middle of its commit leaves the database as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_during_commit_leaves_nothing() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let _s = setup(&app).await;
    let rows: Vec<Vec<String>> = (0..30_000)
        .map(|i| member_row(i, if i % 2 == 0 { BRANCH1 } else { BRANCH2 }))
        .collect();
    let file = temp_file("big.xlsx", &members_file(&rows));
    let people = count(&app, "people").await;
    let mut child = bin()
        .args([
            "import",
            "--org",
            SCHOOL,
            "--template",
            "members",
            file.to_str().unwrap(),
        ])
        .args(["--database-url", &app.db.url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("正在写入数据库") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(300))
        .expect("the import reaches its commit");
    // Let it write part of the rows, then kill it.
    let started = Instant::now();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "still committing when killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(count(&app, "members").await, 0);
    assert_eq!(count(&app, "people").await, people);
    let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(ok, "ok");
    // The job it left is failed when a server starts (its process is gone).
    assert_eq!(jobs::recover(&app.store).await.unwrap(), 1);
    let _ = std::fs::remove_file(file);
}

/// Another server takes the command line's job for dead (as `jobs::load` does with a job whose
/// heartbeat is late) while the command line still reads the file: its commit writes nothing
/// and it answers `import_failed` (exit 2).
async fn a_job_taken_for_dead_writes_nothing(app: TestApp) {
    let s = setup(&app).await;
    // Big enough that reading and checking it takes far longer than noticing the job.
    let rows: Vec<Vec<String>> = (0..3000)
        .map(|i| member_row(i, if i % 2 == 0 { BRANCH1 } else { BRANCH2 }))
        .collect();
    let file = temp_file("taken.xlsx", &members_file(&rows));
    let child = bin()
        .args(["import", "--org", SCHOOL, "--template", "members"])
        .arg(&file)
        .args(["--format", "json", "--database-url", &app.db.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let job_id = loop {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM import_jobs WHERE org_id = $1 AND state = 'running'",
        )
        .bind(s.w.school.id)
        .fetch_optional(app.store.pool())
        .await
        .unwrap();
        if let Some(id) = id {
            break id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the command line creates its job"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    import_jobs::abandon(&app.store, job_id).await.unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    let answer: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        answer["summary"]["error"]["code"], "import_failed",
        "{stdout}"
    );
    let message = answer["summary"]["error"]["message"].as_str().unwrap();
    assert!(message.contains("没有写入"), "{message}");
    assert_eq!(count(&app, "members").await, 0);
    let state: String = sqlx::query_scalar("SELECT state FROM import_jobs WHERE id = $1")
        .bind(job_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(state, "failed");
    let _ = std::fs::remove_file(file);
}
