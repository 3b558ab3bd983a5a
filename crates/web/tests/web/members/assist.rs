//! Help while filling in the member forms (issue 13), on both databases: the next free
//! 发展团员编号 of a branch (no 号段, a gap in the middle, a full range, a branch without one),
//! its page twin and the proposal on the entry form; one field checked on leaving.

use serde_json::{Value, json};
use tuanjian_domain::{OrgKind, OrgLevel};

use crate::support::admin::{admin_of, get_html, page_as};
use crate::support::members::*;
use reqwest::StatusCode;

both_databases!(
    next_free_dev_number,
    field_check_endpoint,
    entry_form_fields
);

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

async fn next(api: &crate::support::ApiClient, branch: i64, query: &str) -> (StatusCode, Value) {
    api.get(&format!("/api/v1/orgs/{branch}/dev-numbers/next?{query}"))
        .await
}

async fn next_free_dev_number(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let branch = t.w.branch.id;

    // The province allocated nothing for 2022: any number of the year goes, none proposed.
    let (status, body) = next(&t.school, branch, "year=2022").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "province_has_none", "{body}");
    assert!(body["number"].is_null());
    assert!(body["message"].as_str().unwrap().contains("2022"), "{body}");

    // A range reaches the branch through its city: its first number is proposed.
    let (status, body) = t
        .province
        .post(
            &format!("/api/v1/orgs/{}/dev-ranges", t.w.province.id),
            json!({ "org_id": t.w.city.id, "range": "202244000001-202244000005" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, body) = next(&t.school, branch, "year=2022").await;
    assert_eq!(
        (body["state"].as_str(), body["number"].as_str()),
        (Some("free"), Some("202244000001")),
        "{body}"
    );

    // Numbers 1, 2 and 4 used: 3 is the gap.
    for n in [1, 2, 4] {
        add(&t.school, &t.w.branch, member_json(n, &format!("团员{n}"))).await;
    }
    let (_, body) = next(&t.school, branch, "year=2022").await;
    assert_eq!(body["number"], "202244000003", "{body}");
    // The month as typed on the form gives the year.
    let (status, body) = next(&t.school, branch, "join_month=2022%E5%B9%B45%E6%9C%88").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["number"], "202244000003", "{body}");

    // Every number used: nothing to propose, and who allocates more is said.
    for n in [3, 5] {
        add(&t.school, &t.w.branch, member_json(n, &format!("团员{n}"))).await;
    }
    let (_, body) = next(&t.school, branch, "year=2022").await;
    assert_eq!(body["state"], "full", "{body}");
    assert!(body["number"].is_null());
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("202244000001-202244000005"),
        "{body}"
    );

    // A branch of the same province that no range reached.
    let city2 = app
        .add_org(
            &t.w.province,
            OrgLevel::Municipal,
            OrgKind::Committee,
            "团深圳市委",
            "共青团深圳市委员会",
        )
        .await;
    let branch2 = app
        .add_org(
            &city2,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "深圳某团支部",
            "共青团深圳市某单位支部",
        )
        .await;
    let (admin2_person, admin2) = admin_of(&app, &branch2, 150, "深圳支部管理员").await;
    let (_, body) = next(&admin2, branch2.id, "year=2022").await;
    assert_eq!(body["state"], "branch_has_none", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("上级团组织"),
        "{body}"
    );

    // Faults: no year, a year in the future, an organisation that is not a branch, outside
    // the admin's scope.
    let (status, body) = next(&t.school, branch, "").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "query_invalid")
    );
    let (status, body) = next(&t.school, branch, "year=2999").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "query_invalid")
    );
    let (status, body) = next(&t.school, branch, "join_month=2022-13").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "join_date_invalid"),
        "{body}"
    );
    let (status, body) = next(&t.school, t.w.school.id, "year=2022").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "not_a_branch")
    );
    let (status, _) = next(&t.other, branch, "year=2022").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .api()
        .get(&format!("/api/v1/orgs/{branch}/dev-numbers/next?year=2022"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The page twin answers the form's script with the page's cookie.
    let c = page_as(&app, admin2_person.id_number.as_str(), "admin", branch2.id).await;
    let res = c
        .get(app.url(&format!(
            "/orgs/{}/dev-numbers/next?join_month=2022-05",
            branch2.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["state"], "branch_has_none", "{body}");
}

/// Member `n`'s ID number with a wrong check character.
fn wrong_check(n: u32) -> String {
    let mut id = youth(n);
    let last = id.pop().unwrap();
    id.push(if last == '0' { '1' } else { '0' });
    id
}

async fn check(app: &crate::support::TestApp, field: &str, values: Value) -> (StatusCode, Value) {
    app.api()
        .post(
            "/api/v1/checks/member-field",
            json!({ "field": field, "values": values }),
        )
        .await
}

async fn field_check_endpoint(app: crate::support::TestApp) {
    // No sign-in needed: nothing is read or stored.
    let (status, body) = check(&app, "id_number", json!({ "id_number": wrong_check(1) })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ok"], false, "{body}");
    assert_eq!(body["faults"][0]["code"], "id_number_invalid", "{body}");
    assert_eq!(body["faults"][0]["field"], "id_number");
    // The right ID passes; other fields' faults (an empty name) are not reported.
    let (_, body) = check(&app, "id_number", json!({ "id_number": youth(1) })).await;
    assert_eq!(
        (
            body["ok"].as_bool(),
            body["faults"].as_array().map(Vec::len)
        ),
        (Some(true), Some(0)),
        "{body}"
    );
    // Phone and month, with the same words saving uses.
    let (_, body) = check(&app, "phone", json!({ "phone": "1380013800" })).await;
    assert_eq!(body["faults"][0]["code"], "invalid_format", "{body}");
    assert!(
        body["faults"][0]["message"]
            .as_str()
            .unwrap()
            .contains("手机号码")
    );
    let (_, body) = check(&app, "join_month", json!({ "join_month": "2019年13月" })).await;
    assert_eq!(body["faults"][0]["code"], "join_date_invalid", "{body}");
    let (_, body) = check(&app, "join_month", json!({ "join_month": "2019/5" })).await;
    assert_eq!(body["ok"], true, "{body}");
    // Other fields give context: the number's year is the join month's.
    let (_, body) = check(
        &app,
        "dev_number",
        json!({ "join_month": "2022-05", "dev_number": "202344000001" }),
    )
    .await;
    assert_eq!(
        body["faults"][0]["code"], "dev_number_year_mismatch",
        "{body}"
    );
    // The age at joining, from the ID number typed above.
    let (_, body) = check(
        &app,
        "join_month",
        json!({ "id_number": youth(1), "join_month": "2019-05" }),
    )
    .await;
    assert_eq!(body["faults"][0]["code"], "join_age_too_young", "{body}");
    // A cadre's 任现职年月.
    let (_, body) = check(&app, "post_since", json!({ "post_since": "2023-00" })).await;
    assert_eq!(body["faults"][0]["field"], "post_since", "{body}");
    // A field that cannot be checked alone.
    let (status, body) = check(&app, "ethnicity", json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "bad_request"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("id_number")
    );
}

async fn entry_form_fields(app: crate::support::TestApp) {
    let t = World::new(&app).await;
    let year = chrono::Datelike::year(&tuanjian_app::beijing::today());
    let (status, body) = t
        .province
        .post(
            &format!("/api/v1/orgs/{}/dev-ranges", t.w.province.id),
            json!({ "org_id": t.w.city.id, "range": format!("{year}44000001-{year}44000100") }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let c = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;
    let (status, html) = get_html(&app, &c, &format!("/orgs/{}/members/new", t.w.branch.id)).await;
    assert_eq!(status, StatusCode::OK);
    // This year's proposal with its 填入 button; the script asks again when the month changes.
    assert!(html.contains("id=\"suggest-dev_number\""), "{html}");
    assert!(
        html.contains(&format!("data-value=\"{year}44000001\"")),
        "{html}"
    );
    assert!(html.contains(&format!(
        "data-url=\"/orgs/{}/dev-numbers/next\"",
        t.w.branch.id
    )));
    assert!(html.contains("/static/member-form.js"));
    // Phone keyboards, the month forms, the ID field sized for 18 characters, 取消.
    assert!(html.contains("name=\"phone\" id=\"phone\"") && html.contains("inputmode=\"numeric\""));
    assert!(html.contains("placeholder=\"如 2019-05 或 201905\""));
    assert!(
        html.contains("class=\"id-input\" data-check=\"id_number\""),
        "{html}"
    );
    assert!(html.contains("id=\"entry-cancel\""));
    let res = c
        .get(app.url("/static/member-form.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("/api/v1/checks/member-field")
    );

    // Faults beside their fields in form order, and the summary links them in that order.
    let page = format!("/orgs/{}/members/new", t.w.branch.id);
    let bad_id = wrong_check(2);
    let bad = [
        ("name", ""),
        ("id_number", bad_id.as_str()),
        ("ethnicity", "汉族"),
        ("political_status", "共青团员"),
        ("join_month", "2022-05"),
        ("dev_number", ""),
        ("party_applied", "否"),
        ("phone", "123"),
    ];
    let res = crate::support::admin::post_form(&app, &c, &page, &page, &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let at = |id: &str| {
        html.find(&format!("id=\"fault-{id}\""))
            .unwrap_or_else(|| panic!("no fault for {id}: {html}"))
    };
    let order = ["name", "id_number", "dev_number", "phone"].map(at);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let summary = html.find("id=\"entry-faults\"").unwrap();
    let links = ["#name", "#id_number", "#dev_number", "#phone"]
        .map(|h| html[summary..].find(&format!("href=\"{h}\"")).unwrap());
    assert!(links.windows(2).all(|w| w[0] < w[1]), "{links:?}");
    // The proposal follows the month typed.
    assert!(html.contains("id=\"suggest-dev_number\""));
}
