//! Organisation information: filling and changing it, change requests and their approval,
//! the 书记, completeness, history and permissions, on SQLite and PostgreSQL.

mod common;

use common::{ApiClient, TestApp, csrf_of, location};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tuanjian_domain::{IdNumber, OrgKind};
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

const PW: &str = "Passw0rd2024";

both_databases!(
    own_admin_fills_at_once_and_changes_wait,
    superior_approves,
    superior_returns_with_comment,
    withdraw_and_one_pending_at_a_time,
    own_admin_cannot_change_names_kind_or_industry,
    superior_changes_names_kind_and_industry_at_once,
    kind_change_must_fit,
    new_secretary_gets_an_account,
    same_secretary_for_two_orgs_and_name_mismatch,
    approval_rechecks_the_secretary,
    completeness_flips,
    history_lists_everything,
    wrong_relations_are_refused,
    bad_input_per_field,
    pages_fill_request_and_decide,
    openapi_lists_the_calls,
);

/// A valid ID number from a sequence number (born 1990-01-01 in Guangzhou).
fn id(seq: u32) -> String {
    IdNumber::from_first17(&format!("44010619900101{seq:03}"))
        .as_str()
        .to_string()
}

/// 团广东省委 → 团广州市委 → 团天河区委 (and its sibling 团越秀区委) → 一中团委 → 高一1班团支部.
type World = common::Guangzhou;

async fn world(app: &TestApp) -> World {
    app.guangzhou().await
}

/// An admin of `org`, signed in over the API.
async fn admin_of(app: &TestApp, org: &Org, seq: u32, name: &str) -> (ApiClient, Person) {
    let p = app.add_person(&id(seq), name, Some(PW)).await;
    app.make_admin(org, &p).await;
    let mut api = app.api();
    api.login(&id(seq), PW).await;
    (api, p)
}

async fn put(api: &ApiClient, org: &Org, body: Value) -> (StatusCode, Value) {
    api.send(Method::PUT, &format!("/api/v1/orgs/{}/info", org.id), body)
        .await
}

async fn info(api: &ApiClient, org: &Org) -> Value {
    let (s, v) = api.get(&format!("/api/v1/orgs/{}/info", org.id)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn decide(
    api: &ApiClient,
    org: &Org,
    change: i64,
    what: &str,
    body: Value,
) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/orgs/{}/changes/{change}/{what}", org.id),
        body,
    )
    .await
}

