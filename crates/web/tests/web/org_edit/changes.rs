//! Change requests and their decisions: approval, return with a comment, withdrawal, one
//! pending at a time, and who may decide.

use super::*;

both_databases!(
    superior_approves,
    superior_returns_with_comment,
    withdraw_and_one_pending_at_a_time,
    wrong_relations_are_refused,
);

async fn superior_approves(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(
        &own,
        &w.county,
        json!({ "phone": "020-88888888", "secretary_name": "李书记", "secretary_id_number": idn(201), "secretary_phone": "13900139000" }),
    )
    .await;
    let change = r["pending_change_id"].as_i64().unwrap();
    assert_eq!(
        r["pending"],
        json!([
            "phone",
            "secretary_name",
            "secretary_id_number",
            "secretary_phone"
        ])
    );

    let seen = info(&sup, &w.county).await;
    assert_eq!(seen["may"]["decide"], true);
    assert_eq!(seen["may"]["withdraw"], false);
    let rows = seen["pending_change"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "only what differs: {rows:?}");

    let (s, c) = decide(&sup, &w.county, change, "approve", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "approved");
    assert_eq!(c["decided_by_name"], "市管理员");
    let after = info(&own, &w.county).await;
    assert_eq!(field(&after, "phone"), "020-88888888");
    assert_eq!(after["secretary"]["mobile"], "13900139000");
    assert!(after["pending_change"].is_null());
    assert_eq!(app.audit_count("org_change.approve").await, 1);

    // Decided once, decided for good.
    for what in ["approve", "return", "withdraw"] {
        let client = if what == "withdraw" { &own } else { &sup };
        let (s, e) = decide(
            client,
            &w.county,
            change,
            what,
            json!({ "comment": "再来" }),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{what}: {e}");
        assert_eq!(e["error"]["code"], "change_decided");
    }
    // An unknown change, or one of another organisation, is not found.
    let (s, _) = decide(&sup, &w.county, 999_999, "approve", json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = decide(&sup, &w.sibling, change, "approve", json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn superior_returns_with_comment(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(&own, &w.county, json!({ "email": "new@example.cn" })).await;
    let change = r["pending_change_id"].as_i64().unwrap();

    for body in [json!({}), json!({ "comment": "   " })] {
        let (s, e) = decide(&sup, &w.county, change, "return", body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert_eq!(e["error"]["code"], "comment_required");
        assert_eq!(e["error"]["field"], "comment");
    }
    let long = "长".repeat(501);
    let (s, e) = decide(
        &sup,
        &w.county,
        change,
        "return",
        json!({ "comment": long }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "too_long");
    assert_eq!(info(&own, &w.county).await["pending_change"]["id"], change);

    let (s, c) = decide(
        &sup,
        &w.county,
        change,
        "return",
        json!({ "comment": "邮箱请使用单位邮箱" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "returned");
    assert_eq!(c["comment"], "邮箱请使用单位邮箱");
    let after = info(&own, &w.county).await;
    assert_eq!(field(&after, "email"), "thqtw@example.cn", "not applied");
    assert!(after["pending_change"].is_null());
}

async fn withdraw_and_one_pending_at_a_time(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-11111111" })).await;
    let first = r["pending_change_id"].as_i64().unwrap();
    let rows = changes_of(&app, &w.county).await;

    // A second change while one waits is refused; nothing is written.
    let (s, e) = put(&own, &w.county, json!({ "email": "second@example.cn" })).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "change_pending");
    assert!(e["error"]["message"].as_str().unwrap().contains("撤回"));
    assert_eq!(changes_of(&app, &w.county).await, rows);
    assert_eq!(
        field(&info(&own, &w.county).await, "email"),
        "thqtw@example.cn"
    );

    // The superior does not withdraw; the own admin does not decide.
    let (s, e) = decide(&sup, &w.county, first, "withdraw", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, e) = decide(&own, &w.county, first, "approve", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "not_direct_superior");

    let (s, c) = decide(&own, &w.county, first, "withdraw", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "withdrawn");
    let (s, _) = decide(&sup, &w.county, first, "approve", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(field(&info(&own, &w.county).await, "phone"), "020-85212345");

    // Now a new request may be made.
    let (s, r) = put(&own, &w.county, json!({ "email": "second@example.cn" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r["pending_change_id"].as_i64().unwrap() > first);
}

async fn wrong_relations_are_refused(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-99999999" })).await;
    let change = r["pending_change_id"].as_i64().unwrap();
    let (sibling, _) = admin_of(&app, &w.sibling, 105, "越秀管理员").await;
    let (grand, _) = admin_of(&app, &w.province, 106, "省管理员").await;
    let cadre = app.add_person(&idn(107), "区团干部", Some(PW)).await;
    app.make_cadre(&w.county, &cadre, "组织委员").await;
    let mut cadre_api = app.api();
    cadre_api.login(&idn(107), PW).await;
    let member = app.add_person(&idn(108), "团员乙", Some(PW)).await;
    app.make_member(&w.branch, &member).await;
    let mut member_api = app.api();
    member_api.login(&idn(108), PW).await;
    let anonymous = app.api();

    let snapshot = || async {
        (
            app.store.org_info(w.county.id).await.unwrap(),
            app.store.org(w.county.id).await.unwrap().short_name,
            changes_of(&app, &w.county).await,
            app.store.org_info(w.branch.id).await.unwrap(),
        )
    };
    let before = snapshot().await;
    let body = json!({ "short_name": "被篡改", "phone": "020-00000000", "admin_staff_quota": 99 });
    let cases: [(&ApiClient, &Org, StatusCode, &str); 6] = [
        (&sibling, &w.county, StatusCode::NOT_FOUND, "not_found"),
        (
            &grand,
            &w.county,
            StatusCode::FORBIDDEN,
            "not_direct_superior",
        ),
        (
            &cadre_api,
            &w.county,
            StatusCode::FORBIDDEN,
            "admin_required",
        ),
        (
            &member_api,
            &w.branch,
            StatusCode::FORBIDDEN,
            "admin_required",
        ),
        (&member_api, &w.county, StatusCode::NOT_FOUND, "not_found"),
        (
            &anonymous,
            &w.county,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
    ];
    for (client, org, status, code) in cases {
        let (s, e) = put(client, org, body.clone()).await;
        assert_eq!(
            (s, e["error"]["code"].as_str().unwrap()),
            (status, code),
            "put {}: {e}",
            org.short_name
        );
        for what in ["approve", "return", "withdraw"] {
            let (s, e) = decide(client, org, change, what, json!({ "comment": "x" })).await;
            assert!(s.is_client_error(), "{what}: {e}");
            assert!(s != StatusCode::CONFLICT, "{what}: {e}");
        }
    }
    // Viewing: cadres see their own organisation's information, not its history.
    let (s, _) = cadre_api
        .get(&format!("/api/v1/orgs/{}/info", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = cadre_api
        .get(&format!("/api/v1/orgs/{}/history", w.county.id))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, _) = sibling
        .get(&format!("/api/v1/orgs/{}/history", w.county.id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = anonymous
        .get(&format!("/api/v1/orgs/{}/info", w.county.id))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = grand
        .get(&format!("/api/v1/orgs/{}/info", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["may"]["decide"], false);
    assert_eq!(v["may"]["edit_directly"], false);
    assert_eq!(snapshot().await, before, "nothing changed");
    let pending: String = sqlx::query_scalar("SELECT status FROM org_changes WHERE id = $1")
        .bind(change)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(pending, "pending");
}
