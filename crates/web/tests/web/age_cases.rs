//! 入团年龄特殊情况 (seed, question 4: 「由团中央统一录入」): a branch's or county's admin files
//! a case, the province gathers it (list, Excel, 报团中央), 团中央 enters the member with the
//! age rule waived and the reason recorded; anyone else meets the age fault.

use crate::support::{
    ApiClient, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp, csrf_of, idn, location,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::orgs::Org;

both_databases!(
    a_case_goes_from_the_county_to_the_province_to_central,
    only_central_enters_and_only_the_age_is_waived,
    filing_keeps_every_other_rule,
    returns_need_a_comment,
    the_lists_return_a_case,
);

const PW: &str = "Passw0rd2024";

/// Born 2012-06-15: 11 in May 2024 (13 required since 2017).
fn young_id() -> String {
    IdNumber::from_first17("44010620120615001")
        .as_str()
        .to_string()
}

async fn admin_of(app: &TestApp, org: &Org, seq: u32) -> ApiClient {
    let p = app
        .add_person(&idn(seq), &format!("管理员{seq}"), Some(PW))
        .await;
    app.make_admin(org, &p).await;
    let mut api = app.api();
    api.login(&idn(seq), PW).await;
    role(&api, org).await;
    api
}

async fn role(api: &ApiClient, org: &Org) {
    let (s, b) = api
        .send(
            Method::PUT,
            "/api/v1/role",
            json!({"kind": "admin", "org_id": org.id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn central(app: &TestApp) -> ApiClient {
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    role(&api, &app.root).await;
    api
}

fn case_body(id: &str) -> Value {
    json!({
        "name": "小早",
        "id_number": id,
        "phone": "13800138000",
        "join_month": "2024-05",
        "dev_number": "202444000001",
        "statement": "该生2024年5月经团支部大会通过入团，入团时未满13周岁，特此说明。天河区团委",
    })
}

async fn file(api: &ApiClient, branch: &Org, body: Value) -> (StatusCode, Value) {
    api.post(&format!("/api/v1/orgs/{}/age-cases", branch.id), body)
        .await
}

async fn case_status(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM age_cases WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn a_case_goes_from_the_county_to_the_province_to_central(app: TestApp) {
    let w = app.guangzhou().await;
    let county = admin_of(&app, &w.county, 101).await;
    let province = admin_of(&app, &w.province, 102).await;

    // The county files for a member of a branch below it.
    let (s, r) = file(&county, &w.branch, case_body(&young_id())).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_i64().unwrap();
    assert_eq!(case_status(&app, id).await, "collecting");
    assert_eq!(app.audit_count("age_case.file").await, 1);
    // Once is enough while it is open.
    let (s, e) = file(&county, &w.branch, case_body(&young_id())).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "age_case_open");

    // The province's list: 总数 and the seed's fields.
    let (s, l) = province.get("/api/v1/age-cases").await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["role"], "province");
    assert_eq!(l["total"], 1);
    let c = &l["cases"][0];
    assert_eq!(c["name"], "小早");
    assert_eq!(c["id_number"], young_id());
    assert_eq!(c["phone"], "13800138000");
    assert_eq!(c["branch_full_name"], w.branch.full_name);
    assert_eq!(c["status"], "collecting");
    assert_eq!(c["status_label"], "待汇总");

    // As Excel: the same rows and columns.
    let res = reqwest::Client::new()
        .get(app.url("/api/v1/age-cases/export"))
        .bearer_auth(province.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let text = sheet_text(&res.bytes().await.unwrap());
    for want in [
        "姓名",
        "身份证号码",
        "联系方式",
        "当前所在团组织",
        "小早",
        young_id().as_str(),
        "13800138000",
        w.branch.full_name.as_str(),
        "待汇总",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert_eq!(app.audit_count("age_case.export").await, 1);
    // The county follows its case but neither exports nor forwards.
    let (s, l) = county.get("/api/v1/age-cases").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(l["role"], "filer");
    assert_eq!(l["total"], 1);
    let (s, e) = county.get("/api/v1/age-cases/export").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["error"]["code"], "province_only");
    let (s, e) = county
        .post("/api/v1/age-cases/forward", json!({"case_ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["error"]["code"], "province_only");

    // 报团中央: once.
    let (s, r) = province
        .post("/api/v1/age-cases/forward", json!({"case_ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["forwarded"], 1);
    assert_eq!(case_status(&app, id).await, "forwarded");
    let (s, e) = province
        .post("/api/v1/age-cases/forward", json!({"case_ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "age_case_not_open");

    // 团中央 sees it among the forwarded cases nationwide and enters the member.
    let central = central(&app).await;
    let (s, l) = central.get("/api/v1/age-cases").await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["role"], "central");
    assert_eq!(l["total"], 1);
    // Its page offers 团中央 the entry form (民族, 政治面貌, 录入原因).
    let (page, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let html = page
        .get(app.url(&format!("/age-cases/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"enter-form\"") && html.contains("id=\"f-reason\""),
        "{html}"
    );
    let reason = "广东省团委报送，入团时未满13周岁，经团中央审核同意录入";
    let (s, r) = central
        .post(
            &format!("/api/v1/age-cases/{id}/enter"),
            json!({"reason": reason, "ethnicity": "汉族", "political_status": "共青团员"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["case"]["status"], "entered");
    let person = r["person_id"].as_i64().unwrap();
    let row: (i64, String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT org_id, join_month, age_exception, entry_fault FROM members WHERE person_id = $1",
    )
    .bind(person)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(
        row,
        (w.branch.id, "2024-05".into(), Some(reason.into()), None)
    );
    assert_eq!(app.audit_count("member.create").await, 1);
    let after: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE action = 'age_case.enter' AND target_id = $1",
    )
    .bind(person)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert!(after.contains(reason), "{after}");
    // The record shows it.
    let (s, rec) = central.get(&format!("/api/v1/members/{person}")).await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    assert_eq!(rec["membership"]["age_exception"], reason, "{rec}");
    // Entered once only.
    let (s, e) = central
        .post(
            &format!("/api/v1/age-cases/{id}/enter"),
            json!({"reason": reason, "ethnicity": "汉族", "political_status": "共青团员"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "age_case_not_open");

    // The recheck of stored records leaves the waived age alone.
    let stats = app
        .store
        .recheck_all_members(
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            100,
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(stats.faulty, 0, "{stats:?}");
    let fault: Option<String> =
        sqlx::query_scalar("SELECT entry_fault FROM members WHERE person_id = $1")
            .bind(person)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(fault, None);
}

async fn only_central_enters_and_only_the_age_is_waived(app: TestApp) {
    let w = app.guangzhou().await;
    let branch_admin = admin_of(&app, &w.branch, 104).await;
    let province = admin_of(&app, &w.province, 102).await;

    // The branch's own admin entering the member the ordinary way meets the age fault.
    let (s, e) = branch_admin
        .post(
            &format!("/api/v1/orgs/{}/members", w.branch.id),
            json!({"name": "小早", "id_number": young_id(), "ethnicity": "汉族",
                   "political_status": "共青团员", "join_month": "2024-05",
                   "dev_number": "202444000001"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["faults"][0]["code"], "join_age_too_young");
    assert!(
        e["faults"][0]["message"]
            .as_str()
            .unwrap()
            .contains("入团当月年满13周岁"),
        "{e}"
    );

    let (s, r) = file(&branch_admin, &w.branch, case_body(&young_id())).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_i64().unwrap();
    // Not yet forwarded: 团中央 cannot enter it.
    let central = central(&app).await;
    let enter = json!({"reason": "同意录入", "ethnicity": "汉族", "political_status": "共青团员"});
    let (s, e) = central
        .post(&format!("/api/v1/age-cases/{id}/enter"), enter.clone())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "age_case_not_open");
    let (s, _) = province
        .post("/api/v1/age-cases/forward", json!({"case_ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    // The province and the branch may not enter it: only 团中央.
    for api in [&province, &branch_admin] {
        let (s, e) = api
            .post(&format!("/api/v1/age-cases/{id}/enter"), enter.clone())
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        assert_eq!(e["error"]["code"], "central_only");
    }
    // A reason is required.
    let (s, e) = central
        .post(
            &format!("/api/v1/age-cases/{id}/enter"),
            json!({"reason": " ", "ethnicity": "汉族", "political_status": "共青团员"}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "required_missing");
    // Other rules still apply: the development number was taken meanwhile.
    let other = app.add_person(&idn(301), "占号者", Some(PW)).await;
    let class2 = app
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一2班团支部",
            "共青团广州市天河区第一中学高一2班支部",
        )
        .await;
    app.make_member(&class2, &other).await;
    sqlx::query("UPDATE members SET dev_number = '202444000001' WHERE person_id = $1")
        .bind(other.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (s, e) = central
        .post(&format!("/api/v1/age-cases/{id}/enter"), enter.clone())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["faults"][0]["code"], "dev_number_taken");
    assert_eq!(case_status(&app, id).await, "forwarded", "nothing written");
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(members, 1, "only the holder of the number");
}

async fn filing_keeps_every_other_rule(app: TestApp) {
    let w = app.guangzhou().await;
    let county = admin_of(&app, &w.county, 101).await;
    // Old enough: nothing to report, the branch enters the member.
    let grown = IdNumber::from_first17("44010620100515001")
        .as_str()
        .to_string();
    let (s, e) = file(&county, &w.branch, case_body(&grown)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "not_age_exception");
    // Every other fault with its field; nothing filed.
    let mut body = case_body(&young_id());
    body["dev_number"] = json!("202344000001");
    body["phone"] = json!("123");
    body["statement"] = json!("");
    let (s, e) = file(&county, &w.branch, body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "record_invalid");
    let codes: Vec<(&str, &str)> = e["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or(""),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(codes.contains(&("phone", "mobile_invalid")), "{codes:?}");
    assert!(
        codes.contains(&("statement", "required_missing")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("dev_number", "dev_number_year_mismatch")),
        "{codes:?}"
    );
    // Only for a 团支部, and only in the filer's scope.
    let (s, e) = file(&county, &w.school, case_body(&young_id())).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "not_a_branch");
    let sibling = admin_of(&app, &w.sibling, 105).await;
    let (s, e) = file(&sibling, &w.branch, case_body(&young_id())).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM age_cases")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

async fn returns_need_a_comment(app: TestApp) {
    let w = app.guangzhou().await;
    let county = admin_of(&app, &w.county, 101).await;
    let province = admin_of(&app, &w.province, 102).await;
    let (_, r) = file(&county, &w.branch, case_body(&young_id())).await;
    let id = r["id"].as_i64().unwrap();
    let (s, e) = province
        .post(&format!("/api/v1/age-cases/{id}/return"), json!({}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "required_missing");
    let (s, r) = province
        .post(
            &format!("/api/v1/age-cases/{id}/return"),
            json!({"comment": "说明未盖章，请补充"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "returned");
    assert_eq!(r["comment"], "说明未盖章，请补充");
    // Returned: it may be filed again.
    let (s, r) = file(&county, &w.branch, case_body(&young_id())).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    // The pages: the province's list and the case.
    let (c, _) = app.page_login(&idn(102), PW).await;
    let html = c
        .get(app.url("/age-cases"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("入团年龄特殊情况汇总"), "{html}");
    assert!(html.contains("id=\"cases-total\">2<"), "{html}");
    assert!(html.contains("id=\"forward-submit\""));

    // The county files on the branch's page; the form keeps what was typed on a fault.
    let (c, _) = app.page_login(&idn(101), PW).await;
    let org_page = c
        .get(app.url(&format!("/orgs/{}", w.branch.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let new_path = format!("/orgs/{}/age-cases/new", w.branch.id);
    assert!(
        org_page.contains(&new_path),
        "the branch page links the form"
    );
    let form = c
        .get(app.url(&new_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&form);
    let other = IdNumber::from_first17("44010620120720002")
        .as_str()
        .to_string();
    let post = |phone: &'static str| {
        let c = c.clone();
        let url = app.url(&new_path);
        let csrf = csrf.clone();
        let other = other.clone();
        async move {
            c.post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("name", "小晚"),
                    ("id_number", other.as_str()),
                    ("phone", phone),
                    ("join_month", "2024-06"),
                    ("dev_number", "202444000002"),
                    ("statement", "入团时未满13周岁，特此说明"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let res = post("1").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"err-phone\"") && html.contains("小晚"),
        "{html}"
    );
    let res = post("13900139000").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.ends_with("?done=filed"), "{to}");
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已报送") && html.contains("小晚"), "{html}");
    assert!(!html.contains("id=\"enter-form\""), "only 团中央 enters");
}

/// The page list of a signed-in client.
async fn list_html(app: &TestApp, c: &reqwest::Client) -> String {
    c.get(app.url("/age-cases"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Returns case `id` from a row of the list page with `comment`.
async fn return_from_list(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    comment: &str,
) -> reqwest::Response {
    let csrf = csrf_of(&list_html(app, c).await);
    c.post(app.url(&format!("/age-cases/{id}/return")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("from", "list"),
            ("comment", comment),
        ])
        .send()
        .await
        .unwrap()
}

/// The province (a case 待汇总) and 团中央 (a case 已报团中央) return from a row of their lists,
/// with the comment required, through the same use case as the case's own page.
async fn the_lists_return_a_case(app: TestApp) {
    let w = app.guangzhou().await;
    let county = admin_of(&app, &w.county, 101).await;
    let province = admin_of(&app, &w.province, 102).await;
    let (_, r) = file(&county, &w.branch, case_body(&young_id())).await;
    let id = r["id"].as_i64().unwrap();

    // The province's list offers the return on the row; the county's does not.
    let (c, _) = app.page_login(&idn(102), PW).await;
    let html = list_html(&app, &c).await;
    assert!(
        html.contains(&format!("id=\"return-submit-{id}\"")),
        "{html}"
    );
    assert!(html.contains(&format!("action=\"/age-cases/{id}/return\"")));
    let (county_page, _) = app.page_login(&idn(101), PW).await;
    let html = list_html(&app, &county_page).await;
    assert!(!html.contains("return-submit-"), "{html}");
    // Without a comment: refused on the list, nothing changed.
    let res = return_from_list(&app, &c, id, "  ").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"cases-error\"") && html.contains("退回意见"),
        "{html}"
    );
    assert_eq!(case_status(&app, id).await, "collecting");
    // With one: back on the list, the case returned with the comment and its audit record.
    let res = return_from_list(&app, &c, id, "说明未盖章，请补充").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert_eq!(to, format!("/age-cases?returned={id}"));
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("id=\"cases-notice\"") && html.contains("已退回“小早”"),
        "{html}"
    );
    assert_eq!(case_status(&app, id).await, "returned");
    let (_, shown) = province.get(&format!("/api/v1/age-cases/{id}")).await;
    assert_eq!(shown["comment"], "说明未盖章，请补充", "{shown}");

    // Filed again and forwarded: 团中央 returns it from its list.
    let (_, r) = file(&county, &w.branch, case_body(&young_id())).await;
    let id = r["id"].as_i64().unwrap();
    let (s, r) = province
        .post("/api/v1/age-cases/forward", json!({"case_ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    // The province's row is no longer open: no return there.
    let html = list_html(&app, &c).await;
    assert!(
        !html.contains(&format!("id=\"return-submit-{id}\"")),
        "{html}"
    );
    let (central_page, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let html = list_html(&app, &central_page).await;
    assert!(
        html.contains(&format!("id=\"return-submit-{id}\"")),
        "{html}"
    );
    let res = return_from_list(&app, &central_page, id, "请补充团支部大会记录").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(case_status(&app, id).await, "returned");
    assert_eq!(app.audit_count("age_case.return").await, 2);
}

/// Every cell of the first sheet, joined.
fn sheet_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .used_cells()
        .map(|(_, _, v)| v.to_string())
        .collect::<Vec<_>>()
        .join("|")
}
