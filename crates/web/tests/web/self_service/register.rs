//! The self-service ways in (seed, question 9) over the API and the pages, on both databases:
//! 团员团干部注册, 我要入团 through its four stages, 流动团员报到; every refusal (joined 2020
//! or later, not a branch, the wrong admin, registering twice, an ID held in another province),
//! stages in order only, the last stage's entry-rule faults, correcting and withdrawing.

mod common;

use chrono::{Datelike, Duration, NaiveDate};
use common::{ApiClient, Guangzhou, TestApp, csrf_of, location};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::orgs::Org;

both_databases!(
    register_is_approved_into_the_branch,
    register_refusals,
    registering_twice_names_only_the_province,
    only_the_branchs_own_admin_decides,
    join_moves_through_its_stages_in_order,
    join_last_stage_lists_every_entry_fault,
    join_applicants_are_13_to_27,
    report_is_returned_corrected_and_accepted,
    withdrawn_and_rejected_applications,
    anonymous_pages_sign_the_applicant_in,
    a_name_that_is_not_exact_offers_branches,
    already_registered_answers_are_throttled,
    openapi_documents_the_calls,
);

const BRANCH_FULL: &str = "共青团广州市天河区第一中学高一1班支部";
const APPLICANT_PASSWORD: &str = "Apply2024x";
const ADMIN_PASSWORD: &str = "Admin2024x";

fn today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

/// A valid ID number of someone `years` old today (and about a month), different per `seq`.
fn id_aged(years: i32, seq: u32) -> String {
    let t = today() - Duration::days(40);
    let birth = NaiveDate::from_ymd_opt(t.year() - years, t.month(), t.day().min(28)).unwrap();
    IdNumber::from_first17(&format!("440106{}{seq:03}", birth.format("%Y%m%d"))).to_string()
}

fn this_month() -> String {
    today().format("%Y-%m").to_string()
}

struct World {
    w: Guangzhou,
    admin: ApiClient,
    admin_id: String,
}

