//! The ways through: started by the member, the sending side or the receiving side; approved
//! on both sides with a branch assigned; across provinces; leaving for a province with its own
//! system; returned; withdrawn; lapsed.

use reqwest::StatusCode;
use serde_json::json;

use super::{
    approve_in, approve_out, audit_count, code, member, membership, request, show, start_mine,
    status_of,
};
use crate::support::TestApp;
use crate::support::members::World;

both_databases!(
    member_starts_both_sides_approve_and_a_branch_is_assigned,
    sender_starts_across_provinces_and_posts_end,
    receiver_starts_and_the_sending_side_completes_it,
    leaving_for_an_own_system_province,
    returned_by_either_side_and_withdrawn_by_the_starter,
    a_lapsed_request_is_refused_and_no_longer_blocks,
);

async fn member_starts_both_sides_approve_and_a_branch_is_assigned(app: TestApp) {
    let world = World::new(&app).await;
    let (p, me) = member(&app, &world.w.branch, 1, "李转接").await;
    // To 团越秀区委: a committee, which assigns one of its branches when it approves.
    let id = start_mine(&me, request(&world.w.sibling)).await;
    let t = show(&me, id).await;
    assert_eq!(t["transfer"]["status"], "pending_out", "{t}");
    assert_eq!(t["transfer"]["starter"], "member");
    assert_eq!(t["may_withdraw"], true);

    // The branch's 待办 shows it; the receiving side may not decide yet.
    let (_, inbox) = world.branch.get("/api/v1/inbox").await;
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "transfer_out"),
        "{inbox}"
    );
    let (status, res) = approve_in(&world.sibling, id, Some(world.sibling_branch.id)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_not_pending");

    let (status, res) = approve_out(&world.branch, &[id]).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res[0]["status"], "pending_in");
    // Deciding again is refused: it is at the other side's step now.
    let (status, res) = approve_out(&world.branch, &[id]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_not_pending");

    // The receiving committee must name a branch below it.
    let (status, res) = approve_in(&world.sibling, id, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
    assert_eq!(code(&res), "transfer_branch_required");
    let (status, res) = approve_in(&world.sibling, id, Some(world.w.branch.id)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
    assert_eq!(code(&res), "transfer_branch_invalid");
    assert_eq!(status_of(&app, id).await, "pending_in");

    let detail = show(&world.sibling, id).await;
    assert_eq!(detail["may_approve_in"], true, "{detail}");
    assert!(
        detail["branches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b[0] == world.sibling_branch.id),
        "{detail}"
    );
    let (status, res) = approve_in(&world.sibling, id, Some(world.sibling_branch.id)).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res[0]["status"], "completed");

    let (org_id, org_path, status) = membership(&app, p.id).await;
    assert_eq!(org_id, world.sibling_branch.id);
    assert_eq!(org_path, world.sibling_branch.path.as_str());
    assert_eq!(status, "normal");
    let t = show(&me, id).await;
    assert_eq!(t["transfer"]["status"], "completed");
    assert_eq!(t["transfer"]["assigned_org_id"], world.sibling_branch.id);
    let events: Vec<&str> = t["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        ["started", "approved_out", "approved_in", "completed"]
    );
    assert_eq!(audit_count(&app, "member.transfer.complete").await, 1);
    // The old branch's admin no longer sees the member in scope; the new one does.
    let (status, _) = world.branch.get(&format!("/api/v1/members/{}", p.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = world
        .sibling
        .get(&format!("/api/v1/members/{}", p.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    // The member's own list shows it.
    let (_, mine) = me.get("/api/v1/me/transfers").await;
    assert_eq!(mine["items"][0]["id"], id, "{mine}");
}

async fn sender_starts_across_provinces_and_posts_end(app: TestApp) {
    let world = World::new(&app).await;
    let (p, _) = member(&app, &world.w.branch, 2, "王跨省").await;
    app.make_cadre(&world.w.branch, &p, "组织委员").await;
    // 办理转出 by the county: its own step counts as approved.
    let (status, res) = world
        .county
        .post(
            &format!("/api/v1/orgs/{}/transfers/out", world.w.county.id),
            json!({"person_ids": [p.id], "reason": "就业", "detail": "长沙某公司", "to_org_id": world.other_branch.id}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let id = res["ids"][0].as_i64().unwrap();
    assert_eq!(status_of(&app, id).await, "pending_in");
    // The other province's list shows it waiting; a branch receiver needs no assignment.
    let (_, list) = world
        .other
        .get("/api/v1/transfers?side=in&state=pending")
        .await;
    assert_eq!(list["total"], 1, "{list}");
    let (status, res) = approve_in(&world.other, id, None).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let (org_id, _, _) = membership(&app, p.id).await;
    assert_eq!(org_id, world.other_branch.id);
    let posts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cadre_posts WHERE person_id = $1")
        .bind(p.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(posts, 0, "the post at the old branch ends with the move");
    let (_, done) = world
        .county
        .get("/api/v1/transfers?side=out&state=done")
        .await;
    assert_eq!(done["items"][0]["status"], "completed", "{done}");
}

async fn receiver_starts_and_the_sending_side_completes_it(app: TestApp) {
    let world = World::new(&app).await;
    let (p, _) = member(&app, &world.w.branch, 3, "赵转入").await;
    let url = format!("/api/v1/orgs/{}/transfers/in", world.w.sibling.id);
    let body = |name: &str| {
        json!({"name": name, "id_number": p.id_number.as_str(), "branch_id": world.sibling_branch.id,
               "reason": "other", "detail": "随家庭迁居"})
    };
    // The name must match the ID number as registered; nothing is told otherwise.
    let (status, res) = world.sibling.post(&url, body("赵某")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{res}");
    assert_eq!(code(&res), "transfer_member_unknown");
    let (status, res) = world.sibling.post(&url, body("赵转入")).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let id = res["ids"][0].as_i64().unwrap();
    assert_eq!(status_of(&app, id).await, "pending_out");
    // The receiving side approved as it started: the sending side's approval completes it.
    let (status, res) = approve_out(&world.branch, &[id]).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res[0]["status"], "completed");
    assert_eq!(membership(&app, p.id).await.0, world.sibling_branch.id);
}

async fn leaving_for_an_own_system_province(app: TestApp) {
    let world = World::new(&app).await;
    let (p, me) = member(&app, &world.w.branch, 4, "钱进京").await;
    let id = start_mine(
        &me,
        json!({"reason": "employment", "detail": "北京某公司", "own_system_province": "北京",
               "own_system_name": "共青团北京某公司委员会"}),
    )
    .await;
    let (status, res) = approve_out(&world.county, &[id]).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res[0]["status"], "left_system");
    let (org_id, _, status) = membership(&app, p.id).await;
    assert_eq!(org_id, world.w.branch.id, "the record stays where it was");
    assert_eq!(status, "transferred_out");
    let t = show(&me, id).await;
    assert_eq!(t["transfer"]["own_system_province"], "beijing");
    assert_eq!(t["transfer"]["to_org_name"], "共青团北京某公司委员会");
    // No longer a member: no further transfer.
    let (status, res) = me
        .post("/api/v1/me/transfers", request(&world.w.sibling))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_not_member");
}

async fn returned_by_either_side_and_withdrawn_by_the_starter(app: TestApp) {
    let world = World::new(&app).await;
    let (p, me) = member(&app, &world.w.branch, 5, "孙退回").await;
    let id = start_mine(&me, request(&world.w.sibling)).await;
    let url = format!("/api/v1/transfers/{id}/return");
    let (status, res) = world.branch.post(&url, json!({"comment": "  "})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
    assert_eq!(code(&res), "comment_required");
    let (status, res) = world
        .branch
        .post(&url, json!({"comment": "请先交清团费"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let t = show(&me, id).await;
    assert_eq!(t["transfer"]["status"], "returned");
    assert_eq!(t["transfer"]["comment"], "请先交清团费");
    let (status, res) = me
        .post(&format!("/api/v1/transfers/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_not_pending");

    // The receiving side returns at its step.
    let id = start_mine(&me, request(&world.w.sibling)).await;
    approve_out(&world.branch, &[id]).await;
    let (status, res) = world
        .sibling
        .post(
            &format!("/api/v1/transfers/{id}/return"),
            json!({"comment": "本区没有该学校"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(status_of(&app, id).await, "returned");

    // Only the starter withdraws.
    let id = start_mine(&me, request(&world.w.sibling)).await;
    let (status, res) = world
        .branch
        .post(&format!("/api/v1/transfers/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{res}");
    assert_eq!(code(&res), "transfer_not_starter");
    let (status, res) = me
        .post(&format!("/api/v1/transfers/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(status_of(&app, id).await, "withdrawn");
    assert_eq!(membership(&app, p.id).await.0, world.w.branch.id);
    assert_eq!(audit_count(&app, "member.transfer.withdraw").await, 1);
}

async fn a_lapsed_request_is_refused_and_no_longer_blocks(app: TestApp) {
    let world = World::new(&app).await;
    let (_, me) = member(&app, &world.w.branch, 6, "周过期").await;
    let id = start_mine(&me, request(&world.w.sibling)).await;
    // Thirty days pass.
    sqlx::query("UPDATE transfers SET expires_at = 1 WHERE id = $1")
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (status, res) = approve_out(&world.branch, &[id]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{res}");
    assert_eq!(code(&res), "transfer_lapsed");
    assert_eq!(show(&me, id).await["transfer"]["status"], "lapsed");
    // A new request lapses the old one for good and goes ahead.
    let again = start_mine(&me, request(&world.w.sibling)).await;
    assert_ne!(again, id);
    assert_eq!(status_of(&app, id).await, "lapsed");
    assert_eq!(audit_count(&app, "member.transfer.lapse").await, 1);
}
