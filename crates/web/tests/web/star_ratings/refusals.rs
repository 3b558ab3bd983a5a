//! Every way a rating refuses: who may assess, review or see it, bad years, scores, items,
//! notes and bodies, and the order of the steps. Nothing changes on a refusal.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::admin::api_as;
use crate::support::members::World;

both_databases!(
    only_the_branch_assesses_and_only_its_superior_reviews,
    bad_input_is_refused_and_changes_nothing,
);

async fn only_the_branch_assesses_and_only_its_superior_reviews(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let root = root_api(&app).await;
    open_this_year(&root).await;
    old_enough(&app, b).await;
    let scores = all_scores(&FOUR_STARS);
    let before = rows(&app).await;
    // Superiors see the rating but do not assess it.
    for api in [&t.school, &t.county] {
        let (status, res) = api.post(&at(b, "scores"), scores.clone()).await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::FORBIDDEN, "not_own_org"),
            "{res}"
        );
        assert!(
            res["error"]["message"]
                .as_str()
                .unwrap()
                .contains("团支部管理员")
        );
        let (status, res) = api.post(&at(b, "submit"), json!({})).await;
        assert_eq!((status, code(&res)), (StatusCode::FORBIDDEN, "not_own_org"));
        let (status, _) = api.get(&format!("/api/v1/orgs/{b}/star-ratings")).await;
        assert_eq!(status, StatusCode::OK);
    }
    // Outside the scope: not found, so ids cannot be probed.
    for api in [&t.other, &t.sibling] {
        for path in [
            format!("/api/v1/orgs/{b}/star-ratings"),
            format!("/api/v1/orgs/{b}/star-ratings/progress"),
        ] {
            let (status, res) = api.get(&path).await;
            assert_eq!(
                (status, code(&res)),
                (StatusCode::NOT_FOUND, "not_found"),
                "{path}"
            );
        }
        let (status, res) = api.post(&at(b, "scores"), scores.clone()).await;
        assert_eq!((status, code(&res)), (StatusCode::NOT_FOUND, "not_found"));
        let (status, _) = api.post(&at(b, "confirm"), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _) = t.other.get("/api/v1/orgs/999999/star-ratings").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A member of the branch is no admin.
    let m = crate::support::admin::person(&app, 300, "团员甲").await;
    app.make_member(&t.w.branch, &m).await;
    let member = api_as(&app, m.id_number.as_str(), "member", b).await;
    let (status, _) = member.get(&format!("/api/v1/orgs/{b}/star-ratings")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = member.post(&at(b, "scores"), scores.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(rows(&app).await, before);

    // Review before submission; then only the direct superior.
    let (status, res) = t.school.post(&at(b, "confirm"), json!({})).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "star_not_submitted")
    );
    let (status, res) = t
        .school
        .post(&at(b, "return"), json!({ "comment": "请补充" }))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "star_not_submitted")
    );
    t.branch.post(&at(b, "scores"), scores.clone()).await;
    let (status, _) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let submitted = rows(&app).await;
    for api in [&t.branch, &t.county, &t.city] {
        for (what, body) in [
            ("confirm", json!({})),
            ("return", json!({ "comment": "x" })),
        ] {
            let (status, res) = api.post(&at(b, what), body).await;
            assert_eq!(
                (status, code(&res)),
                (StatusCode::FORBIDDEN, "not_direct_superior"),
                "{what}: {res}"
            );
        }
    }
    // Returned without a comment.
    let (status, res) = t
        .school
        .post(&at(b, "return"), json!({ "comment": "  " }))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "comment_required")
    );
    assert_eq!(rows(&app).await, submitted);
    // An organisation above branches has no rating of its own.
    let s = t.w.school.id;
    let (status, res) = t
        .school
        .get(&format!("/api/v1/orgs/{s}/star-ratings"))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "not_a_branch"),
        "{res}"
    );
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains("对标定级进度")
    );
    assert_eq!(app.audit_count("star_rating.confirm").await, 0);
    assert_eq!(app.audit_count("star_rating.return").await, 0);
}

