//! 实名校验 线下通过: an admin in scope marks it after checking in person; who and when kept.

use reqwest::StatusCode;
use serde_json::json;

use super::*;
use crate::support::members::World;

both_databases!(marked_offline_with_who_and_when);

async fn marked_offline_with_who_and_when(app: TestApp) {
    let t = World::new(&app).await;
    // Any member, whatever their join month.
    let m = member(&app, &t.w.branch, 1, "核验团员", "2015-03", 900).await;
    let (_, before) = t.branch.get(&at(m.id, "archive")).await;
    assert_eq!(before["identity"]["status"], "unverified");
    assert_eq!(before["may_check_identity"], true);
    // Out of scope: not found, nothing recorded.
    let (status, body) = t
        .sibling
        .post(&at(m.id, "identity/offline"), json!({}))
        .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, body) = t
        .branch
        .post(&at(m.id, "identity/offline"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["identity"]["status"], "verified");
    assert_eq!(body["identity"]["label"], "线下通过");
    assert_eq!(body["identity"]["checked_by"], "支部管理员");
    assert!(
        body["identity"]["checked_at"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(body["may_check_identity"], false);
    let (status, body) = t
        .school
        .post(&at(m.id, "identity/offline"), json!({}))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "identity_already_verified")
    );
    let checker: Option<i64> =
        sqlx::query_scalar("SELECT identity_checked_by FROM people WHERE id = $1")
            .bind(m.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(checker, Some(t.branch_admin.id));
    assert_eq!(app.audit_count("person.identity.offline").await, 1);
    // The member sees it.
    let me =
        crate::support::admin::api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (_, mine) = me.get("/api/v1/me/archive").await;
    assert_eq!(mine["identity"]["label"], "线下通过");
}
