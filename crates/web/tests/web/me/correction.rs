//! The member files a correction of their own name or ID number (API and page): it goes to the
//! province of the branch, one pending at a time, and the province's approval changes the
//! record; a person with no membership is told to ask elsewhere.

use reqwest::StatusCode;
use serde_json::json;

use super::{member, setup};
use crate::support::TestApp;
use crate::support::admin::{PW, admin_of, get_html, person, post_form};
use crate::support::location;
use crate::support::members::faults;

both_databases!(
    member_requests_correction,
    member_withdraws_own,
    page_request,
    no_membership
);

async fn member_requests_correction(app: TestApp) {
    let (w, p, api) = setup(&app).await;
    // Nothing to correct: the same name, nothing else.
    let (s, body) = api
        .post(
            "/api/v1/me/correction",
            json!({ "new_name": "张小团", "reason": "户口簿为准" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        faults(&body),
        vec![("nothing_to_correct".into(), "new_name".into())]
    );

    let (s, body) = api
        .post(
            "/api/v1/me/correction",
            json!({ "new_name": "张晓团", "reason": "录入时错字，以户口簿为准" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "pending");
    let id = body["id"].as_i64().unwrap();
    let (requested_by, approver): (i64, i64) =
        sqlx::query_as("SELECT requested_by, approver_org_id FROM corrections WHERE id = $1")
            .bind(id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(requested_by, p.id);
    assert_eq!(approver, w.province.id);
    assert_eq!(app.audit_count("correction.request").await, 1);

    // One pending at a time.
    let (s, body) = api
        .post(
            "/api/v1/me/correction",
            json!({ "new_name": "张晓团团", "reason": "再次申请" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "correction_pending");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("您已有")
    );

    // The province decides as for an admin's request; the name changes.
    let (_, province) = admin_of(&app, &w.province, 201, "省管理员").await;
    let (s, body) = province
        .post(&format!("/api/v1/corrections/{id}/approve"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, record) = api.get("/api/v1/me/record").await;
    assert_eq!(record["card"]["name"], "张晓团");
    let (_, requests) = api.get("/api/v1/me/requests").await;
    assert_eq!(requests["corrections"][0]["status"], "approved");
    assert_eq!(requests["corrections"][0]["new_name"], "张晓团");
}

async fn page_request(app: TestApp) {
    let (_, p, _) = setup(&app).await;
    let (c, _) = app.page_login(p.id_number.as_str(), PW).await;
    let (s, html) = get_html(&app, &c, "/me/correction").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(p.id_number.as_str()),
        "the person sees their own number"
    );
    let res = post_form(
        &app,
        &c,
        "/me/correction",
        "/me/correction",
        &[
            ("new_name", ""),
            ("new_id_number", "123"),
            ("reason", "号码有误"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"fault-new_id_number\""), "{html}");
    let res = post_form(
        &app,
        &c,
        "/me/correction",
        "/me/correction",
        &[
            ("new_name", "张晓团"),
            ("new_id_number", ""),
            ("reason", "错字"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/me/requests?filed=correction");
    let (_, html) = get_html(&app, &c, "/me/requests?filed=correction").await;
    assert!(html.contains("id=\"filed-notice\""));
    assert!(html.contains("姓名更正为“张晓团”"), "{html}");
    assert!(html.contains("待省级团委审核"));
}

async fn no_membership(app: TestApp) {
    app.guangzhou().await;
    let p = person(&app, 300, "王无档").await;
    let mut api = app.api();
    api.login(p.id_number.as_str(), PW).await;
    let (s, body) = api
        .post(
            "/api/v1/me/correction",
            json!({ "new_name": "王有档", "reason": "错字" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "no_member_record");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM corrections")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

async fn member_withdraws_own(app: TestApp) {
    let (w, p, api) = setup(&app).await;
    let (_, other) = member(&app, &w.branch, 2, "李小青").await;
    let file = |name: &'static str| {
        let api = &api;
        async move {
            let (s, body) = api
                .post(
                    "/api/v1/me/correction",
                    json!({ "new_name": name, "reason": "错字" }),
                )
                .await;
            assert_eq!(s, StatusCode::CREATED, "{body}");
            body["id"].as_i64().unwrap()
        }
    };
    let id = file("张晓团").await;
    // Nobody else's request can be withdrawn, or learnt of.
    let path = format!("/api/v1/me/corrections/{id}/withdraw");
    let (s, _) = other.post(&path, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = api.post(&path, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");
    let (s, body) = api.post(&path, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "correction_not_pending");
    // The one pending request is free again; the page withdraws it too.
    let id = file("张筱团").await;
    let (c, _) = app.page_login(p.id_number.as_str(), PW).await;
    let (_, html) = get_html(&app, &c, "/me/requests").await;
    assert!(
        html.contains(&format!("id=\"withdraw-correction-{id}\"")),
        "{html}"
    );
    let res = post_form(
        &app,
        &c,
        "/me/requests",
        &format!("/me/corrections/{id}/withdraw"),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = api.get("/api/v1/me/requests").await;
    assert_eq!(body["corrections"][0]["status"], "withdrawn");
    assert_eq!(app.audit_count("correction.withdraw").await, 2);
}