async fn bad_input_is_refused_and_changes_nothing(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let root = root_api(&app).await;
    open_this_year(&root).await;
    old_enough(&app, b).await;
    let (status, _) = t
        .branch
        .post(
            &at(b, "scores"),
            json!({ "scores": [{ "item": 1, "score": 5, "note": "草稿" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let before = rows(&app).await;

    for (score, item) in [
        (json!(11), json!(1)),
        (json!(21), json!("组织生活")),
        (json!(-1), json!(1)),
        (json!(8.5), json!(1)),
        (json!("abc"), json!(1)),
        (json!("1e1"), json!(4)),
        (json!(true), json!(1)),
    ] {
        // One good row beside the bad one: all or nothing.
        let (status, res) = t
            .branch
            .post(
                &at(b, "scores"),
                json!({ "scores": [{ "item": 2, "score": 12 }, { "item": item, "score": score }] }),
            )
            .await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::BAD_REQUEST, "star_score_invalid"),
            "{score}: {res}"
        );
        let message = res["error"]["message"].as_str().unwrap();
        assert!(message.contains("之间的整数"), "{message}");
    }
    for item in [json!(9), json!(0), json!("不存在的项目"), json!(-2)] {
        let (status, res) = t
            .branch
            .post(
                &at(b, "scores"),
                json!({ "scores": [{ "item": item, "score": 1 }] }),
            )
            .await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::BAD_REQUEST, "star_item_unknown"),
            "{item}: {res}"
        );
        assert!(
            res["error"]["message"]
                .as_str()
                .unwrap()
                .contains("共有8个项目")
        );
    }
    let long = "字".repeat(201);
    let (status, res) = t
        .branch
        .post(
            &at(b, "scores"),
            json!({ "scores": [{ "item": 1, "score": 1, "note": long }] }),
        )
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "too_long"),
        "{res}"
    );
    // Bad years, in the path and the query.
    for y in ["1999", "abc", "20261"] {
        let (status, res) = t
            .branch
            .post(
                &format!("/api/v1/orgs/{b}/star-ratings/{y}/scores"),
                all_scores(&FOUR_STARS),
            )
            .await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::BAD_REQUEST, "star_year_invalid"),
            "{y}"
        );
        let (status, res) = t
            .branch
            .get(&format!("/api/v1/orgs/{b}/star-ratings?year={y}"))
            .await;
        assert_eq!(
            (status, code(&res)),
            (StatusCode::BAD_REQUEST, "star_year_invalid")
        );
    }
    // A bad id (no such organisation) and bad bodies.
    let (status, res) = t.branch.get("/api/v1/orgs/abc/star-ratings").await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::NOT_FOUND, "not_found"),
        "{res}"
    );
    let res = t
        .branch
        .http
        .post(format!("{}{}", t.branch.base, at(b, "scores")))
        .bearer_auth(t.branch.token.clone().unwrap())
        .header("content-type", "application/json")
        .body("{\"scores\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(code(&body), "json_invalid");
    let (status, res) = t
        .branch
        .post(&at(b, "scores"), json!({ "scores": 5 }))
        .await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::BAD_REQUEST, "json_invalid"),
        "{res}"
    );
    assert_eq!(rows(&app).await, before);
    // A draft that a configuration raced past (a score above its item's maximum now) is not
    // submitted.
    t.branch
        .post(&at(b, "scores"), all_scores(&FOUR_STARS))
        .await;
    sqlx::query("UPDATE star_rating_scores SET self_score = 99 WHERE seq = 1")
        .execute(app.store.pool())
        .await
        .unwrap();
    let raced = rows(&app).await;
    let (status, res) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(
        (status, code(&res)),
        (StatusCode::CONFLICT, "star_score_invalid"),
        "{res}"
    );
    assert!(
        res["error"]["message"]
            .as_str()
            .unwrap()
            .contains("超过了本年度标准的满分10分")
    );
    assert_eq!(rows(&app).await, raced);
    // A bad reviewed score, once submitted.
    t.branch
        .post(&at(b, "scores"), all_scores(&FOUR_STARS))
        .await;
    let (status, res) = t.branch.post(&at(b, "submit"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let submitted = rows(&app).await;
    assert_ne!(submitted, before);
    for body in [
        json!({ "scores": [{ "item": 1, "score": 11 }] }),
        json!({ "scores": [{ "item": 1, "score": -3 }] }),
        json!({ "scores": [{ "item": 12, "score": 3 }] }),
    ] {
        let (status, res) = t.school.post(&at(b, "confirm"), body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {res}");
        assert!(["star_score_invalid", "star_item_unknown"].contains(&code(&res)));
    }
    assert_eq!(rows(&app).await, submitted);
    assert_eq!(app.audit_count("star_rating.assess").await, 3);
}