fn field(info: &Value, key: &str) -> Value {
    info["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == key)
        .map(|f| f["value"].clone())
        .unwrap_or(Value::Null)
}

async fn count(app: &TestApp, sql: &'static str, org: &Org) -> i64 {
    sqlx::query_scalar(sql)
        .bind(org.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn info_complete(app: &TestApp, org: &Org) -> i64 {
    count(app, "SELECT info_complete FROM orgs WHERE id = $1", org).await
}

async fn changes_of(app: &TestApp, org: &Org) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM org_changes WHERE org_id = $1",
        org,
    )
    .await
}

/// Everything of a leading body's form, for the county.
fn full_county_form(secretary_seq: u32) -> Value {
    json!({
        "phone": "020-85212345",
        "email": "thqtw@example.cn",
        "admin_staff_quota": 5,
        "admin_staff_actual": 4,
        "career_staff_quota": 0,
        "career_staff_actual": 0,
        "secretary_name": "李书记",
        "secretary_id_number": id(secretary_seq),
        "secretary_phone": "13800138000",
    })
}

async fn own_admin_fills_at_once_and_changes_wait(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let before = info(&own, &w.county).await;
    assert_eq!(before["complete"], false);
    assert_eq!(before["may"]["request_change"], true);
    assert_eq!(before["may"]["edit_directly"], false);

    // Empty fields: everything takes effect at once (完善组织信息).
    let (s, r) = put(&own, &w.county, full_county_form(201)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["applied"].as_array().unwrap().len(), 9, "{r}");
    assert!(r["pending_change_id"].is_null());
    assert_eq!(r["info"]["complete"], true, "{r}");
    assert_eq!(field(&r["info"], "phone"), "020-85212345");
    assert_eq!(r["info"]["secretary"]["name"], "李书记");
    assert_eq!(
        r["info"]["secretary"]["id_number_masked"],
        "440106********".to_string() + &id(201)[14..]
    );
    let row: (String, Option<i64>) =
        sqlx::query_as("SELECT status, approver_org_id FROM org_changes WHERE org_id = $1")
            .bind(w.county.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(row, ("applied".to_string(), Some(w.city.id)));

    // Changing filled fields waits; unchanged ones drop out; a new empty... none left.
    let (s, r) = put(
        &own,
        &w.county,
        json!({ "phone": "020-88888888", "email": "thqtw@example.cn" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["applied"], json!([]));
    assert_eq!(r["pending"], json!(["phone"]));
    let pending = r["pending_change_id"].as_i64().unwrap();
    assert_eq!(field(&r["info"], "phone"), "020-85212345", "not yet");
    assert_eq!(r["info"]["pending_change"]["id"], pending);
    assert_eq!(
        r["info"]["pending_change"]["rows"][0]["before"],
        "020-85212345"
    );
    assert_eq!(
        r["info"]["pending_change"]["rows"][0]["after"],
        "020-88888888"
    );
    let approver: Option<i64> =
        sqlx::query_scalar("SELECT approver_org_id FROM org_changes WHERE id = $1")
            .bind(pending)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(approver, Some(w.city.id));
    assert_eq!(app.audit_count("org_change.request").await, 1);

    // The same form again: nothing to do.
    let (s, r) = put(&own, &w.county, json!({ "email": "thqtw@example.cn" })).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["applied"], json!([]));
    assert!(r["pending_change_id"].is_null());
}

async fn superior_approves(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(
        &own,
        &w.county,
        json!({ "phone": "020-88888888", "secretary_name": "李书记", "secretary_id_number": id(201), "secretary_phone": "13900139000" }),
    )
    .await;
    let change = r["pending_change_id"].as_i64().unwrap();
    assert_eq!(
        r["pending"],
        json!([
            "phone",
            "secretary_name",
            "secretary_id_number",
            "secretary_phone"
        ])
    );

    let seen = info(&sup, &w.county).await;
    assert_eq!(seen["may"]["decide"], true);
    assert_eq!(seen["may"]["withdraw"], false);
    let rows = seen["pending_change"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "only what differs: {rows:?}");

    let (s, c) = decide(&sup, &w.county, change, "approve", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "approved");
    assert_eq!(c["decided_by_name"], "市管理员");
    let after = info(&own, &w.county).await;
    assert_eq!(field(&after, "phone"), "020-88888888");
    assert_eq!(after["secretary"]["mobile"], "13900139000");
    assert!(after["pending_change"].is_null());
    assert_eq!(app.audit_count("org_change.approve").await, 1);

    // Decided once, decided for good.
    for what in ["approve", "return", "withdraw"] {
        let client = if what == "withdraw" { &own } else { &sup };
        let (s, e) = decide(
            client,
            &w.county,
            change,
            what,
            json!({ "comment": "再来" }),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{what}: {e}");
        assert_eq!(e["error"]["code"], "change_decided");
    }
    // An unknown change, or one of another organisation, is not found.
    let (s, _) = decide(&sup, &w.county, 999_999, "approve", json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = decide(&sup, &w.sibling, change, "approve", json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn superior_returns_with_comment(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(&own, &w.county, json!({ "email": "new@example.cn" })).await;
    let change = r["pending_change_id"].as_i64().unwrap();

    for body in [json!({}), json!({ "comment": "   " })] {
        let (s, e) = decide(&sup, &w.county, change, "return", body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert_eq!(e["error"]["code"], "comment_required");
        assert_eq!(e["error"]["field"], "comment");
    }
    let long = "长".repeat(501);
    let (s, e) = decide(
        &sup,
        &w.county,
        change,
        "return",
        json!({ "comment": long }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "too_long");
    assert_eq!(info(&own, &w.county).await["pending_change"]["id"], change);

    let (s, c) = decide(
        &sup,
        &w.county,
        change,
        "return",
        json!({ "comment": "邮箱请使用单位邮箱" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "returned");
    assert_eq!(c["comment"], "邮箱请使用单位邮箱");
    let after = info(&own, &w.county).await;
    assert_eq!(field(&after, "email"), "thqtw@example.cn", "not applied");
    assert!(after["pending_change"].is_null());
}

async fn withdraw_and_one_pending_at_a_time(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-11111111" })).await;
    let first = r["pending_change_id"].as_i64().unwrap();
    let rows = changes_of(&app, &w.county).await;

    // A second change while one waits is refused; nothing is written.
    let (s, e) = put(&own, &w.county, json!({ "email": "second@example.cn" })).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "change_pending");
    assert!(e["error"]["message"].as_str().unwrap().contains("撤回"));
    assert_eq!(changes_of(&app, &w.county).await, rows);
    assert_eq!(
        field(&info(&own, &w.county).await, "email"),
        "thqtw@example.cn"
    );

    // The superior does not withdraw; the own admin does not decide.
    let (s, e) = decide(&sup, &w.county, first, "withdraw", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, e) = decide(&own, &w.county, first, "approve", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "not_direct_superior");

    let (s, c) = decide(&own, &w.county, first, "withdraw", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "withdrawn");
    let (s, _) = decide(&sup, &w.county, first, "approve", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(field(&info(&own, &w.county).await, "phone"), "020-85212345");

    // Now a new request may be made.
    let (s, r) = put(&own, &w.county, json!({ "email": "second@example.cn" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r["pending_change_id"].as_i64().unwrap() > first);
}

async fn own_admin_cannot_change_names_kind_or_industry(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let before = info(&own, &w.school).await;
    for (key, value) in [
        ("short_name", json!("二中团委")),
        ("full_name", json!("共青团广州市天河区第二中学委员会")),
        ("kind", json!("团工委")),
        // Empty so far: still the superior's to fill.
        ("industry", json!("普通高中")),
    ] {
        let (s, e) = put(
            &own,
            &w.school,
            json!({ key: value, "admin_staff_quota": 3 }),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{key}: {e}");
        assert_eq!(e["error"]["code"], "field_not_editable");
        assert_eq!(e["error"]["field"], key);
    }
    let after = info(&own, &w.school).await;
    assert_eq!(before, after, "nothing changed");
    assert_eq!(changes_of(&app, &w.school).await, 0);
    let org = app.store.org(w.school.id).await.unwrap();
    assert_eq!(org.short_name, "一中团委");
    assert_eq!(org.kind, OrgKind::Committee);

    // The values as shown may be sent back: they are not changes.
    let (s, r) = put(
        &own,
        &w.school,
        json!({ "short_name": "一中团委", "kind": "03TW", "admin_staff_quota": 3 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["applied"], json!(["admin_staff_quota"]));

    // The page says who fills in the industry.
    let (c, _) = app.page_login(&id(103), PW).await;
    let html = c
        .get(app.url(&format!("/orgs/{}/info", w.school.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"industry-hint\""), "{html}");
    assert!(!html.contains("id=\"f-short_name\""));
    assert!(!html.contains("id=\"f-kind\""));
}

async fn superior_changes_names_kind_and_industry_at_once(app: TestApp) {
    let w = world(&app).await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    let (s, r) = put(
        &sup,
        &w.county,
        json!({
            "short_name": "团天河区工委",
            "full_name": "共青团广州市天河区工作委员会",
            "kind": "04TGW",
            "phone": "020-12345678",
        }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        r["applied"],
        json!(["short_name", "full_name", "kind", "phone"])
    );
    assert!(r["pending_change_id"].is_null());
    let org = app.store.org(w.county.id).await.unwrap();
    assert_eq!(org.short_name, "团天河区工委");
    assert_eq!(org.full_name, "共青团广州市天河区工作委员会");
    assert_eq!(org.kind, OrgKind::WorkCommittee);
    let status: String = sqlx::query_scalar("SELECT status FROM org_changes WHERE org_id = $1")
        .bind(w.county.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "applied");
    assert_eq!(app.audit_count("org.rename").await, 1);
    assert_eq!(app.audit_count("org.kind").await, 1);
    assert_eq!(app.audit_count("org_change.apply").await, 1);

    // A full name already used elsewhere is refused at the field.
    let (s, e) = put(
        &sup,
        &w.county,
        json!({ "full_name": "共青团广州市越秀区委员会" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "org_name_taken");
    assert_eq!(e["error"]["field"], "full_name");

    // The county's admin sets the school's industry (its direct child).
    let (county_admin, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (s, r) = put(&county_admin, &w.school, json!({ "industry": "普通高中" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["info"]["industry"], "05PTGZ");
    assert_eq!(r["info"]["industry_label"], "普通高中");
    assert_eq!(r["info"]["is_school"], true);
    assert!(
        r["info"]["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("学校机构编号"))
    );
}

async fn kind_change_must_fit(app: TestApp) {
    let w = world(&app).await;
    let (county_admin, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (city_admin, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    // The school holds a branch: it cannot become a branch itself.
    let (s, e) = put(
        &county_admin,
        &w.school,
        json!({ "kind": "团支部", "industry": "08GYQY" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "org_kind_children");
    assert_eq!(e["error"]["field"], "kind");
    // A county committee cannot be a 团总支.
    let (s, e) = put(&city_admin, &w.county, json!({ "kind": "02TZZ" })).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "org_kind_not_allowed");
    // A branch with members stays a branch.
    let m = app.add_person(&id(301), "团员甲", Some(PW)).await;
    app.make_member(&w.branch, &m).await;
    let (school_admin, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let (s, e) = put(&school_admin, &w.branch, json!({ "kind": "团总支" })).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "branch_has_members");
    // An unknown kind is a field error.
    let (s, e) = put(&school_admin, &w.branch, json!({ "kind": "团小组" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "org_kind_invalid");
    // Nothing changed, nothing recorded.
    assert_eq!(
        app.store.org(w.school.id).await.unwrap().kind,
        OrgKind::Committee
    );
    assert_eq!(
        app.store.org(w.county.id).await.unwrap().kind,
        OrgKind::Committee
    );
    assert_eq!(
        app.store.org(w.branch.id).await.unwrap().kind,
        OrgKind::Branch
    );
    assert_eq!(
        app.store.org(w.school.id).await.unwrap().kind,
        OrgKind::Committee
    );
    assert_eq!(changes_of(&app, &w.school).await, 0);
    assert_eq!(app.audit_count("org.kind").await, 0);
    let info_school = app.store.org_info(w.school.id).await.unwrap();
    assert_eq!(info_school.industry, None);
    // A branch without members may become a graduating branch.
    let (s, r) = put(&school_admin, &w.branch, json!({ "kind": "06BYBTZB" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        app.store.org(w.branch.id).await.unwrap().kind,
        OrgKind::GraduatingBranch
    );
}

async fn new_secretary_gets_an_account(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let secretary = id(202);
    let (s, r) = put(
        &own,
        &w.county,
        json!({ "secretary_name": "王书记", "secretary_id_number": secretary.to_lowercase(), "secretary_phone": "138 0013 8001" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let person = app
        .store
        .person_by_id_number(&IdNumber::parse(&secretary).unwrap())
        .await
        .unwrap()
        .expect("account created");
    assert_eq!(person.name, "王书记");
    assert_eq!(person.phone.as_deref(), Some("13800138001"));
    assert!(person.in_initial_state());
    let posts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cadre_posts WHERE person_id = $1 AND org_id = $2 AND post = '书记'",
    )
    .bind(person.id)
    .bind(w.county.id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(posts, 1);
    // Logs in with the last 8 characters of the ID number and must change the password.
    let mut api = app.api();
    let body = api.login(&secretary, &secretary[10..]).await;
    assert_eq!(body["must_change_password"], true);
    let (s, e) = api.get(&format!("/api/v1/orgs/{}/info", w.county.id)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "password_change_required");
}

async fn same_secretary_for_two_orgs_and_name_mismatch(app: TestApp) {
    let w = world(&app).await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    let secretary = id(203);
    let body = json!({ "secretary_name": "赵书记", "secretary_id_number": secretary, "secretary_phone": "13800138002" });
    for org in [&w.county, &w.sibling] {
        let (s, r) = put(&sup, org, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["info"]["secretary"]["name"], "赵书记");
    }
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id_number = $1")
        .bind(&secretary)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(people, 1);
    let posts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cadre_posts c JOIN people p ON p.id = c.person_id WHERE p.id_number = $1 AND c.post = '书记'",
    )
    .bind(&secretary)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(posts, 2);

    // An existing account under another name: refused, nothing written.
    let (own, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let rows = changes_of(&app, &w.school).await;
    let (s, e) = put(
        &own,
        &w.school,
        json!({ "secretary_name": "钱书记", "secretary_id_number": secretary, "secretary_phone": "13800138003", "admin_staff_quota": 2 }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "secretary_name_mismatch");
    assert_eq!(e["error"]["field"], "secretary_name");
    // The registered name belongs to someone possibly outside the admin's scope: never told.
    let message = e["error"]["message"].as_str().unwrap();
    assert!(!message.contains("赵书记"), "{message}");
    assert!(
        message.contains("钱书记") && message.contains("不一致"),
        "{message}"
    );
    let after = app.store.org_info(w.school.id).await.unwrap();
    assert_eq!(after.secretary_name, None);
    assert_eq!(after.admin_staff_quota, None);
    assert_eq!(changes_of(&app, &w.school).await, rows);
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM people WHERE id_number = $1")
        .bind(&secretary)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(phone.as_deref(), Some("13800138002"));
}

async fn approval_rechecks_the_secretary(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    // Asking for a new 书记 whose account exists under another name is refused at once.
    app.add_person(&id(204), "孙某", None).await;
    let (s, e) = put(
        &own,
        &w.county,
        json!({ "secretary_name": "周书记", "secretary_id_number": id(204), "secretary_phone": "13800138004" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "secretary_name_mismatch");
    // A 书记 not yet in the system waits for approval ...
    let (s, r) = put(
        &own,
        &w.county,
        json!({ "secretary_name": "吴书记", "secretary_id_number": id(205), "secretary_phone": "13800138005" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let change = r["pending_change_id"].as_i64().unwrap();
    // ... meanwhile that ID number is registered under another name: approval is refused and
    // the request stays pending.
    app.add_person(&id(205), "郑某", None).await;
    let (s, e) = decide(&sup, &w.county, change, "approve", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "secretary_name_mismatch");
    let now = info(&sup, &w.county).await;
    assert_eq!(now["pending_change"]["id"], change);
    assert_eq!(now["secretary"]["name"], "李书记");
    // It can still be returned.
    let (s, _) = decide(
        &sup,
        &w.county,
        change,
        "return",
        json!({ "comment": "书记姓名与身份证不符" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}

async fn completeness_flips(app: TestApp) {
    let w = world(&app).await;
    let (school_admin, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let (branch_admin, _) = admin_of(&app, &w.branch, 104, "支部管理员").await;
    let v = info(&branch_admin, &w.branch).await;
    assert_eq!(v["complete"], false);
    assert_eq!(
        v["missing"],
        json!([
            "单位所属行业类别",
            "书记姓名",
            "书记身份证号码",
            "书记手机号码"
        ])
    );
    // The superior sets the industry (a non-school one, so no school code is asked).
    let (s, _) = put(&school_admin, &w.branch, json!({ "industry": "08GYQY" })).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(info_complete(&app, &w.branch).await, 0);
    // The branch's own admin fills the 书记 with the mobile: complete.
    let (s, r) = put(
        &branch_admin,
        &w.branch,
        json!({ "secretary_name": "陈书记", "secretary_id_number": id(206), "secretary_phone": "13800138006" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["info"]["complete"], true, "{r}");
    assert_eq!(r["info"]["missing"], json!([]));
    assert_eq!(info_complete(&app, &w.branch).await, 1);
    assert_eq!(
        app.store.children_completion(w.school.id).await.unwrap(),
        (1, 1)
    );
}

async fn history_lists_everything(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await; // applied
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-22222222" })).await;
    decide(
        &sup,
        &w.county,
        r["pending_change_id"].as_i64().unwrap(),
        "approve",
        json!({ "comment": "同意" }),
    )
    .await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-33333333" })).await;
    decide(
        &sup,
        &w.county,
        r["pending_change_id"].as_i64().unwrap(),
        "return",
        json!({ "comment": "号码不对" }),
    )
    .await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-44444444" })).await;
    decide(
        &own,
        &w.county,
        r["pending_change_id"].as_i64().unwrap(),
        "withdraw",
        json!({}),
    )
    .await;
    put(&sup, &w.county, json!({ "short_name": "团天河区委员会" })).await; // applied
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-55555555" })).await; // pending
    let last = r["pending_change_id"].as_i64().unwrap();

    let (s, h) = own
        .get(&format!("/api/v1/orgs/{}/history", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["changes"]["total"], 6);
    let statuses: Vec<&str> = h["changes"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        vec![
            "pending",
            "applied",
            "withdrawn",
            "returned",
            "approved",
            "applied"
        ]
    );
    assert_eq!(h["changes"]["items"][0]["id"], last);
    assert_eq!(h["changes"]["items"][3]["comment"], "号码不对");
    assert_eq!(h["changes"]["items"][1]["rows"][0]["label"], "组织简称");
    assert_eq!(h["changes"]["items"][1]["requested_by_name"], "市管理员");
    let actions: Vec<&str> = h["audit"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for a in [
        "org.create",
        "admin.add",
        "org.info",
        "org_change.request",
        "org_change.approve",
        "org_change.return",
        "org_change.withdraw",
        "org_change.apply",
        "org.rename",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    // No full ID number anywhere in the history.
    assert!(!h.to_string().contains(&id(201)), "{h}");
    // Paged.
    let (_, p2) = own
        .get(&format!(
            "/api/v1/orgs/{}/history?per_page=2&page=2&audit_page=3",
            w.county.id
        ))
        .await;
    assert_eq!(p2["changes"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(p2["changes"]["items"][0]["status"], "withdrawn");
    assert_eq!(p2["audit"]["page"], 3);
    let (s, e) = own
        .get(&format!("/api/v1/orgs/{}/history?page=x", w.county.id))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "query_invalid");

    // The page shows the same, to the superior too.
    let (c, _) = app.page_login(&id(102), PW).await;
    let html = c
        .get(app.url(&format!("/orgs/{}/history", w.county.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for text in [
        "待上级审批",
        "审批通过",
        "已退回",
        "已撤回",
        "已直接生效",
        "号码不对",
        "创建组织",
        "020-33333333",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(!html.contains(&id(201)));
}

async fn wrong_relations_are_refused(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-99999999" })).await;
    let change = r["pending_change_id"].as_i64().unwrap();
    let (sibling, _) = admin_of(&app, &w.sibling, 105, "越秀管理员").await;
    let (grand, _) = admin_of(&app, &w.province, 106, "省管理员").await;
    let cadre = app.add_person(&id(107), "区团干部", Some(PW)).await;
    app.make_cadre(&w.county, &cadre, "组织委员").await;
    let mut cadre_api = app.api();
    cadre_api.login(&id(107), PW).await;
    let member = app.add_person(&id(108), "团员乙", Some(PW)).await;
    app.make_member(&w.branch, &member).await;
    let mut member_api = app.api();
    member_api.login(&id(108), PW).await;
    let anonymous = app.api();

    let snapshot = || async {
        (
            app.store.org_info(w.county.id).await.unwrap(),
            app.store.org(w.county.id).await.unwrap().short_name,
            changes_of(&app, &w.county).await,
            app.store.org_info(w.branch.id).await.unwrap(),
        )
    };
    let before = snapshot().await;
    let body = json!({ "short_name": "被篡改", "phone": "020-00000000", "admin_staff_quota": 99 });
    let cases: [(&ApiClient, &Org, StatusCode, &str); 6] = [
        (&sibling, &w.county, StatusCode::NOT_FOUND, "not_found"),
        (
            &grand,
            &w.county,
            StatusCode::FORBIDDEN,
            "not_direct_superior",
        ),
        (
            &cadre_api,
            &w.county,
            StatusCode::FORBIDDEN,
            "admin_required",
        ),
        (
            &member_api,
            &w.branch,
            StatusCode::FORBIDDEN,
            "admin_required",
        ),
        (&member_api, &w.county, StatusCode::NOT_FOUND, "not_found"),
        (
            &anonymous,
            &w.county,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
    ];
    for (client, org, status, code) in cases {
        let (s, e) = put(client, org, body.clone()).await;
        assert_eq!(
            (s, e["error"]["code"].as_str().unwrap()),
            (status, code),
            "put {}: {e}",
            org.short_name
        );
        for what in ["approve", "return", "withdraw"] {
            let (s, e) = decide(client, org, change, what, json!({ "comment": "x" })).await;
            assert!(s.is_client_error(), "{what}: {e}");
            assert!(s != StatusCode::CONFLICT, "{what}: {e}");
        }
    }
    // Viewing: cadres see their own organisation's information, not its history.
    let (s, _) = cadre_api
        .get(&format!("/api/v1/orgs/{}/info", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = cadre_api
        .get(&format!("/api/v1/orgs/{}/history", w.county.id))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, _) = sibling
        .get(&format!("/api/v1/orgs/{}/history", w.county.id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = anonymous
        .get(&format!("/api/v1/orgs/{}/info", w.county.id))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = grand
        .get(&format!("/api/v1/orgs/{}/info", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["may"]["decide"], false);
    assert_eq!(v["may"]["edit_directly"], false);
    assert_eq!(snapshot().await, before, "nothing changed");
    let pending: String = sqlx::query_scalar("SELECT status FROM org_changes WHERE id = $1")
        .bind(change)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(pending, "pending");
}

async fn bad_input_per_field(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let before = app.store.org_info(w.county.id).await.unwrap();
    let good = id(123);
    let wrong = if good.ends_with('0') { '1' } else { '0' };
    let bad_check = format!("{}{wrong}", &good[..17]);
    let (s, e) = put(
        &own,
        &w.county,
        json!({
            "phone": "电话号码",
            "email": "no-at-sign",
            "admin_staff_quota": -1,
            "secretary_name": "张三",
            "secretary_id_number": bad_check,
            "secretary_phone": "12345",
        }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "phone_invalid");
    assert_eq!(e["error"]["field"], "phone");
    let message = e["error"]["message"].as_str().unwrap();
    for part in ["联系电话", "电子邮箱", "编制数", "校验位", "手机号码"] {
        assert!(message.contains(part), "{part} in {message}");
    }
    // The 书记's three fields go together.
    let (s, e) = put(&own, &w.county, json!({ "secretary_name": "张三" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "secretary_id_number");
    // Fields another kind's form asks for are refused.
    let (branch_admin, _) = admin_of(&app, &w.branch, 104, "支部管理员").await;
    let (s, e) = put(&branch_admin, &w.branch, json!({ "phone": "020-12345678" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "field_not_asked");
    // Too long, control characters, wrong JSON types.
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    let (s, e) = put(&sup, &w.county, json!({ "short_name": "长".repeat(31) })).await;
    assert_eq!(
        (s, e["error"]["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "too_long")
    );
    let (s, e) = put(&sup, &w.county, json!({ "full_name": "共青团\u{7}委员会" })).await;
    assert_eq!(
        (s, e["error"]["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "invalid_text")
    );
    let (s, e) = put(&own, &w.county, json!({ "admin_staff_quota": "三" })).await;
    assert_eq!(
        (s, e["error"]["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "json_invalid")
    );
    let (s, e) = put(&sup, &w.county, json!({ "industry": "不存在的行业" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    for path in [
        "/api/v1/orgs/abc/info",
        "/api/v1/orgs/0/info",
        "/api/v1/orgs/999999/info",
    ] {
        let (s, _) = own
            .send(Method::PUT, path, json!({ "phone": "020-12345678" }))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        let (s, _) = own.get(path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.store.org_info(w.county.id).await.unwrap(), before);
    assert_eq!(changes_of(&app, &w.county).await, 0);

    // The page shows every fault at its field and keeps what was typed.
    let (c, _) = app.page_login(&id(101), PW).await;
    let html = c
        .get(app.url(&format!("/orgs/{}/info", w.county.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let res = c
        .post(app.url(&format!("/orgs/{}/info", w.county.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("phone", "电话号码"),
            ("email", "no-at-sign"),
            ("admin_staff_quota", "abc"),
            ("secretary_name", ""),
            ("secretary_id_number", "123"),
            ("secretary_phone", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    for id in [
        "err-phone",
        "err-email",
        "err-admin_staff_quota",
        "err-secretary_name",
        "err-secretary_id_number",
        "err-secretary_phone",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("value=\"no-at-sign\""));
    assert_eq!(app.store.org_info(w.county.id).await.unwrap(), before);
    // Without the CSRF token nothing is accepted.
    let res = c
        .post(app.url(&format!("/orgs/{}/info", w.county.id)))
        .form(&[("phone", "020-12345678")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.org_info(w.county.id).await.unwrap(), before);
}

async fn pages_fill_request_and_decide(app: TestApp) {
    let w = world(&app).await;
    let own = app.add_person(&id(101), "区管理员", Some(PW)).await;
    app.make_admin(&w.county, &own).await;
    let sup = app.add_person(&id(102), "市管理员", Some(PW)).await;
    app.make_admin(&w.city, &sup).await;
    let info_url = app.url(&format!("/orgs/{}/info", w.county.id));

    // The own admin completes the information on the page.
    let (c, _) = app.page_login(&id(101), PW).await;
    let html = c.get(&info_url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("信息不完整") && html.contains("请完善组织信息"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let secretary = id(207);
    let res = c
        .post(&info_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("phone", "020-85212345"),
            ("email", "thqtw@example.cn"),
            ("admin_staff_quota", "5"),
            ("admin_staff_actual", "4"),
            ("career_staff_quota", "0"),
            ("career_staff_actual", "0"),
            ("secretary_name", "林书记"),
            ("secretary_id_number", secretary.as_str()),
            ("secretary_phone", "13800138007"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.contains("applied="), "{to}");
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已保存并立即生效"), "{html}");
    assert!(html.contains("信息完整"));
    assert!(html.contains("林书记"));
    assert!(
        !html.contains(&secretary),
        "the ID number is shown masked only"
    );

    // Sending the form back as shown (masked ID) with a changed phone asks for approval.
    let csrf = csrf_of(&html);
    let masked = IdNumber::parse(&secretary).unwrap().masked();
    let res = c
        .post(&info_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("phone", "020-66666666"),
            ("email", "thqtw@example.cn"),
            ("admin_staff_quota", "5"),
            ("admin_staff_actual", "4"),
            ("career_staff_quota", "0"),
            ("career_staff_actual", "0"),
            ("secretary_name", "林书记"),
            ("secretary_id_number", masked.as_str()),
            ("secretary_phone", "13800138007"),
        ])
        .send()
        .await
        .unwrap();
    let to = location(&res);
    assert!(to.contains("waiting=phone&pending="), "{to}");
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已提交直属上级组织的管理员审批"));
    assert!(html.contains("id=\"pending-change\"") && html.contains("id=\"withdraw-form\""));
    assert!(!html.contains("id=\"approve-form\""));
    let change: i64 =
        sqlx::query_scalar("SELECT id FROM org_changes WHERE org_id = $1 AND status = 'pending'")
            .bind(w.county.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();

    // The superior sees before → after and decides on the page.
    let (s, _) = app.page_login(&id(102), PW).await;
    let html = s.get(&info_url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("020-85212345") && html.contains("020-66666666"));
    assert!(html.contains("id=\"approve-form\"") && html.contains("id=\"return-form\""));
    assert!(
        html.contains("id=\"f-short_name\""),
        "the superior may rename"
    );
    let csrf = csrf_of(&html);
    let decide_url =
        |what: &str| app.url(&format!("/orgs/{}/changes/{change}/{what}", w.county.id));
    let res = s
        .post(decide_url("return"))
        .form(&[("csrf", csrf.as_str()), ("comment", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("id=\"err-comment\""));
    let res = s
        .post(decide_url("approve"))
        .form(&[("csrf", csrf.as_str()), ("comment", "同意")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).ends_with("decided=approved"));
    let res = s
        .post(decide_url("approve"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("已经处理过"));
    assert_eq!(
        app.store
            .org_info(w.county.id)
            .await
            .unwrap()
            .phone
            .as_deref(),
        Some("020-66666666")
    );

    // The superior changes the name at once on the page.
    let res = s
        .post(&info_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("short_name", "团天河区委（新）"),
            ("full_name", "共青团广州市天河区委员会"),
            ("kind", "03TW"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).contains("applied=short_name"),
        "{}",
        location(&res)
    );
    assert_eq!(
        app.store.org(w.county.id).await.unwrap().short_name,
        "团天河区委（新）"
    );

    // The own admin's page offers no name fields, and sending them is refused.
    let html = c.get(&info_url).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&html);
    let res = c
        .post(&info_url)
        .form(&[("csrf", csrf.as_str()), ("short_name", "自己改名")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("不能由本组织修改"));
    assert_eq!(
        app.store.org(w.county.id).await.unwrap().short_name,
        "团天河区委（新）"
    );
}

async fn openapi_lists_the_calls(app: TestApp) {
    let (s, doc) = app.api().get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        "/api/v1/orgs/{id}/info",
        "/api/v1/orgs/{id}/changes/{change_id}/approve",
        "/api/v1/orgs/{id}/changes/{change_id}/return",
        "/api/v1/orgs/{id}/changes/{change_id}/withdraw",
        "/api/v1/orgs/{id}/history",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["paths"]["/api/v1/orgs/{id}/info"]["put"].is_object());
}
