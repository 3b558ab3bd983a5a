//! Those who left stay on record: hidden from member lists by default, found with the status
//! filter by admins in scope, able to sign in and see their own 团籍; outside the scope their
//! record is not found.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::admin::{api_as, get_html, page_as};
use crate::support::members::World;

both_databases!(
    left_members_are_hidden_by_default_and_found_by_filter,
    a_left_member_signs_in_and_sees_their_record,
    other_scopes_do_not_find_the_record,
);

async fn leave(t: &World, person_id: i64, way: &str) {
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/members/{person_id}/membership/decide"),
            json!({ "way": way, "reason": "理由", "date": today() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn left_members_are_hidden_by_default_and_found_by_filter(app: TestApp) {
    let t = World::new(&app).await;
    let b = &t.w.branch;
    let stays = member_born(&app, b, 1, born(20, 0), "在团").await;
    let waits = member_born(&app, b, 2, born(20, 0), "待批").await;
    let left = member_born(&app, b, 3, born(20, 0), "已退").await;
    leave(&t, waits.id, "lapsed").await;
    leave(&t, left.id, "withdrawn").await;
    let list = |q: &str| format!("/api/v1/orgs/{}/members{q}", t.w.county.id);
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };
    let (_, body) = t.county.get(&list("")).await;
    assert_eq!(sorted(ids(&body)), vec![stays.id, waits.id], "{body}");
    assert_eq!(body["total"], 2);
    let (_, body) = t.county.get(&list("?status=left")).await;
    assert_eq!(ids(&body), vec![left.id], "{body}");
    let (_, body) = t.county.get(&list("?status=withdrawn")).await;
    assert_eq!(ids(&body), vec![left.id]);
    let (_, body) = t
        .county
        .get(&list("?status=%E8%87%AA%E6%84%BF%E9%80%80%E5%9B%A2"))
        .await;
    assert_eq!(ids(&body), vec![left.id], "自愿退团 by its label");
    let (_, body) = t.county.get(&list("?status=all")).await;
    assert_eq!(body["total"], 3);
    let (_, body) = t.county.get(&list("?status=lapsed_pending")).await;
    assert_eq!(ids(&body), vec![waits.id]);
    let (status, body) = t.county.get(&list("?status=gone")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "status_invalid")
    );
    // The page's filter offers it, in Chinese.
    let c = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let (_, html) = get_html(&app, &c, &format!("/orgs/{}/members", t.w.county.id)).await;
    assert!(html.contains("在团") && !html.contains("已退"), "{html}");
    let (_, html) = get_html(
        &app,
        &c,
        &format!("/orgs/{}/members?status=left", t.w.county.id),
    )
    .await;
    assert!(
        html.contains("已退") && html.contains("团员（不含已离团）"),
        "{html}"
    );
}

async fn a_left_member_signs_in_and_sees_their_record(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(28, 2), "离团者").await;
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/orgs/{}/aged-out/leave", t.w.branch.id),
            json!({ "person_ids": [m.id], "date": today() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Login is not refused; the member role still opens their own record.
    let own = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, body) = own.get("/api/v1/me/membership").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "aged_out");
    assert_eq!(body["status_label"], "满28周岁离团");
    assert_eq!(body["history"][0]["kind"], "aged_out");
    let c = page_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (_, home) = get_html(&app, &c, "/").await;
    assert!(home.contains("id=\"my-membership\""), "{home}");
    let (status, html) = get_html(&app, &c, "/my-membership").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("满28周岁离团") && html.contains("团籍档案"),
        "{html}"
    );
    // A person who was never a member.
    let (status, body) = t.county.get("/api/v1/me/membership").await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

async fn other_scopes_do_not_find_the_record(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(22, 0), "本区团员").await;
    for api in [&t.sibling, &t.other] {
        for (path, body) in [
            (format!("/api/v1/members/{}/membership", m.id), None),
            (
                format!("/api/v1/members/{}/membership/decide", m.id),
                Some(json!({ "way": "lapsed", "reason": "理由", "date": today() })),
            ),
            (
                format!("/api/v1/members/{}/membership/approve", m.id),
                Some(json!({})),
            ),
            (
                format!("/api/v1/members/{}/membership/restore", m.id),
                Some(json!({ "reason": "理由" })),
            ),
        ] {
            let (status, answer) = match body {
                None => api.get(&path).await,
                Some(b) => api.post(&path, b).await,
            };
            assert_eq!(
                (status, code(&answer)),
                (StatusCode::NOT_FOUND, "not_found"),
                "{path}"
            );
        }
    }
    let (status, _) = t
        .county
        .get(&format!("/api/v1/members/{}/membership", m.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_of(&app, m.id).await, "normal");
    assert_eq!(steps_of(&app, m.id).await, 0);
}
