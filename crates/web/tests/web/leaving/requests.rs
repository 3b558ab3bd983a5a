//! 退团 as the member's own request: the member asks from 个人中心 and may take it back while it
//! waits; the branch's own admin accepts it with the date (the superior is informed, 备案) or
//! declines it with a comment; one request at a time; nobody else acts on it; a refusal changes
//! nothing.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::admin::{api_as, get_html, page_as, post_form};
use crate::support::members::World;

both_databases!(
    a_member_asks_and_takes_back,
    the_branch_accepts_and_the_superior_is_informed,
    the_branch_declines_with_a_comment,
    nobody_else_acts_on_the_request,
    the_pages_ask_accept_and_show_the_state,
);

const ASK: &str = "/api/v1/me/membership/withdraw-request";
const CANCEL: &str = "/api/v1/me/membership/withdraw-request/cancel";

fn on(person_id: i64, what: &str) -> String {
    format!("/api/v1/members/{person_id}/membership/withdraw-request/{what}")
}

fn reason() -> serde_json::Value {
    json!({ "reason": "个人原因，自愿退出共青团" })
}

async fn a_member_asks_and_takes_back(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "申请者").await;
    let own = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, body) = own.post(ASK, json!({ "reason": "  " })).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "required_missing"),
        "{body}"
    );
    assert_eq!(body["error"]["field"], "reason");
    assert_eq!(
        (status_of(&app, m.id).await, steps_of(&app, m.id).await),
        ("normal".into(), 0)
    );
    let (status, body) = own.post(ASK, reason()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn_pending");
    assert_eq!(body["status_label"], "自愿退团（待审核）");
    assert_eq!(body["is_member"], true);
    assert_eq!(
        body["withdraw_request"]["reason"],
        "个人原因，自愿退出共青团"
    );
    assert_eq!(body["history"][0]["step"], "requested");
    // One at a time.
    let (status, body) = own.post(ASK, json!({ "reason": "再次申请" })).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "leaving_pending"),
        "{body}"
    );
    assert_eq!(steps_of(&app, m.id).await, 1);
    let (_, mine) = own.get("/api/v1/me/requests").await;
    assert_eq!(mine["withdrawals"][0]["state"], "waiting", "{mine}");
    // Taken back: a member as before.
    let (status, body) = own.post(CANCEL, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "normal");
    assert!(body["withdraw_request"].is_null());
    let (status, body) = own.post(CANCEL, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "nothing_pending"),
        "{body}"
    );
    let (_, mine) = own.get("/api/v1/me/requests").await;
    assert_eq!(mine["withdrawals"][0]["state"], "taken_back", "{mine}");
    assert_eq!(app.audit_count("membership.withdrawn.requested").await, 1);
    assert_eq!(
        app.audit_count("membership.withdrawn.request_cancelled")
            .await,
        1
    );
    // The branch has nothing to decide now.
    let (status, body) = t
        .branch
        .post(&on(m.id, "accept"), json!({ "date": today() }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "nothing_pending"),
        "{body}"
    );
    assert_eq!(status_of(&app, m.id).await, "normal");
}

async fn the_branch_accepts_and_the_superior_is_informed(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "退团申请人").await;
    let own = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    own.post(ASK, reason()).await;
    let (_, inbox) = t.branch.get("/api/v1/leaving").await;
    assert_eq!(inbox["requests"][0]["person_id"], m.id, "{inbox}");
    assert_eq!(inbox["requests"][0]["reason"], "个人原因，自愿退出共青团");
    // The branch cannot decide another way while the request waits.
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/members/{}/membership/decide", m.id),
            json!({ "way": "lapsed", "reason": "未交团费", "date": today() }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "leaving_pending"),
        "{body}"
    );
    let (status, body) = t
        .branch
        .post(&on(m.id, "accept"), json!({ "date": "2999-01-01" }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "leaving_date_invalid"),
        "{body}"
    );
    assert_eq!(
        (status_of(&app, m.id).await, steps_of(&app, m.id).await),
        ("withdrawn_pending".into(), 1)
    );
    let (status, body) = t
        .branch
        .post(&on(m.id, "accept"), json!({ "date": today() }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");
    assert_eq!(body["is_member"], false);
    assert_eq!(body["history"][1]["step"], "decided");
    assert_eq!(body["history"][1]["date"], today());
    // The superior approves nothing but is informed (备案), with the member's reason.
    let (_, inbox) = t.school.get("/api/v1/leaving").await;
    assert_eq!(inbox["to_approve"].as_array().unwrap().len(), 0, "{inbox}");
    assert_eq!(inbox["recent"][0]["person_id"], m.id);
    assert_eq!(inbox["recent"][0]["kind"], "withdrawn");
    assert_eq!(inbox["recent"][0]["reason"], "个人原因，自愿退出共青团");
    let (_, inbox) = t.branch.get("/api/v1/leaving").await;
    assert_eq!(inbox["requests"].as_array().unwrap().len(), 0, "{inbox}");
    let (_, mine) = own.get("/api/v1/me/requests").await;
    assert_eq!(mine["withdrawals"][0]["state"], "accepted", "{mine}");
    assert_eq!(mine["withdrawals"][0]["date"], today());
    // Left: nothing to take back, no new request.
    let (status, body) = own.post(CANCEL, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "nothing_pending")
    );
    let (status, body) = own.post(ASK, reason()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "member_has_left")
    );
    assert_eq!(app.audit_count("membership.withdrawn.decided").await, 1);
    assert_eq!(steps_of(&app, m.id).await, 2);
}

