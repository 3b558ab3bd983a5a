//! 组织关系转接 (issue 12) over the API and the pages, on both databases: each of the three
//! starters, both approvals, assignment to a branch, return, withdraw, lapse, leaving the system,
//! across provinces, a bulk of 500, and every refusal with its code; the member's journey on
//! phones in a browser (`browser`).

mod browser;
mod bulk;
mod flows;
mod pages;
mod refusals;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use crate::support::admin::{PW, api_as, person};
use crate::support::members::youth;
use crate::support::{ApiClient, TestApp};

/// A member of `branch` with a password, signed in over the API as that member.
pub async fn member(app: &TestApp, branch: &Org, n: u32, name: &str) -> (Person, ApiClient) {
    let p = app.add_person(&youth(n), name, Some(PW)).await;
    app.make_member(branch, &p).await;
    let api = api_as(app, p.id_number.as_str(), "member", branch.id).await;
    (p, api)
}

/// A signed-in person with no member record.
pub async fn non_member(app: &TestApp, n: u32) -> ApiClient {
    let p = person(app, n, "非团员").await;
    let mut api = app.api();
    api.login(p.id_number.as_str(), PW).await;
    api
}

pub fn request(to: &Org) -> Value {
    json!({"reason": "further_study", "detail": "广州市第二中学", "to_org_id": to.id})
}

/// Starts the member's own transfer; panics unless created. Returns the transfer id.
pub async fn start_mine(api: &ApiClient, body: Value) -> i64 {
    let (status, res) = api.post("/api/v1/me/transfers", body).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res["ids"][0].as_i64().unwrap()
}

pub async fn show(api: &ApiClient, id: i64) -> Value {
    let (status, res) = api.get(&format!("/api/v1/transfers/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    res
}

pub async fn status_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM transfers WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// The member's branch and membership status as stored.
pub async fn membership(app: &TestApp, person_id: i64) -> (i64, String, String) {
    sqlx::query_as("SELECT org_id, org_path, status FROM members WHERE person_id = $1")
        .bind(person_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

pub async fn approve_out(api: &ApiClient, ids: &[i64]) -> (StatusCode, Value) {
    api.post("/api/v1/transfers/approve-out", json!({ "ids": ids }))
        .await
}

pub async fn approve_in(api: &ApiClient, id: i64, branch: Option<i64>) -> (StatusCode, Value) {
    api.post(
        "/api/v1/transfers/approve-in",
        json!({ "items": [{ "id": id, "branch_id": branch }] }),
    )
    .await
}

pub fn code(res: &Value) -> &str {
    res["error"]["code"].as_str().unwrap_or("")
}

pub async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}
