//! A round from the first grade to the 团籍注册 it gives, and a round returned and corrected.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::admin::api_as;
use crate::support::members::World;

both_databases!(
    a_round_is_recorded_submitted_and_certified,
    a_returned_round_is_corrected_and_submitted_again,
    members_who_left_are_not_graded,
);

async fn a_round_is_recorded_submitted_and_certified(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let good = member_born(&app, &t.w.branch, 1, born(20, 0), "优秀团员").await;
    let fair = member_born(&app, &t.w.branch, 2, born(21, 0), "基本合格团员").await;
    let held = member_born(&app, &t.w.branch, 3, born(22, 0), "暂缓团员").await;
    let refused = member_born(&app, &t.w.branch, 4, born(23, 0), "不予团员").await;

    let (status, body) = t.branch.get(&format!("/api/v1/orgs/{b}/reviews")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "not_started");
    assert_eq!(body["editable"], true);
    assert_eq!(body["members"].as_array().unwrap().len(), 4);

    // Part of the branch first: submitting then names who is missing.
    let (status, body) = t
        .branch
        .post(
            &at(b, "grades"),
            grades(vec![grade(good.id, "优秀"), grade(fair.id, "basic")]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["state"].as_str(), body["graded"].as_i64()),
        (Some("recording"), Some(2))
    );
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "review_incomplete")
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("2名") && message.contains("暂缓团员"),
        "{message}"
    );

    let (status, body) = t
        .branch
        .post(
            &at(b, "grades"),
            grades(vec![
                json!({ "person_id": held.id, "grade": "不合格", "choice": "暂缓注册", "reason": "帮助教育后再注册" }),
                json!({ "person_id": refused.id, "grade": "unqualified", "choice": "refused", "reason": "长期不参加组织生活" }),
            ]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["graded"], 4);
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "submitted");
    assert_eq!(body["editable"], false);

    // Submitted: the branch can no longer change it.
    let (status, body) = t
        .branch
        .post(&at(b, "grades"), grades(vec![grade(good.id, "合格")]))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "review_locked")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("等待上级审核认证")
    );

    // The school 团委 (the branch's direct superior) certifies.
    let (_, body) = t.school.get(&format!("/api/v1/orgs/{b}/reviews")).await;
    assert_eq!(body["may_certify"], true, "{body}");
    let (status, body) = t.school.post(&at(b, "certify"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["registered"].as_i64(),
            body["deferred"].as_i64(),
            body["refused"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(body["round"]["state"], "certified");

    // Certified rounds are locked, for both sides.
    let (status, body) = t
        .branch
        .post(&at(b, "grades"), grades(vec![grade(good.id, "合格")]))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "review_locked")
    );
    let (status, body) = t.school.post(&at(b, "certify"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "review_locked")
    );
    let (status, body) = t
        .school
        .post(&at(b, "return"), json!({ "comment": "重新评议" }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "review_locked")
    );

    // Each member's record and 个人中心 show the year's registration.
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/members/{}/membership", refused.id))
        .await;
    let r = &body["registrations"][0];
    assert_eq!(
        (r["year"].as_i64(), r["result"].as_str()),
        (Some(year() as i64), Some("refused")),
        "{body}"
    );
    assert_eq!(r["reason"], "长期不参加组织生活");
    let me = api_as(&app, good.id_number.as_str(), "member", b).await;
    let (status, body) = me.get("/api/v1/me/membership").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["registrations"][0]["result"], "registered");
    assert_eq!(body["registrations"][0]["grade"], "excellent");
    assert_eq!(body["registrations"][0]["result_label"], "已注册");

    for (action, n) in [
        ("review.grades", 2),
        ("review.submit", 1),
        ("review.certify", 1),
    ] {
        assert_eq!(app.audit_count(action).await, n, "{action}");
    }
}

async fn a_returned_round_is_corrected_and_submitted_again(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    t.branch
        .post(&at(b, "grades"), grades(vec![grade(m.id, "合格")]))
        .await;
    let (status, _) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = t
        .school
        .post(&at(b, "return"), json!({ "comment": "  " }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "comment_required")
    );
    let (status, body) = t
        .school
        .post(
            &at(b, "return"),
            json!({ "comment": "甲应评为优秀，请更正" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "returned");
    // A returned round waits for the branch, not the superior.
    let (status, body) = t.school.post(&at(b, "certify"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "review_not_submitted")
    );

    let (_, body) = t.branch.get(&format!("/api/v1/orgs/{b}/reviews")).await;
    assert_eq!(body["comment"], "甲应评为优秀，请更正");
    assert_eq!(body["editable"], true);
    let (status, _) = t
        .branch
        .post(&at(b, "grades"), grades(vec![grade(m.id, "优秀")]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(
        (status, body["state"].as_str()),
        (StatusCode::OK, Some("submitted"))
    );
    let (status, body) = t.school.post(&at(b, "certify"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["round"]["members"][0]["grade"], "excellent");
    assert_eq!(app.audit_count("review.return").await, 1);
    assert_eq!(app.audit_count("review.submit").await, 2);
}

async fn members_who_left_are_not_graded(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let stays = member_born(&app, &t.w.branch, 1, born(20, 0), "留下").await;
    let leaves = member_born(&app, &t.w.branch, 2, born(20, 0), "离开").await;
    let (status, _) = t
        .branch
        .post(
            &at(b, "grades"),
            grades(vec![grade(stays.id, "合格"), grade(leaves.id, "合格")]),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The member leaves (退团) before the round is submitted.
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/members/{}/membership/decide", leaves.id),
            json!({ "way": "withdrawn", "reason": "本人申请", "date": crate::leaving::today() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["members"].as_array().unwrap().len(), 1);
    let (status, body) = t.school.post(&at(b, "certify"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["registered"], 1);
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/members/{}/membership", leaves.id))
        .await;
    assert_eq!(body["registrations"].as_array().unwrap().len(), 0, "{body}");
    // Clearing a grade (empty) is allowed while recording; nothing else changed.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM registrations")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
}
