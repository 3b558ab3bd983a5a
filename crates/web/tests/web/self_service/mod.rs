//! The self-service ways in (seed, question 9; `src/self_service/`) over the API and the pages,
//! on both databases: 团员团干部注册 (`register`), 我要入团 through its four stages (`join`),
//! 流动团员报到 and what follows an application (`applications`); every refusal (joined 2020
//! or later, not a branch, the wrong admin, registering twice, an ID held in another province),
//! stages in order only, the last stage's entry-rule faults, correcting and withdrawing; the
//! anonymous pages (`pages`) and 我要入团 in a browser (`browser`).

mod applications;
mod browser;
mod forms;
mod join;
mod pages;
mod register;

use crate::support::{ApiClient, Guangzhou, TestApp, csrf_of, location};
use chrono::{Datelike, Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::orgs::Org;

const BRANCH_FULL: &str = "共青团广州市天河区第一中学高一1班支部";
const APPLICANT_PASSWORD: &str = "Apply2024x";
const ADMIN_PASSWORD: &str = "Admin2024x";

fn today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

/// A valid ID number of someone `years` old today (and about a month), different per `seq`.
pub(crate) fn id_aged(years: i32, seq: u32) -> String {
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

pub(crate) fn join_application(province: &Org, id: &str, name: &str) -> Value {
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
pub(crate) async fn applicant(app: &TestApp, path: &str, body: Value) -> (ApiClient, Value) {
    let (status, res) = submit(app, path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let mut c = app.api();
    c.token = Some(res["token"].as_str().unwrap().to_string());
    (c, res["application"].clone())
}
