//! 下级团员电子档案审批: the archives waiting for the branch's direct superior, and the members
//! of a subtree past the 30 days without an archive.

use reqwest::StatusCode;
use serde_json::Value;

use super::*;
use crate::support::members::World;

both_databases!(
    the_superior_sees_what_waits,
    overdue_members_are_listed_per_subtree
);

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|i| i["person_id"].as_i64().unwrap())
        .collect()
}

async fn the_superior_sees_what_waits(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "待认证", "2024-01", 1).await;
    upload(&t.branch, m.id, "a.pdf", &pdf(1, 0)).await;
    let (status, inbox) = t.school.get("/api/v1/archives").await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(ids(&inbox["to_approve"]), vec![m.id]);
    assert_eq!(inbox["to_approve"][0]["page_count"], 1);
    assert_eq!(inbox["to_approve"][0]["branch_id"], t.w.branch.id);
    // Not the county's to certify; not the branch's own.
    let (_, county) = t.county.get("/api/v1/archives").await;
    assert!(ids(&county["to_approve"]).is_empty());
    let (_, branch) = t.branch.get("/api/v1/archives").await;
    assert!(ids(&branch["to_approve"]).is_empty());
    t.school
        .post(&at(m.id, "archive/approve"), serde_json::json!({}))
        .await;
    let (_, inbox) = t.school.get("/api/v1/archives").await;
    assert!(ids(&inbox["to_approve"]).is_empty());
    // Members and cadres have no such list.
    let me =
        crate::support::admin::api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, body) = me.get("/api/v1/archives").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "admin_required")
    );
}

async fn overdue_members_are_listed_per_subtree(app: TestApp) {
    let t = World::new(&app).await;
    let late = member(&app, &t.w.branch, 1, "逾期团员", "2021-06", 40).await;
    let later = member(&app, &t.w.branch, 2, "更早录入", "2022-06", 90).await;
    let _recent = member(&app, &t.w.branch, 3, "新录入", "2024-06", 10).await;
    let _old = member(&app, &t.w.branch, 4, "老团员", "2018-06", 400).await;
    let elsewhere = member(&app, &t.sibling_branch, 5, "邻区逾期", "2023-01", 60).await;
    let (_, county) = t.county.get("/api/v1/archives").await;
    assert_eq!(
        ids(&county["overdue"]),
        vec![later.id, late.id],
        "oldest entry first"
    );
    let (_, branch) = t.branch.get("/api/v1/archives").await;
    assert_eq!(ids(&branch["overdue"]), vec![later.id, late.id]);
    let (_, sibling) = t.sibling.get("/api/v1/archives").await;
    assert_eq!(ids(&sibling["overdue"]), vec![elsewhere.id]);
    let (_, city) = t.city.get("/api/v1/archives").await;
    assert_eq!(ids(&city["overdue"]).len(), 3);
    // The member's own page says so.
    let (_, view) = t.branch.get(&at(late.id, "archive")).await;
    assert_eq!(view["overdue"], true);
    assert_eq!(view["status"], "none");
    // Uploaded (even if not yet certified): no longer overdue.
    upload(&t.branch, late.id, "a.pdf", &pdf(1, 0)).await;
    let (_, branch) = t.branch.get("/api/v1/archives").await;
    assert_eq!(ids(&branch["overdue"]), vec![later.id]);
}
