//! The member and cadre lists as admin tables (issue 13), on both databases: page size and
//! page jumps (out of range, bad sizes), the 所在团支部 / 所在组织 filter (out of scope is not
//! found), the 所在团支部 column hidden for one branch's list, the 操作 column, and the bulk
//! actions on ticked rows: export (the file read back), reset codes (each redeemable, audited,
//! all or none), the transfer link; each through the pages and the API.

use crate::support::admin::{get_html, page_as, post_form};
use crate::support::import::values_of;
use crate::support::location;
use crate::support::members::*;
use crate::support::{ApiClient, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_app::member_import::columns::Kind;
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::orgs::Org;

both_databases!(
    page_size_and_jumps,
    branch_filter_within_scope,
    bulk_export_of_the_ticked,
    bulk_reset_codes_all_or_none,
    bulk_transfer_and_row_actions,
    cadre_table,
    cadre_bulk_reset_codes,
    many_branches_offer_a_text_box,
);

/// The world with a second branch under the school: 5 members in the first (n 1–5), 2 in the
/// second (n 6–7), 1 under the sibling county (n 8). Returns the second branch and the ids.
async fn seeded(app: &TestApp, t: &World) -> (Org, Vec<i64>, i64) {
    let second = app
        .add_org(
            &t.w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一2班团支部",
            "共青团某中学高一2班支部",
        )
        .await;
    let mut ids = Vec::new();
    for n in 1..=5 {
        ids.push(add(&t.branch, &t.w.branch, member_json(n, &format!("甲{n}"))).await);
    }
    for n in 6..=7 {
        ids.push(add(&t.school, &second, member_json(n, &format!("乙{n}"))).await);
    }
    let outside = add(&t.sibling, &t.sibling_branch, member_json(8, "丙8")).await;
    (second, ids, outside)
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

async fn school_pages(app: &TestApp, t: &World) -> reqwest::Client {
    page_as(
        app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await
}

async fn page_size_and_jumps(app: TestApp) {
    let t = World::new(&app).await;
    seeded(&app, &t).await;
    let base = format!("/api/v1/orgs/{}/members", t.w.school.id);
    let (_, b) = t.school.get(&format!("{base}?per_page=2&page=4")).await;
    assert_eq!(
        (b["total"].as_i64(), b["pages"].as_i64()),
        (Some(7), Some(4))
    );
    assert_eq!(names(&b).len(), 1);
    // The API answers an empty page past the end (a client paging until empty stops).
    let (status, b) = t.school.get(&format!("{base}?per_page=2&page=9")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((b["page"].as_i64(), names(&b).len()), (Some(9), 0));
    // Sizes out of bounds are brought into bounds and said; no number is refused.
    let (status, b) = t.school.get(&format!("{base}?per_page=500")).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["per_page"], 100);
    assert!(
        b["notices"][0]
            .as_str()
            .unwrap()
            .contains("每页最多显示100条")
    );
    let (_, b) = t.school.get(&format!("{base}?per_page=0&page=-1")).await;
    assert_eq!(
        (b["per_page"].as_i64(), b["page"].as_i64()),
        (Some(20), Some(1))
    );
    assert_eq!(b["notices"].as_array().unwrap().len(), 2, "{b}");
    let (status, b) = t.school.get(&format!("{base}?per_page=lots")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(b["error"]["code"], "query_invalid");
    assert!(b["error"]["message"].as_str().unwrap().contains("每页条数"));

    // The page: a page past the end shows the last one and says so.
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/members", t.w.school.id);
    let (status, html) = get_html(&app, &c, &format!("{list}?per_page=2&page=9")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("第9页不存在（共4页），已显示最后一页"),
        "{html}"
    );
    assert!(html.contains("第 4 / 4 页"));
    assert!(html.contains("id=\"first-page\"") && html.contains("id=\"page-1\""));
    assert!(
        !html.contains("id=\"next-page\""),
        "no 下一页 on the last page"
    );
    // 跳至 and 每页 are one form carrying the filters.
    let (_, html) = get_html(
        &app,
        &c,
        &format!("{list}?per_page=2&page=2&name=%E7%94%B2"),
    )
    .await;
    assert!(html.contains("id=\"page-jump\""));
    assert!(
        html.contains("<input type=\"hidden\" name=\"name\" value=\"甲\">"),
        "{html}"
    );
    assert!(html.contains("<option value=\"50\">50</option>"));
    assert!(
        html.contains("<option value=\"2\" selected>2</option>"),
        "the size asked for is kept"
    );
    assert!(html.contains("aria-current=\"page\" id=\"page-current\">2<"));
    let (status, html) = get_html(&app, &c, &format!("{list}?per_page=1000")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("每页最多显示100条，已按每页100条显示"));
    let (status, html) = get_html(&app, &c, &format!("{list}?per_page=x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("每页条数“x”不是整数"));
}

async fn branch_filter_within_scope(app: TestApp) {
    let t = World::new(&app).await;
    let (second, ..) = seeded(&app, &t).await;
    let base = format!("/api/v1/orgs/{}/members", t.w.school.id);
    let (_, b) = t.school.get(&format!("{base}?branch={}", second.id)).await;
    assert_eq!(names(&b), ["乙6", "乙7"]);
    assert_eq!(b["branch_id"], second.id);
    // By full name (the text box of a large subtree), turned into the same branch.
    let (_, b) = t
        .school
        .get(&format!("{base}?branch_name={}", second.full_name))
        .await;
    assert_eq!(b["total"], 2);
    assert_eq!(b["branch_id"], second.id);
    // A branch outside the listed organisation, one outside the scope, an organisation that is
    // no branch, and nonsense: all not found, with what to do.
    for q in [
        format!("branch={}", t.sibling_branch.id),
        format!("branch={}", t.other_branch.id),
        format!("branch={}", t.w.school.id),
        "branch=abc".to_string(),
        format!("branch_name={}", t.sibling_branch.full_name),
    ] {
        let (status, b) = t.school.get(&format!("{base}?{q}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{q}: {b}");
        assert_eq!(b["error"]["code"], "not_found");
        assert!(
            b["error"]["message"]
                .as_str()
                .unwrap()
                .contains("所在团支部"),
            "{b}"
        );
    }
    // The sibling county's admin cannot reach the branch through their own list either.
    let sib = format!(
        "/api/v1/orgs/{}/members?branch={}",
        t.w.sibling.id, second.id
    );
    assert_eq!(t.sibling.get(&sib).await.0, StatusCode::NOT_FOUND);

    // The page: a select of the school's branches; narrowed, no 所在团支部 column.
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/members", t.w.school.id);
    let (_, html) = get_html(&app, &c, &list).await;
    assert!(html.contains("<th>所在团支部</th>"));
    assert!(html.contains(&format!(
        "<option value=\"{}\">{}</option>",
        second.id, second.full_name
    )));
    let (_, html) = get_html(&app, &c, &format!("{list}?branch={}", second.id)).await;
    assert!(
        !html.contains("<th>所在团支部</th>"),
        "one branch's list names no branch"
    );
    assert!(html.contains("乙6") && !html.contains("甲1"));
    assert!(html.contains(&format!("<option value=\"{}\" selected>", second.id)));
    assert!(html.contains(&format!(
        "href=\"/orgs/{}/members\" id=\"f-reset\"",
        t.w.school.id
    )));
    assert!(
        html.contains(&format!("/orgs/{}/members/export.xlsx", second.id)),
        "the export link exports the branch"
    );
    let (status, html) =
        get_html(&app, &c, &format!("{list}?branch={}", t.sibling_branch.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("不在本组织及您的管理范围内"));
    // A branch's own list has neither the column nor the filter.
    let bc = page_as(
        &app,
        t.branch_admin.id_number.as_str(),
        "admin",
        t.w.branch.id,
    )
    .await;
    let (_, html) = get_html(&app, &bc, &format!("/orgs/{}/members", t.w.branch.id)).await;
    assert!(!html.contains("<th>所在团支部</th>") && !html.contains("id=\"f-branch\""));
}

async fn post_bytes(api: &ApiClient, path: &str, body: Value) -> (StatusCode, Vec<u8>) {
    let res = api
        .http
        .post(format!("{}{path}", api.base))
        .bearer_auth(api.token.as_deref().unwrap())
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status(), res.bytes().await.unwrap().to_vec())
}

async fn bulk_export_of_the_ticked(app: TestApp) {
    let t = World::new(&app).await;
    let (_, ids, outside) = seeded(&app, &t).await;
    let path = format!("/api/v1/orgs/{}/members/export-selected", t.w.school.id);
    let before = app.audit_count("member.export").await;
    let (status, bytes) =
        post_bytes(&t.school, &path, json!({ "ids": [ids[5], ids[0], ids[2]] })).await;
    assert_eq!(status, StatusCode::OK);
    let rows = values_of(Kind::Members, &bytes);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    // In the order ticked, full ID numbers (the school's scope covers them).
    let (y6, y1, y3) = (youth(6), youth(1), youth(3));
    assert_eq!(
        got,
        [
            ("乙6", y6.as_str()),
            ("甲1", y1.as_str()),
            ("甲3", y3.as_str())
        ]
    );
    assert_eq!(app.audit_count("member.export").await, before + 1);
    // One id outside the school's subtree: nothing exported, not found.
    let (status, body) = t
        .school
        .post(&path, json!({ "ids": [ids[0], outside] }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("没有导出任何记录")
    );
    assert_eq!(app.audit_count("member.export").await, before + 1);
    let (status, body) = t.school.post(&path, json!({ "ids": [] })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("请先在列表中勾选团员")
    );

    // The page: the ticked rows and the button pressed.
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/members", t.w.school.id);
    let action = format!("/orgs/{}/members/bulk", t.w.school.id);
    let (a, b) = (ids[1].to_string(), ids[6].to_string());
    let res = post_form(
        &app,
        &c,
        &list,
        &action,
        &[("id", &a), ("id", &b), ("action", "export")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let rows = values_of(Kind::Members, &res.bytes().await.unwrap());
    assert_eq!(
        rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        ["甲2", "乙7"]
    );
    // Nothing ticked: told what to do.
    let res = post_form(&app, &c, &list, &action, &[("action", "export")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("请先在列表中勾选团员"));
}

async fn reset_code_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM reset_codes")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn bulk_reset_codes_all_or_none(app: TestApp) {
    let t = World::new(&app).await;
    let (_, ids, outside) = seeded(&app, &t).await;
    let path = "/api/v1/members/reset-codes";
    // Refused for one out of scope: nothing issued.
    let (status, body) = t
        .school
        .post(path, json!({ "ids": [ids[0], outside] }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("没有生成任何重置码")
    );
    // The county sees them but is not their branch's own or direct superior: refused whole.
    let (status, body) = t
        .county
        .post(path, json!({ "ids": [ids[0], ids[1]] }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "not_own_or_direct_superior");
    assert_eq!(reset_code_count(&app).await, 0);
    assert_eq!(app.audit_count("reset_code.issue").await, 0);

    // The school (direct superior of both branches): a code each, in one go.
    let ticked = [ids[0], ids[2], ids[5]];
    let (status, body) = t.school.post(path, json!({ "ids": ticked })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(app.audit_count("reset_code.issue").await, 3);
    for (item, n) in items.iter().zip([1, 3, 6]) {
        assert_eq!(
            item["id_number"],
            tuanjian_domain::IdNumber::parse(&youth(n))
                .unwrap()
                .masked()
        );
        let (status, res) = app
            .api()
            .post(
                "/api/v1/reset-password",
                json!({ "id_number": youth(n), "code": item["code"], "new_password": "Neues2024pw" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "code of {n} redeems: {res}");
    }

    // The page: a printable list with name, masked ID number and code, not kept by the browser.
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/members", t.w.school.id);
    let action = format!("/orgs/{}/members/bulk", t.w.school.id);
    let (a, b) = (ids[3].to_string(), ids[4].to_string());
    let res = post_form(
        &app,
        &c,
        &list,
        &action,
        &[("id", &a), ("id", &b), ("action", "reset")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("已为所选 2 人各生成一个重置码"));
    let masked4 = tuanjian_domain::IdNumber::parse(&youth(4))
        .unwrap()
        .masked();
    assert!(html.contains("甲4") && html.contains(&masked4) && !html.contains(&youth(4)));
    assert!(html.contains(&format!("id=\"code-{}\"", ids[3])));
    assert_eq!(app.audit_count("reset_code.issue").await, 5);
}

async fn bulk_transfer_and_row_actions(app: TestApp) {
    let t = World::new(&app).await;
    let (_, ids, _) = seeded(&app, &t).await;
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/members", t.w.school.id);
    let action = format!("/orgs/{}/members/bulk", t.w.school.id);
    let (a, b) = (ids[0].to_string(), ids[5].to_string());
    let res = post_form(
        &app,
        &c,
        &list,
        &action,
        &[("id", &a), ("id", &b), ("action", "transfer")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert_eq!(
        to,
        format!(
            "/orgs/{}/transfers/out/new?person_ids={a},{b}",
            t.w.school.id
        )
    );
    // The 办理转出 form has them ticked.
    let (status, html) = get_html(&app, &c, &to).await;
    assert_eq!(status, StatusCode::OK);
    for id in [&a, &b] {
        assert!(
            html.contains(&format!("value=\"{id}\" aria-label=\"选择")),
            "{html}"
        );
    }
    assert_eq!(
        html.matches(" checked>").count(),
        2,
        "exactly the two ticked"
    );
    let res = post_form(
        &app,
        &c,
        &list,
        &action,
        &[("id", &a), ("action", "delete")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // 操作: the school (direct superior) may edit, transfer and reset; the county only view and
    // transfer (the permission rules).
    let (_, html) = get_html(&app, &c, &list).await;
    for key in ["view", "edit", "transfer", "reset"] {
        assert!(html.contains(&format!("id=\"{key}-{a}\"")), "{key}");
    }
    let cc = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let (_, html) = get_html(&app, &cc, &format!("/orgs/{}/members", t.w.county.id)).await;
    assert!(
        html.contains(&format!("id=\"view-{a}\""))
            && html.contains(&format!("id=\"transfer-{a}\""))
    );
    assert!(
        !html.contains(&format!("id=\"edit-{a}\"")) && !html.contains(&format!("id=\"reset-{a}\""))
    );
}

async fn cadre_table(app: TestApp) {
    let t = World::new(&app).await;
    let (second, ..) = seeded(&app, &t).await;
    let mut posts = Vec::new();
    for (n, org, post) in [
        (1, &t.w.branch, "书记"),
        (6, &second, "书记"),
        (7, &second, "组织委员"),
    ] {
        let mut c = member_json(n, &format!("{}{n}", if n == 1 { "甲" } else { "乙" }));
        c["post"] = json!(post);
        c["cadre_nature"] = json!("兼职");
        let (status, body) = t
            .school
            .post(&format!("/api/v1/orgs/{}/cadres", org.id), c)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let base = format!("/api/v1/orgs/{}/cadres", t.w.school.id);
    let (_, b) = t.school.get(&base).await;
    assert_eq!(b["total"], 3);
    for i in b["items"].as_array().unwrap() {
        posts.push((
            i["post_id"].as_i64().unwrap(),
            i["org_id"].as_i64().unwrap(),
        ));
    }
    let (_, b) = t
        .school
        .get(&format!("{base}?unit={}&per_page=1&page=2", second.id))
        .await;
    assert_eq!(
        (b["total"].as_i64(), b["pages"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(b["unit_id"], second.id);
    let (status, b) = t
        .school
        .get(&format!("{base}?unit={}", t.sibling_branch.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{b}");
    assert!(b["error"]["message"].as_str().unwrap().contains("所在组织"));

    // Export of the ticked posts, in the cadres template.
    let second_posts: Vec<i64> = posts
        .iter()
        .filter(|p| p.1 == second.id)
        .map(|p| p.0)
        .collect();
    let path = format!("/api/v1/orgs/{}/cadres/export-selected", t.w.school.id);
    let (status, bytes) = post_bytes(&t.school, &path, json!({ "ids": second_posts })).await;
    assert_eq!(status, StatusCode::OK);
    let rows = values_of(Kind::Cadres, &bytes);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r[0].starts_with('乙')), "{rows:?}");
    let (status, _) = post_bytes(
        &t.sibling,
        &format!("/api/v1/orgs/{}/cadres/export-selected", t.w.sibling.id),
        json!({ "ids": second_posts }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "posts outside the subtree");

    // The page: filter, no 所在组织 column when narrowed, 重置, ticks and 操作.
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/cadres", t.w.school.id);
    let (_, html) = get_html(&app, &c, &list).await;
    assert!(html.contains("<th>所在组织</th>") && html.contains("id=\"f-unit\""));
    assert!(html.contains(&format!("id=\"tick-{}\"", posts[0].0)));
    let (_, html) = get_html(&app, &c, &format!("{list}?unit={}", second.id)).await;
    assert!(!html.contains("<th>所在组织</th>") && html.contains("id=\"f-reset\""));
    let p = second_posts[0].to_string();
    let res = post_form(
        &app,
        &c,
        &list,
        &format!("/orgs/{}/cadres/bulk", t.w.school.id),
        &[("id", &p), ("action", "export")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        values_of(Kind::Cadres, &res.bytes().await.unwrap()).len(),
        1
    );
}

/// A cadre post entered over the API by `by`; returns (post id, person id).
async fn cadre_post(by: &ApiClient, org: &Org, n: u32, name: &str, post: &str) -> (i64, i64) {
    let mut c = member_json(n, name);
    c["post"] = json!(post);
    c["cadre_nature"] = json!("兼职");
    let (status, body) = by.post(&format!("/api/v1/orgs/{}/cadres", org.id), c).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, list) = by.get(&format!("/api/v1/orgs/{}/cadres", org.id)).await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name && i["post"] == post)
        .unwrap_or_else(|| panic!("{list}"))
        .clone();
    (
        row["post_id"].as_i64().unwrap(),
        row["person_id"].as_i64().unwrap(),
    )
}

/// The cadre list's 重置密码: the ticked posts' holders each get a code (one per person), all
/// in one transaction through the members' use case, or none; the API takes cadres' person ids
/// under the same rules (own organisation or its direct superior).
async fn cadre_bulk_reset_codes(app: TestApp) {
    let t = World::new(&app).await;
    let (second, ..) = seeded(&app, &t).await;
    let (p6, person6) = cadre_post(&t.school, &second, 6, "乙6", "书记").await;
    let (p6b, _) = cadre_post(&t.school, &second, 6, "乙6", "组织委员").await;
    let (p9, person9) = cadre_post(&t.school, &t.w.school, 9, "丁9", "副书记").await;
    let (outside, _) = cadre_post(&t.sibling, &t.sibling_branch, 8, "丙8", "书记").await;

    // The page offers it; a ticked post outside the listed subtree: nothing issued.
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/cadres", t.w.school.id);
    let action = format!("/orgs/{}/cadres/bulk", t.w.school.id);
    let (_, html) = get_html(&app, &c, &list).await;
    assert!(html.contains("id=\"bulk-reset\""), "{html}");
    let ids = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>();
    let bad = ids(&[p9, outside]);
    let res = post_form(
        &app,
        &c,
        &list,
        &action,
        &[("id", &bad[0]), ("id", &bad[1]), ("action", "reset")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("没有生成任何重置码"));
    assert_eq!(reset_code_count(&app).await, 0);

    // Two posts of one person and a cadre of the school itself: a code each person.
    let good = ids(&[p6, p6b, p9]);
    let res = post_form(
        &app,
        &c,
        &list,
        &action,
        &[
            ("id", &good[0]),
            ("id", &good[1]),
            ("id", &good[2]),
            ("action", "reset"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.contains("已为所选 2 人各生成一个重置码"), "{html}");
    assert!(
        html.contains(&format!("href=\"{list}\"")),
        "back to the cadre list"
    );
    assert!(html.contains(&format!("id=\"code-{person6}\"")));
    let code = html
        .split(&format!("id=\"code-{person9}\">"))
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_else(|| panic!("{html}"))
        .to_string();
    assert_eq!(app.audit_count("reset_code.issue").await, 2);
    let (status, res) = app
        .api()
        .post(
            "/api/v1/reset-password",
            json!({ "id_number": youth(9), "code": code, "new_password": "Neues2024pw" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the cadre's code redeems: {res}");

    // The API twin takes the cadre's person id: the city is neither the school nor its direct
    // superior and is refused whole; the county (direct superior) is not.
    let path = "/api/v1/members/reset-codes";
    let (status, body) = t.city.post(path, json!({ "ids": [person9] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "not_own_or_direct_superior");
    let (status, body) = t.county.post(path, json!({ "ids": [person9] })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"][0]["person_id"], person9);
    assert_eq!(app.audit_count("reset_code.issue").await, 3);
}

async fn many_branches_offer_a_text_box(app: TestApp) {
    let t = World::new(&app).await;
    let (second, ..) = seeded(&app, &t).await;
    // With the two branches the school has, 101: too many for a select.
    for n in 0..99 {
        app.add_org(
            &t.w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            &format!("初三{n}班团支部"),
            &format!("共青团某中学初三{n}班支部"),
        )
        .await;
    }
    let c = school_pages(&app, &t).await;
    let list = format!("/orgs/{}/members", t.w.school.id);
    let (_, html) = get_html(&app, &c, &list).await;
    assert!(html.contains("id=\"f-branch-name\"") && !html.contains("id=\"f-branch\""));
    // The full name typed narrows the list; the box keeps it, the links carry the id.
    let (status, html) = get_html(
        &app,
        &c,
        &format!("{list}?branch_name={}&per_page=1", second.full_name),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("value=\"{}\" placeholder", second.full_name)),
        "{html}"
    );
    assert!(
        html.contains(&format!("branch={}&#38;page=2", second.id)),
        "{html}"
    );
    assert!(!html.contains("<th>所在团支部</th>"));
    // The county's list (its subtree holds the branch too) is narrowed by the full name as well.
    let (_, b) = t
        .county
        .get(&format!(
            "/api/v1/orgs/{}/members?branch_name={}",
            t.w.county.id, second.full_name
        ))
        .await;
    assert_eq!(b["total"], 2);
}
