//! 统计 (issue 14): the page, the API and the Excel export show the counters' numbers for an
//! organisation's subtree (checked against a recount and against what was entered), only to
//! admins whose scope holds it; a bad sort is refused in Chinese.

use calamine::{Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::Value;
use tuanjian_store::counters::Dim;

use crate::support::TestApp;
use crate::support::admin::{get_html, page_as};
use crate::support::members::{World, add, member_json};

both_databases!(
    numbers_match_the_rows_at_every_level,
    scope_decides_who_sees,
    children_sort_and_refuse_bad_sorts,
    page_and_workbook_show_the_tables
);

fn table<'a>(body: &'a Value, key: &str) -> &'a Value {
    body["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == key)
        .unwrap_or_else(|| panic!("table {key} in {body}"))
}

fn count_of(body: &Value, key: &str, label: &str) -> i64 {
    table(body, key)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == label)
        .map_or(0, |r| r["count"].as_i64().unwrap())
}

async fn three_members(app: &TestApp) -> World {
    let t = World::new(app).await;
    // Numbers 1 and 3 are male, 2 female (the 17th digit), all 汉族, joined 2022-05.
    for (n, name) in [(1, "赵统计"), (2, "钱统计"), (3, "孙统计")] {
        add(&t.branch, &t.w.branch, member_json(n, name)).await;
    }
    t
}

async fn numbers_match_the_rows_at_every_level(app: TestApp) {
    let t = three_members(&app).await;
    for (api, org) in [
        (&t.branch, &t.w.branch),
        (&t.school, &t.w.school),
        (&t.county, &t.w.county),
        (&t.province, &t.w.province),
    ] {
        let (status, body) = api
            .get(&format!("/api/v1/orgs/{}/statistics", org.id))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rows = app.store.recount_subtree(org.id).await.unwrap();
        assert_eq!(body["summary"]["members"], 3, "{body}");
        assert_eq!(body["summary"]["members"], rows.get(Dim::Members, ""));
        assert_eq!(body["summary"]["orgs"], rows.total(Dim::Orgs));
        assert_eq!(count_of(&body, "sex", "男"), 2);
        assert_eq!(count_of(&body, "sex", "女"), 1);
        assert_eq!(count_of(&body, "ethnicity", "汉族"), 3);
        assert_eq!(count_of(&body, "han_minority", "少数民族"), 0);
        assert_eq!(count_of(&body, "join_year", "2022年"), 3);
        assert_eq!(count_of(&body, "status", "正常"), 3);
        assert_eq!(count_of(&body, "dev_number", "有发展团员编号"), 3);
        assert_eq!(count_of(&body, "branch_size", "3至50名团员"), 1);
        assert_eq!(table(&body, "age")["total"], 3);
        let months = body["months"].as_array().unwrap();
        assert_eq!(months.len(), 12, "the last twelve months");
    }
    // The branch is the whole subtree of the branch: one organisation, one branch.
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{}/statistics", t.w.branch.id))
        .await;
    assert_eq!(body["summary"]["orgs"], 1);
    assert_eq!(body["summary"]["branches"], 1);
    assert_eq!(count_of(&body, "org_kind", "团支部"), 1);
}

async fn scope_decides_who_sees(app: TestApp) {
    let t = three_members(&app).await;
    // Another province's admin, and a branch admin looking up, are told it is not theirs.
    for (api, org) in [(&t.other, &t.w.branch), (&t.branch, &t.w.school)] {
        let (status, body) = api
            .get(&format!("/api/v1/orgs/{}/statistics", org.id))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| c > '\u{2e80}'),
            "{body}"
        );
        let (status, _) = api
            .get(&format!("/api/v1/orgs/{}/statistics/export", org.id))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(
        app.audit_count("statistics.export").await,
        0,
        "nothing exported"
    );
    // An address that names no organisation is one that does not exist (as everywhere).
    let (status, _) = t.county.get("/api/v1/orgs/abc/statistics").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn children_sort_and_refuse_bad_sorts(app: TestApp) {
    let t = three_members(&app).await;
    let (status, body) = t
        .county
        .get(&format!(
            "/api/v1/orgs/{}/statistics/children",
            t.w.county.id
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(body["sort"], "members");
    assert_eq!(body["order"], "desc");
    assert_eq!(
        rows[0]["org_id"], t.w.school.id,
        "the school holds the members"
    );
    assert_eq!(rows[0]["members"], 3);
    let (_, asc) = t
        .county
        .get(&format!(
            "/api/v1/orgs/{}/statistics/children?sort=members&order=asc",
            t.w.county.id
        ))
        .await;
    let asc = asc["rows"].as_array().unwrap();
    assert_eq!(asc.last().unwrap()["org_id"], t.w.school.id);
    for bad in ["sort=age", "sort=members&order=up"] {
        let (status, body) = t
            .county
            .get(&format!(
                "/api/v1/orgs/{}/statistics/children?{bad}",
                t.w.county.id
            ))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "sort_invalid");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("排序"),
            "{body}"
        );
    }
}

async fn page_and_workbook_show_the_tables(app: TestApp) {
    let t = three_members(&app).await;
    let c = page_as(
        &app,
        t.county_admin.id_number.as_str(),
        "admin",
        t.w.county.id,
    )
    .await;
    let (status, html) = get_html(&app, &c, &format!("/orgs/{}/statistics", t.w.county.id)).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "团员性别",
        "团员年龄",
        "近12个月团员变动",
        "下级组织",
        "id=\"sum-members\">3<",
        &format!("href=\"/orgs/{}/statistics\"", t.w.school.id),
        "<svg",
    ] {
        assert!(html.contains(needle), "{needle} in the page");
    }
    // The menu offers it.
    let (_, org_page) = get_html(&app, &c, &format!("/orgs/{}", t.w.county.id)).await;
    assert!(org_page.contains(&format!("/orgs/{}/statistics", t.w.county.id)));
    let (status, html) = get_html(
        &app,
        &c,
        &format!("/orgs/{}/statistics?sort=bogus", t.w.county.id),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("排序方式不正确"), "{html}");

    let res = c
        .get(app.url(&format!("/orgs/{}/statistics.xlsx", t.w.county.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    for sheet in ["概况", "团员性别", "按月变动", "下级组织"] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let sexes = book.worksheet_range("团员性别").unwrap();
    let male = sexes.rows().find(|r| r[0] == "男").expect("a row for 男");
    assert_eq!(male[1].to_string(), "2");
    assert_eq!(app.audit_count("statistics.export").await, 1);
}
