//! 组织迁移 and the approval inbox: applying, both approvals, returns, withdrawal, the checks at
//! every step, 团中央's direct moves across provinces, and the 待办 count in the header.

use crate::support::admin::*;
use crate::support::{ApiClient, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::OrgKind;
use tuanjian_store::orgs::Org;

both_databases!(
    happy_path_moves_the_subtree,
    returns_by_old_and_new_parent,
    withdraw_and_one_open_request,
    refused_targets_change_nothing,
    central_moves_across_provinces,
    approvals_recheck_the_tree,
    wrong_roles_refused,
    pages_for_the_whole_flow,
    inbox_lists_oldest_first_with_header_count,
    info_changes_reach_the_inbox_and_follow_a_move,
);

/// 广东: 广州 → 天河 → 一中团委 → 初一(1)班团支部; 深圳 beside 广州, with admins.
struct World {
    gd: Org,
    gz: Org,
    sz: Org,
    th: Org,
    school: Org,
    branch: Org,
    gz_api: ApiClient,
    sz_api: ApiClient,
    th_api: ApiClient,
}

async fn world(app: &TestApp) -> World {
    let gd = app.province("团广东省委").await;
    let gz = city(app, &gd, "广州市").await;
    let sz = city(app, &gd, "深圳市").await;
    let th = county(app, &gz, "天河区").await;
    let school = grassroots(app, &th, OrgKind::Committee, "天河一中团委").await;
    let branch = grassroots(app, &school, OrgKind::Branch, "初一1班团支部").await;
    let (_, gz_api) = admin_of(app, &gz, 11, "广州管理员").await;
    let (_, sz_api) = admin_of(app, &sz, 12, "深圳管理员").await;
    let (_, th_api) = admin_of(app, &th, 13, "天河管理员").await;
    World {
        gd,
        gz,
        sz,
        th,
        school,
        branch,
        gz_api,
        sz_api,
        th_api,
    }
}

async fn apply(api: &ApiClient, org: &Org, to: &Org) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/orgs/{}/move", org.id),
        json!({ "to_parent_id": to.id }),
    )
    .await
}

async fn decide(
    api: &ApiClient,
    move_id: &Value,
    what: &str,
    comment: Option<&str>,
) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/moves/{move_id}/{what}"),
        json!({ "comment": comment }),
    )
    .await
}

async fn fresh(app: &TestApp, id: i64) -> Org {
    app.store.org(id).await.unwrap()
}

async fn inbox_count(api: &ApiClient) -> i64 {
    let (status, body) = api.get("/api/v1/inbox").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["count"].as_i64().unwrap()
}

