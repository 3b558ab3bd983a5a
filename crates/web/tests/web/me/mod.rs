//! 个人中心 (`src/me/`): the signed-in person's own record and 电子团员证 (`record`), the edit
//! of contact and study/work details and the fields refused (`details`), the correction
//! request for name or ID number (`correction`), 我的申请 / 我的转接 (`requests`), a person who
//! is no member and nobody else's record reachable (`scope`), and the card on a phone in a
//! browser (`browser`).

mod browser;
mod correction;
mod details;
mod record;
mod requests;
mod scope;

use crate::support::admin::PW;
use crate::support::{ApiClient, Guangzhou, TestApp};
use tuanjian_domain::IdNumber;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

/// A member's ID number: born 2008-03-01, different for each `n`.
pub fn youth(n: u32) -> String {
    IdNumber::from_first17(&format!("44010620080301{n:03}")).to_string()
}

pub fn dev_number(n: u32) -> String {
    format!("2022440000{n:02}")
}

/// A member of `branch` (joined 2022-05, development number `dev_number(n)`) with a password
/// of their own, signed in over the API with no role chosen.
pub async fn member(app: &TestApp, branch: &Org, n: u32, name: &str) -> (Person, ApiClient) {
    let p = app.add_person(&youth(n), name, Some(PW)).await;
    sqlx::query(
        "INSERT INTO members (person_id, org_id, org_path, status, join_month, dev_number, \
         created_at) VALUES ($1, $2, $3, 'normal', '2022-05', $4, 0)",
    )
    .bind(p.id)
    .bind(branch.id)
    .bind(branch.path.as_str())
    .bind(dev_number(n))
    .execute(app.store.pool())
    .await
    .unwrap();
    app.store.forget_cached();
    let mut api = app.api();
    api.login(p.id_number.as_str(), PW).await;
    (p, api)
}

/// The 广州 tree and one member of its branch.
pub async fn setup(app: &TestApp) -> (Guangzhou, Person, ApiClient) {
    let w = app.guangzhou().await;
    let (p, api) = member(app, &w.branch, 1, "张小团").await;
    (w, p, api)
}

/// The person's stored (phone, email, education_full_time, work_unit).
pub async fn details_row(
    app: &TestApp,
    id: i64,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
) {
    sqlx::query_as("SELECT phone, email, education_full_time, work_unit FROM people WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}
