//! 两制 (issue 15): a branch's 团员教育评议 recorded, submitted, certified or returned, with
//! the 团籍注册 it gives (`flows`); every refusal (`refusals`); the Excel sheet (`sheet`); the
//! superiors' progress list (`progress`); the pages (`pages`); the whole journey in a browser
//! (`browser`).

mod browser;
mod flows;
mod pages;
mod progress;
mod refusals;
mod sheet;

use serde_json::{Value, json};
use tuanjian_store::entry_faults::beijing_today;

use chrono::Datelike;

pub use crate::leaving::{born, code, member_born};

/// This year, as the API's path takes it.
pub fn year() -> i32 {
    beijing_today().year()
}

pub fn at(org_id: i64, what: &str) -> String {
    format!("/api/v1/orgs/{org_id}/reviews/{}/{what}", year())
}

/// A grade for the API.
pub fn grade(person_id: i64, grade: &str) -> Value {
    json!({ "person_id": person_id, "grade": grade })
}

pub fn grades(list: Vec<Value>) -> Value {
    json!({ "grades": list })
}
