//! Searching organisations by full name within a province or 系统团委: exact first, then
//! partial, other provinces left out, wildcards taken literally, paging, public page and API.

use crate::support::TestApp;
use crate::support::admin::*;
use reqwest::StatusCode;
use serde_json::Value;
use tuanjian_domain::OrgKind;
use tuanjian_store::orgs::Org;

both_databases!(
    exact_then_partial_within_a_province,
    wildcards_are_literal,
    paging_and_bad_input,
    public_page_and_script,
    linked_in_name_order,
);

async fn search(
    app: &TestApp,
    province: Option<&Org>,
    q: &str,
    page: Option<i64>,
) -> (StatusCode, Value) {
    let mut url = reqwest::Url::parse(&app.url("/api/v1/orgs/search")).unwrap();
    {
        let mut qp = url.query_pairs_mut();
        if let Some(p) = province {
            qp.append_pair("province_id", &p.id.to_string());
        }
        qp.append_pair("q", q);
        if let Some(n) = page {
            qp.append_pair("page", &n.to_string());
        }
    }
    let res = reqwest::get(url).await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_name"].as_str().unwrap().to_string())
        .collect()
}

async fn exact_then_partial_within_a_province(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let zj = app.province("团浙江省委").await;
    let gz = city(&app, &gd, "广州市").await;
    // Full names sort before the exact one, to show the exact match still leads.
    grassroots(&app, &gz, OrgKind::Branch, "共青团广州市委员会机关").await;
    grassroots(&app, &gz, OrgKind::Branch, "共青团广州市委员会机").await;
    county(&app, &gz, "广州市天河区").await;
    city(&app, &zj, "浙江广州路街道").await;
    let (status, body) = search(&app, Some(&gd), "共青团广州市委员会", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found = names(&body);
    assert_eq!(found[0], "共青团广州市委员会");
    assert_eq!(body["items"][0]["exact"], true);
    assert_eq!(body["items"][0]["kind"], "03TW");
    assert_eq!(body["items"][0]["kind_label"], "市级团委");
    assert_eq!(body["items"][0]["parent_full_name"], "共青团广东省委员会");
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(
        found[1..]
            .iter()
            .all(|n| n.starts_with("共青团广州市委员会机"))
    );
    assert_eq!(body["items"][1]["exact"], false);
    assert_eq!(body["items"][1]["parent_short_name"], "广州市");
    assert_eq!(body["total"], 3);
    // Partial: everything in 广东 containing 广州, nothing from 浙江.
    let (_, body) = search(&app, Some(&gd), "广州", None).await;
    let found = names(&body);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(!found.iter().any(|n| n.contains("浙江")));
    let (_, body) = search(&app, Some(&zj), "广州", None).await;
    assert_eq!(names(&body), vec!["共青团浙江广州路街道委员会"]);
    // Only public fields.
    let item = body["items"][0].as_object().unwrap();
    for private in ["path", "province_id", "phone", "secretary", "created_at"] {
        assert!(!item.contains_key(private), "{private}");
    }
    // Without a province only the exact full name is found.
    let (_, body) = search(&app, None, "共青团广州市天河区委员会", None).await;
    assert_eq!(names(&body), vec!["共青团广州市天河区委员会"]);
    let (_, body) = search(&app, None, "广州", None).await;
    assert!(names(&body).is_empty());
    // The provinces themselves are found in their own province.
    let (_, body) = search(&app, Some(&gd), "共青团广东省委员会", None).await;
    assert_eq!(body["items"][0]["exact"], true);
    let res = reqwest::get(app.url("/api/v1/provinces")).await.unwrap();
    let provinces: Value = res.json().await.unwrap();
    assert_eq!(provinces.as_array().unwrap().len(), 37);
}

async fn wildcards_are_literal(app: TestApp) {
    let gd = app.province("团广东省委").await;
    for name in [
        "测试100%团支部",
        "测试100X团支部",
        "测试_团支部",
        "测试A团支部",
        "测试\\团支部",
        "测试B团支部",
    ] {
        grassroots(&app, &gd, OrgKind::Branch, name).await;
    }
    let (_, body) = search(&app, Some(&gd), "100%", None).await;
    assert_eq!(names(&body), vec!["测试100%团支部（全称）"]);
    let (_, body) = search(&app, Some(&gd), "测试_", None).await;
    assert_eq!(names(&body), vec!["测试_团支部（全称）"]);
    let (_, body) = search(&app, Some(&gd), "测试\\", None).await;
    assert_eq!(names(&body), vec!["测试\\团支部（全称）"]);
    let (_, body) = search(&app, Some(&gd), "%", None).await;
    assert_eq!(names(&body).len(), 1);
    let (_, body) = search(&app, Some(&gd), "测试", None).await;
    assert_eq!(names(&body).len(), 6);
}

async fn paging_and_bad_input(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    for i in 0..25 {
        grassroots(&app, &gz, OrgKind::Branch, &format!("分页{i:02}团支部")).await;
    }
    let (_, p1) = search(&app, Some(&gd), "分页", None).await;
    assert_eq!(p1["total"], 25);
    assert_eq!(p1["pages"], 2);
    assert_eq!(names(&p1).len(), 20);
    let (_, p2) = search(&app, Some(&gd), "分页", Some(2)).await;
    let second = names(&p2);
    assert_eq!(second.len(), 5);
    assert!(!names(&p1).iter().any(|n| second.contains(n)));
    // With an exact match on page 1, page 2 still continues without gaps or repeats.
    grassroots(&app, &gz, OrgKind::Branch, "分页").await;
    let (_, p1) = search(&app, Some(&gd), "分页（全称）", None).await;
    assert_eq!(p1["items"][0]["exact"], true);
    let (_, all1) = search(&app, Some(&gd), "分页", None).await;
    let (_, all2) = search(&app, Some(&gd), "分页", Some(2)).await;
    let mut seen = names(&all1);
    seen.extend(names(&all2));
    assert_eq!(seen.len(), 26);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 26);

    let (status, body) = search(&app, Some(&gz), "分页", None).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a city is no province: {body}"
    );
    assert_eq!(body["error"]["code"], "province_invalid");
    let res = reqwest::get(app.url("/api/v1/orgs/search?province_id=abc&q=x"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = reqwest::get(app.url("/api/v1/orgs/search?page=x&q=x"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let long = "长".repeat(61);
    let (status, body) = search(&app, Some(&gd), &long, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "query_too_long");
    let (status, body) = search(&app, Some(&gd), "   ", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 0);
}

async fn public_page_and_script(app: TestApp) {
    let gd = app.province("团广东省委").await;
    city(&app, &gd, "广州市").await;
    let c = app.browser();
    let url = format!("/search?province_id={}&q=%E5%B9%BF%E5%B7%9E", gd.id);
    let res = c.get(app.url(&url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("共青团广州市委员会") && html.contains("id=\"hits\""),
        "{html}"
    );
    assert!(html.contains("<script src=\"/static/search.js\""));
    assert!(html.contains(&format!("<option value=\"{}\" selected>", gd.id)));
    let res = c
        .get(app.url("/search?province_id=zzz&q=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("id=\"search-error\""));
    let res = c.get(app.url("/static/search.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(res.text().await.unwrap().contains("/api/v1/orgs/search"));
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/orgs/search",
        "/api/v1/orgs/{id}/admins",
        "/api/v1/orgs/{id}/move",
        "/api/v1/moves/{id}/approve",
        "/api/v1/inbox",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["paths"]["/api/v1/orgs/{id}"].get("delete").is_some());
    // Signed in, the header shows the person and the search link.
    let (_, _) = admin_of(&app, &gd, 1, "省管理员").await;
    let signed = page_as(&app, &idn(1), "admin", gd.id).await;
    let (_, html) = get_html(&app, &signed, "/search").await;
    assert!(html.contains("省管理员") && html.contains("id=\"search-link\""));
    assert!(html.contains("待办 (0)"));
}

/// Results in name order (numbers by value, pinyin), each linked to its page when the viewer's
/// role may open it, else plain with the reason (issue 13).
async fn linked_in_name_order(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let zj = app.province("团浙江省委").await;
    let gz = city(&app, &gd, "广州市").await;
    for short in ["高三（1）班", "高一（10）班", "高二（1）班", "高一（2）班"] {
        grassroots(&app, &gz, OrgKind::Branch, short).await;
    }
    let (_, body) = search(&app, Some(&gd), "班", None).await;
    assert_eq!(
        names(&body),
        [
            "高一（2）班（全称）",
            "高一（10）班（全称）",
            "高二（1）班（全称）",
            "高三（1）班（全称）"
        ]
    );
    // Anonymous: nothing opens, each says why.
    for item in body["items"].as_array().unwrap() {
        assert_eq!(item["open"], false);
        assert!(item["closed_reason"].as_str().unwrap().contains("登录"));
    }
    let (_, gz_admin) = admin_of(&app, &gz, 1, "市管理员").await;
    let (_, zj_admin) = admin_of(&app, &zj, 2, "浙江管理员").await;
    let path = format!("/api/v1/orgs/search?province_id={}&q=%E7%8F%AD", gd.id);
    let (status, body) = gz_admin.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["open"] == true && i["closed_reason"].is_null())
    );
    let (_, body) = zj_admin.get(&path).await;
    assert!(
        body["items"].as_array().unwrap().iter().all(
            |i| i["open"] == false && i["closed_reason"].as_str().unwrap().contains("管理范围")
        )
    );
    // The province's own name: above the city admin's scope.
    let (_, body) = gz_admin
        .get(&format!(
            "/api/v1/orgs/search?province_id={}&q=%E5%B9%BF%E4%B8%9C",
            gd.id
        ))
        .await;
    assert_eq!(body["items"][0]["full_name"], "共青团广东省委员会");
    assert_eq!(body["items"][0]["open"], false);

    // The page: links for the city admin, in the same order; plain with the reason otherwise.
    let page = format!("/search?province_id={}&q=%E7%8F%AD", gd.id);
    let signed = page_as(&app, &idn(1), "admin", gz.id).await;
    let (_, html) = get_html(&app, &signed, &page).await;
    let first = html.find("高一（2）班（全称）").unwrap();
    let tenth = html.find("高一（10）班（全称）").unwrap();
    let third = html.find("高三（1）班（全称）").unwrap();
    assert!(first < tenth && tenth < third, "{html}");
    let branch = app
        .store
        .search_orgs(Some(gd.id), "高一（2）班（全称）", 1, 1)
        .await
        .unwrap()
        .items[0]
        .id;
    assert!(
        html.contains(&format!("<a href=\"/orgs/{branch}\" class=\"hit-link\"")),
        "{html}"
    );
    let (status, org_page) = get_html(&app, &signed, &format!("/orgs/{branch}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(org_page.contains("高一（2）班（全称）"));
    let (_, html) = get_html(&app, &app.browser(), &page).await;
    assert!(!html.contains("class=\"hit-link\""), "{html}");
    assert!(html.contains(&format!("id=\"hit-{branch}-closed\"")));
}
