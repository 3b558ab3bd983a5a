//! The branch decides; 退团 takes effect and the superior is informed, 自行脱团 and 开除团籍 wait
//! for the superior, who approves or returns them; a membership is restored the same way.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::admin::{get_html, page_as, post_form};
use crate::support::members::World;

both_databases!(
    withdrawal_takes_effect_and_the_superior_is_informed,
    lapse_waits_for_the_superior_who_approves,
    expulsion_returned_with_a_comment_restores_the_member,
    restore_is_requested_by_the_branch_and_approved_above,
    bad_decisions_are_refused,
    the_pages_decide_and_approve,
);

fn decision(way: &str) -> serde_json::Value {
    json!({ "way": way, "reason": "本人书面申请", "date": today() })
}

fn at(person_id: i64, what: &str) -> String {
    format!("/api/v1/members/{person_id}/membership/{what}")
}

async fn withdrawal_takes_effect_and_the_superior_is_informed(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "退团者").await;
    let (status, body) = t
        .branch
        .post(&at(m.id, "decide"), decision("withdrawn"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");
    assert_eq!(body["history"][0]["pending"], false);
    assert_eq!(status_of(&app, m.id).await, "withdrawn");
    // The superior has nothing to approve but sees it (备案).
    let (_, inbox) = t.school.get("/api/v1/leaving").await;
    assert_eq!(inbox["to_approve"].as_array().unwrap().len(), 0, "{inbox}");
    assert_eq!(inbox["recent"][0]["person_id"], m.id);
    assert_eq!(inbox["recent"][0]["kind"], "withdrawn");
    assert_eq!(inbox["recent"][0]["reason"], "本人书面申请");
    let (status, body) = t.school.post(&at(m.id, "approve"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "nothing_pending")
    );
    assert_eq!(app.audit_count("membership.withdrawn.decided").await, 1);
}

async fn lapse_waits_for_the_superior_who_approves(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(22, 0), "脱团者").await;
    let (status, body) = t.branch.post(&at(m.id, "decide"), decision("lapsed")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "lapsed_pending");
    assert_eq!(body["is_member"], true);
    // A second way out while one waits.
    let (status, body) = t
        .branch
        .post(&at(m.id, "decide"), decision("expelled"))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "leaving_pending")
    );
    // Only the direct superior approves.
    for (api, expect) in [
        (&t.branch, "not_direct_superior"),
        (&t.county, "not_direct_superior"),
    ] {
        let (status, body) = api.post(&at(m.id, "approve"), json!({})).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::FORBIDDEN, expect),
            "{body}"
        );
    }
    let (_, inbox) = t.school.get("/api/v1/leaving").await;
    assert_eq!(inbox["to_approve"][0]["person_id"], m.id, "{inbox}");
    assert_eq!(inbox["to_approve"][0]["kind"], "lapsed");
    let (status, body) = t
        .school
        .post(&at(m.id, "approve"), json!({ "comment": "同意" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "lapsed");
    let steps = body["history"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["pending"], false);
    assert_eq!(steps[1]["step"], "approved");
    assert_eq!(steps[1]["comment"], "同意");
    assert_eq!(steps[1]["actor_name"], "校管理员");
    let (_, inbox) = t.school.get("/api/v1/leaving").await;
    assert_eq!(inbox["to_approve"].as_array().unwrap().len(), 0);
    // Left: no further way out.
    let (status, body) = t
        .branch
        .post(&at(m.id, "decide"), decision("expelled"))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "member_has_left")
    );
}

