//! Shared set-up for the org_admin and members tests: people with passwords, admins signed in
//! over the API in the right role, and small readers of the database.

use reqwest::StatusCode;
use serde_json::json;
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use super::{ApiClient, TestApp, csrf_of};

pub const PW: &str = "Passw0rd2024";

pub use super::idn;

pub async fn person(app: &TestApp, n: u32, name: &str) -> Person {
    app.add_person(&idn(n), name, Some(PW)).await
}

/// Signs in over the API and acts in the given role.
pub async fn api_as(app: &TestApp, id_number: &str, kind: &str, org_id: i64) -> ApiClient {
    let mut api = app.api();
    api.login(id_number, PW).await;
    let (status, body) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/role",
            json!({ "kind": kind, "org_id": org_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "switch role: {body}");
    api
}

/// A new person made admin of `org`, signed in over the API as that admin.
pub async fn admin_of(app: &TestApp, org: &Org, n: u32, name: &str) -> (Person, ApiClient) {
    let p = person(app, n, name).await;
    app.make_admin(org, &p).await;
    let api = api_as(app, p.id_number.as_str(), "admin", org.id).await;
    (p, api)
}

/// Signs in through the pages and acts in the given role; returns the client.
pub async fn page_as(app: &TestApp, id_number: &str, kind: &str, org_id: i64) -> reqwest::Client {
    page_as_with(app, id_number, PW, kind, org_id).await
}

pub async fn page_as_with(
    app: &TestApp,
    id_number: &str,
    password: &str,
    kind: &str,
    org_id: i64,
) -> reqwest::Client {
    let (c, res) = app.page_login(id_number, password).await;
    assert!(res.status().is_redirection(), "login: {}", res.status());
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&home);
    let res = c
        .post(app.url("/role"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", kind),
            ("org_id", &org_id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_redirection(),
        "switch role: {}",
        res.status()
    );
    c
}

pub async fn get_html(app: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let res = c.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Posts a form with the CSRF token of the page at `form_page`.
pub async fn post_form(
    app: &TestApp,
    c: &reqwest::Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, html) = get_html(app, c, form_page).await;
    let csrf = csrf_of(&html);
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    c.post(app.url(action)).form(&form).send().await.unwrap()
}

pub async fn org_row(app: &TestApp, id: i64) -> Option<Org> {
    match app.store.org(id).await {
        Ok(o) => Some(o),
        Err(tuanjian_store::StoreError::NotFound) => None,
        Err(e) => panic!("{e}"),
    }
}

pub async fn city(app: &TestApp, parent: &Org, short: &str) -> Org {
    app.add_org(
        parent,
        OrgLevel::Municipal,
        OrgKind::Committee,
        short,
        &format!("共青团{short}委员会"),
    )
    .await
}

pub async fn county(app: &TestApp, parent: &Org, short: &str) -> Org {
    app.add_org(
        parent,
        OrgLevel::County,
        OrgKind::Committee,
        short,
        &format!("共青团{short}委员会"),
    )
    .await
}

pub async fn grassroots(app: &TestApp, parent: &Org, kind: OrgKind, short: &str) -> Org {
    app.add_org(
        parent,
        OrgLevel::Grassroots,
        kind,
        short,
        &format!("{short}（全称）"),
    )
    .await
}

pub async fn count(app: &TestApp, sql: &'static str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}