async fn world(app: &TestApp) -> World {
    let w = app.guangzhou().await;
    let admin_id = id_aged(35, 900);
    let p = app
        .add_person(&admin_id, "支部管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.branch, &p).await;
    let mut admin = app.api();
    admin.login(&admin_id, ADMIN_PASSWORD).await;
    World { w, admin, admin_id }
}

fn registration(province: &Org, id: &str, name: &str, join_month: &str, dev: &str) -> Value {
    json!({
        "province_id": province.id,
        "org_full_name": BRANCH_FULL,
        "password": APPLICANT_PASSWORD,
        "id_number": id,
        "name": name,
        "ethnicity": "汉族",
        "political_status": "共青团员",
        "phone": "13800138000",
        "work_unit": "广州市天河区第一中学",
        "join_month": join_month,
        "dev_number": dev,
    })
}

fn join_application(province: &Org, id: &str, name: &str) -> Value {
    json!({
        "province_id": province.id,
        "org_full_name": BRANCH_FULL,
        "password": APPLICANT_PASSWORD,
        "id_number": id,
        "name": name,
        "ethnicity": "汉族",
        "phone": "13900139000",
        "work_unit": "广州市天河区第一中学高一1班",
    })
}

fn codes(body: &Value) -> Vec<String> {
    match body["faults"].as_array() {
        Some(list) => list
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect(),
        None => vec![body["error"]["code"].as_str().unwrap_or("").to_string()],
    }
}

async fn is_member(app: &TestApp, person_id: i64, org: &Org) -> bool {
    app.store.is_member_of(person_id, org.id).await.unwrap()
}

async fn submit(app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    app.api().post(path, body).await
}

/// Submits and returns a client signed in as the applicant and the application.
async fn applicant(app: &TestApp, path: &str, body: Value) -> (ApiClient, Value) {
    let (status, res) = submit(app, path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let mut c = app.api();
    c.token = Some(res["token"].as_str().unwrap().to_string());
    (c, res["application"].clone())
}

async fn register_is_approved_into_the_branch(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let id = id_aged(24, 1);
    let (me, a) = applicant(
        &app,
        "/api/v1/register/member",
        registration(&w.province, &id, "李注册", "2018-05", "201844000001"),
    )
    .await;
    assert_eq!(a["kind"], "register");
    assert_eq!(a["status"], "pending");
    assert_eq!(a["status_label"], "待审核");
    assert_eq!(a["org_full_name"], BRANCH_FULL);
    assert_eq!(a["province_name"], "共青团广东省委员会");
    let app_id = a["id"].as_i64().unwrap();
    let person_id = a["person_id"].as_i64().unwrap();

    // The account has the chosen password, not the initial one.
    let person = app.store.person(person_id).await.unwrap();
    assert!(!person.in_initial_state());
    let mut again = app.api();
    again.login(&id, APPLICANT_PASSWORD).await;
    let (s, mine) = again.get("/api/v1/applications/mine").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["items"][0]["id"], app_id);
    assert_eq!(mine["items"][0]["id_number"], id.as_str());

    // In the branch admin's inbox and list; the ID number shown whole to the deciding admin.
    let (_, inbox) = admin.get("/api/v1/inbox").await;
    assert!(
        inbox
            .to_string()
            .contains(&format!("/applications/{app_id}")),
        "{inbox}"
    );
    let (s, list) = admin
        .get(&format!(
            "/api/v1/orgs/{}/applications?status=pending",
            w.branch.id
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["may_decide"], true);
    let (_, shown) = admin.get(&format!("/api/v1/applications/{app_id}")).await;
    assert_eq!(shown["id_number"], id.as_str());
    assert!(shown["fields"].to_string().contains("201844000001"));

    assert!(!is_member(&app, person_id, &w.branch).await);
    let (s, done) = admin
        .post(
            &format!("/api/v1/applications/{app_id}/approve"),
            json!({ "comment": "欢迎" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "approved");
    assert_eq!(done["decided_by_name"], "支部管理员");
    assert!(is_member(&app, person_id, &w.branch).await);
    let (_, mine) = me.get(&format!("/api/v1/applications/{app_id}")).await;
    assert_eq!(mine["status_label"], "已通过");
    assert_eq!(mine["comment"], "欢迎");
    // Deciding twice is a conflict, not a second member.
    let (s, body) = admin
        .post(&format!("/api/v1/applications/{app_id}/approve"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    for action in ["application.submit", "application.approve", "member.create"] {
        assert_eq!(app.audit_count(action).await, 1, "{action}");
    }
    // The new member logs in with their own password and has the member role.
    let (_, me_body) = again.get("/api/v1/me").await;
    assert!(me_body.to_string().contains("member"), "{me_body}");
}

async fn register_refusals(app: TestApp) {
    let World { w, .. } = world(&app).await;
    // Joined in 2020: such members are entered by their branch admin.
    let (s, body) = submit(
        &app,
        "/api/v1/register/member",
        registration(
            &w.province,
            &id_aged(26, 2),
            "王新",
            "2020-03",
            "202044000002",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "joined_since_2020");
    assert_eq!(body["error"]["field"], "join_month");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("团支部管理员"),
        "{body}"
    );
    // Not a 团支部: the school's committee.
    let mut b = registration(
        &w.province,
        &id_aged(26, 3),
        "王三",
        "2018-05",
        "201844000003",
    );
    b["org_full_name"] = json!(w.school.full_name);
    let (s, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["not_a_branch"]);
    // A short name: not found, with the branch among the suggestions.
    let mut b = registration(
        &w.province,
        &id_aged(26, 4),
        "王四",
        "2018-05",
        "201844000004",
    );
    b["org_full_name"] = json!("高一1班");
    let (s, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["org_not_found"]);
    assert_eq!(body["suggestions"][0]["full_name"], BRANCH_FULL, "{body}");
    assert_eq!(body["suggestions"][0]["is_branch"], true);
    // The right name in the wrong province.
    let bj = app.province("团北京市委").await;
    let b = registration(&bj, &id_aged(26, 5), "王五", "2018-05", "201844000005");
    let (_, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(codes(&body), ["org_not_found"]);
    // No province chosen.
    let mut b = registration(
        &w.province,
        &id_aged(26, 6),
        "王六",
        "2018-05",
        "201844000006",
    );
    b["province_id"] = json!(999_999);
    let (_, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(codes(&body), ["province_invalid"]);
    // Every fault at once, with its field: the record's and the password's.
    let mut b = registration(&w.province, &id_aged(26, 7), "", "2018-05", "");
    b["ethnicity"] = json!("火星族");
    b["password"] = json!("short");
    let (s, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "record_invalid");
    let got = codes(&body);
    for want in [
        "required_missing",
        "invalid_choice",
        "dev_number_required",
        "password_weak",
    ] {
        assert!(got.iter().any(|c| c == want), "{want} in {got:?}");
    }
    // Nothing was created by any of these.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

async fn registering_twice_names_only_the_province(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let id = id_aged(26, 10);
    applicant(
        &app,
        "/api/v1/register/member",
        registration(&w.province, &id, "赵重复", "2017-09", "201744000010"),
    )
    .await;
    // Again, any way in: refused, told to log in, the province named.
    for path in ["/api/v1/register/member", "/api/v1/report"] {
        let mut b = registration(&w.province, &id, "赵重复", "2017-09", "201744000010");
        b["home_org"] = json!("共青团湖南省某某中学支部");
        let (s, body) = submit(&app, path, b).await;
        assert_eq!(s, StatusCode::CONFLICT, "{path}: {body}");
        assert_eq!(body["error"]["code"], "already_registered");
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("共青团广东省委员会") && msg.contains("登录"),
            "{msg}"
        );
        assert!(!msg.contains(BRANCH_FULL), "only the province: {msg}");
    }

    // A member of a branch in another province: the province and a transfer, nothing more.
    let bj = app.province("团北京市委").await;
    let bj_branch = app
        .add_org(
            &bj,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "某公司团支部",
            "共青团北京市某某有限公司支部",
        )
        .await;
    let held = id_aged(25, 11);
    let p = app.add_person(&held, "钱北京", None).await;
    app.make_member(&bj_branch, &p).await;
    let (s, body) = submit(
        &app,
        "/api/v1/register/member",
        registration(&w.province, &held, "钱北京", "2016-05", ""),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("共青团北京市委员会"), "{msg}");
    assert!(msg.contains("转接"), "{msg}");
    assert!(!msg.contains("有限公司"), "{msg}");

    // An account without membership (an admin): log in, not a new record.
    let world_admin = id_aged(35, 900);
    let (s, body) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &world_admin, "支部管理员"),
    )
    .await;
    // 35 is too old to join: the age rule speaks first.
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let admin_young = id_aged(26, 12);
    let p = app
        .add_person(&admin_young, "孙干部", Some("Cadre2024x"))
        .await;
    app.make_cadre(&w.school, &p, "书记").await;
    let (s, body) = submit(
        &app,
        "/api/v1/register/member",
        registration(
            &w.province,
            &admin_young,
            "孙干部",
            "2019-05",
            "201944000012",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已有账号")
    );

    // While pending, an admin cannot enter the same person by form either.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id_number = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
}

async fn only_the_branchs_own_admin_decides(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let (me, a) = applicant(
        &app,
        "/api/v1/register/member",
        registration(
            &w.province,
            &id_aged(23, 20),
            "周范围",
            "2018-03",
            "201844000020",
        ),
    )
    .await;
    let path = format!("/api/v1/applications/{}", a["id"]);
    // The school (the branch's direct superior) sees it but does not decide it.
    let school_admin = id_aged(40, 21);
    let p = app
        .add_person(&school_admin, "学校管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &p).await;
    let mut school = app.api();
    school.login(&school_admin, ADMIN_PASSWORD).await;
    let (s, shown) = school.get(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(shown["may_decide"], false);
    assert_ne!(shown["id_number"], a["id_number"], "masked for others");
    for action in ["approve", "return", "advance"] {
        let (s, body) = school
            .post(&format!("{path}/{action}"), json!({ "comment": "x" }))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{action}: {body}");
        assert_eq!(body["error"]["code"], "not_own_org");
    }
    // A sibling county's admin cannot even see it.
    let sib_admin = id_aged(40, 22);
    let p = app
        .add_person(&sib_admin, "越秀管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.sibling, &p).await;
    let mut sibling = app.api();
    sibling.login(&sib_admin, ADMIN_PASSWORD).await;
    assert_eq!(sibling.get(&path).await.0, StatusCode::NOT_FOUND);
    let (s, _) = sibling.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = sibling
        .get(&format!("/api/v1/orgs/{}/applications", w.branch.id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The applicant cannot approve their own application.
    let (s, _) = me.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Someone else's application is not there for an applicant.
    let (other, _) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(15, 23), "吴别人"),
    )
    .await;
    assert_eq!(other.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other.post(&format!("{path}/withdraw"), json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    // Nothing changed.
    let (_, still) = admin.get(&path).await;
    assert_eq!(still["status"], "pending");
}

async fn join_moves_through_its_stages_in_order(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let id = id_aged(15, 30);
    let (me, a) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id, "郑入团"),
    )
    .await;
    assert_eq!(a["stage"], "applied");
    assert_eq!(a["status_label"], "待审核（申请入团）");
    let path = format!("/api/v1/applications/{}", a["id"]);
    let person_id = a["person_id"].as_i64().unwrap();

    // Skipping a stage, or approving as if it were a registration, is refused.
    let (s, body) = admin
        .post(&format!("{path}/advance"), json!({ "to": "candidate" }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "stage_out_of_order");
    let (s, body) = admin.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "use_stages");

    let (s, body) = admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "activist");
    assert_eq!(body["next_stage"], "candidate");
    // The same step twice (a second click) is out of order.
    let (s, _) = admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // The applicant sees the stage.
    let (_, seen) = me.get(&path).await;
    assert_eq!(seen["stage_label"], "入团积极分子");
    assert_eq!(seen["may_decide"], false);

    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "candidate", "comment": "表现良好" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "candidate");

    let year = today().year();
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{year}44000030") }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "member");
    assert_eq!(body["status"], "approved");
    assert!(is_member(&app, person_id, &w.branch).await);
    let events: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "activist", "candidate", "member"]);
    assert_eq!(app.audit_count("application.advance").await, 2);
    assert_eq!(app.audit_count("application.approve").await, 1);
    // Stored as a league member with the number and month given.
    let (status, dev, month): (String, String, String) = sqlx::query_as(
        "SELECT m.status, m.dev_number, m.join_month FROM members m WHERE m.person_id = $1",
    )
    .bind(person_id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), dev, month),
        ("normal", format!("{year}44000030"), this_month())
    );
    let political: String = sqlx::query_scalar("SELECT political_status FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(political, "03", "共青团员");
    // Nothing follows the last stage.
    let (s, _) = admin.post(&format!("{path}/advance"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

async fn join_last_stage_lists_every_entry_fault(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    // 13 and a bit today: joining two years ago would have been at 11.
    let (_, a) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(13, 40), "冯年少"),
    )
    .await;
    let path = format!("/api/v1/applications/{}", a["id"]);
    for to in ["activist", "candidate"] {
        let (s, body) = admin
            .post(&format!("{path}/advance"), json!({ "to": to }))
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    let year = today().year();
    let early = format!("{}-{:02}", year - 2, today().month());
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": early, "dev_number": "20A1" }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let got = codes(&body);
    assert!(got.contains(&"join_age_too_young".to_string()), "{got:?}");
    assert!(got.iter().any(|c| c.starts_with("dev_number_")), "{got:?}");
    // Missing month and number: both named.
    let (_, body) = admin
        .post(&format!("{path}/advance"), json!({ "to": "member" }))
        .await;
    let got = codes(&body);
    assert!(
        got.iter()
            .any(|c| c == "required_missing" || c == "join_date_invalid"),
        "{got:?}"
    );
    // A number someone else holds.
    let other = id_aged(20, 41);
    let holder = app.add_person(&other, "褚已有", None).await;
    app.make_member(&w.branch, &holder).await;
    sqlx::query("UPDATE members SET dev_number = $1, join_month = $2 WHERE person_id = $3")
        .bind(format!("{year}44000041"))
        .bind(this_month())
        .bind(holder.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{year}44000041") }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(codes(&body), ["dev_number_taken"]);
    // A year that is not the join year.
    let (_, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{}44000042", year - 1) }),
        )
        .await;
    assert_eq!(codes(&body), ["dev_number_year_mismatch"]);
    // None of these changed the application or entered anyone.
    let (_, still) = admin.get(&path).await;
    assert_eq!(
        (still["status"].as_str(), still["stage"].as_str()),
        (Some("pending"), Some("candidate"))
    );
    assert_eq!(app.audit_count("member.create").await, 0);
    // Fixed: it goes through.
    let (s, body) = admin
        .post(
            &format!("{path}/advance"),
            json!({ "to": "member", "join_month": this_month(), "dev_number": format!("{year}44000043") }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

async fn join_applicants_are_13_to_27(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let (s, body) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(12, 50), "小十二"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(codes(&body), ["applicant_too_young"]);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("13周岁")
    );
    let (_, body) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(28, 51), "大二八"),
    )
    .await;
    assert_eq!(codes(&body), ["applicant_too_old"]);
    let (s, _) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(27, 52), "二十七"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
}

async fn report_is_returned_corrected_and_accepted(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let id = id_aged(23, 60);
    let mut b = registration(&w.province, &id, "陈流动", "2019-04", "201943000060");
    // The home organisation is required.
    let (s, body) = submit(&app, "/api/v1/report", b.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["required_missing"]);
    assert_eq!(body["error"]["field"], "home_org");
    b["home_org"] = json!("共青团湖南省长沙市某某中学支部");
    let (me, a) = applicant(&app, "/api/v1/report", b).await;
    assert_eq!(a["kind"], "report");
    let path = format!("/api/v1/applications/{}", a["id"]);

    // Returning needs a comment.
    let (s, body) = admin.post(&format!("{path}/return"), json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "comment_required");
    let (s, body) = admin
        .post(
            &format!("{path}/return"),
            json!({ "comment": "请补充团员证编号" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "returned");
    let (_, seen) = me.get(&path).await;
    assert_eq!(seen["status_label"], "已退回");
    assert_eq!(seen["comment"], "请补充团员证编号");

    // The applicant corrects it (a bad correction is refused with its fault first).
    let mut fix = registration(&w.province, &id, "陈流动", "2019-04", "201943000060");
    fix["home_org"] = json!("共青团湖南省长沙市某某中学支部");
    fix["card_number"] = json!("T2019000060");
    fix["join_month"] = json!("2019-13");
    let (s, body) = me.post(&format!("{path}/resubmit"), fix.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(codes(&body), ["join_date_invalid"]);
    fix["join_month"] = json!("2019-04");
    let (s, body) = me.post(&format!("{path}/resubmit"), fix).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "pending");
    assert!(body["fields"].to_string().contains("T2019000060"));
    // Accepted: a member of the local branch.
    let (s, body) = admin.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(is_member(&app, a["person_id"].as_i64().unwrap(), &w.branch).await);
    let events: Vec<&str> = body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "returned", "resubmitted", "approved"]);
    // Decided: no withdrawing, no correcting.
    assert_eq!(
        me.post(&format!("{path}/withdraw"), json!({})).await.0,
        StatusCode::CONFLICT
    );
    for action in ["application.return", "application.resubmit"] {
        assert_eq!(app.audit_count(action).await, 1, "{action}");
    }
}

async fn withdrawn_and_rejected_applications(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let (me, a) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(16, 70), "卫撤回"),
    )
    .await;
    let path = format!("/api/v1/applications/{}", a["id"]);
    admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    let (s, body) = me.post(&format!("{path}/withdraw"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status_label"], "已撤回");
    // No longer in the admin's inbox, and not decidable.
    let (_, inbox) = admin.get("/api/v1/inbox").await;
    assert!(
        !inbox
            .to_string()
            .contains(&format!("/applications/{}", a["id"]))
    );
    let (s, _) = admin
        .post(&format!("{path}/advance"), json!({ "to": "candidate" }))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Submitted again, it starts at 申请.
    let fix = join_application(&w.province, "", "卫撤回");
    let (s, body) = me.post(&format!("{path}/resubmit"), fix).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["stage"], "applied");
    // Rejected at a later stage, with the reason.
    admin
        .post(&format!("{path}/advance"), json!({ "to": "activist" }))
        .await;
    let (s, body) = admin
        .post(
            &format!("{path}/return"),
            json!({ "comment": "暂不具备条件" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "returned");
    assert_eq!(body["stage"], "activist");
    let (_, seen) = me.get("/api/v1/applications/mine").await;
    assert_eq!(seen["items"][0]["comment"], "暂不具备条件");
}

async fn anonymous_pages_sign_the_applicant_in(app: TestApp) {
    let World { w, admin_id, .. } = world(&app).await;
    // The login page links the three ways in.
    let c = app.browser();
    let login = c
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for href in ["/register/member", "/join", "/report"] {
        assert!(login.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let page = c.get(app.url("/join")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("我要入团") && html.contains("团支部全称"));
    let csrf = csrf_of(&html);
    let id = id_aged(14, 80);
    let province = w.province.id.to_string();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("province_id", province.as_str()),
        ("org_name", BRANCH_FULL),
        ("id_number", id.as_str()),
        ("name", "蒋页面"),
        ("password", APPLICANT_PASSWORD),
        ("confirm", "Different1x"),
        ("ethnicity", "汉族"),
        ("phone", "13700137000"),
    ];
    // A mismatched confirmation: the form again, with the fault, and nothing created.
    let res = c.post(app.url("/join")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("两次输入"), "{html}");
    assert!(html.contains("蒋页面"), "the typed values stay");
    form[6] = ("confirm", APPLICANT_PASSWORD);
    // Without the CSRF cookie's token: refused.
    let res = app
        .browser()
        .post(app.url("/join"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c.post(app.url("/join")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(
        to.starts_with("/applications/") && to.ends_with("?done=submitted"),
        "{to}"
    );
    // Signed in as the applicant: the application page and the list.
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-status=\"pending\""), "{html}");
    assert!(html.contains("申请已提交"));
    assert!(html.contains("id=\"withdraw-submit\""));
    assert!(!html.contains("id=\"advance-form\""));
    let mine = c
        .get(app.url("/applications/mine"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("我要入团") && mine.contains("待审核（申请入团）"));

    // The branch admin's page: advance by form.
    let (admin_c, _) = app.page_login(&admin_id, ADMIN_PASSWORD).await;
    let path = to.split('?').next().unwrap().to_string();
    let html = admin_c
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"advance-form\""), "{html}");
    let csrf = csrf_of(&html);
    let res = admin_c
        .post(app.url(&format!("{path}/advance")))
        .form(&[("csrf", csrf.as_str()), ("to", "member")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "out of order, shown on the page"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("逐步办理"), "{html}");
    let res = admin_c
        .post(app.url(&format!("{path}/advance")))
        .form(&[("csrf", csrf.as_str()), ("to", "activist")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = c
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("aria-current=\"step\">入团积极分子"),
        "{html}"
    );
    // The org's list page.
    let html = admin_c
        .get(app.url(&format!("/orgs/{}/applications", w.branch.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("蒋页面"), "{html}");
}

async fn a_name_that_is_not_exact_offers_branches(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let c = app.browser();
    let html = c
        .get(app.url("/register/member"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let id = id_aged(26, 90);
    let province = w.province.id.to_string();
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("province_id", province.clone()),
        ("org_name", "第一中学".to_string()),
        ("id_number", id.clone()),
        ("name", "韩建议".to_string()),
        ("password", APPLICANT_PASSWORD.to_string()),
        ("confirm", APPLICANT_PASSWORD.to_string()),
        ("ethnicity", "汉族".to_string()),
        ("political_status", "共青团员".to_string()),
        ("phone", "13600136000".to_string()),
        ("join_month", "2015-06".to_string()),
    ];
    let res = c
        .post(app.url("/register/member"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"suggestions\""), "{html}");
    assert!(
        html.contains(&format!("value=\"{BRANCH_FULL}\"")),
        "the branch can be picked"
    );
    assert!(
        html.contains("不是团支部"),
        "the school's committee is shown, not pickable"
    );
    // Picking the branch submits it.
    form.push(("org_pick", BRANCH_FULL.to_string()));
    let res = c
        .post(app.url("/register/member"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
}

async fn already_registered_answers_are_throttled(app: TestApp) {
    let World { w, admin_id, .. } = world(&app).await;
    let adult = id_aged(26, 95);
    let p = app.add_person(&adult, "杨已在", Some("Known2024x")).await;
    app.make_member(&w.branch, &p).await;
    let mut locked = false;
    for _ in 0..5 {
        let (s, body) = submit(
            &app,
            "/api/v1/register/member",
            registration(&w.province, &adult, "杨已在", "2018-01", "201844000095"),
        )
        .await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"]["code"], "locked_out");
            locked = true;
            break;
        }
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
    }
    assert!(locked, "five answers lock the address");
    // Locked: even a new ID is not looked at.
    let (s, _) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(15, 96), "新来的"),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.audit_count("application.lockout").await, 1);
    let _ = admin_id;
}

async fn openapi_documents_the_calls(app: TestApp) {
    let (s, doc) = app.api().get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/api/v1/register/member", "post"),
        ("/api/v1/join", "post"),
        ("/api/v1/report", "post"),
        ("/api/v1/applications/mine", "get"),
        ("/api/v1/orgs/{id}/applications", "get"),
        ("/api/v1/applications/{id}", "get"),
        ("/api/v1/applications/{id}/approve", "post"),
        ("/api/v1/applications/{id}/return", "post"),
        ("/api/v1/applications/{id}/advance", "post"),
        ("/api/v1/applications/{id}/withdraw", "post"),
        ("/api/v1/applications/{id}/resubmit", "post"),
    ] {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} documented"
        );
    }
    assert!(doc["components"]["schemas"]["ApplicationBody"].is_object());
}
