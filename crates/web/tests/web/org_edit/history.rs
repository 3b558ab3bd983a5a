//! The history of an organisation's information: every change, request and decision.

use super::*;

both_databases!(history_lists_everything);

async fn history_lists_everything(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await; // applied
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-22222222" })).await;
    decide(
        &sup,
        &w.county,
        r["pending_change_id"].as_i64().unwrap(),
        "approve",
        json!({ "comment": "同意" }),
    )
    .await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-33333333" })).await;
    decide(
        &sup,
        &w.county,
        r["pending_change_id"].as_i64().unwrap(),
        "return",
        json!({ "comment": "号码不对" }),
    )
    .await;
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-44444444" })).await;
    decide(
        &own,
        &w.county,
        r["pending_change_id"].as_i64().unwrap(),
        "withdraw",
        json!({}),
    )
    .await;
    put(&sup, &w.county, json!({ "short_name": "团天河区委员会" })).await; // applied
    let (_, r) = put(&own, &w.county, json!({ "phone": "020-55555555" })).await; // pending
    let last = r["pending_change_id"].as_i64().unwrap();

    let (s, h) = own
        .get(&format!("/api/v1/orgs/{}/history", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["changes"]["total"], 6);
    let statuses: Vec<&str> = h["changes"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        vec![
            "pending",
            "applied",
            "withdrawn",
            "returned",
            "approved",
            "applied"
        ]
    );
    assert_eq!(h["changes"]["items"][0]["id"], last);
    assert_eq!(h["changes"]["items"][3]["comment"], "号码不对");
    assert_eq!(h["changes"]["items"][1]["rows"][0]["label"], "组织简称");
    assert_eq!(h["changes"]["items"][1]["requested_by_name"], "市管理员");
    let actions: Vec<&str> = h["audit"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for a in [
        "org.create",
        "admin.add",
        "org.info",
        "org_change.request",
        "org_change.approve",
        "org_change.return",
        "org_change.withdraw",
        "org_change.apply",
        "org.rename",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    // No full ID number anywhere in the history.
    assert!(!h.to_string().contains(&idn(201)), "{h}");
    // Paged.
    let (_, p2) = own
        .get(&format!(
            "/api/v1/orgs/{}/history?per_page=2&page=2&audit_page=3",
            w.county.id
        ))
        .await;
    assert_eq!(p2["changes"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(p2["changes"]["items"][0]["status"], "withdrawn");
    assert_eq!(p2["audit"]["page"], 3);
    let (s, e) = own
        .get(&format!("/api/v1/orgs/{}/history?page=x", w.county.id))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "query_invalid");

    // The page shows the same, to the superior too.
    let (c, _) = app.page_login(&idn(102), PW).await;
    let html = c
        .get(app.url(&format!("/orgs/{}/history", w.county.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for text in [
        "待上级审批",
        "审批通过",
        "已退回",
        "已撤回",
        "已直接生效",
        "号码不对",
        "创建组织",
        "020-33333333",
    ] {
        assert!(html.contains(text), "{text}");
    }
    assert!(!html.contains(&idn(201)));
}
