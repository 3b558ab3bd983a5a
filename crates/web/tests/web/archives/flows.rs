//! The archive's way: uploaded (尚未认证), rejected with a reason (退回), replaced, certified
//! (已认证) and then locked; who may decide; each change audited.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::admin::api_as;
use crate::support::members::World;

both_databases!(
    upload_reject_replace_approve,
    a_waiting_archive_is_not_replaced,
    only_the_direct_superior_decides,
    members_before_2020_need_none,
    concurrent_uploads_keep_one,
);

async fn upload_reject_replace_approve(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "新团员", "2023-05", 3).await;
    let first = pdf(2, 1000);
    let (status, body) = upload(&t.branch, m.id, "志愿书.pdf", &first).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["status_label"], "尚未认证");
    assert_eq!(body["file"]["page_count"], 2);
    assert_eq!(body["file"]["size"], first.len());
    assert_eq!(body["file"]["file_name"], "志愿书.pdf");
    assert_eq!(body["may_upload"], false);
    assert_eq!(
        body["may_review"], false,
        "the branch does not certify its own"
    );
    assert_eq!(app.audit_count("member.archive.upload").await, 1);
    // The member sees it in 我的团员电子档案.
    let me = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (_, mine) = me.get("/api/v1/me/archive").await;
    assert_eq!(mine["status_label"], "尚未认证", "{mine}");
    // A rejection needs a reason; without one nothing changes.
    let (status, body) = t
        .school
        .post(&at(m.id, "archive/reject"), json!({ "reason": "  " }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "comment_required")
    );
    assert_eq!(body["error"]["field"], "reason");
    let (_, now) = t.school.get(&at(m.id, "archive")).await;
    assert_eq!(now["status"], "pending");
    assert_eq!(now["may_review"], true);
    let (status, body) = t
        .school
        .post(
            &at(m.id, "archive/reject"),
            json!({ "reason": "第二页扫描不清" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "rejected");
    assert_eq!(body["reason"], "第二页扫描不清");
    let (_, mine) = me.get("/api/v1/me/archive").await;
    assert_eq!(mine["reason"], "第二页扫描不清");
    // The branch replaces it; the rejected file goes.
    let (_, branch_view) = t.branch.get(&at(m.id, "archive")).await;
    assert_eq!(branch_view["may_upload"], true);
    let second = pdf(3, 5000);
    let (status, body) = upload(&t.branch, m.id, "重扫.pdf", &second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["reason"], serde_json::Value::Null);
    assert_eq!(body["file"]["page_count"], 3);
    assert_eq!(stored(&app).await, (1, 1));
    assert_eq!(app.audit_count("member.archive.replace").await, 1);
    // Certified, then locked.
    let (status, body) = t.school.post(&at(m.id, "archive/approve"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status_label"], "已认证");
    assert_eq!(body["decided_by"], "校管理员");
    let (status, body) = upload(&t.branch, m.id, "再传.pdf", &first).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "archive_locked")
    );
    let (status, body) = t
        .school
        .post(&at(m.id, "archive/reject"), json!({ "reason": "再看看" }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "archive_locked")
    );
    let (status, body) = t.school.post(&at(m.id, "archive/approve"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "archive_locked")
    );
    assert_eq!(stored(&app).await, (1, 1));
    assert_eq!(app.audit_count("member.archive.approve").await, 1);
    assert_eq!(app.audit_count("member.archive.reject").await, 1);
}

async fn a_waiting_archive_is_not_replaced(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 2, "待审团员", "2021-09", 1).await;
    let (status, _) = upload(&t.branch, m.id, "a.pdf", &pdf(1, 0)).await;
    assert_eq!(status, StatusCode::OK);
    // Also from above (the school may upload too).
    let (status, body) = upload(&t.school, m.id, "b.pdf", &pdf(1, 10)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "archive_pending"),
        "{body}"
    );
    assert_eq!(stored(&app).await, (1, 1));
    // Nothing waits to be decided before an upload.
    let other = member(&app, &t.w.branch, 3, "未上传团员", "2021-09", 1).await;
    let (status, body) = t
        .school
        .post(&at(other.id, "archive/approve"), json!({}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "archive_not_pending")
    );
    // An admin above the branch uploads for it.
    let (status, body) = upload(&t.county, other.id, "c.pdf", &pdf(1, 0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn only_the_direct_superior_decides(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 4, "审批团员", "2020-01", 1).await;
    upload(&t.branch, m.id, "a.pdf", &pdf(1, 0)).await;
    let (status, body) = t.branch.post(&at(m.id, "archive/approve"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "not_direct_superior")
    );
    let (status, body) = t.county.post(&at(m.id, "archive/approve"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "not_direct_superior")
    );
    // Out of scope: as if it did not exist.
    let (status, body) = t
        .sibling
        .post(&at(m.id, "archive/approve"), json!({}))
        .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, body) = upload(&t.other, m.id, "x.pdf", &pdf(1, 0)).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    // A member cannot upload their own.
    let me = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, _) = upload(&me, m.id, "self.pdf", &pdf(1, 0)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, now) = t.school.get(&at(m.id, "archive")).await;
    assert_eq!(now["status"], "pending");
    assert_eq!(stored(&app).await, (1, 1));
}

async fn members_before_2020_need_none(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 5, "老团员", "2019-12", 400).await;
    let (status, body) = upload(&t.branch, m.id, "a.pdf", &pdf(1, 0)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "archive_not_required")
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("2019-12") && message.contains("2020-01"),
        "{message}"
    );
    let (_, view) = t.branch.get(&at(m.id, "archive")).await;
    assert_eq!(view["required"], false);
    assert_eq!(view["may_upload"], false);
    assert_eq!(view["overdue"], false);
    assert_eq!(stored(&app).await, (0, 0));
}

async fn concurrent_uploads_keep_one(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 6, "并发团员", "2022-02", 1).await;
    let (a, b) = (pdf(1, 200_000), pdf(2, 300_000));
    let (one, two) = tokio::join!(
        upload(&t.branch, m.id, "a.pdf", &a),
        upload(&t.school, m.id, "b.pdf", &b)
    );
    let mut outcomes = [
        (one.0, code(&one.1).to_string()),
        (two.0, code(&two.1).to_string()),
    ];
    outcomes.sort();
    assert_eq!(
        outcomes,
        [
            (StatusCode::OK, String::new()),
            (StatusCode::CONFLICT, "archive_pending".to_string())
        ]
    );
    assert_eq!(stored(&app).await.0, 1);
}
