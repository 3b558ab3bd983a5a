//! Shared by the org_setup and extract tests: a small tree with admins, multipart bodies,
//! counting rows.

use reqwest::StatusCode;
use serde_json::Value;
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use super::{ApiClient, TestApp};

pub const PASSWORD: &str = "League2024x";

pub use super::admin::get_html;
pub use super::idn;

/// 团广东省委 → 团广州市委 → 团天河区委 and 团越秀区委, each with an admin.
pub struct World {
    pub province: Org,
    pub city: Org,
    pub county: Org,
    pub province_admin: Person,
    pub city_admin: Person,
    pub county_admin: Person,
    pub sibling_admin: Person,
}

impl World {
    pub async fn new(app: &TestApp) -> Self {
        let province = app.province("团广东省委").await;
        let city = app
            .add_org(
                &province,
                OrgLevel::Municipal,
                OrgKind::Committee,
                "团广州市委",
                "共青团广州市委员会",
            )
            .await;
        let county = app
            .add_org(
                &city,
                OrgLevel::County,
                OrgKind::Committee,
                "团天河区委",
                "共青团广州市天河区委员会",
            )
            .await;
        let sibling = app
            .add_org(
                &city,
                OrgLevel::County,
                OrgKind::Committee,
                "团越秀区委",
                "共青团广州市越秀区委员会",
            )
            .await;
        let province_admin = app.add_person(&idn(1), "省管理员", Some(PASSWORD)).await;
        let city_admin = app.add_person(&idn(2), "市管理员", Some(PASSWORD)).await;
        let county_admin = app.add_person(&idn(3), "区管理员", Some(PASSWORD)).await;
        let sibling_admin = app.add_person(&idn(4), "邻区管理员", Some(PASSWORD)).await;
        app.make_admin(&province, &province_admin).await;
        app.make_admin(&city, &city_admin).await;
        app.make_admin(&county, &county_admin).await;
        app.make_admin(&sibling, &sibling_admin).await;
        Self {
            province,
            city,
            county,
            province_admin,
            city_admin,
            county_admin,
            sibling_admin,
        }
    }
}

/// An API client signed in as this person (one role: the session acts in it at once).
pub async fn api_as(app: &TestApp, p: &Person) -> ApiClient {
    let mut api = app.api();
    api.login(p.id_number.as_str(), PASSWORD).await;
    api
}

/// A multipart/form-data body: (content type, bytes). Each part is (name, file name, content).
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----tuanjianTestBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads a file through the API.
pub async fn api_upload(
    app: &TestApp,
    api: &ApiClient,
    path: &str,
    file_name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let (ct, body) = multipart(&[("file", Some(file_name), bytes)]);
    let res = api
        .http
        .post(app.url(path))
        .bearer_auth(api.token.as_deref().unwrap())
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

pub async fn org_count(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM orgs").await
}

pub async fn code_count(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM reg_codes").await
}
