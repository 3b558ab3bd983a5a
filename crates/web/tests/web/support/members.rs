//! Shared by the member tests: the 广州 tree with admins at each level signed in over the API,
//! member records as JSON, and readers of the database.

use serde_json::{Value, json};
use tuanjian_domain::IdNumber;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use super::admin::admin_of;
use super::{ApiClient, Guangzhou, TestApp};

/// A member's ID number: born 2008-03-01 (13 in 2021), different for each `n`.
pub fn youth(n: u32) -> String {
    IdNumber::from_first17(&format!("44010620080301{n:03}")).to_string()
}

/// A complete member record joining in 2022 with the development number `2022440000NN`.
pub fn member_json(n: u32, name: &str) -> Value {
    json!({
        "name": name,
        "id_number": youth(n),
        "ethnicity": "汉族",
        "political_status": "共青团员",
        "join_month": "2022-05",
        "dev_number": format!("2022440000{n:02}"),
        "phone": "13800138000",
    })
}

/// The tree with an admin for each organisation that matters, signed in over the API.
pub struct World {
    pub w: Guangzhou,
    /// A branch of another province.
    pub other_branch: Org,
    /// A branch under the sibling county (团越秀区委).
    pub sibling_branch: Org,
    pub province: ApiClient,
    pub city: ApiClient,
    pub county: ApiClient,
    pub sibling: ApiClient,
    pub school: ApiClient,
    pub branch: ApiClient,
    pub other: ApiClient,
    pub province_admin: Person,
    pub school_admin: Person,
    pub county_admin: Person,
    pub branch_admin: Person,
}

impl World {
    pub async fn new(app: &TestApp) -> Self {
        use tuanjian_domain::{OrgKind, OrgLevel};
        let w = app.guangzhou().await;
        let sibling_branch = app
            .add_org(
                &w.sibling,
                OrgLevel::Grassroots,
                OrgKind::Branch,
                "越秀某社区团支部",
                "共青团广州市越秀区某社区支部",
            )
            .await;
        let other_province = app.province("团湖南省委").await;
        let other_branch = app
            .add_org(
                &other_province,
                OrgLevel::Grassroots,
                OrgKind::Branch,
                "湖南某团支部",
                "共青团湖南省某单位支部",
            )
            .await;
        let (province_admin, province) = admin_of(app, &w.province, 101, "省管理员").await;
        let (_, city) = admin_of(app, &w.city, 102, "市管理员").await;
        let (county_admin, county) = admin_of(app, &w.county, 103, "区管理员").await;
        let (_, sibling) = admin_of(app, &w.sibling, 104, "邻区管理员").await;
        let (school_admin, school) = admin_of(app, &w.school, 105, "校管理员").await;
        let (branch_admin, branch) = admin_of(app, &w.branch, 106, "支部管理员").await;
        let (_, other) = admin_of(app, &other_province, 107, "湘管理员").await;
        Self {
            w,
            other_branch,
            sibling_branch,
            province,
            city,
            county,
            sibling,
            school,
            branch,
            other,
            province_admin,
            school_admin,
            county_admin,
            branch_admin,
        }
    }
}

/// Adds a member over the API; panics unless it is created. Returns the person id.
pub async fn add(api: &ApiClient, branch: &Org, body: Value) -> i64 {
    let (status, res) = api
        .post(&format!("/api/v1/orgs/{}/members", branch.id), body)
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{res}");
    res["person_id"].as_i64().unwrap()
}

pub async fn member_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// The person's (name, id_number, phone).
pub async fn person_row(app: &TestApp, id: i64) -> (String, String, Option<String>) {
    sqlx::query_as("SELECT name, id_number, phone FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// The member's (join_month, dev_number, entry_fault).
pub async fn member_row(
    app: &TestApp,
    id: i64,
) -> (Option<String>, Option<String>, Option<String>) {
    sqlx::query_as("SELECT join_month, dev_number, entry_fault FROM members WHERE person_id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

pub async fn set_fault(app: &TestApp, id: i64, code: &str) {
    sqlx::query("UPDATE members SET entry_fault = $1 WHERE person_id = $2")
        .bind(code)
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
}

/// Codes and fields of a 422 answer.
pub fn faults(body: &Value) -> Vec<(String, String)> {
    body["faults"]
        .as_array()
        .unwrap_or_else(|| panic!("no faults in {body}"))
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["field"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
