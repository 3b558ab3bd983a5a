//! The organisation tree: paging children, breadcrumbs, scope, on SQLite and PostgreSQL; the
//! 管理中心 menu (`menu`), error pages with the signed-in header (`frame`), and the menu in a
//! browser (`browser`).

mod browser;
mod clicks;
mod frame;
mod menu;
mod sub_crumbs;

use crate::support::{ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp};
use reqwest::StatusCode;
use tuanjian_domain::{OrgKind, OrgLevel};

const COUNTY_ADMIN: &str = "440524188001010014";

both_databases!(
    children_are_paged,
    children_in_name_order,
    scope_limits_the_tree,
    bad_ids_and_queries,
    org_page_counts_children_for_every_role
);

async fn children_are_paged(app: TestApp) {
    let gd = app.province("团广东省委").await;
    for i in 0..45 {
        app.add_org(
            &gd,
            OrgLevel::Municipal,
            OrgKind::Committee,
            &format!("团{i}市委"),
            &format!("共青团第{i}市委员会"),
        )
        .await;
    }
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let (status, page) = api
        .get(&format!("/api/v1/orgs/{}/children?page=3", gd.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 45);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert_eq!(page["items"][0]["short_name"], "团40市委");
    assert_eq!(page["items"][0]["level"], "municipal");
    let (_, big) = api
        .get(&format!("/api/v1/orgs/{}/children?per_page=100000", gd.id))
        .await;
    assert_eq!(big["per_page"], 200, "page size is capped");
    let (_, root) = api
        .get(&format!(
            "/api/v1/orgs/{}/children?per_page=50",
            app.root.id
        ))
        .await;
    assert_eq!(root["total"], 37);
    let gd_item = root["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == gd.id)
        .unwrap();
    assert_eq!(gd_item["child_count"], 45);

    let (c, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let html = c
        .get(app.url(&format!("/orgs/{}?page=2", gd.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("第 2 / 3 页"), "{html}");
    assert!(html.contains("团20市委") && !html.contains("团19市委") && !html.contains("团40市委"));
    assert!(html.contains(&format!("/orgs/{}?page=3", gd.id)));
    assert!(
        html.contains("团中央") && html.contains("团广东省委"),
        "breadcrumbs"
    );
}

/// Children in name order across pages (issue 13): numbers by value (高一（2）班 before
/// 高一（10）班, 高一 < 高二 < 高三), whatever order they were created in.
async fn children_in_name_order(app: TestApp) {
    let gd = app.province("团广东省委").await;
    for short in [
        "高三（1）班",
        "高一（10）班",
        "高二（1）班",
        "高一（2）班",
        "高一（1）班",
    ] {
        app.add_org(
            &gd,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            short,
            &format!("{short}团支部"),
        )
        .await;
    }
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let mut listed = Vec::new();
    for page in 1..=3 {
        let (status, body) = api
            .get(&format!(
                "/api/v1/orgs/{}/children?per_page=2&page={page}",
                gd.id
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        listed.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["short_name"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(
        listed,
        [
            "高一（1）班",
            "高一（2）班",
            "高一（10）班",
            "高二（1）班",
            "高三（1）班"
        ]
    );
    // The page lists them the same way.
    let (c, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let html = c
        .get(app.url(&format!("/orgs/{}", gd.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} in {html}"));
    assert!(at("高一（2）班") < at("高一（10）班") && at("高一（10）班") < at("高二（1）班"));
}

async fn scope_limits_the_tree(app: TestApp) {
    let crate::support::Guangzhou {
        city,
        county,
        sibling,
        school,
        ..
    } = app.guangzhou().await;
    let p = app
        .add_person(COUNTY_ADMIN, "县管理员", Some("County2024"))
        .await;
    app.make_admin(&county, &p).await;
    let mut api = app.api();
    api.login(COUNTY_ADMIN, "County2024").await;
    for (id, expect) in [
        (county.id, StatusCode::OK),
        (school.id, StatusCode::OK),
        (sibling.id, StatusCode::NOT_FOUND),
        (city.id, StatusCode::NOT_FOUND),
        (app.root.id, StatusCode::NOT_FOUND),
    ] {
        let (status, body) = api.get(&format!("/api/v1/orgs/{id}")).await;
        assert_eq!(status, expect, "org {id}: {body}");
        let (status, _) = api.get(&format!("/api/v1/orgs/{id}/children")).await;
        assert_eq!(status, expect, "children of {id}");
    }
    // Breadcrumbs show the way down from 团中央 but link only inside the scope.
    let (c, _) = app.page_login(COUNTY_ADMIN, "County2024").await;
    let html = c
        .get(app.url(&format!("/orgs/{}", school.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("团广州市委"));
    assert!(!html.contains(&format!("href=\"/orgs/{}\"", city.id)));
    assert!(html.contains(&format!("href=\"/orgs/{}\"", county.id)));
}

async fn bad_ids_and_queries(app: TestApp) {
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    for path in [
        "/api/v1/orgs/999999",
        "/api/v1/orgs/abc",
        "/api/v1/orgs/-1",
        "/api/v1/orgs/0",
    ] {
        let (status, body) = api.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    let (status, body) = api
        .get(&format!("/api/v1/orgs/{}/children?page=abc", app.root.id))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "query_invalid");
    let (c, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let res = c.get(app.url("/orgs/99999999")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("不在您的管理范围内"));
    let res = c
        .get(app.url(&format!("/orgs/{}?page=-5", app.root.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "a page below 1 shows the first page"
    );
}

/// An admin sees the children, their count and their completion; a cadre of the organisation
/// sees only the count. The counts follow creation and deletion.
async fn org_page_counts_children_for_every_role(app: TestApp) {
    let crate::support::Guangzhou { city, .. } = app.guangzhou().await;
    let cadre = app
        .add_person(COUNTY_ADMIN, "市委书记", Some("Cadre2024"))
        .await;
    app.make_cadre(&city, &cadre, "书记").await;
    let page = |c: reqwest::Client, id: i64| {
        let url = app.url(&format!("/orgs/{id}"));
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };

    let (admin, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let html = page(admin.clone(), city.id).await;
    assert!(html.contains("<dt>下级组织</dt><dd>2 个</dd>"), "{html}");
    assert!(html.contains("id=\"children\"") && html.contains("团越秀区委"));
    assert!(html.contains("/completion\">0 / 2</a>"), "{html}");
    // The county holds the school, which holds a branch.
    assert!(html.contains("下级 1 个"), "{html}");

    let (c, _) = app.page_login(COUNTY_ADMIN, "Cadre2024").await;
    let home = c.get(app.url("/")).send().await.unwrap();
    let csrf = crate::support::csrf_of(&home.text().await.unwrap());
    let res = c
        .post(app.url("/role"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "cadre"),
            ("org_id", &city.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(crate::support::location(&res), format!("/orgs/{}", city.id));
    let html = page(c.clone(), city.id).await;
    assert!(html.contains("<dt>下级组织</dt><dd>2 个</dd>"), "{html}");
    assert!(!html.contains("id=\"children\"") && !html.contains("团越秀区委"));

    // A new child shows at once in both views.
    app.add_org(
        &city,
        OrgLevel::County,
        OrgKind::Committee,
        "团海珠区委",
        "共青团广州市海珠区委员会",
    )
    .await;
    assert!(page(c, city.id).await.contains("<dd>3 个</dd>"));
    let html = page(admin, city.id).await;
    assert!(html.contains("<dd>3 个</dd>") && html.contains("团海珠区委"));
}

/// The harness compares the stored children counts with the children after every test; a
/// wrong count must fail the test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "stored child_count")]
async fn harness_catches_wrong_child_counts() {
    let app = TestApp::spawn(crate::support::Db::Sqlite).await;
    sqlx::query("UPDATE orgs SET child_count = child_count + 1 WHERE parent_id IS NULL")
        .execute(app.store.pool())
        .await
        .unwrap();
}

/// Every static file the pages name is served, with its type, from the binary.
#[tokio::test]
async fn static_files_are_served() {
    let app = TestApp::spawn(crate::support::Db::Sqlite).await;
    let c = app.browser();
    for (path, kind, part) in [
        ("/static/app.css", "text/css", ".menu-side"),
        ("/static/search.js", "text/javascript", "addEventListener"),
        (
            "/static/member-form.js",
            "text/javascript",
            "addEventListener",
        ),
        ("/static/list-filter.js", "text/javascript", "requestSubmit"),
        ("/static/tick-all.js", "text/javascript", "tick-all"),
        ("/static/copy.js", "text/javascript", "clipboard"),
    ] {
        let res = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let ct = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        let body = res.text().await.unwrap();
        assert!(body.contains(part), "{path} is not the file meant");
    }
}
