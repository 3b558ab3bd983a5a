//! Deleting an organisation that other rows still refer to (issue 10, item 5): pending
//! applications are returned to their applicants and kept under the parent, 号段 and a running
//! import refuse with a message that names them, finished imports go; never a 500. On SQLite
//! and PostgreSQL.

use crate::support::TestApp;
use crate::support::admin::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::OrgKind;
use tuanjian_store::applications::ORG_DELETED_COMMENT;

both_databases!(
    pending_applications_are_returned,
    dev_ranges_refuse_until_taken_back,
    running_import_refuses_finished_ones_go,
);

async fn delete(api: &crate::support::ApiClient, org_id: i64) -> (StatusCode, Value) {
    api.send(
        reqwest::Method::DELETE,
        &format!("/api/v1/orgs/{org_id}"),
        json!({}),
    )
    .await
}

async fn application(app: &TestApp, person_id: i64, org_id: i64, status: &str) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO applications (kind, person_id, org_id, stage, status, details_json, submitted_at, updated_at) \
         VALUES ('join', $1, $2, 'applied', $3, '{\"history\":[{\"event\":\"submitted\",\"at\":1}]}', 1, 1) RETURNING id",
    )
    .bind(person_id)
    .bind(org_id)
    .bind(status)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    id
}

async fn pending_applications_are_returned(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let branch = grassroots(&app, &gz, OrgKind::Branch, "甲团支部").await;
    let (_, gz_api) = admin_of(&app, &gz, 1, "广州管理员").await;
    let applicant = person(&app, 2, "申请人").await;
    let pending = application(&app, applicant.id, branch.id, "pending").await;
    let withdrawn = application(&app, applicant.id, branch.id, "withdrawn").await;
    // A decided correction of someone who has since left the branch.
    let former = person(&app, 3, "转出团员").await;
    sqlx::query(
        "INSERT INTO corrections (person_id, org_id, approver_org_id, requested_by, requested_at, \
         before_json, changes_json, reason, status) VALUES ($1, $2, $3, $1, 1, '{}', '{}', '更正', 'approved')",
    )
    .bind(former.id)
    .bind(branch.id)
    .bind(gd.id)
    .execute(app.store.pool())
    .await
    .unwrap();

    let (status, body) = delete(&gz_api, branch.id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(org_row(&app, branch.id).await.is_none());

    // Returned with the reason, kept under the parent; the withdrawn one only moved.
    let rows: Vec<(i64, String, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT id, status, org_id, comment, details_json FROM applications WHERE person_id = $1 ORDER BY id",
    )
    .bind(applicant.id)
    .fetch_all(app.store.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    let (id, status, org_id, comment, details) = &rows[0];
    assert_eq!(
        (*id, status.as_str(), *org_id),
        (pending, "returned", gz.id)
    );
    assert_eq!(comment.as_deref(), Some(ORG_DELETED_COMMENT));
    assert!(
        details.contains("returned") && details.contains(ORG_DELETED_COMMENT),
        "{details}"
    );
    assert_eq!(
        (rows[1].0, rows[1].1.as_str(), rows[1].2),
        (withdrawn, "withdrawn", gz.id)
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM corrections WHERE org_id = $1",
            gz.id
        )
        .await,
        1
    );
    assert_eq!(app.audit_count("application.return").await, 1);
    assert_eq!(app.audit_count("org.delete").await, 1);

    // The applicant reads the reason and may resubmit: the application is theirs to correct.
    let mut me = app.api();
    me.login(applicant.id_number.as_str(), PW).await;
    let (status, body) = me.get("/api/v1/applications/mine").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.to_string().contains(ORG_DELETED_COMMENT), "{body}");
}

async fn dev_ranges_refuse_until_taken_back(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let branch = grassroots(&app, &gz, OrgKind::Branch, "乙团支部").await;
    let (admin, gz_api) = admin_of(&app, &gz, 1, "广州管理员").await;
    sqlx::query(
        "INSERT INTO dev_ranges (org_id, year, start_value, end_value, created_at) VALUES ($1, 2024, 202400000001, 202400000100, 1)",
    )
    .bind(branch.id)
    .execute(app.store.pool())
    .await
    .unwrap();

    let (status, body) = delete(&gz_api, branch.id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_holds_dev_ranges");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("2024年 202400000001-202400000100") && message.contains("收回"),
        "{message}"
    );
    assert!(org_row(&app, branch.id).await.is_some());
    assert_eq!(app.audit_count("org.delete").await, 0);
    // The page says so before anyone presses the button.
    let page = page_as(&app, admin.id_number.as_str(), "admin", gz.id).await;
    let (status, html) = get_html(&app, &page, &format!("/orgs/{}/delete", branch.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"delete-blockers\"") && html.contains("发展团员编号号段"));

    // Once the range is taken back (the row gone), the deletion goes through.
    let range_id: i64 = sqlx::query_scalar("SELECT id FROM dev_ranges WHERE org_id = $1")
        .bind(branch.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM dev_ranges WHERE id = $1")
        .bind(range_id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, body) = delete(&gz_api, branch.id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(org_row(&app, branch.id).await.is_none());
}

async fn import_job(app: &TestApp, org_id: i64, state: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO import_jobs (org_id, template, mode, state, file_name, file_bytes, created_at, updated_at, heartbeat_at) \
         VALUES ($1, 'members', 'validate', $2, 'a.xlsx', $3, 1, 1, 1) RETURNING id",
    )
    .bind(org_id)
    .bind(state)
    .bind(vec![1u8, 2, 3])
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

async fn running_import_refuses_finished_ones_go(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let school = grassroots(&app, &gz, OrgKind::Committee, "一中团委").await;
    let (_, gz_api) = admin_of(&app, &gz, 1, "广州管理员").await;
    import_job(&app, school.id, "validated").await;
    import_job(&app, school.id, "failed").await;
    let running = import_job(&app, school.id, "running").await;

    let (status, body) = delete(&gz_api, school.id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_import_running");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("正在导入")
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM import_jobs WHERE org_id = $1",
            school.id
        )
        .await,
        3
    );

    sqlx::query("UPDATE import_jobs SET state = 'committed' WHERE id = $1")
        .bind(running)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, body) = delete(&gz_api, school.id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(org_row(&app, school.id).await.is_none());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM import_jobs WHERE org_id = $1",
            school.id
        )
        .await,
        0
    );
}
