//! 团中央 sets a year's standard: only its own admin, every fault named, refused once a branch
//! has submitted (saying why), a year without one uses the defaults, drafts keep what fits.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::admin::{get_html, page_as_with, post_form};
use crate::support::members::World;

both_databases!(
    only_central_configures_and_a_submission_locks_the_year,
    a_bad_standard_is_refused_with_every_fault,
    the_configuration_page_saves_a_year,
);

async fn only_central_configures_and_a_submission_locks_the_year(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let root = root_api(&app).await;
    // Unconfigured: the defaults, 10-01 to 12-31, 100 points.
    let (status, body) = root
        .get(&format!("/api/v1/star-ratings/config?year={}", year()))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], false);
    assert_eq!(body["starts_on"], format!("{}-10-01", year()));
    assert_eq!(body["ends_on"], format!("{}-12-31", year()));
    assert_eq!(body["total_points"], 100);
    assert_eq!(body["bands"]["five"], 90);
    assert_eq!(body["items"][7]["name"], "作用发挥");
    // Nobody else sets it, not even a province.
    let s = standard(&format!("{}-01-01", year()), &format!("{}-12-31", year()));
    for api in [&t.province, &t.school, &t.branch] {
        let (status, res) = api.post(&config_path(), s.clone()).await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::FORBIDDEN, "not_own_org"),
            "{res}"
        );
        assert!(res["error"]["message"].as_str().unwrap().contains("团中央"));
        let (status, _) = api.get("/api/v1/star-ratings/config").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert_eq!(rows(&app).await.2, 0);

    // Set; a draft keeps the scores that still fit a change.
    open_this_year(&root).await;
    old_enough(&app, b).await;
    let (status, body) = t
        .branch
        .post(
            &at(b, "scores"),
            json!({ "scores": [{ "item": 1, "score": 10 }, { "item": 8, "score": 15 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut smaller = s.clone();
    smaller["items"] = json!([
        { "name": "组织设置", "max_points": 60 },
        { "name": "作用发挥", "max_points": 40 },
    ]);
    let (status, body) = root.post(&config_path(), smaller.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["stored"].as_bool(), body["total_points"].as_u64()),
        (Some(true), Some(100))
    );
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/star-ratings"))
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    assert_eq!(body["items"][0]["self_score"], 10);
    assert_eq!(body["items"][1]["self_score"], serde_json::Value::Null);
    // Back to the default items; the branch submits, and the year is locked.
    open_this_year(&root).await;
    let (status, _) = t
        .branch
        .post(&at(b, "scores"), all_scores(&FOUR_STARS))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = rows(&app).await;
    let (status, res) = root.post(&config_path(), smaller).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "star_config_locked"),
        "{res}"
    );
    let message = res["error"]["message"].as_str().unwrap();
    assert!(message.contains("已有1个团支部提交"), "{message}");
    assert_eq!(rows(&app).await, before);
    let (_, body) = root.get("/api/v1/star-ratings/config").await;
    assert_eq!(body["items"].as_array().unwrap().len(), 8);
    // Next year is still open to change.
    let next = year() + 1;
    let (status, body) = root
        .post(
            &format!("/api/v1/star-ratings/{next}/config"),
            standard(&format!("{next}-10-08"), &format!("{next}-12-20")),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.audit_count("star_rating.configure").await, 4);
}

async fn a_bad_standard_is_refused_with_every_fault(app: TestApp) {
    let root = root_api(&app).await;
    let y = year();
    for (body, field_text) in [
        (
            json!({ "starts_on": format!("{y}-12-01"), "ends_on": format!("{y}-10-01"),
                    "items": [{ "name": "甲", "max_points": 100 }],
                    "bands": { "five": 90, "four": 80, "three": 70, "two": 60 } }),
            "不能早于",
        ),
        (
            json!({ "starts_on": "十月一日", "ends_on": format!("{y}-12-31"),
                    "items": [{ "name": "甲", "max_points": 100 }],
                    "bands": { "five": 90, "four": 80, "three": 70, "two": 60 } }),
            "不是日期",
        ),
        (
            json!({ "starts_on": format!("{y}-10-01"), "ends_on": format!("{y}-12-31"),
                    "items": [{ "name": "甲", "max_points": 0 }, { "name": "", "max_points": 5 }],
                    "bands": { "five": 90, "four": 80, "three": 70, "two": 60 } }),
            "第2项没有填写名称",
        ),
        (
            json!({ "starts_on": format!("{y}-10-01"), "ends_on": format!("{y}-12-31"),
                    "items": [{ "name": "甲", "max_points": 50 }],
                    "bands": { "five": 90, "four": 80, "three": 70, "two": 60 } }),
            "不能高于各项目满分之和（50分）",
        ),
        (
            json!({ "starts_on": format!("{y}-10-01"), "ends_on": format!("{y}-12-31"),
                    "items": [{ "name": "甲", "max_points": 100 }],
                    "bands": { "five": 80, "four": 90, "three": 70, "two": "x" } }),
            "二星级的最低分须为正整数",
        ),
        (
            json!({ "starts_on": format!("{y}-10-01"), "ends_on": format!("{y}-12-31"),
                    "items": [], "bands": { "five": 90, "four": 80, "three": 70, "two": 60 } }),
            "至少填写一个",
        ),
    ] {
        let (status, res) = root.post(&config_path(), body.clone()).await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::BAD_REQUEST, "star_config_invalid"),
            "{body}: {res}"
        );
        let message = res["error"]["message"].as_str().unwrap();
        assert!(message.contains(field_text), "{message}");
    }
    let (status, res) = root
        .post(
            "/api/v1/star-ratings/2001/config",
            standard("2001-10-01", "2001-12-31"),
        )
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "star_year_invalid")
    );
    let (status, res) = root.post(&config_path(), json!({ "starts_on": 5 })).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "json_invalid"),
        "{res}"
    );
    assert_eq!(rows(&app).await.2, 0);
    assert_eq!(app.audit_count("star_rating.configure").await, 0);
}

