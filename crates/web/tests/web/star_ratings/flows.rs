//! A rating from the first score to the stars on the branch's page and in the superiors'
//! progress: configure → assess → submit → return with a comment → correct and resubmit →
//! confirm with a reviewed score.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::admin::{get_html, page_as};
use crate::support::members::World;

both_databases!(a_branch_is_assessed_returned_resubmitted_and_confirmed);

async fn a_branch_is_assessed_returned_resubmitted_and_confirmed(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let root = root_api(&app).await;
    open_this_year(&root).await;
    old_enough(&app, b).await;

    let (status, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/star-ratings"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["state"].as_str(), body["editable"].as_bool()),
        (Some("not_started"), Some(true))
    );
    assert_eq!(body["window"], "open");
    assert_eq!(body["total_points"], 100);
    assert_eq!(body["items"].as_array().unwrap().len(), 8);

    // A draft of two items, one named by its name.
    let (status, body) = t
        .branch
        .post(
            &at(b, "scores"),
            json!({ "scores": [
                { "item": 1, "score": 9, "note": "组织健全" },
                { "item": "组织生活", "score": "17", "note": "三会两制一课落实" },
            ] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "assessing");
    assert_eq!(body["self_total"], 26);
    assert_eq!(body["items"][3]["self_score"], 17);
    assert_eq!(body["items"][3]["note"], "三会两制一课落实");
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "star_incomplete")
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("6个项目") && message.contains("班子建设"),
        "{message}"
    );

    // Every item: 85, four stars by the self-assessment.
    let (status, body) = t
        .branch
        .post(&at(b, "scores"), all_scores(&FOUR_STARS))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["self_total"].as_u64(), body["self_stars"].as_u64()),
        (Some(85), Some(4))
    );
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "submitted");
    assert_eq!(body["editable"], false);

    // Submitted: locked for the branch.
    let (status, body) = t
        .branch
        .post(
            &at(b, "scores"),
            json!({ "scores": [{ "item": 1, "score": 10 }] }),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "star_locked"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("等待上级组织审核")
    );

    // The school 团委 returns it with a comment; the branch corrects and resubmits.
    let (_, body) = t
        .school
        .get(&format!("/api/v1/orgs/{b}/star-ratings"))
        .await;
    assert_eq!(body["reviewable"], true, "{body}");
    let (status, body) = t
        .school
        .post(
            &at(b, "return"),
            json!({ "comment": "组织生活一项请补充佐证" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "returned");
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/star-ratings"))
        .await;
    assert_eq!(
        (body["comment"].as_str(), body["editable"].as_bool()),
        (Some("组织生活一项请补充佐证"), Some(true))
    );
    let (status, _) = t
        .branch
        .post(
            &at(b, "scores"),
            json!({ "scores": [{ "item": 4, "score": 18, "note": "补充了会议记录" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["self_total"], 86);

    // Confirmed with one reviewed score lowered: 86 - 6 = 80, still four stars; the others
    // keep the branch's own.
    let (status, body) = t
        .school
        .post(
            &at(b, "confirm"),
            json!({ "scores": [{ "item": 8, "score": 6 }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "confirmed");
    assert_eq!(
        (body["reviewed_total"].as_u64(), body["stars"].as_u64()),
        (Some(80), Some(4))
    );
    assert_eq!(body["stars_text"], "★★★★ 四星级团支部");
    assert_eq!(body["items"][7]["reviewed_score"], 6);
    assert_eq!(body["items"][0]["reviewed_score"], 9);

    // Confirmed ratings are locked for both sides.
    let (status, body) = t.school.post(&at(b, "confirm"), json!({})).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "star_locked"));
    let (status, body) = t
        .school
        .post(&at(b, "return"), json!({ "comment": "再看看" }))
        .await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "star_locked"));
    let (status, body) = t.branch.post(&at(b, "scores"), all_scores(&[10; 8])).await;
    assert_eq!((status, code(&body)), (StatusCode::CONFLICT, "star_locked"));

    // The stars on the branch's page, for its admin and its superior.
    let page = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;
    let (_, html) = get_html(&app, &page, &format!("/orgs/{b}")).await;
    let want = format!("{}年度对标定级：★★★★ 四星级团支部", year());
    assert!(html.contains(&want), "{html}");
    // And in the progress of every superior.
    for (api, org) in [(&t.school, t.w.school.id), (&t.county, t.w.county.id)] {
        let (status, body) = api
            .get(&format!("/api/v1/orgs/{org}/star-ratings/progress"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (
                body["total"]["confirmed"].as_i64(),
                body["total"]["four"].as_i64()
            ),
            (Some(1), Some(1)),
            "{body}"
        );
    }
    let (_, body) = t
        .school
        .get(&format!(
            "/api/v1/orgs/{}/star-ratings/progress",
            t.w.school.id
        ))
        .await;
    let child = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["org_id"] == b)
        .unwrap();
    assert_eq!(
        (child["state"].as_str(), child["stars"].as_u64()),
        (Some("confirmed"), Some(4))
    );

    for (action, n) in [
        ("star_rating.configure", 1),
        ("star_rating.assess", 3),
        ("star_rating.submit", 2),
        ("star_rating.return", 1),
        ("star_rating.confirm", 1),
    ] {
        assert_eq!(app.audit_count(action).await, n, "{action}");
    }
}
