//! 团籍 and leaving: the 超龄 list and bulk 办理离团 (`aging`), the branch's decisions with the
//! superior's approvals and returns, and restores (`decisions`), the member's own 退团 request
//! and the branch's answer (`requests`), and how those who left are
//! hidden from lists yet found, can sign in and see their record, and stay out of other scopes
//! (`standing`).

mod aging;
mod browser;
mod decisions;
mod requests;
mod standing;

use chrono::{Datelike, Months, NaiveDate};
use serde_json::Value;
use tuanjian_domain::IdNumber;
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use crate::support::TestApp;
use crate::support::admin::PW;

/// A member of `branch` born on `birth` (the ID number's date), with a password; `n` keeps
/// ID numbers apart.
pub async fn member_born(
    app: &TestApp,
    branch: &Org,
    n: u32,
    birth: NaiveDate,
    name: &str,
) -> Person {
    let id = IdNumber::from_first17(&format!("440106{}{n:03}", birth.format("%Y%m%d")));
    let p = app.add_person(id.as_str(), name, Some(PW)).await;
    app.make_member(branch, &p).await;
    p
}

/// Born `years` years and `days` days before today (Beijing).
pub fn born(years: u32, days: i64) -> NaiveDate {
    let today = beijing_today();
    let back = NaiveDate::from_ymd_opt(today.year() - years as i32, today.month(), today.day())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year() - years as i32, 2, 28).unwrap());
    back - chrono::Duration::days(days)
}

/// Born so as to turn 28 about `months` months from today.
pub fn turning_28_in(months: u32) -> NaiveDate {
    born(28, 0).checked_add_months(Months::new(months)).unwrap()
}

pub fn today() -> String {
    beijing_today().to_string()
}

pub async fn set_occupation(app: &TestApp, p: &Person, code: &str) {
    sqlx::query("UPDATE people SET occupation = $1 WHERE id = $2")
        .bind(code)
        .bind(p.id)
        .execute(app.store.pool())
        .await
        .unwrap();
}

pub async fn status_of(app: &TestApp, person_id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM members WHERE person_id = $1")
        .bind(person_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

pub async fn steps_of(app: &TestApp, person_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM membership_changes WHERE person_id = $1")
        .bind(person_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// The error code of an answer.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// The person ids of a list answer's `items`.
pub fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {body}"))
        .iter()
        .map(|i| i["person_id"].as_i64().unwrap())
        .collect()
}