async fn expulsion_returned_with_a_comment_restores_the_member(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(22, 0), "开除者").await;
    let (status, body) = t
        .branch
        .post(&at(m.id, "decide"), decision("开除团籍"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "expelled_pending");
    let (status, body) = t.school.post(&at(m.id, "return"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "comment_required")
    );
    assert_eq!(status_of(&app, m.id).await, "expelled_pending");
    let (status, body) = t
        .school
        .post(
            &at(m.id, "return"),
            json!({ "comment": "事实不清，请补充材料" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "normal");
    assert_eq!(body["history"][1]["step"], "returned");
    assert_eq!(body["history"][1]["comment"], "事实不清，请补充材料");
    let (status, body) = t
        .school
        .post(&at(m.id, "return"), json!({ "comment": "再退" }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "nothing_pending")
    );
    // Decided again, approved this time.
    t.branch
        .post(&at(m.id, "decide"), decision("expelled"))
        .await;
    let (_, body) = t.school.post(&at(m.id, "approve"), json!({})).await;
    assert_eq!(body["status"], "expelled", "{body}");
    assert_eq!(steps_of(&app, m.id).await, 4);
}

async fn restore_is_requested_by_the_branch_and_approved_above(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(22, 0), "恢复者").await;
    let (status, body) = t
        .branch
        .post(&at(m.id, "restore"), json!({ "reason": "误操作" }))
        .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "not_left"));
    t.branch
        .post(&at(m.id, "decide"), decision("withdrawn"))
        .await;
    let (status, body) = t
        .branch
        .post(
            &at(m.id, "restore"),
            json!({ "reason": "本人撤回退团申请" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "withdrawn");
    let (status, body) = t
        .branch
        .post(&at(m.id, "restore"), json!({ "reason": "再次申请" }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "leaving_pending")
    );
    // The superior returns it once, then approves a new request.
    let (_, body) = t
        .school
        .post(&at(m.id, "return"), json!({ "comment": "请附本人申请" }))
        .await;
    assert_eq!(body["status"], "withdrawn", "{body}");
    t.branch
        .post(&at(m.id, "restore"), json!({ "reason": "已附本人申请" }))
        .await;
    let (status, body) = t.school.post(&at(m.id, "approve"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "normal");
    assert_eq!(status_of(&app, m.id).await, "normal");
    let kinds: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "decided",
            "restore_requested",
            "returned",
            "restore_requested",
            "approved"
        ]
    );
}

async fn bad_decisions_are_refused(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(29, 0), "某团员").await;
    for (body, expect) in [
        (
            json!({ "way": "aged_out", "reason": "超龄", "date": today() }),
            "leaving_way_invalid",
        ),
        (
            json!({ "way": "出国", "reason": "出国", "date": today() }),
            "leaving_way_invalid",
        ),
        (
            json!({ "way": "lapsed", "reason": " ", "date": today() }),
            "required_missing",
        ),
        (
            json!({ "way": "lapsed", "reason": "半年未交团费", "date": "2999-12-31" }),
            "leaving_date_invalid",
        ),
    ] {
        let (status, answer) = t.branch.post(&at(m.id, "decide"), body).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::BAD_REQUEST, expect),
            "{answer}"
        );
    }
    // The superior does not decide; a member's own account does not either.
    let (status, body) = t.school.post(&at(m.id, "decide"), decision("lapsed")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "not_own_org")
    );
    let own =
        crate::support::admin::api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, body) = own.post(&at(m.id, "decide"), decision("withdrawn")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "admin_required")
    );
    assert_eq!(status_of(&app, m.id).await, "normal");
    assert_eq!(steps_of(&app, m.id).await, 0);
}

async fn the_pages_decide_and_approve(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(22, 0), "页面团员").await;
    let branch = page_as(
        &app,
        t.branch_admin.id_number.as_str(),
        "admin",
        t.w.branch.id,
    )
    .await;
    let page = format!("/members/{}/membership", m.id);
    let (status, html) = get_html(&app, &branch, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"decide-form\""), "{html}");
    let res = post_form(
        &app,
        &branch,
        &page,
        &format!("{page}/decide"),
        &[
            ("way", "lapsed"),
            ("reason", "连续6个月未交纳团费"),
            ("date", &today()),
        ],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, m.id).await, "lapsed_pending");
    // The record links here; the superior's list links to the member.
    let (_, record) = get_html(&app, &branch, &format!("/members/{}", m.id)).await;
    assert!(record.contains("id=\"membership-link\""));
    let school = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;
    let (_, inbox) = get_html(&app, &school, "/leaving").await;
    assert!(
        inbox.contains("页面团员") && inbox.contains("自行脱团"),
        "{inbox}"
    );
    let res = post_form(
        &app,
        &school,
        &page,
        &format!("{page}/return"),
        &[("comment", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("退回意见"));
    let res = post_form(
        &app,
        &school,
        &page,
        &format!("{page}/approve"),
        &[("comment", "同意")],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, m.id).await, "lapsed");
    let (_, html) = get_html(&app, &branch, &page).await;
    assert!(
        html.contains("id=\"restore-form\"") && html.contains("上级审批通过"),
        "{html}"
    );
}
