//! Every way a round refuses: who may record, certify or see it, bad years, grades and rows,
//! and the order of the steps. Nothing changes on a refusal.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::members::World;

both_databases!(
    only_the_branch_records_and_only_its_superior_certifies,
    bad_input_is_refused_and_changes_nothing,
);

async fn only_the_branch_records_and_only_its_superior_certifies(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let body = grades(vec![grade(m.id, "合格")]);
    // Superiors see the round but do not record it.
    for api in [&t.school, &t.county] {
        let (status, res) = api.post(&at(b, "grades"), body.clone()).await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::FORBIDDEN, "not_own_org"),
            "{res}"
        );
        let (status, _) = api.get(&format!("/api/v1/orgs/{b}/reviews")).await;
        assert_eq!(status, StatusCode::OK);
    }
    // Outside the scope: not found, so ids cannot be probed.
    for api in [&t.other, &t.sibling] {
        let (status, res) = api.get(&format!("/api/v1/orgs/{b}/reviews")).await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::NOT_FOUND, "not_found"),
            "{res}"
        );
        let (status, _) = api.post(&at(b, "grades"), body.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // A member of the branch is no admin.
    let member = crate::support::admin::api_as(&app, m.id_number.as_str(), "member", b).await;
    let (status, _) = member.get(&format!("/api/v1/orgs/{b}/reviews")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Certification before submission; then only the direct superior.
    let (status, res) = t.school.post(&at(b, "certify"), json!({})).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "review_not_submitted")
    );
    t.branch.post(&at(b, "grades"), body.clone()).await;
    let (status, _) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    for api in [&t.branch, &t.county, &t.city] {
        let (status, res) = api.post(&at(b, "certify"), json!({})).await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::FORBIDDEN, "not_direct_superior"),
            "{res}"
        );
    }
    // An organisation above branches has no round of its own.
    let s = t.w.school.id;
    let (status, res) = t.school.get(&format!("/api/v1/orgs/{s}/reviews")).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "not_a_branch"),
        "{res}"
    );
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains("评议进度")
    );
    assert_eq!(app.audit_count("review.certify").await, 0);
}

async fn bad_input_is_refused_and_changes_nothing(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let stranger = member_born(&app, &t.sibling_branch, 2, born(20, 0), "乙").await;
    let y = year();
    for bad in [(y - 2).to_string(), (y + 1).to_string(), "明年".into()] {
        let (status, res) = t
            .branch
            .post(
                &format!("/api/v1/orgs/{b}/reviews/{bad}/grades"),
                grades(vec![grade(m.id, "合格")]),
            )
            .await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::BAD_REQUEST, "review_year_invalid"),
            "{bad}"
        );
        assert!(
            res["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{}年度或{y}年度", y - 1))
        );
    }
    let (status, res) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/reviews?year=1999"))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "review_year_invalid")
    );
    let cases = [
        (
            json!({ "person_id": m.id, "grade": "良好" }),
            "grade_invalid",
        ),
        (
            json!({ "person_id": m.id, "grade": "不合格" }),
            "unregistered_reason_required",
        ),
        (
            json!({ "person_id": m.id, "grade": "不合格", "choice": "暂缓注册" }),
            "unregistered_reason_required",
        ),
        (
            json!({ "person_id": m.id, "grade": "不合格", "choice": "除名", "reason": "x" }),
            "grade_invalid",
        ),
        (
            json!({ "person_id": stranger.id, "grade": "合格" }),
            "review_member_unknown",
        ),
    ];
    for (row, want) in cases {
        let (status, res) = t
            .branch
            .post(
                &at(b, "grades"),
                grades(vec![grade(m.id, "优秀"), row.clone()]),
            )
            .await;
        assert!(status.is_client_error(), "{row}: {status}");
        assert_eq!(code(&res), want, "{row}: {res}");
    }
    let (status, res) = t
        .branch
        .post(&at(b, "grades"), json!({ "grades": "合格" }))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "json_invalid")
    );
    // Nothing was recorded by any of them, not even the good row beside a bad one.
    let (_, body) = t.branch.get(&format!("/api/v1/orgs/{b}/reviews")).await;
    assert_eq!(body["graded"], 0, "{body}");
    assert_eq!(app.audit_count("review.grades").await, 0);
    // Submitting a round never started.
    let (status, res) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "review_incomplete")
    );
}
