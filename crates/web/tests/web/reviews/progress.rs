//! Superiors follow their branches: the counts by state, in total and under each direct child.

use reqwest::StatusCode;
use serde_json::json;
use tuanjian_domain::{OrgKind, OrgLevel};

use super::*;
use crate::support::TestApp;
use crate::support::admin::get_html;
use crate::support::members::World;

both_databases!(progress_counts_branches_by_state);

async fn progress_counts_branches_by_state(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    // A second branch under the school that has not started, a third one empty.
    let idle = app
        .add_org(
            &t.w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "二班团支部",
            "某校二班团支部",
        )
        .await;
    member_born(&app, &idle, 9, born(19, 0), "未评").await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    t.branch
        .post(&at(b, "grades"), grades(vec![grade(m.id, "合格")]))
        .await;
    t.branch.post(&at(b, "submit"), json!({})).await;

    let s = t.w.school.id;
    let (status, body) = t
        .school
        .get(&format!("/api/v1/orgs/{s}/reviews/progress"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["year"], year());
    let total = &body["total"];
    assert_eq!(
        (
            total["branches"].as_i64(),
            total["submitted"].as_i64(),
            total["not_started"].as_i64()
        ),
        (Some(2), Some(1), Some(1)),
        "{body}"
    );
    assert_eq!(
        (total["members"].as_i64(), total["graded"].as_i64()),
        (Some(2), Some(1))
    );
    let child = |id: i64| {
        body["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["org_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(child(b)["state"], "submitted");
    assert_eq!(child(idle.id)["state"], "not_started");

    // The city sees the same branches summed under its county.
    let c = t.w.city.id;
    let (_, body) = t
        .city
        .get(&format!("/api/v1/orgs/{c}/reviews/progress"))
        .await;
    let county = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["org_id"] == t.w.county.id)
        .unwrap()
        .clone();
    assert_eq!(county["state"], serde_json::Value::Null);
    assert_eq!(county["counts"]["branches"], 2, "{body}");
    assert_eq!(county["counts"]["submitted"], 1);
    // Only the late ones.
    let (_, body) = t
        .school
        .get(&format!("/api/v1/orgs/{s}/reviews/progress?late=1"))
        .await;
    let ids: Vec<i64> = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["org_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![idle.id]);
    // Certified rounds count as done; last year's progress is its own.
    t.school.post(&at(b, "certify"), json!({})).await;
    let (_, body) = t
        .school
        .get(&format!("/api/v1/orgs/{s}/reviews/progress"))
        .await;
    assert_eq!(body["total"]["certified"], 1);
    let (_, body) = t
        .school
        .get(&format!(
            "/api/v1/orgs/{s}/reviews/progress?year={}",
            year() - 1
        ))
        .await;
    assert_eq!(body["total"]["not_started"], 2);
    // Outside the scope, and a bad year.
    let (status, _) = t
        .other
        .get(&format!("/api/v1/orgs/{s}/reviews/progress"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = t
        .school
        .get(&format!("/api/v1/orgs/{s}/reviews/progress?year=2000"))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "review_year_invalid")
    );

    // The page lists the children with links to their rounds.
    let web =
        crate::support::admin::page_as(&app, t.school_admin.id_number.as_str(), "admin", s).await;
    let (status, html) = get_html(&app, &web, &format!("/orgs/{s}/reviews/progress")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("href=\"/orgs/{b}/reviews?year={}\"", year())),
        "{html}"
    );
    assert!(html.contains("已认证"));
}
