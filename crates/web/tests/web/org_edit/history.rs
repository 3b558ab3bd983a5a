//! The history of an organisation's information: every change, request and decision.

use super::*;
use crate::support::admin::{get_html, page_as};

both_databases!(history_lists_everything, history_in_chinese_filtered);

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

fn actions_of(h: &serde_json::Value) -> Vec<String> {
    h["audit"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap().to_string())
        .collect()
}

/// Every action and value in Chinese; role switches kept apart from real changes (issue 13).
async fn history_in_chinese_filtered(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    // Taking the county's admin role on the pages: a role.switch entry on it.
    let c = page_as(&app, &idn(101), "admin", w.county.id).await;
    put(&own, &w.county, json!({ "phone": "020-22222222" })).await;
    let base = format!("/api/v1/orgs/{}/history", w.county.id);

    let (s, h) = own.get(&base).await;
    assert_eq!(s, StatusCode::OK, "{h}");
    assert_eq!(h["show"], "changes");
    let changes = actions_of(&h);
    assert!(changes.contains(&"org.create".to_string()), "{changes:?}");
    assert!(!changes.contains(&"role.switch".to_string()), "{changes:?}");
    for item in h["audit"]["items"].as_array().unwrap() {
        let label = item["action_label"].as_str().unwrap();
        assert!(!label.is_ascii(), "{label}");
    }

    let (_, h) = own.get(&format!("{base}?show=access")).await;
    assert_eq!(h["show"], "access");
    let access = actions_of(&h);
    assert!(access.iter().all(|a| a == "role.switch"), "{access:?}");
    assert!(!access.is_empty());
    assert_eq!(h["audit"]["items"][0]["action_label"], "切换身份");
    assert_eq!(h["audit"]["items"][0]["details"][0], "身份：管理员");

    let (_, h) = own.get(&format!("{base}?show=all")).await;
    assert_eq!(
        h["audit"]["total"].as_i64().unwrap(),
        (changes.len() + access.len()) as i64
    );
    let (s, e) = own.get(&format!("{base}?show=logins")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "invalid_choice");
    assert_eq!(e["error"]["field"], "show");

    // The page: real changes by default, the filter's links, no action code as text.
    let page = format!("/orgs/{}/history", w.county.id);
    let (_, html) = get_html(&app, &c, &page).await;
    assert!(
        html.contains("<strong>创建组织</strong>") && !html.contains("<strong>切换身份</strong>"),
        "{html}"
    );
    assert!(html.contains("id=\"show-access\"") && html.contains("登录与身份切换、导出"));
    let (_, html) = get_html(&app, &c, &format!("{page}?show=access")).await;
    assert!(
        html.contains("<strong>切换身份</strong>") && html.contains("身份：管理员"),
        "{html}"
    );
    assert!(!html.contains(">role.switch") && !html.contains("<strong>创建组织</strong>"));
}
