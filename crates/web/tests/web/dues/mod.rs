//! 团费 (issue 16): the dues at each band edge and under a province's own bands, a payment
//! corrected with its reason, unpaid months paid later (`flows`); the arrears counted across a
//! year boundary and the yearly totals (`reports`); every refusal (`refusals`); the Excel
//! sheet (`sheet`); the pages (`pages`).

pub mod browser;
mod flows;
mod pages;
mod refusals;
mod reports;
mod sheet;

use serde_json::{Value, json};
use tuanjian_app::dues::{as_of, current_month};
use tuanjian_domain::dues::Month;

pub use crate::leaving::{born, code, member_born, set_occupation};

/// A month `back` months before this one.
pub fn month_back(back: i64) -> Month {
    Month::from_index(current_month().index() - back).unwrap()
}

/// The last complete month (arrears are counted through it), `back` months earlier.
pub fn as_of_back(back: i64) -> Month {
    Month::from_index(as_of().index() - back).unwrap()
}

pub fn payments_at(org_id: i64, month: Month) -> String {
    format!("/api/v1/orgs/{org_id}/dues/{month}/payments")
}

pub fn paid(person_id: i64, amount: &str) -> Value {
    json!({ "person_id": person_id, "paid": amount })
}

pub fn payments(list: Vec<Value>) -> Value {
    json!({ "payments": list })
}

/// The month's row of a member in the branch's answer.
pub fn row_of(body: &Value, person_id: i64) -> Value {
    body["members"]
        .as_array()
        .unwrap_or_else(|| panic!("no members in {body}"))
        .iter()
        .find(|m| m["person_id"] == person_id)
        .cloned()
        .unwrap_or_else(|| panic!("{person_id} not in {body}"))
}

/// How many dues rows exist: refusals leave it unchanged.
pub async fn payment_rows(app: &crate::support::TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM dues_payments")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}
