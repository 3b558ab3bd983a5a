//! Organisation information (`src/org_edit/`), on SQLite and PostgreSQL: filling and changing
//! it and completeness (`info`), change requests and their decisions (`changes`), the 书记
//! (`secretary`), history (`history`), the pages and the OpenAPI entries (`pages`). Below: the
//! tree, admins and API calls the modules share.

mod browser;
mod changes;
mod history;
mod info;
mod pages;
mod secretary;

use crate::support::{ApiClient, TestApp, csrf_of, idn, location};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tuanjian_domain::{IdNumber, OrgKind};
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

const PW: &str = "Passw0rd2024";

/// 团广东省委 → 团广州市委 → 团天河区委 (and its sibling 团越秀区委) → 一中团委 → 高一1班团支部.
type World = crate::support::Guangzhou;

async fn world(app: &TestApp) -> World {
    app.guangzhou().await
}

/// An admin of `org`, signed in over the API.
async fn admin_of(app: &TestApp, org: &Org, seq: u32, name: &str) -> (ApiClient, Person) {
    let p = app.add_person(&idn(seq), name, Some(PW)).await;
    app.make_admin(org, &p).await;
    let mut api = app.api();
    api.login(&idn(seq), PW).await;
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
        "secretary_id_number": idn(secretary_seq),
        "secretary_phone": "13800138000",
    })
}
