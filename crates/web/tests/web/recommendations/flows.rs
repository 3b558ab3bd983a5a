//! A member recommended, returned, recommended again, approved, confirmed, approved and joined;
//! and every refusal on the way, each changing nothing.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::admin::api_as;
use crate::support::members::World;

both_databases!(
    a_member_is_recommended_confirmed_and_joins,
    bad_steps_are_refused
);

async fn people_political_status(app: &TestApp, id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT political_status FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn a_member_is_recommended_confirmed_and_joins(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "积极分子").await;
    let (status, body) = t.branch.get(at(m.id, "").trim_end_matches('/')).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], serde_json::Value::Null);
    assert_eq!(body["may_record"], true);
    let month = this_month();
    let day = today();
    let fields = [("date", day.as_str()), ("applied_month", month.as_str())];
    let (status, body) = step(
        &t.branch,
        m.id,
        "recommend",
        &fields,
        Some(("推荐表.pdf", &pdf(2, 0))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "recommend_pending");
    // The superior returns it with a comment; the branch records it again with a new form.
    let (status, body) = t.school.post(&at(m.id, "return"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "comment_required")
    );
    let (status, body) = t
        .school
        .post(
            &at(m.id, "return"),
            json!({ "comment": "推荐表缺少支部大会意见" }),
        )
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("recommend_returned")),
        "{body}"
    );
    let (status, _) = step(
        &t.branch,
        m.id,
        "recommend",
        &fields,
        Some(("推荐表.pdf", &pdf(3, 0))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let files: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stored_files")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(files, 1, "the replaced form is not kept");
    let (status, body) = t
        .school
        .post(&at(m.id, "approve"), json!({ "comment": "同意" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "recommended");
    // The member's 入党申请 fields follow.
    let (applied, applied_month): (i64, Option<String>) = sqlx::query_as(
        "SELECT party_applied, party_applied_month FROM members WHERE person_id = $1",
    )
    .bind(m.id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(
        (applied, applied_month.as_deref()),
        (1, Some(month.as_str()))
    );

    let (status, body) = step(
        &t.branch,
        m.id,
        "confirm",
        &[("date", day.as_str())],
        Some(("确定.pdf", &pdf(1, 0))),
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("confirm_pending")),
        "{body}"
    );
    let (_, list) = t
        .school
        .get(&format!("/api/v1/orgs/{}/recommendations", t.w.school.id))
        .await;
    assert_eq!(list["to_approve"][0]["person_id"], m.id, "{list}");
    assert_eq!(list["total"], 1);
    let (status, body) = t.school.post(&at(m.id, "approve"), json!({})).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("confirmed"))
    );
    let (status, body) = t
        .branch
        .post(&at(m.id, "joined"), json!({ "month": month }))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("joined")),
        "{body}"
    );
    assert_eq!(body["joined_month"], month.as_str());
    assert_eq!(
        people_political_status(&app, m.id).await.as_deref(),
        Some("02")
    );

    // The forms: the member and admins in scope download them, as attachments; others get 404.
    let member = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    for api in [&t.branch, &t.county, &member] {
        let res = api
            .http
            .get(format!("{}{}", api.base, at(m.id, "recommend/form")))
            .bearer_auth(api.token.as_deref().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert_eq!(res.bytes().await.unwrap().to_vec(), pdf(3, 0));
    }
    let res = t
        .other
        .http
        .get(format!("{}{}", t.other.base, at(m.id, "confirm/form")))
        .bearer_auth(t.other.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for (action, n) in [
        ("recommendation.recommend", 2),
        ("recommendation.return", 1),
        ("recommendation.approve", 2),
        ("recommendation.confirm", 1),
        ("recommendation.joined", 1),
    ] {
        assert_eq!(app.audit_count(action).await, n, "{action}");
    }
    let (_, list) = t
        .county
        .get(&format!(
            "/api/v1/orgs/{}/recommendations?status=joined",
            t.w.county.id
        ))
        .await;
    assert_eq!(list["items"][0]["person_id"], m.id, "{list}");
}

/// Who, the fields, the file, and the answer expected.
type Case<'a> = (
    i64,
    Vec<(&'a str, &'a str)>,
    Option<(&'a str, &'a [u8])>,
    StatusCode,
    &'a str,
);

