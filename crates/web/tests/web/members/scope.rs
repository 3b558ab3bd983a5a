//! Scope of the member pages and API: an admin never sees or changes a member outside its
//! subtree — a sibling county's, a parent's, another province's — through any route. The
//! answer is 404 (ids cannot be probed) or a refusal, and nothing changes.

use crate::support::admin::{get_html, page_as, post_form};
use crate::support::members::*;
use reqwest::StatusCode;
use serde_json::json;

both_databases!(
    outside_the_subtree_is_not_found_through_the_api,
    outside_the_subtree_is_not_found_through_the_pages,
    a_post_in_scope_shows_no_membership_outside,
    only_admins_act,
);

/// What must not change: every person's name, ID, phone, every membership, and the counts.
async fn snapshot(
    app: &crate::support::TestApp,
) -> (
    Vec<(i64, String, String, Option<String>)>,
    Vec<(i64, Option<String>)>,
    i64,
    i64,
) {
    let people = sqlx::query_as("SELECT id, name, id_number, phone FROM people ORDER BY id")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    let members = sqlx::query_as("SELECT person_id, dev_number FROM members ORDER BY person_id")
        .fetch_all(app.store.pool())
        .await
        .unwrap();
    let cadres: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cadre_posts")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let corrections: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM corrections")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    (people, members, cadres, corrections)
}

