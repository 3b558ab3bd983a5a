//! Refusals: each with its code, and nothing written.

use reqwest::StatusCode;
use serde_json::json;

use super::{approve_in, approve_out, code, member, non_member, request, start_mine};
use crate::support::TestApp;
use crate::support::members::World;

both_databases!(
    bad_requests_are_told_field_by_field,
    one_open_request_per_member_and_never_to_the_own_branch,
    only_admins_in_scope_decide,
    military_is_reviewed_by_the_receiving_province,
);

async fn transfers(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM transfers")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn bad_requests_are_told_field_by_field(app: TestApp) {
    let world = World::new(&app).await;
    let (_, me) = member(&app, &world.w.branch, 11, "吴填错").await;
    let cases = [
        (
            json!({"reason": "旅游", "detail": "x", "to_org_id": world.w.sibling.id}),
            "transfer_reason_invalid",
            "reason",
        ),
        (
            json!({"reason": "升学", "detail": "  ", "to_org_id": world.w.sibling.id}),
            "transfer_detail_invalid",
            "detail",
        ),
        (
            json!({"reason": "升学", "detail": "某大学"}),
            "transfer_destination_invalid",
            "to_org_id",
        ),
        (
            json!({"reason": "升学", "detail": "某大学", "own_system_province": "上海", "own_system_name": "x"}),
            "transfer_destination_invalid",
            "own_system_province",
        ),
        // A provincial committee receives nobody directly.
        (
            json!({"reason": "升学", "detail": "某大学", "to_org_id": world.w.province.id}),
            "transfer_destination_invalid",
            "to_org_id",
        ),
        (
            json!({"reason": "升学", "detail": "某大学", "to_org_id": 999_999}),
            "transfer_destination_invalid",
            "to_org_id",
        ),
    ];
    for (body, expected, field) in cases {
        let (status, res) = me.post("/api/v1/me/transfers", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {res}");
        assert_eq!(code(&res), expected, "{body}: {res}");
        assert_eq!(res["error"]["field"], field, "{body}: {res}");
        assert!(!res["error"]["message"].as_str().unwrap().is_empty());
    }
    // Someone with no member record.
    let stranger = non_member(&app, 12).await;
    let (status, res) = stranger
        .post("/api/v1/me/transfers", request(&world.w.sibling))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_not_member");
    // 办理转出 with nobody ticked, and an admin role needed.
    let (status, res) = world
        .branch
        .post(
            &format!("/api/v1/orgs/{}/transfers/out", world.w.branch.id),
            json!({"person_ids": [], "reason": "升学", "detail": "x", "to_org_id": world.w.sibling.id}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
    assert_eq!(res["error"]["field"], "person_ids");
    let (status, res) = me.get("/api/v1/transfers?side=out").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    assert_eq!(code(&res), "admin_required");
    let (status, res) = world.branch.get("/api/v1/transfers?side=sideways").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
    assert_eq!(code(&res), "query_invalid");
    assert_eq!(transfers(&app).await, 0);
}

async fn one_open_request_per_member_and_never_to_the_own_branch(app: TestApp) {
    let world = World::new(&app).await;
    let (p, me) = member(&app, &world.w.branch, 13, "郑重复").await;
    let (status, res) = me
        .post("/api/v1/me/transfers", request(&world.w.branch))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_same_org");
    let id = start_mine(&me, request(&world.w.sibling)).await;
    let (status, res) = me
        .post("/api/v1/me/transfers", request(&world.other_branch))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_pending");
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&id.to_string())
    );
    // Nor by an admin, and a bulk with one such member writes nothing at all.
    let (q, _) = member(&app, &world.w.branch, 14, "冯同批").await;
    let before = transfers(&app).await;
    let (status, res) = world
        .county
        .post(
            &format!("/api/v1/orgs/{}/transfers/out", world.w.county.id),
            json!({"person_ids": [q.id, p.id], "reason": "升学", "detail": "x", "to_org_id": world.other_branch.id}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_pending");
    assert_eq!(transfers(&app).await, before);
}

async fn only_admins_in_scope_decide(app: TestApp) {
    let world = World::new(&app).await;
    let (p, me) = member(&app, &world.w.branch, 15, "陈范围").await;
    let id = start_mine(&me, request(&world.w.sibling)).await;
    // Another province's admin does not learn it exists.
    let (status, res) = approve_out(&world.other, &[id]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{res}");
    assert_eq!(code(&res), "not_found");
    let (status, _) = world.other.get(&format!("/api/v1/transfers/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The receiving side sees it but decides only at its own step.
    let (status, res) = approve_out(&world.sibling, &[id]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    assert_eq!(code(&res), "out_of_scope");
    // A member is no admin.
    let (status, res) = approve_out(&me, &[id]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    assert_eq!(code(&res), "admin_required");
    // 办理转出 of a member outside the organisation named.
    let (status, res) = world
        .sibling
        .post(
            &format!("/api/v1/orgs/{}/transfers/out", world.w.sibling.id),
            json!({"person_ids": [p.id], "reason": "升学", "detail": "x", "to_org_id": world.other_branch.id}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    assert_eq!(code(&res), "out_of_scope");
    // 办理转入 into an organisation outside the admin's scope.
    let (status, res) = world
        .branch
        .post(
            &format!("/api/v1/orgs/{}/transfers/in", world.w.sibling.id),
            json!({"name": "陈范围", "id_number": p.id_number.as_str(), "reason": "升学", "detail": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{res}");
    assert_eq!(super::status_of(&app, id).await, "pending_out");
}

async fn military_is_reviewed_by_the_receiving_province(app: TestApp) {
    let world = World::new(&app).await;
    let (p, me) = member(&app, &world.w.branch, 16, "褚参军").await;
    let id = start_mine(
        &me,
        json!({"reason": "参军", "detail": "南部战区某部", "to_org_id": world.sibling_branch.id}),
    )
    .await;
    approve_out(&world.branch, &[id]).await;
    let (status, res) = approve_in(&world.sibling, id, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    assert_eq!(code(&res), "transfer_province_review");
    let (status, res) = approve_in(&world.province, id, None).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(
        super::membership(&app, p.id).await.0,
        world.sibling_branch.id
    );
}
