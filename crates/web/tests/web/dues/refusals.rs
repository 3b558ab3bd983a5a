//! Every refusal of 团费, each changing nothing: outside the scope, not the branch's own admin,
//! not a branch, a bad month, amount, member or body, a correction without a record, bands
//! set by anyone but the province's own admin or with faulty fields.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::*;
use crate::support::TestApp;
use crate::support::admin::admin_of;
use crate::support::members::World;

both_databases!(
    recording_refusals_change_nothing,
    bands_refusals_change_nothing
);

async fn recording_refusals_change_nothing(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let elsewhere = member_born(&app, &t.sibling_branch, 2, born(20, 0), "别处").await;
    let month = current_month();
    let one = payments(vec![paid(a.id, "3")]);

    // Outside the scope: as if it did not exist.
    for path in [
        format!("/api/v1/orgs/{b}/dues"),
        format!("/api/v1/orgs/{b}/dues/arrears"),
        format!("/api/v1/orgs/{b}/dues/totals"),
        format!("/api/v1/members/{}/dues", a.id),
    ] {
        let (status, body) = t.other.get(&path).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
    }
    let (status, body) = t.other.post(&payments_at(b, month), one.clone()).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));

    // The superior sees the month but does not record it.
    let (status, body) = t.school.get(&format!("/api/v1/orgs/{b}/dues")).await;
    assert_eq!(
        (status, body["may_record"].as_bool()),
        (StatusCode::OK, Some(false))
    );
    let (status, body) = t.school.post(&payments_at(b, month), one.clone()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "not_own_org"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("团支部的管理员记录")
    );
    // Not a branch.
    let (status, body) = t
        .school
        .post(&payments_at(t.w.school.id, month), one.clone())
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "not_a_branch"),
        "{body}"
    );

    // Bad months.
    for bad in ["2026-13", "明年", "1999-12"] {
        let (status, body) = t
            .branch
            .post(
                &format!("/api/v1/orgs/{b}/dues/{bad}/payments"),
                one.clone(),
            )
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "dues_month_invalid"),
            "{bad}"
        );
        assert_eq!(body["error"]["field"], "month");
    }
    let next = month.next();
    let (status, body) = t.branch.post(&payments_at(b, next), one.clone()).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "dues_month_invalid")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("还没有到"),
        "{body}"
    );
    let (status, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/dues?month=abc"))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "dues_month_invalid")
    );
    // Before the member joined.
    sqlx::query("UPDATE members SET join_month = $1 WHERE person_id = $2")
        .bind(month.to_string())
        .bind(a.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store.forget_cached();
    let (status, body) = t
        .branch
        .post(&payments_at(b, month.prev()), one.clone())
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "dues_month_invalid"),
        "{body}"
    );
    assert!(
        body["error"]["message"].as_str().unwrap().contains("入团"),
        "{body}"
    );

    // Bad amounts, named with the member; a member of another branch; nothing at all.
    let (status, body) = t
        .branch
        .post(&payments_at(b, month), payments(vec![paid(a.id, "三元")]))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "amount_invalid")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("甲："),
        "{body}"
    );
    for bad in ["-3", "3.001", "1e3"] {
        let (status, body) = t
            .branch
            .post(&payments_at(b, month), payments(vec![paid(a.id, bad)]))
            .await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "amount_invalid"),
            "{bad}"
        );
    }
    let (status, body) = t
        .branch
        .post(
            &payments_at(b, month),
            payments(vec![paid(a.id, "3"), paid(elsewhere.id, "3")]),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "dues_member_unknown"),
        "{body}"
    );
    let (status, body) = t
        .branch
        .post(&payments_at(b, month), payments(vec![]))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "required_missing")
    );
    let (status, body) = t
        .branch
        .post(&payments_at(b, month), json!({ "payments": "全部" }))
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "json_invalid"),
        "{body}"
    );
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/orgs/{b}/dues/incomes/{}", a.id),
            json!({ "income": "很多" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "amount_invalid")
    );
    assert_eq!(body["error"]["field"], "income");
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/orgs/{b}/dues/incomes/{}", elsewhere.id),
            json!({ "income": "3000" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "dues_member_unknown")
    );

    // A correction of a month never recorded.
    let (status, body) = t
        .branch
        .post(
            &format!("/api/v1/orgs/{b}/dues/{month}/corrections"),
            json!({ "person_id": a.id, "paid": "3", "reason": "补记" }),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::CONFLICT, "dues_not_recorded"),
        "{body}"
    );

    assert_eq!(payment_rows(&app).await, 0);
    let declared: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dues_incomes")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(declared, 0);
    assert_eq!(app.audit_count("dues.record").await, 0);
}

async fn bands_refusals_change_nothing(app: TestApp) {
    let t = World::new(&app).await;
    let p = t.w.province.id;
    let good = json!({ "threshold": "2500", "below_threshold": "3", "rate_permille": "2",
        "cap": "20", "student": "0.2", "farmer": "0.5" });
    // Only the province's own admin: 团中央's admin reads them but does not set them.
    let (_, central) = admin_of(&app, &app.root, 90, "团中央管理员").await;
    let (status, body) = central
        .send(
            Method::PUT,
            &format!("/api/v1/orgs/{p}/dues/bands"),
            good.clone(),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "not_own_org"),
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("省级团委的管理员设置")
    );
    let (status, body) = central.get(&format!("/api/v1/orgs/{p}/dues/bands")).await;
    assert_eq!(
        (status, body["threshold"].as_str()),
        (StatusCode::OK, Some("2000.00")),
        "{body}"
    );
    // Below the province, it is outside the scope.
    let (status, body) = t.city.get(&format!("/api/v1/orgs/{p}/dues/bands")).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    // Only provinces have bands.
    let (status, body) = t
        .city
        .send(
            Method::PUT,
            &format!("/api/v1/orgs/{}/dues/bands", t.w.city.id),
            good.clone(),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::FORBIDDEN, "province_only"),
        "{body}"
    );
    // Outside the scope.
    let (status, body) = t
        .other
        .send(
            Method::PUT,
            &format!("/api/v1/orgs/{p}/dues/bands"),
            good.clone(),
        )
        .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    // Faulty fields, every one named.
    let bad = json!({ "threshold": "2500", "below_threshold": "3", "rate_permille": "千分之二",
        "cap": "两千", "student": "0.2", "farmer": "0.5" });
    let (status, body) = t
        .province
        .send(Method::PUT, &format!("/api/v1/orgs/{p}/dues/bands"), bad)
        .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "dues_bands_invalid"),
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("每月最高") && message.contains("千分之几"),
        "{message}"
    );
    assert_eq!(body["error"]["field"], "cap");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dues_bands")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert_eq!(app.audit_count("dues.bands").await, 0);
}
