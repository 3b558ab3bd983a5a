//! Who the round rates and when: a branch at least 6 months old on the round's start (5 months
//! and 30 days is too young), never a 流动 or 临时 branch; self-assessment only between the
//! round's dates. Ineligible branches count as 不参加 in progress.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::json;
use tuanjian_domain::{OrgKind, OrgLevel};

use super::*;
use crate::support::TestApp;
use crate::support::admin::{admin_of, get_html, page_as};
use crate::support::members::World;

both_databases!(
    six_months_old_on_the_start_day_and_never_floating,
    only_between_the_rounds_dates,
);

async fn six_months_old_on_the_start_day_and_never_floating(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let root = root_api(&app).await;
    open_this_year(&root).await;
    // The round starts on 1 January: founded 1 July last year is exactly 6 months; a day later
    // is one day short.
    let six = NaiveDate::from_ymd_opt(year() - 1, 7, 1).unwrap();
    founded(&app, b, six + Duration::days(1)).await;
    let before = rows(&app).await;
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/star-ratings"))
        .await;
    assert!(
        body["ineligible"]
            .as_str()
            .unwrap()
            .contains("成立不满6个月"),
        "{body}"
    );
    assert_eq!(body["editable"], false);
    for (what, payload) in [("scores", all_scores(&FOUR_STARS)), ("submit", json!({}))] {
        let (status, res) = t.branch.post(&at(b, what), payload).await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::CONFLICT, "star_ineligible"),
            "{what}: {res}"
        );
        let message = res["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("成立不满6个月") && message.contains("7月2日"),
            "{message}"
        );
    }
    assert_eq!(rows(&app).await, before);
    // The page says why and offers no form.
    let c = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b).await;
    let (_, html) = get_html(&app, &c, &format!("/orgs/{b}/star-ratings")).await;
    assert!(
        html.contains("id=\"ineligible\"") && !html.contains("id=\"scores-form\""),
        "{html}"
    );
    // Exactly 6 months: rated.
    founded(&app, b, six).await;
    let (status, body) = t
        .branch
        .post(&at(b, "scores"), all_scores(&FOUR_STARS))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ineligible"], serde_json::Value::Null);

    // A 流动团员团支部 never is, however old.
    let floating = app
        .add_org(
            &t.w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "流动团员团支部",
            "某学校流动团员团支部",
        )
        .await;
    old_enough(&app, floating.id).await;
    let (_, fl) = admin_of(&app, &floating, 310, "流动支部管理员").await;
    let before = rows(&app).await;
    let (status, res) = fl
        .post(&at(floating.id, "scores"), all_scores(&FOUR_STARS))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "star_ineligible")
    );
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains("流动团员团支部不参加")
    );
    assert_eq!(rows(&app).await, before);
    // Nor a 临时团支部 (学社衔接).
    let temporary = app
        .add_org(
            &t.w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "学社衔接临时团支部",
            "某学校学社衔接临时团支部",
        )
        .await;
    old_enough(&app, temporary.id).await;
    let (_, tm) = admin_of(&app, &temporary, 311, "临时支部管理员").await;
    let (status, res) = tm.post(&at(temporary.id, "submit"), json!({})).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "star_ineligible")
    );
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains("临时团支部不参加")
    );
    assert_eq!(rows(&app).await, before);

    // Progress: the floating and temporary branches are 不参加, the branch 自评中.
    let (status, body) = t
        .school
        .get(&format!(
            "/api/v1/orgs/{}/star-ratings/progress",
            t.w.school.id
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["total"]["branches"].as_i64(),
            body["total"]["ineligible"].as_i64(),
            body["total"]["assessing"].as_i64()
        ),
        (Some(3), Some(2), Some(1)),
        "{body}"
    );
    let states: Vec<&str> = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"ineligible") && states.contains(&"assessing"),
        "{states:?}"
    );
    // Bad years and other provinces.
    let (status, res) = t
        .school
        .get(&format!(
            "/api/v1/orgs/{}/star-ratings/progress?year=1990",
            t.w.school.id
        ))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "star_year_invalid")
    );
    let (status, _) = t
        .other
        .get(&format!(
            "/api/v1/orgs/{}/star-ratings/progress",
            t.w.school.id
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn only_between_the_rounds_dates(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    old_enough(&app, b).await;
    let root = root_api(&app).await;
    let today = beijing_today();
    let (first, last) = (new_year(), NaiveDate::from_ymd_opt(year(), 12, 31).unwrap());
    let mut tried = 0;
    // Closed: it ended yesterday.
    if today > first {
        let (status, body) = root
            .post(
                &config_path(),
                standard(&first.to_string(), &(today - Duration::days(1)).to_string()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, body) = t
            .branch
            .get(&format!("/api/v1/orgs/{b}/star-ratings"))
            .await;
        assert_eq!(
            (body["window"].as_str(), body["editable"].as_bool()),
            (Some("closed"), Some(false))
        );
        let (status, res) = t
            .branch
            .post(&at(b, "scores"), all_scores(&FOUR_STARS))
            .await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::CONFLICT, "star_round_closed")
        );
        assert!(
            res["error"]["message"].as_str().unwrap().contains("已于"),
            "{res}"
        );
        tried += 1;
    }
    // Not yet open: it starts tomorrow.
    if today < last {
        let (status, body) = root
            .post(
                &config_path(),
                standard(&(today + Duration::days(1)).to_string(), &last.to_string()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for (what, payload) in [("scores", all_scores(&FOUR_STARS)), ("submit", json!({}))] {
            let (status, res) = t.branch.post(&at(b, what), payload).await;
            assert_eq!(
                (status, code(&res)),
                (StatusCode::CONFLICT, "star_round_closed"),
                "{res}"
            );
            let message = res["error"]["message"].as_str().unwrap();
            assert!(
                message.contains("尚未开始") && message.contains("开始"),
                "{message}"
            );
        }
        let c = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b).await;
        let (_, html) = get_html(&app, &c, &format!("/orgs/{b}/star-ratings")).await;
        assert!(
            html.contains("尚未开始") && !html.contains("id=\"scores-form\""),
            "{html}"
        );
        tried += 1;
    }
    assert!(tried >= 1);
    assert_eq!(rows(&app).await.0, 0);
    assert_eq!(app.audit_count("star_rating.assess").await, 0);
}
