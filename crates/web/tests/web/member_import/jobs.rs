//! Import jobs: one at a time per organisation, jobs of dead processes failed, old files
//! dropped, size limits and unusable files, only the organisation's own admin.

use super::*;
use tuanjian_app::member_import::jobs;

both_databases!(
    one_import_at_a_time_and_dead_jobs_fail,
    size_limit_and_unusable_files,
    only_the_own_admin_imports,
);

async fn one_import_at_a_time_and_dead_jobs_fail(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    // A job of a process on this host that no longer runs, still marked running.
    let dead = import_jobs::create(
        &app.store,
        &NewJob {
            org_id: school,
            template: "members",
            mode: tuanjian_store::import_jobs::JobMode::Commit,
            valid_only: false,
            created_by: None,
            actor_role: None,
            client_addr: None,
            owner: &format!(
                "{}/4194304000/0",
                std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .unwrap()
                    .trim()
            ),
            file_name: "x.xlsx",
            file_bytes: b"PK",
        },
    )
    .await
    .unwrap();
    let (status, body) = upload(&app, &s, school, "members", "a.xlsx", &golden_members()).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "import_running");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("一次只能进行一个导入")
    );
    // Another organisation is not held up.
    assert_eq!(jobs::recover(&app.store).await.unwrap(), 1);
    let job = import_jobs::job(&app.store, school, dead).await.unwrap();
    assert_eq!(job.state.code(), "failed");
    assert_eq!(job.message.as_deref(), Some(import_jobs::ABANDONED));
    let (status, body) = upload(&app, &s, school, "members", "a.xlsx", &golden_members()).await;
    assert_eq!(status, 202);
    wait_job(&app, &s, school, body["job"]["id"].as_i64().unwrap()).await;

    // A running job nobody has touched for long is failed when anyone reads it.
    let stale = import_jobs::create(
        &app.store,
        &NewJob {
            org_id: s.branch2.id,
            template: "cadres",
            mode: tuanjian_store::import_jobs::JobMode::Validate,
            valid_only: false,
            created_by: None,
            actor_role: None,
            client_addr: None,
            owner: "elsewhere/1/0",
            file_name: "x.xlsx",
            file_bytes: b"PK",
        },
    )
    .await
    .unwrap();
    sqlx::query("UPDATE import_jobs SET heartbeat_at = heartbeat_at - 1000 WHERE id = $1")
        .bind(stale)
        .execute(app.store.pool())
        .await
        .unwrap();
    let job = jobs::load(&app.store, s.branch2.id, stale).await.unwrap();
    assert_eq!(job.state.code(), "failed");

    // Files of jobs that ended long ago are dropped (they hold ID numbers); their report is gone.
    let detail = check(&app, &s, school, "members", &golden_faults_like()).await;
    let job = detail["job"]["id"].as_i64().unwrap();
    sqlx::query("UPDATE import_jobs SET updated_at = updated_at - 31 * 86400 WHERE id = $1")
        .bind(job)
        .execute(app.store.pool())
        .await
        .unwrap();
    jobs::recover(&app.store).await.unwrap();
    let (status, _) = get_bytes(&app, &s, detail["job"]["report_url"].as_str().unwrap()).await;
    assert_eq!(status, 410);
}

async fn size_limit_and_unusable_files(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let big = vec![b'P'; 3 * 1024 * 1024];
    let (status, body) = upload(&app, &s, school, "cadres", "big.xlsx", &big).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "too_large");
    assert!(body["error"]["message"].as_str().unwrap().contains("2 MB"));
    let (status, body) = upload(&app, &s, school, "cadres", "a.csv", b"a,b\n").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "sheet_unreadable");
    let (status, body) = upload(&app, &s, school, "cadres", "a.xlsx", b"").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "sheet_empty");
    // A zip that is not a workbook: the job says so.
    let done = check(&app, &s, school, "cadres", b"PK\x03\x04broken").await;
    assert_eq!(done["job"]["state"], "failed");
    assert!(
        done["job"]["message"]
            .as_str()
            .unwrap()
            .contains("不是可以读取的 Excel 表格")
    );
    let (status, _) = get_json(
        &app,
        &s,
        &format!("/api/v1/orgs/{school}/import/bogus/template"),
    )
    .await;
    assert_eq!(status, 404);
}

async fn only_the_own_admin_imports(app: TestApp) {
    let s = setup(&app).await;
    // The county's admin sees the school but imports only into the county itself.
    let county_admin = app
        .add_person(&adult(40), "区管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&s.w.county, &county_admin).await;
    let mut api = app.api();
    api.login(&adult(40), ADMIN_PASSWORD).await;
    let (status, body) = api
        .get(&format!("/api/v1/orgs/{}/import/jobs/1", s.w.school.id))
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "not_own_org");
    // The sibling county is outside the school admin's scope: not found.
    let (status, _) = get_json(
        &app,
        &s,
        &format!("/api/v1/orgs/{}/import/members/template", s.w.sibling.id),
    )
    .await;
    assert_eq!(status, 404);
    // A branch named in the file that is a grandchild: not the school's own branch.
    let sub = app
        .add_org(
            &s.w.school,
            OrgLevel::Grassroots,
            OrgKind::GeneralBranch,
            "高一年级团总支",
            "共青团广州市天河区第一中学高一年级总支部委员会",
        )
        .await;
    app.add_org(
        &sub,
        OrgLevel::Grassroots,
        OrgKind::Branch,
        "高一3班团支部",
        "共青团广州市天河区第一中学高一3班支部",
    )
    .await;
    let rows = vec![member_row(1, "共青团广州市天河区第一中学高一3班支部")];
    let detail = check(&app, &s, s.w.school.id, "members", &members_file(&rows)).await;
    assert_eq!(codes(&detail), ["not_own_or_direct_superior"], "{detail}");
    // The county admin exports the school's members with full ID numbers (in scope).
    let (status, _) = api
        .get(&format!("/api/v1/orgs/{}/members/export", s.w.school.id))
        .await;
    assert_eq!(status, 200);
}
