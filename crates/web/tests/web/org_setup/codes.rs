//! Registration codes (regenerate, revoke, expiry, each refusal's own message, throttling) and
//! 管理员注册 (new account, existing account), on SQLite and PostgreSQL.

use crate::support::setup::*;
use crate::support::{TestApp, csrf_of, location};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_store::now;

both_databases!(
    regenerate_and_revoke,
    code_pages,
    each_refusal_has_its_own_message,
    day_twenty_valid_day_twenty_one_expired,
    guessing_is_throttled,
    anonymous_registration,
    anonymous_registration_refusals,
    existing_account_registers_signed_in,
);

/// The city admin creates a school committee under the county; returns (org id, code).
async fn new_child(app: &TestApp, w: &World, n: u32) -> (i64, String) {
    let api = api_as(app, &w.county_admin).await;
    let (s, body) = api
        .post(
            &format!("/api/v1/orgs/{}/children", w.county.id),
            json!({"short_name": format!("{n}中团委"), "full_name": format!("共青团天河区第{n}中学委员会"), "kind": "03TW"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    (
        body["org"]["id"].as_i64().unwrap(),
        body["code"]["code"].as_str().unwrap().to_string(),
    )
}

async fn admin_register(api: &crate::support::ApiClient, code: &str) -> (StatusCode, Value) {
    api.post("/api/v1/admin-register", json!({ "code": code }))
        .await
}

async fn regenerate_and_revoke(app: TestApp) {
    let w = World::new(&app).await;
    let (org, first) = new_child(&app, &w, 1).await;
    let county = api_as(&app, &w.county_admin).await;
    let (s, body) = county.get(&format!("/api/v1/orgs/{org}/code")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["code"]["code"], first.as_str());
    assert_eq!(body["code"]["state"], "active");
    assert_eq!(body["org"]["id"], org);

    let (s, body) = county
        .post(&format!("/api/v1/orgs/{org}/code/regenerate"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let second = body["code"]["code"].as_str().unwrap().to_string();
    assert_ne!(second, first);
    assert_eq!(body["code"]["state"], "active");
    // The old code now reads as revoked.
    let someone = app.add_person(&idn(70), "某人", Some(PASSWORD)).await;
    let api = api_as(&app, &someone).await;
    let (s, body) = admin_register(&api, &first).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "code_revoked");

    let (s, body) = county
        .post(&format!("/api/v1/orgs/{org}/code/revoke"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["code"]["state"], "revoked");
    assert_eq!(body["code"]["code"], second.as_str());
    let (s, body) = county
        .post(&format!("/api/v1/orgs/{org}/code/revoke"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "no_active_code");
    let (s, body) = admin_register(&api, &second).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "code_revoked");
    assert_eq!(app.audit_count("reg_code.revoke").await, 1);
    assert_eq!(app.audit_count("reg_code.issue").await, 2);
    // The audit log never holds a code.
    let leaked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE $1 OR after_json LIKE $2",
    )
    .bind(format!("%{}%", first.replace('-', "")))
    .bind(format!("%{}%", &first[..4]))
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(leaked, 0);
    // An organisation created without a code gets one on request.
    let (s, body) = county
        .get(&format!("/api/v1/orgs/{}/code", w.county.id))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not its own: {body}");
    let city = api_as(&app, &w.city_admin).await;
    let (s, body) = city
        .get(&format!("/api/v1/orgs/{}/code", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["code"], Value::Null);
    let (s, body) = city
        .post(
            &format!("/api/v1/orgs/{}/code/regenerate", w.county.id),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["code"]["state"], "active");
    // Every call is in the OpenAPI document.
    let (_, doc) = app.api().get("/api/v1/openapi.json").await;
    let paths = &doc["paths"];
    for (path, method) in [
        ("/api/v1/orgs/{id}/children", "post"),
        ("/api/v1/orgs/{id}/children", "get"),
        ("/api/v1/orgs/{id}/children/import", "post"),
        ("/api/v1/orgs/{id}/code", "get"),
        ("/api/v1/orgs/{id}/code/regenerate", "post"),
        ("/api/v1/orgs/{id}/code/revoke", "post"),
        ("/api/v1/register/admin", "post"),
        ("/api/v1/admin-register", "post"),
        ("/api/v1/orgs/{id}/school-code", "put"),
        ("/api/v1/orgs/{id}/completion", "get"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
}

async fn code_pages(app: TestApp) {
    let w = World::new(&app).await;
    let (org, first) = new_child(&app, &w, 1).await;
    let (c, _) = app
        .page_login(w.county_admin.id_number.as_str(), PASSWORD)
        .await;
    let (s, html) = get_html(&app, &c, &format!("/orgs/{org}/code")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&first) && html.contains("有效"), "{html}");
    let csrf = csrf_of(&html);
    let res = c
        .post(app.url(&format!("/orgs/{org}/code/regenerate")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).ends_with("?regenerated=1"));
    let (_, html) = get_html(&app, &c, &location(&res)).await;
    assert!(!html.contains(&first) && html.contains("原注册码已失效"));
    let res = c
        .post(app.url(&format!("/orgs/{org}/code/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &c, &location(&res)).await;
    assert!(html.contains("data-state=\"revoked\"") && !html.contains("id=\"code-revoke\""));
    let res = c
        .post(app.url(&format!("/orgs/{org}/code/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("没有可作废的注册码"));
    // Without the token nothing changes.
    let before = code_count(&app).await;
    let res = c
        .post(app.url(&format!("/orgs/{org}/code/regenerate")))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(code_count(&app).await, before);
}

async fn each_refusal_has_its_own_message(app: TestApp) {
    let w = World::new(&app).await;
    let (expired_org, expired) = new_child(&app, &w, 1).await;
    let (_, revoked) = new_child(&app, &w, 2).await;
    let (_, used) = new_child(&app, &w, 3).await;
    sqlx::query("UPDATE reg_codes SET created_at = $1, expires_at = $2 WHERE org_id = $3")
        .bind(now() - 30 * 86_400)
        .bind(now() - 10 * 86_400)
        .bind(expired_org)
        .execute(app.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE reg_codes SET revoked_at = $1 WHERE code = $2")
        .bind(now())
        .bind(revoked.replace('-', ""))
        .execute(app.store.pool())
        .await
        .unwrap();
    let p = app.add_person(&idn(71), "甲", Some(PASSWORD)).await;
    let api = api_as(&app, &p).await;
    // Lower case without dashes is the same code.
    let (s, body) = admin_register(&api, &used.replace('-', "").to_lowercase()).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let cases = [
        ("ABCD-EFGH-JKMN", "code_unknown", "没有这个注册码"),
        ("abc", "code_unknown", "没有这个注册码"),
        (expired.as_str(), "code_expired", "重新生成"),
        (revoked.as_str(), "code_revoked", "作废"),
        (used.as_str(), "code_used", "已被使用"),
    ];
    let mut messages = std::collections::HashSet::new();
    for (code, want, phrase) in cases {
        let (s, body) = admin_register(&api, code).await;
        assert!(s.is_client_error(), "{code}: {body}");
        assert_eq!(body["error"]["code"], want, "{code}: {body}");
        assert_eq!(body["error"]["field"], "code");
        let m = body["error"]["message"].as_str().unwrap().to_string();
        assert!(m.contains(phrase), "{m}");
        messages.insert((want, m));
    }
    assert_eq!(messages.len(), 4, "one message per kind of refusal");
    let (s, body) = admin_register(&api, "").await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("required_missing"))
    );
    // The failures were counted, the empty entry was not.
    let failures: i64 =
        sqlx::query_scalar("SELECT failures FROM login_throttle WHERE key = 'code:127.0.0.1'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(failures, 5);
}

async fn day_twenty_valid_day_twenty_one_expired(app: TestApp) {
    let w = World::new(&app).await;
    let (day20_org, day20) = new_child(&app, &w, 1).await;
    let (day21_org, day21) = new_child(&app, &w, 2).await;
    // Issued 19 days and 23 hours ago: the 20th day, still valid. 20 days and 1 hour: the 21st.
    for (org, age) in [
        (day20_org, 20 * 86_400 - 3_600),
        (day21_org, 20 * 86_400 + 3_600),
    ] {
        sqlx::query("UPDATE reg_codes SET created_at = $1, expires_at = $2 WHERE org_id = $3")
            .bind(now() - age)
            .bind(now() - age + 20 * 86_400)
            .bind(org)
            .execute(app.store.pool())
            .await
            .unwrap();
    }
    let county = api_as(&app, &w.county_admin).await;
    let (_, body) = county.get(&format!("/api/v1/orgs/{day20_org}/code")).await;
    assert_eq!(body["code"]["state"], "active");
    let (_, body) = county.get(&format!("/api/v1/orgs/{day21_org}/code")).await;
    assert_eq!(body["code"]["state"], "expired");
    let p = app.add_person(&idn(72), "乙", Some(PASSWORD)).await;
    let api = api_as(&app, &p).await;
    let (s, body) = admin_register(&api, &day21).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "code_expired");
    let (s, body) = admin_register(&api, &day20).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["org_id"], day20_org);
}

async fn guessing_is_throttled(app: TestApp) {
    let w = World::new(&app).await;
    let (org, good) = new_child(&app, &w, 1).await;
    let p = app.add_person(&idn(73), "丙", Some(PASSWORD)).await;
    let api = api_as(&app, &p).await;
    for i in 0..9 {
        let (s, body) =
            admin_register(&api, &format!("ABCD-EFGH-JK{}", ["MN", "MP", "MQ"][i % 3])).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{i}: {body}");
        assert_eq!(body["error"]["code"], "code_unknown");
    }
    // The tenth failure locks the address; then even the right code is not looked at.
    let (s, body) = admin_register(&api, "ZZZZ-ZZZZ-ZZZZ").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "locked_out");
    let (s, body) = admin_register(&api, &good).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("分钟后再试")
    );
    // The anonymous form is locked for the same address.
    let (s, body) = app
        .api()
        .post(
            "/api/v1/register/admin",
            json!({"code": good, "id_number": idn(74), "name": "丁", "mobile": "13800138000", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("locked_out"))
    );
    assert_eq!(app.audit_count("reg_code.lockout").await, 1);
    assert!(app.store.admin_scope(p.id, org).await.unwrap().is_none());
    // When the lock has run out the right code works.
    sqlx::query("UPDATE login_throttle SET locked_until = $1 WHERE key = 'code:127.0.0.1'")
        .bind(now() - 1)
        .execute(app.store.pool())
        .await
        .unwrap();
    let (s, body) = admin_register(&api, &good).await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

async fn register_page(app: &TestApp) -> (reqwest::Client, String) {
    let c = app.browser();
    let (s, html) = get_html(app, &c, "/register/admin").await;
    assert_eq!(s, StatusCode::OK);
    (c, csrf_of(&html))
}

fn reg_form<'a>(
    csrf: &'a str,
    code: &'a str,
    id: &'a str,
    name: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("code", code),
        ("id_number", id),
        ("name", name),
        ("mobile", "138 0013 8000"),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ]
}

async fn anonymous_registration(app: TestApp) {
    let w = World::new(&app).await;
    let (org, code) = new_child(&app, &w, 1).await;
    let (c, csrf) = register_page(&app).await;
    let new_id = idn(80);
    let res = c
        .post(app.url("/register/admin"))
        .form(&reg_form(&csrf, &code, &new_id, "新管理员"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/orgs/{org}/info"));
    // Signed in, acting as the new organisation's admin.
    let (s, html) = get_html(&app, &c, &format!("/orgs/{org}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("1中团委 管理员"), "{html}");
    let person = app
        .store
        .person_by_id_number(&tuanjian_domain::IdNumber::parse(&new_id).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(person.name, "新管理员");
    assert_eq!(person.phone.as_deref(), Some("13800138000"));
    assert!(!person.in_initial_state());
    assert!(
        app.store
            .admin_scope(person.id, org)
            .await
            .unwrap()
            .is_some()
    );
    let rec = app.store.current_code(org).await.unwrap().unwrap();
    assert_eq!(rec.used_by, Some(person.id));
    // The password chosen works for logging in.
    let mut api = app.api();
    api.login(&new_id, PASSWORD).await;

    // The same code a second time is refused.
    let (c2, csrf2) = register_page(&app).await;
    let res = c2
        .post(app.url("/register/admin"))
        .form(&reg_form(&csrf2, &code, &idn(81), "另一人"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("已被使用") && html.contains("value=\"另一人\""),
        "{html}"
    );
    assert!(!html.contains(PASSWORD), "passwords are not echoed");

    // The API: a token acting as the new admin.
    let (org2, code2) = new_child(&app, &w, 2).await;
    let (s, body) = app
        .api()
        .post(
            "/api/v1/register/admin",
            json!({"code": code2, "id_number": idn(82), "name": "接口注册", "mobile": "13900139000", "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["org_id"], org2);
    let mut me = app.api();
    me.token = Some(body["token"].as_str().unwrap().to_string());
    let (s, body) = me.get("/api/v1/me").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        body["active_role"],
        json!({"kind": "admin", "org_id": org2})
    );
    let (s, _) = me.get(&format!("/api/v1/orgs/{org2}/completion")).await;
    assert_eq!(s, StatusCode::OK);
}

async fn anonymous_registration_refusals(app: TestApp) {
    let w = World::new(&app).await;
    let (org, code) = new_child(&app, &w, 1).await;
    let people = count(&app, "SELECT COUNT(*) FROM people").await;
    let admins = count(&app, "SELECT COUNT(*) FROM org_admins").await;
    let api = app.api();
    let base = json!({"code": code, "id_number": idn(90), "name": "某人", "mobile": "13800138000", "password": PASSWORD});
    let with = |k: &str, v: &str| {
        let mut b = base.clone();
        b[k] = json!(v);
        b
    };
    let cases = [
        (with("id_number", "110105194912310021"), "id_number"),
        (with("name", " "), "name"),
        (with("mobile", "2380013800"), "mobile"),
        (with("password", "short1"), "password"),
        (with("password", "onlyletters"), "password"),
    ];
    for (req, field) in cases {
        let (s, body) = api.post("/api/v1/register/admin", req.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{req}: {body}");
        assert_eq!(body["error"]["field"], field, "{req}: {body}");
    }
    // An ID number that already has an account: log in and use 管理员注册 there.
    let (s, body) = api
        .post(
            "/api/v1/register/admin",
            with("id_number", w.sibling_admin.id_number.as_str()),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "account_exists");
    let m = body["error"]["message"].as_str().unwrap();
    assert!(m.contains("登录") && m.contains("管理员注册"), "{m}");
    // The page: mismatched confirmation, and no CSRF cookie.
    let (c, csrf) = register_page(&app).await;
    let mut form = reg_form(&csrf, &code, "", "某人");
    let id90 = idn(90);
    form[2].1 = &id90;
    form[6].1 = "Different2024";
    let res = c
        .post(app.url("/register/admin"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("两次输入的新密码不一致") && html.contains("data-field=\"confirm\""),
        "{html}"
    );
    let res = app
        .browser()
        .post(app.url("/register/admin"))
        .form(&reg_form(&csrf, &code, &id90, "某人"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Nothing was written, and the code is still there to use.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, people);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM org_admins").await, admins);
    let rec = app.store.current_code(org).await.unwrap().unwrap();
    assert_eq!(rec.used_at, None);
    let (s, _) = api.post("/api/v1/register/admin", base).await;
    assert_eq!(s, StatusCode::OK);
}

async fn existing_account_registers_signed_in(app: TestApp) {
    let w = World::new(&app).await;
    let (org, code) = new_child(&app, &w, 1).await;
    // A former admin (the sibling county's) keeps the account and uses the code while signed in.
    let (c, _) = app
        .page_login(w.sibling_admin.id_number.as_str(), PASSWORD)
        .await;
    let (s, html) = get_html(&app, &c, &format!("/admin-register?code={code}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("value=\"{code}\"")));
    let csrf = csrf_of(&html);
    let res = c
        .post(app.url("/admin-register"))
        .form(&[("csrf", csrf.as_str()), ("code", "ABCD-EFGH-JKMN")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("没有这个注册码"));
    let res = c
        .post(app.url("/admin-register"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/orgs/{org}/info"));
    assert!(
        app.store
            .admin_scope(w.sibling_admin.id, org)
            .await
            .unwrap()
            .is_some()
    );
    let role: Option<i64> = sqlx::query_scalar(
        "SELECT role_org_id FROM sessions WHERE person_id = $1 AND kind = 'web'",
    )
    .bind(w.sibling_admin.id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(role, Some(org), "the session now acts as the new admin");
    // The same code again: used.
    let res = c
        .post(app.url("/admin-register"))
        .form(&[("csrf", csrf.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("已被使用"));
    // Already admin there: refused, and the new code stays unused.
    let city = api_as(&app, &w.county_admin).await;
    let (_, body) = city
        .post(&format!("/api/v1/orgs/{org}/code/regenerate"), json!({}))
        .await;
    let again = body["code"]["code"].as_str().unwrap().to_string();
    let api = api_as(&app, &w.sibling_admin).await;
    let (s, body) = admin_register(&api, &again).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_admin");
    assert_eq!(
        app.store.current_code(org).await.unwrap().unwrap().used_at,
        None
    );
    // Without CSRF nothing happens.
    let res = c
        .post(app.url("/admin-register"))
        .form(&[("code", again.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
