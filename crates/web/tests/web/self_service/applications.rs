//! Applications after they are filed: 流动团员报到 returned, corrected and accepted; withdrawn
//! and rejected applications.

use super::*;

both_databases!(
    report_is_returned_corrected_and_accepted,
    withdrawn_and_rejected_applications,
);

async fn report_is_returned_corrected_and_accepted(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let id = id_aged(23, 60);
    let mut b = registration(&w.province, &id, "陈流动", "2019-04", "201943000060");
    // The home organisation is required.
    let (s, body) = submit(&app, "/api/v1/report", b.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["required_missing"]);
    assert_eq!(body["error"]["field"], "home_org");
    b["home_org"] = json!("共青团湖南省长沙市某某中学支部");
    let (me, a) = applicant(&app, "/api/v1/report", b).await;
    assert_eq!(a["kind"], "report");
    let path = format!("/api/v1/applications/{}", a["id"]);

    // Returning needs a comment.
    let (s, body) = admin.post(&format!("{path}/return"), json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "comment_required");
    let (s, body) = admin
        .post(
            &format!("{path}/return"),
            json!({ "comment": "请补充团员证编号" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "returned");
    let (_, seen) = me.get(&path).await;
    assert_eq!(seen["status_label"], "已退回");
    assert_eq!(seen["comment"], "请补充团员证编号");

    // The applicant corrects it (a bad correction is refused with its fault first).
    let mut fix = registration(&w.province, &id, "陈流动", "2019-04", "201943000060");
    fix["home_org"] = json!("共青团湖南省长沙市某某中学支部");
    fix["card_number"] = json!("T2019000060");
    fix["join_month"] = json!("2019-13");
    let (s, body) = me.post(&format!("{path}/resubmit"), fix.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(codes(&body), ["join_date_invalid"]);
    fix["join_month"] = json!("2019-04");
    let (s, body) = me.post(&format!("{path}/resubmit"), fix).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    assert!(body["fields"].to_string().contains("T2019000060"));
    // Accepted: a member of the local branch.
    let (s, body) = admin.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(is_member(&app, a["person_id"].as_i64().unwrap(), &w.branch).await);
    let events: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "returned", "resubmitted", "approved"]);
    // Decided: no withdrawing, no correcting.
    assert_eq!(
        me.post(&format!("{path}/withdraw"), json!({})).await.0,
        StatusCode::CONFLICT
    );
    for action in ["application.return", "application.resubmit"] {
        assert_eq!(app.audit_count(action).await, 1, "{action}");
    }
}

async fn withdrawn_and_rejected_applications(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let (me, a) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(16, 70), "卫撤回"),
    )
    .await;
    let path = format!("/api/v1/applications/{}", a["id"]);
    admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    let (s, body) = me.post(&format!("{path}/withdraw"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status_label"], "已撤回");
    // No longer in the admin's inbox, and not decidable.
    let (_, inbox) = admin.get("/api/v1/inbox").await;
    assert!(
        !inbox
            .to_string()
            .contains(&format!("/applications/{}", a["id"]))
    );
    let (s, _) = admin
        .post(&format!("{path}/advance"), json!({ "to": "candidate" }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Submitted again, it starts at 申请.
    let fix = join_application(&w.province, "", "卫撤回");
    let (s, body) = me.post(&format!("{path}/resubmit"), fix).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "applied");
    // Rejected at a later stage, with the reason.
    admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    let (s, body) = admin
        .post(
            &format!("{path}/return"),
            json!({ "comment": "暂不具备条件" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "returned");
    assert_eq!(body["stage"], "activist");
    let (_, seen) = me.get("/api/v1/applications/mine").await;
    assert_eq!(seen["items"][0]["comment"], "暂不具备条件");
}