async fn the_branch_declines_with_a_comment(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "被挽留者").await;
    let own = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    own.post(ASK, reason()).await;
    let (status, body) = t
        .branch
        .post(&on(m.id, "decline"), json!({ "comment": " " }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "comment_required"),
        "{body}"
    );
    assert_eq!(status_of(&app, m.id).await, "withdrawn_pending");
    let (status, body) = t
        .branch
        .post(
            &on(m.id, "decline"),
            json!({ "comment": "请先与团支部书记谈话" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "normal");
    assert_eq!(body["history"][1]["step"], "declined");
    let (_, mine) = own.get("/api/v1/me/requests").await;
    assert_eq!(mine["withdrawals"][0]["state"], "declined", "{mine}");
    assert_eq!(mine["withdrawals"][0]["comment"], "请先与团支部书记谈话");
    assert_eq!(app.audit_count("membership.withdrawn.declined").await, 1);
    // A new request may follow a declined one.
    let (status, body) = own.post(ASK, json!({ "reason": "仍然申请退团" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, mine) = own.get("/api/v1/me/requests").await;
    assert_eq!(mine["withdrawals"][0]["state"], "waiting", "{mine}");
    assert_eq!(mine["withdrawals"][1]["state"], "declined");
}

async fn nobody_else_acts_on_the_request(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "本人").await;
    let other = member_born(&app, &t.w.branch, 2, born(21, 0), "同支部团员").await;
    let own = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    own.post(ASK, reason()).await;
    // The superior, other scopes, and the member's own account do not decide it.
    for (api, expect) in [
        (&t.school, (StatusCode::FORBIDDEN, "not_own_org")),
        (&t.sibling, (StatusCode::NOT_FOUND, "not_found")),
        (&t.other, (StatusCode::NOT_FOUND, "not_found")),
        (&own, (StatusCode::FORBIDDEN, "admin_required")),
    ] {
        for what in ["accept", "decline"] {
            let (status, body) = api
                .post(
                    &on(m.id, what),
                    json!({ "date": today(), "comment": "意见" }),
                )
                .await;
            assert_eq!((status, code(&body)), expect, "{what}: {body}");
        }
    }
    // Another member's take-back concerns only their own (none waits).
    let theirs = api_as(&app, other.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, body) = theirs.post(CANCEL, json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "nothing_pending")
    );
    // Someone with no membership cannot ask.
    let (status, body) = t.county.post(ASK, reason()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "no_member_record"),
        "{body}"
    );
    assert_eq!(status_of(&app, m.id).await, "withdrawn_pending");
    assert_eq!(status_of(&app, other.id).await, "normal");
    assert_eq!(steps_of(&app, m.id).await, 1);
    assert_eq!(steps_of(&app, other.id).await, 0);
}

async fn the_pages_ask_accept_and_show_the_state(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "页面申请人").await;
    let c = page_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, html) = get_html(&app, &c, "/my-membership").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"withdraw-request-form\""), "{html}");
    let ask = "/my-membership/withdraw-request";
    let res = post_form(&app, &c, "/my-membership", ask, &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("退团理由"));
    assert_eq!(status_of(&app, m.id).await, "normal");
    let res = post_form(&app, &c, "/my-membership", ask, &[("reason", "工作原因")]).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, m.id).await, "withdrawn_pending");
    let (_, html) = get_html(&app, &c, "/my-membership?done=asked").await;
    assert!(
        html.contains("id=\"cancel-withdraw-request\"") && html.contains("工作原因"),
        "{html}"
    );
    let (_, me) = get_html(&app, &c, "/me").await;
    assert!(me.contains("id=\"withdraw-waiting\""), "{me}");
    let (_, requests) = get_html(&app, &c, "/me/requests").await;
    assert!(
        requests.contains("等待团支部处理") && requests.contains("工作原因"),
        "{requests}"
    );
    // The branch sees it on its list and on the member's page, and accepts it.
    let branch = page_as(
        &app,
        t.branch_admin.id_number.as_str(),
        "admin",
        t.w.branch.id,
    )
    .await;
    let (_, inbox) = get_html(&app, &branch, "/leaving").await;
    assert!(
        inbox.contains("id=\"withdraw-requests\"") && inbox.contains("页面申请人"),
        "{inbox}"
    );
    let page = format!("/members/{}/membership", m.id);
    let (_, html) = get_html(&app, &branch, &page).await;
    assert!(
        html.contains("id=\"accept-form\"") && html.contains("工作原因"),
        "{html}"
    );
    let res = post_form(
        &app,
        &branch,
        &page,
        &format!("{page}/withdraw-request/decline"),
        &[("comment", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = post_form(
        &app,
        &branch,
        &page,
        &format!("{page}/withdraw-request/accept"),
        &[("date", &today())],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, m.id).await, "withdrawn");
    let (_, requests) = get_html(&app, &c, "/me/requests").await;
    assert!(requests.contains("团支部已同意，已退团"), "{requests}");
}