async fn the_configuration_page_saves_a_year(app: TestApp) {
    let c = page_as_with(
        &app,
        crate::support::ROOT_ADMIN_ID,
        crate::support::ROOT_ADMIN_PASSWORD,
        "admin",
        app.root.id,
    )
    .await;
    let (status, html) = get_html(&app, &c, "/star-ratings/config").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("团籍管理与团费收缴") && html.contains("本年度尚未设置"),
        "{html}"
    );
    // The menu offers it to 团中央.
    assert!(html.contains("href=\"/star-ratings/config\""));
    let y = year().to_string();
    let (starts, ends) = (format!("{y}-11-01"), format!("{y}-12-15"));
    let form = [
        ("year", y.as_str()),
        ("starts_on", starts.as_str()),
        ("ends_on", ends.as_str()),
        ("name_1", "组织建设"),
        ("max_1", "50"),
        ("name_2", "作用发挥"),
        ("max_2", "50"),
        ("name_3", ""),
        ("max_3", ""),
        ("five", "95"),
        ("four", "85"),
        ("three", "75"),
        ("two", "65"),
    ];
    let res = post_form(
        &app,
        &c,
        "/star-ratings/config",
        "/star-ratings/config",
        &form,
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let root = root_api(&app).await;
    let (_, body) = root.get("/api/v1/star-ratings/config").await;
    assert_eq!(body["starts_on"], starts);
    assert_eq!(body["bands"]["two"], 65);
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    // A fault comes back on the page with what was typed.
    let mut bad = form;
    bad[4] = ("max_1", "500");
    let res = post_form(
        &app,
        &c,
        "/star-ratings/config",
        "/star-ratings/config",
        &bad,
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("“组织建设”的满分须为1到100的整数"), "{html}");
    assert!(html.contains("value=\"500\""), "{html}");
    let (_, body) = root.get("/api/v1/star-ratings/config").await;
    assert_eq!(body["items"][0]["max_points"], 50);
    // Not for a province.
    let t = World::new(&app).await;
    let p = crate::support::admin::page_as(
        &app,
        t.province_admin.id_number.as_str(),
        "admin",
        t.w.province.id,
    )
    .await;
    let (status, _) = get_html(&app, &p, "/star-ratings/config").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