async fn happy_path_moves_the_subtree(app: TestApp) {
    let w = world(&app).await;
    let (status, m) = apply(&w.th_api, &w.th, &w.sz).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "pending_old");
    assert_eq!(m["from_parent_id"], w.gz.id);
    assert_eq!(m["to_parent_full_name"], "共青团深圳市委员会");
    let id = m["id"].clone();
    assert_eq!(inbox_count(&w.gz_api).await, 1);
    assert_eq!(inbox_count(&w.sz_api).await, 0);
    // The new parent cannot approve before the old one.
    let (status, body) = decide(&w.sz_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(fresh(&app, w.th.id).await.parent_id, Some(w.gz.id));

    let (status, m) = decide(&w.gz_api, &id, "approve", Some("同意")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "pending_new");
    assert_eq!(
        fresh(&app, w.th.id).await.parent_id,
        Some(w.gz.id),
        "not moved yet"
    );
    assert_eq!(inbox_count(&w.gz_api).await, 0);
    assert_eq!(inbox_count(&w.sz_api).await, 1);
    // Approving twice at the same stage is refused.
    let (status, _) = decide(&w.gz_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, m) = decide(&w.sz_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "approved");
    assert_eq!(m["moved"]["subtree_size"], 3);
    assert_eq!(inbox_count(&w.sz_api).await, 0);

    // The subtree read back: paths, depths and parents.
    let th = fresh(&app, w.th.id).await;
    let school = fresh(&app, w.school.id).await;
    let branch = fresh(&app, w.branch.id).await;
    let th_path = format!("{}{}/", w.sz.path, w.th.id);
    assert_eq!(th.path.as_str(), th_path);
    assert_eq!(school.path.as_str(), format!("{th_path}{}/", w.school.id));
    assert_eq!(
        branch.path.as_str(),
        format!("{th_path}{}/{}/", w.school.id, w.branch.id)
    );
    assert_eq!(th.parent_id, Some(w.sz.id));
    assert_eq!(school.parent_id, Some(w.th.id));
    assert_eq!(branch.parent_id, Some(w.school.id));
    for (org, depth) in [(&th, 3), (&school, 4), (&branch, 5)] {
        let stored: i64 = sqlx::query_scalar("SELECT depth FROM orgs WHERE id = $1")
            .bind(org.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        assert_eq!(stored, depth, "{}", org.full_name);
        assert_eq!(org.path.depth() as i64, depth);
        assert_eq!(org.province_id, Some(w.gd.id));
    }
    assert_eq!(app.store.subtree_org_count(&w.gz.path).await.unwrap(), 1);
    assert_eq!(
        app.store
            .subtree_org_count(&fresh(&app, w.sz.id).await.path)
            .await
            .unwrap(),
        4
    );
    let audit = tuanjian_store::audit::recent(&app.store, "org.move", 1)
        .await
        .unwrap();
    assert!(
        audit[0]
            .before_json
            .as_deref()
            .unwrap()
            .contains(w.th.path.as_str())
    );
    assert!(audit[0].after_json.as_deref().unwrap().contains(&th_path));
    // The new parent now administers it; the old parent no longer sees it.
    let (status, _) = w.sz_api.get(&format!("/api/v1/orgs/{}", w.branch.id)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = w.gz_api.get(&format!("/api/v1/orgs/{}", w.th.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The applicant's history lists it.
    let (status, list) = w
        .th_api
        .get(&format!("/api/v1/orgs/{}/moves", w.th.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"][0]["status"], "approved");
}

async fn returns_by_old_and_new_parent(app: TestApp) {
    let w = world(&app).await;
    let (_, m) = apply(&w.th_api, &w.th, &w.sz).await;
    let id = m["id"].clone();
    // A return needs a comment.
    let (status, body) = decide(&w.gz_api, &id, "return", Some("  ")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "comment_required");
    let (status, m) = decide(&w.gz_api, &id, "return", Some("请先完成换届")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "returned");
    assert_eq!(m["comment"], "请先完成换届");
    assert_eq!(fresh(&app, w.th.id).await.parent_id, Some(w.gz.id));
    // Returned is final: no approval afterwards.
    let (status, body) = decide(&w.gz_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "move_not_pending");

    let (status, m) = apply(&w.th_api, &w.th, &w.sz).await;
    assert_eq!(status, StatusCode::OK, "a new request after a return: {m}");
    let id = m["id"].clone();
    decide(&w.gz_api, &id, "approve", None).await;
    let (status, m) = decide(&w.sz_api, &id, "return", Some("我委暂不接收")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "returned");
    assert_eq!(m["comment"], "我委暂不接收");
    assert_eq!(fresh(&app, w.th.id).await.path, w.th.path);
    assert_eq!(app.audit_count("org.move.return").await, 2);
    assert_eq!(app.audit_count("org.move").await, 0);
}

async fn withdraw_and_one_open_request(app: TestApp) {
    let w = world(&app).await;
    let (_, m) = apply(&w.th_api, &w.th, &w.sz).await;
    let id = m["id"].clone();
    let (status, body) = apply(&w.th_api, &w.th, &w.sz).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "move_already_open");
    // Only the applicant withdraws.
    let (status, _) = w
        .gz_api
        .post(&format!("/api/v1/moves/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    decide(&w.gz_api, &id, "approve", None).await;
    let (status, m) = w
        .th_api
        .post(&format!("/api/v1/moves/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "withdrawn");
    let (status, body) = w
        .th_api
        .post(&format!("/api/v1/moves/{id}/withdraw"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "move_not_pending");
    let (status, _) = decide(&w.sz_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(inbox_count(&w.sz_api).await, 0);
    assert_eq!(fresh(&app, w.th.id).await.parent_id, Some(w.gz.id));
    let (status, _) = apply(&w.th_api, &w.th, &w.sz).await;
    assert_eq!(status, StatusCode::OK, "a new request after withdrawing");
}

async fn refused_targets_change_nothing(app: TestApp) {
    let w = world(&app).await;
    let zj = app.province("团浙江省委").await;
    let hz = city(&app, &zj, "杭州市").await;
    let sz_branch = grassroots(&app, &w.sz, OrgKind::Branch, "深圳机关团支部").await;
    let (_, school_api) = admin_of(&app, &w.school, 14, "一中管理员").await;
    let cases: Vec<(&ApiClient, &Org, &Org, &str)> = vec![
        (&w.th_api, &w.th, &hz, "move_across_provinces"),
        (&w.th_api, &w.th, &w.th, "move_under_itself"),
        (&w.th_api, &w.th, &w.school, "move_under_descendant"),
        (&w.th_api, &w.th, &w.branch, "move_under_descendant"),
        (&w.th_api, &w.th, &w.gz, "move_same_parent"),
        // A county committee stands only under a city.
        (&w.th_api, &w.th, &w.gd, "org_kind_not_allowed"),
        // Nothing stands under a branch.
        (&school_api, &w.school, &sz_branch, "org_kind_not_allowed"),
    ];
    for (api, org, to, code) in cases {
        let (status, body) = apply(api, org, to).await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{} → {}: {body}",
            org.short_name,
            to.short_name
        );
        assert_eq!(body["error"]["code"], code, "{body}");
        if code == "move_across_provinces" {
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("跨省组织迁移请省级团委管理员线下联系团中央")
            );
        }
    }
    let (status, body) = w
        .th_api
        .post(
            &format!("/api/v1/orgs/{}/move", w.th.id),
            json!({ "to_parent_id": 99999999 }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "to_parent_invalid");
    let (status, body) = w
        .th_api
        .post(
            &format!("/api/v1/orgs/{}/move", w.th.id),
            json!({ "to_parent_id": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // A province cannot move.
    let (_, gd_api) = admin_of(&app, &w.gd, 15, "省管理员").await;
    let (status, body) = apply(&gd_api, &w.gd, &w.gz).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_not_movable");
    let moves: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_moves")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(moves, 0);
    assert_eq!(fresh(&app, w.th.id).await.path, w.th.path);
}

async fn central_moves_across_provinces(app: TestApp) {
    let w = world(&app).await;
    let zj = app.province("团浙江省委").await;
    let hz = city(&app, &zj, "杭州市").await;
    // An open request is returned by the direct move.
    let (_, pending) = apply(&w.th_api, &w.th, &w.sz).await;
    let mut root = app.api();
    root.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let (status, m) = apply(&root, &w.th, &hz).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "moved");
    assert_eq!(m["moved"]["subtree_size"], 3);
    for id in [w.th.id, w.school.id, w.branch.id] {
        let o = fresh(&app, id).await;
        assert_eq!(o.province_id, Some(zj.id), "{}", o.full_name);
        assert!(o.path.as_str().starts_with(hz.path.as_str()));
    }
    assert_eq!(fresh(&app, w.th.id).await.parent_id, Some(hz.id));
    let (_, old) = w
        .th_api
        .get(&format!("/api/v1/moves/{}", pending["id"]))
        .await;
    assert_eq!(old["status"], "returned", "{old}");
    assert_eq!(app.audit_count("org.move").await, 1);
    // The 广东 admins lost it; moving a province is refused even for 团中央.
    let (status, _) = w.gz_api.get(&format!("/api/v1/orgs/{}", w.th.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = apply(&root, &zj, &w.gd).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_not_movable");
    // A whole city moves to another province too (under the province itself).
    let (status, m) = apply(&root, &w.sz, &zj).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(fresh(&app, w.sz.id).await.province_id, Some(zj.id));
}

async fn approvals_recheck_the_tree(app: TestApp) {
    let w = world(&app).await;
    let zj = app.province("团浙江省委").await;
    let (_, m) = apply(&w.th_api, &w.th, &w.sz).await;
    let id = m["id"].clone();
    // Meanwhile 团中央 moves the chosen new parent to another province.
    let mut root = app.api();
    root.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let (status, body) = apply(&root, &w.sz, &zj).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = decide(&w.gz_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "move_across_provinces");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("请退回")
    );
    let (_, m) = w.th_api.get(&format!("/api/v1/moves/{id}")).await;
    assert_eq!(m["status"], "pending_old", "unchanged");
    let (status, _) = decide(&w.gz_api, &id, "return", Some("新上级已不在本省")).await;
    assert_eq!(status, StatusCode::OK);
}

async fn wrong_roles_refused(app: TestApp) {
    let w = world(&app).await;
    // A superior cannot apply for its child; a child admin cannot approve.
    let (status, body) = apply(&w.gz_api, &w.th, &w.sz).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "not_own_org");
    let (_, m) = apply(&w.th_api, &w.th, &w.sz).await;
    let id = m["id"].clone();
    let (status, _) = decide(&w.th_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The province (an ancestor, not the direct parent) cannot approve either.
    let (_, gd_api) = admin_of(&app, &w.gd, 15, "省管理员").await;
    let (status, body) = decide(&gd_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Someone outside sees nothing.
    let zj = app.province("团浙江省委").await;
    let (_, zj_api) = admin_of(&app, &zj, 16, "浙江管理员").await;
    let (status, _) = decide(&zj_api, &id, "approve", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = zj_api.get(&format!("/api/v1/moves/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A cadre role is no admin.
    let cadre = person(&app, 17, "天河干部").await;
    app.make_cadre(&w.th, &cadre, "副书记").await;
    let cadre_api = api_as(&app, cadre.id_number.as_str(), "cadre", w.th.id).await;
    let (status, body) = apply(&cadre_api, &w.th, &w.sz).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = cadre_api.get("/api/v1/inbox").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "admin_required");
    let (_, m) = w.th_api.get(&format!("/api/v1/moves/{id}")).await;
    assert_eq!(m["status"], "pending_old");
    assert_eq!(app.audit_count("org.move.approve_old").await, 0);
}

async fn pages_for_the_whole_flow(app: TestApp) {
    let w = world(&app).await;
    let th_page = page_as(&app, &idn(13), "admin", w.th.id).await;
    let move_page = format!("/orgs/{}/move", w.th.id);
    let (status, html) = get_html(&app, &th_page, &format!("{move_page}?q=深圳")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"current-parent\"") && html.contains("共青团广州市委员会"));
    assert!(
        html.contains(&format!("id=\"candidate-{}\"", w.sz.id)),
        "{html}"
    );
    assert!(html.contains("/static/search.js"));
    // Choosing another province's organisation is refused on the page with the seed's message.
    let zj = app.province("团浙江省委").await;
    let res = post_form(
        &app,
        &th_page,
        &move_page,
        &move_page,
        &[("to_parent_id", &zj.id.to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"move-error\"") && html.contains("由团中央管理员办理"));
    let res = post_form(
        &app,
        &th_page,
        &move_page,
        &move_page,
        &[("to_parent_id", &w.sz.id.to_string())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let detail = crate::support::location(&res);
    let move_id: i64 = detail
        .trim_start_matches("/moves/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, html) = get_html(&app, &th_page, &detail).await;
    assert!(html.contains("data-status=\"pending_old\"") && html.contains("id=\"withdraw\""));
    assert!(!html.contains("id=\"approve\""));
    // The old parent sees it in the header count and approves on the page.
    let gz_page = page_as(&app, &idn(11), "admin", w.gz.id).await;
    let (_, html) = get_html(&app, &gz_page, &format!("/orgs/{}", w.gz.id)).await;
    assert!(
        html.contains("id=\"inbox-link\"") && html.contains("待办 (1)"),
        "{html}"
    );
    let (_, html) = get_html(&app, &gz_page, "/inbox").await;
    assert!(html.contains(&format!("href=\"/moves/{move_id}\"")));
    let res = post_form(
        &app,
        &gz_page,
        &detail,
        &format!("/moves/{move_id}/return"),
        &[("comment", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("请填写退回意见"));
    let res = post_form(
        &app,
        &gz_page,
        &detail,
        &format!("/moves/{move_id}/approve"),
        &[("comment", "同意迁出")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let sz_page = page_as(&app, &idn(12), "admin", w.sz.id).await;
    let (_, html) = get_html(&app, &sz_page, &format!("/moves/{move_id}")).await;
    assert!(html.contains("迁入组织审批") && html.contains("id=\"approve\""));
    let res = post_form(
        &app,
        &sz_page,
        &detail,
        &format!("/moves/{move_id}/approve"),
        &[("comment", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &sz_page, &crate::support::location(&res)).await;
    assert!(html.contains("data-status=\"approved\""), "{html}");
    assert_eq!(fresh(&app, w.th.id).await.parent_id, Some(w.sz.id));
    // 团中央 sees the direct-move form with the province choice.
    let root_page = page_as_with(
        &app,
        ROOT_ADMIN_ID,
        ROOT_ADMIN_PASSWORD,
        "admin",
        app.root.id,
    )
    .await;
    let (status, html) = get_html(&app, &root_page, &format!("/orgs/{}/move", w.school.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("团中央直接办理") && html.contains("id=\"province_id\""));
}

async fn inbox_lists_oldest_first_with_header_count(app: TestApp) {
    let w = world(&app).await;
    let (requester, _) = (w.th.id, ());
    let th_admin: i64 = sqlx::query_scalar("SELECT person_id FROM org_admins WHERE org_id = $1")
        .bind(requester)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    // An info change of 天河 waiting for 广州, older than everything else.
    sqlx::query(
        "INSERT INTO org_changes (org_id, approver_org_id, requested_by, requested_at, before_json, changes_json, status) \
         VALUES ($1, $2, $3, 100, '{}', '{}', 'pending'), ($1, $2, $3, 50, '{}', '{}', 'returned')",
    )
    .bind(w.th.id)
    .bind(w.gz.id)
    .bind(th_admin)
    .execute(app.store.pool())
    .await
    .unwrap();
    app.store.forget_cached();
    let (_, m) = apply(&w.th_api, &w.th, &w.sz).await;
    // A second move, into 广州 from 深圳's side, waiting for 广州 as the new parent.
    let sz_school = grassroots(&app, &w.sz, OrgKind::Committee, "深圳一中团委").await;
    let (_, school_api) = admin_of(&app, &sz_school, 18, "深圳一中管理员").await;
    let (_, m2) = apply(&school_api, &sz_school, &w.gz).await;
    decide(&w.sz_api, &m2["id"], "approve", None).await;

    let (status, inbox) = w.gz_api.get("/api/v1/inbox").await;
    assert_eq!(status, StatusCode::OK, "{inbox}");
    assert_eq!(inbox["count"], 3);
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "info_change", "oldest first: {inbox}");
    assert_eq!(inbox["items"][0]["link"], format!("/orgs/{}/info", w.th.id));
    let times: Vec<i64> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["requested_at"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "{times:?}");
    assert!(kinds.contains(&"move_out") && kinds.contains(&"move_in"));
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["link"] == format!("/moves/{}", m["id"]))
    );
    let c = page_as(&app, &idn(11), "admin", w.gz.id).await;
    let (status, html) = get_html(&app, &c, "/inbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("待办 (3)"));
    assert_eq!(html.matches("class=\"inbox-item\"").count(), 3);
    let first = html.find("组织信息修改审批").unwrap();
    let later = html.find("组织迁移审批").unwrap();
    assert!(first < later, "oldest first on the page");
    // Every admin page shows the count; others show none.
    let (_, html) = get_html(&app, &c, &format!("/orgs/{}/admins", w.th.id)).await;
    assert!(html.contains("待办 (3)") && html.contains("id=\"search-link\""));
    let th_page = page_as(&app, &idn(13), "admin", w.th.id).await;
    let (_, html) = get_html(&app, &th_page, &format!("/orgs/{}", w.th.id)).await;
    assert!(html.contains("待办 (0)"));
}

async fn info_changes_reach_the_inbox_and_follow_a_move(app: TestApp) {
    let w = world(&app).await;
    let info = format!("/api/v1/orgs/{}/info", w.th.id);
    // The first phone number is a fill (at once); changing it waits for the direct superior.
    let (status, body) = w
        .th_api
        .send(
            reqwest::Method::PUT,
            &info,
            json!({ "phone": "020-12345678" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = w
        .th_api
        .send(
            reqwest::Method::PUT,
            &info,
            json!({ "phone": "020-87654321" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["pending_change_id"].is_i64(), "{body}");
    let change_id = body["pending_change_id"].as_i64().unwrap();
    let (_, inbox) = w.gz_api.get("/api/v1/inbox").await;
    assert_eq!(inbox["count"], 1, "{inbox}");
    assert_eq!(inbox["items"][0]["kind"], "info_change");
    assert_eq!(inbox["items"][0]["org_id"], w.th.id);
    // After the move the new direct superior decides the waiting change.
    let (_, m) = apply(&w.th_api, &w.th, &w.sz).await;
    decide(&w.gz_api, &m["id"], "approve", None).await;
    let (status, _) = decide(&w.sz_api, &m["id"], "approve", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(inbox_count(&w.gz_api).await, 0);
    let (_, inbox) = w.sz_api.get("/api/v1/inbox").await;
    assert_eq!(inbox["count"], 1, "{inbox}");
    assert_eq!(inbox["items"][0]["kind"], "info_change");
    assert_eq!(inbox["items"][0]["link"], format!("/orgs/{}/info", w.th.id));
    let (status, body) = w
        .sz_api
        .post(
            &format!("/api/v1/orgs/{}/changes/{change_id}/approve", w.th.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(inbox_count(&w.sz_api).await, 0);
}