async fn bad_steps_are_refused(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let young = member_born(&app, &t.w.branch, 2, born(17, 0), "乙").await;
    let month = this_month();
    let day = today();
    let good = [("date", day.as_str()), ("applied_month", month.as_str())];
    let form = pdf(1, 0);
    let cases: Vec<Case> = vec![
        (
            young.id,
            good.to_vec(),
            Some(("a.pdf", &form)),
            StatusCode::BAD_REQUEST,
            "recommend_too_young",
        ),
        (
            m.id,
            vec![("date", "2026-13-01"), ("applied_month", month.as_str())],
            Some(("a.pdf", &form)),
            StatusCode::BAD_REQUEST,
            "recommend_date_invalid",
        ),
        (
            m.id,
            vec![("date", "2999-01-01"), ("applied_month", month.as_str())],
            Some(("a.pdf", &form)),
            StatusCode::BAD_REQUEST,
            "recommend_date_invalid",
        ),
        (
            m.id,
            vec![("date", day.as_str()), ("applied_month", "2999-01")],
            Some(("a.pdf", &form)),
            StatusCode::BAD_REQUEST,
            "recommend_date_invalid",
        ),
        (
            m.id,
            good.to_vec(),
            None,
            StatusCode::BAD_REQUEST,
            "file_missing",
        ),
        (
            m.id,
            good.to_vec(),
            Some(("a.pdf", b"<html>not a pdf</html>")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "recommend_form_invalid",
        ),
    ];
    for (who, fields, file, status, want) in cases {
        let (s, body) = step(&t.branch, who, "recommend", &fields, file).await;
        assert_eq!((s, code(&body)), (status, want), "{fields:?}: {body}");
    }
    // Confirmation before a recommendation; a decision with nothing waiting.
    let (s, body) = step(
        &t.branch,
        m.id,
        "confirm",
        &[("date", day.as_str())],
        Some(("a.pdf", &form)),
    )
    .await;
    assert_eq!(
        (s, code(&body)),
        (StatusCode::CONFLICT, "recommend_not_allowed"),
        "{body}"
    );
    let (s, body) = t.school.post(&at(m.id, "approve"), json!({})).await;
    assert_eq!(
        (s, code(&body)),
        (StatusCode::CONFLICT, "recommend_not_allowed")
    );
    // Only the branch records, only its direct superior decides, outsiders see nothing.
    let (s, body) = step(&t.school, m.id, "recommend", &good, Some(("a.pdf", &form))).await;
    assert_eq!(
        (s, code(&body)),
        (StatusCode::FORBIDDEN, "not_own_org"),
        "{body}"
    );
    let (s, _) = step(&t.branch, m.id, "recommend", &good, Some(("a.pdf", &form))).await;
    assert_eq!(s, StatusCode::OK);
    for api in [&t.branch, &t.county] {
        let (s, body) = api.post(&at(m.id, "approve"), json!({})).await;
        assert_eq!(
            (s, code(&body)),
            (StatusCode::FORBIDDEN, "not_direct_superior"),
            "{body}"
        );
    }
    let (s, _) = t
        .other
        .get(&format!("/api/v1/members/{}/recommendation", m.id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A second recommendation while one waits; 入党 before confirmation; an unknown stage.
    let (s, body) = step(&t.branch, m.id, "recommend", &good, Some(("a.pdf", &form))).await;
    assert_eq!(
        (s, code(&body)),
        (StatusCode::CONFLICT, "recommend_not_allowed")
    );
    let (s, body) = t
        .branch
        .post(&at(m.id, "joined"), json!({ "month": month }))
        .await;
    assert_eq!(
        (s, code(&body)),
        (StatusCode::CONFLICT, "recommend_not_allowed")
    );
    let (s, _) = step(&t.branch, m.id, "expel", &good, Some(("a.pdf", &form))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = t
        .school
        .get(&format!(
            "/api/v1/orgs/{}/recommendations?status=nonsense",
            t.w.school.id
        ))
        .await;
    assert_eq!((s, code(&body)), (StatusCode::BAD_REQUEST, "query_invalid"));
    assert_eq!(app.audit_count("recommendation.recommend").await, 1);
}
