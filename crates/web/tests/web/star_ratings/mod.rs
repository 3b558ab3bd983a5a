//! 对标定级 (issue 16): 团中央 sets a year's standard (`config`); a branch assesses itself,
//! submits, is returned, resubmits and is confirmed, its stars on its page and in progress
//! (`flows`); who may do what and every bad input, nothing changed after each refusal
//! (`refusals`); eligibility and the round's dates (`eligibility`); the pages (`pages`); the
//! whole journey in a browser (`browser`).

mod browser;
mod config;
mod eligibility;
mod flows;
mod pages;
mod refusals;

use chrono::{Datelike, NaiveDate, TimeZone};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_store::entry_faults::beijing_today;

use crate::support::{ApiClient, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp};

pub use crate::leaving::code;

/// This year, as the API's path takes it.
pub fn year() -> i32 {
    beijing_today().year()
}

pub fn at(org_id: i64, what: &str) -> String {
    format!("/api/v1/orgs/{org_id}/star-ratings/{}/{what}", year())
}

pub fn config_path() -> String {
    format!("/api/v1/star-ratings/{}/config", year())
}

/// 团中央's admin over the API.
pub async fn root_api(app: &TestApp) -> ApiClient {
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let (status, body) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/role",
            json!({ "kind": "admin", "org_id": app.root.id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "switch role: {body}");
    api
}

/// The default items and bands with the given dates.
pub fn standard(starts_on: &str, ends_on: &str) -> Value {
    json!({
        "starts_on": starts_on,
        "ends_on": ends_on,
        "items": [
            { "name": "组织设置", "max_points": 10 },
            { "name": "班子建设", "max_points": 15 },
            { "name": "团员队伍", "max_points": 10 },
            { "name": "组织生活", "max_points": 20 },
            { "name": "团员教育评议", "max_points": 10 },
            { "name": "团籍管理与团费收缴", "max_points": 10 },
            { "name": "阵地建设", "max_points": 10 },
            { "name": "作用发挥", "max_points": 15 },
        ],
        "bands": { "five": 90, "four": 80, "three": 70, "two": 60 },
    })
}

/// The first day of this year, as the round's start.
pub fn new_year() -> NaiveDate {
    NaiveDate::from_ymd_opt(year(), 1, 1).unwrap()
}

/// Opens this year's round for the whole year (so it holds on any day the tests run).
pub async fn open_this_year(root: &ApiClient) {
    let (status, body) = root
        .post(
            &config_path(),
            standard(&format!("{}-01-01", year()), &format!("{}-12-31", year())),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "configure: {body}");
}

/// Sets the organisation's founding day (noon, Beijing time).
pub async fn founded(app: &TestApp, org_id: i64, day: NaiveDate) {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let at = beijing
        .from_local_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
        .unwrap()
        .timestamp();
    sqlx::query("UPDATE orgs SET created_at = $1 WHERE id = $2")
        .bind(at)
        .bind(org_id)
        .execute(app.store.pool())
        .await
        .unwrap();
    // Past the app's own writes: on PostgreSQL the cached lineage would otherwise be forgotten
    // only when the change's notification arrives, after the next request perhaps.
    app.store.forget_cached();
}

/// Founded long enough before this year's round.
pub async fn old_enough(app: &TestApp, org_id: i64) {
    founded(
        app,
        org_id,
        NaiveDate::from_ymd_opt(year() - 3, 3, 1).unwrap(),
    )
    .await;
}

/// Every item scored: `scores[i]` for item i + 1, with a note.
pub fn all_scores(scores: &[u32]) -> Value {
    json!({
        "scores": scores
            .iter()
            .enumerate()
            .map(|(i, s)| json!({ "item": i + 1, "score": s, "note": format!("第{}项的依据", i + 1) }))
            .collect::<Vec<_>>(),
    })
}

/// Scores of 8 items totalling 85 (four stars).
pub const FOUR_STARS: [u32; 8] = [9, 13, 8, 17, 9, 8, 9, 12];

/// Counts the year's rows of the feature's tables, to show a refusal changed nothing.
pub async fn rows(app: &TestApp) -> (i64, i64, i64, String) {
    let pool = app.store.pool();
    let ratings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM star_ratings")
        .fetch_one(pool)
        .await
        .unwrap();
    let scores: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM star_rating_scores")
        .fetch_one(pool)
        .await
        .unwrap();
    let items: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM star_rating_items")
        .fetch_one(pool)
        .await
        .unwrap();
    let states: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT r.status || ':' || COALESCE(r.comment, ''), s.self_score, s.reviewed_score \
         FROM star_ratings r LEFT JOIN star_rating_scores s ON s.rating_id = r.id \
         ORDER BY r.id, s.seq",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    (ratings, scores, items, format!("{states:?}"))
}