async fn outside_the_subtree_is_not_found_through_the_api(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let ours = add(&t.school, &t.w.branch, member_json(1, "天河团员")).await;
    let sibling = add(&t.sibling, &t.sibling_branch, member_json(2, "越秀团员")).await;
    let hunan = add(&t.other, &t.other_branch, member_json(3, "湖南团员")).await;
    // A pending correction of the sibling's member, filed by the sibling county.
    let (status, c) = t
        .sibling
        .post(
            &format!("/api/v1/members/{sibling}/corrections"),
            json!({ "new_name": "越秀改名", "reason": "错字" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let sibling_corr = c["id"].as_i64().unwrap();
    let before = snapshot(&app).await;

    // The county admin (团天河区委) against the sibling county, the parent city and Hunan.
    let outside_orgs = [
        t.sibling_branch.id,
        t.w.sibling.id,
        t.w.city.id,
        t.other_branch.id,
    ];
    for org in outside_orgs {
        for path in [
            format!("/api/v1/orgs/{org}/members"),
            format!("/api/v1/orgs/{org}/members?faulty=1"),
            format!("/api/v1/orgs/{org}/cadres"),
        ] {
            let (status, body) = t.county.get(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        }
        let (status, _) = t
            .county
            .post(
                &format!("/api/v1/orgs/{org}/members"),
                member_json(9, "闯入者"),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let mut cadre = member_json(9, "闯入者");
        cadre["post"] = json!("书记");
        cadre["cadre_nature"] = json!("专职");
        let (status, _) = t
            .county
            .post(&format!("/api/v1/orgs/{org}/cadres"), cadre)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    for person in [sibling, hunan] {
        let (status, body) = t.county.get(&format!("/api/v1/members/{person}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(
            !body.to_string().contains("团员"),
            "nothing of the record leaks"
        );
        let (status, _) = t
            .county
            .send(
                reqwest::Method::PUT,
                &format!("/api/v1/members/{person}"),
                member_json(2, "越秀团员"),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = t
            .county
            .post(
                &format!("/api/v1/members/{person}/corrections"),
                json!({ "new_name": "改", "reason": "x" }),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // The sibling's correction: not visible to the county, nor decidable by Hunan's province.
    for api in [&t.county, &t.other, &t.branch] {
        let (status, _) = api
            .get(&format!("/api/v1/corrections/{sibling_corr}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for action in ["approve", "withdraw"] {
            let (status, _) = api
                .post(
                    &format!("/api/v1/corrections/{sibling_corr}/{action}"),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{action}");
        }
        let (status, _) = api
            .post(
                &format!("/api/v1/corrections/{sibling_corr}/return"),
                json!({ "comment": "不行" }),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // Guangdong's province does not see Hunan's member; a branch admin not its parent's list.
    let (status, _) = t.province.get(&format!("/api/v1/members/{hunan}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = t
        .branch
        .get(&format!("/api/v1/orgs/{}/members", t.w.school.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The county's own list holds only its own subtree, even unfiltered from the top.
    let (_, body) = t
        .county
        .get(&format!("/api/v1/orgs/{}/members", t.w.county.id))
        .await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["person_id"], ours);
    // Searching by the outside member's ID number finds nothing either.
    let (_, body) = t
        .county
        .get(&format!(
            "/api/v1/orgs/{}/members?id_number={}",
            t.w.county.id,
            youth(2)
        ))
        .await;
    assert_eq!(body["total"], 0);
    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

async fn outside_the_subtree_is_not_found_through_the_pages(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let sibling = add(&t.sibling, &t.sibling_branch, member_json(2, "越秀团员")).await;
    let (_, c) = t
        .sibling
        .post(
            &format!("/api/v1/members/{sibling}/corrections"),
            json!({ "new_name": "越秀改名", "reason": "错字" }),
        )
        .await;
    let corr = c["id"].as_i64().unwrap();
    let before = snapshot(&app).await;
    let county = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let org = t.sibling_branch.id;
    for path in [
        format!("/orgs/{org}/members"),
        format!("/orgs/{org}/cadres"),
        format!("/orgs/{org}/members/new"),
        format!("/orgs/{org}/cadres/new"),
        format!("/orgs/{}/members", t.w.city.id),
        format!("/orgs/{}/members", t.other_branch.id),
        format!("/members/{sibling}"),
        format!("/members/{sibling}/edit"),
        format!("/members/{sibling}/corrections/new"),
        format!("/corrections/{corr}"),
    ] {
        let (status, html) = get_html(&app, &county, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!html.contains("越秀团员"), "{path} leaks the record");
    }
    let form = [
        ("name", "闯入者"),
        ("id_number", "440106200803010090"),
        ("ethnicity", "汉族"),
        ("political_status", "共青团员"),
        ("join_month", "2022-05"),
        ("dev_number", "202244000090"),
        ("new_name", "改"),
        ("reason", "x"),
        ("comment", "x"),
    ];
    for action in [
        format!("/orgs/{org}/members/new"),
        format!("/orgs/{org}/cadres/new"),
        format!("/members/{sibling}/edit"),
        format!("/members/{sibling}/corrections/new"),
        format!("/corrections/{corr}/approve"),
        format!("/corrections/{corr}/return"),
        format!("/corrections/{corr}/withdraw"),
    ] {
        let res = post_form(&app, &county, "/", &action, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

async fn a_post_in_scope_shows_no_membership_outside(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    // A member of the sibling county's branch is also a cadre of 团天河区委.
    let person = add(&t.sibling, &t.sibling_branch, member_json(2, "越秀团员")).await;
    let mut cadre = member_json(2, "越秀团员");
    cadre["post"] = json!("委员");
    cadre["cadre_nature"] = json!("兼职");
    let (status, body) = t
        .county
        .post(&format!("/api/v1/orgs/{}/cadres", t.w.county.id), cadre)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["record"]["membership"].is_null(), "{body}");
    let (status, body) = t.county.get(&format!("/api/v1/members/{person}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["membership"].is_null());
    assert_eq!(body["posts"].as_array().unwrap().len(), 1);
    assert_eq!(body["may_edit"], false);
    // The membership outside stays out of reach.
    let before = snapshot(&app).await;
    let (status, _) = t
        .county
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/members/{person}"),
            member_json(2, "越秀团员"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = t
        .county
        .post(
            &format!("/api/v1/members/{person}/corrections"),
            json!({ "new_name": "改", "reason": "x" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let page = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let (status, html) = get_html(&app, &page, &format!("/members/{person}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains(&t.sibling_branch.full_name),
        "the branch outside is not named"
    );
    assert!(!html.contains("修改信息"));
    assert_eq!(snapshot(&app).await, before);
}

async fn only_admins_act(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    // A cadre of the branch, acting as cadre, is refused with the admin message.
    let cadre = crate::support::admin::person(&app, 60, "团干部").await;
    app.make_cadre(&t.w.branch, &cadre, "书记").await;
    let api =
        crate::support::admin::api_as(&app, cadre.id_number.as_str(), "cadre", t.w.branch.id).await;
    let (status, body) = api
        .get(&format!("/api/v1/orgs/{}/members", t.w.branch.id))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "admin_required");
    let (status, _) = api
        .post(
            &format!("/api/v1/orgs/{}/members", t.w.branch.id),
            member_json(1, "张一"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(member_count(&app).await, 0);
    // Without signing in: 401.
    let (status, _) = app
        .api()
        .get(&format!("/api/v1/orgs/{}/members", t.w.branch.id))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
