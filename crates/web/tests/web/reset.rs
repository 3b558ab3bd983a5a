//! Password reset codes on both databases: issued by the member's own admin or the direct
//! superior's, used once under 忘记密码 within 2 days; every session ends; wrong, expired,
//! revoked and used codes each say so, an unknown ID number like a wrong code; guessing is
//! throttled.

use crate::support::{Guangzhou, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::IdNumber;
use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_store::audit::Actor;

both_databases!(
    happy_path_and_single_use,
    expiry_revocation_and_wrong_person,
    throttling,
    who_may_issue,
    pages,
    regenerating_asks_first
);

const PASSWORD: &str = "Passw0rd!x";
const NEW_PASSWORD: &str = "Neuer2026pw";

fn adult(seq: u32) -> String {
    IdNumber::from_first17(&format!("44010619800101{seq:03}")).to_string()
}

fn member_id(seq: u32) -> String {
    IdNumber::from_first17(&format!("44010620080301{seq:03}")).to_string()
}

/// The 广州 tree, the school's admin (the branch's direct superior) logged in by API, and a
/// member of the branch: (tree, school admin client, member person id).
async fn setup(app: &TestApp) -> (Guangzhou, crate::support::ApiClient, i64) {
    let w = app.guangzhou().await;
    let admin = app.add_person(&adult(1), "校管理员", Some(PASSWORD)).await;
    app.make_admin(&w.school, &admin).await;
    let scope = app
        .store
        .admin_scope(admin.id, w.school.id)
        .await
        .unwrap()
        .unwrap();
    let added = app
        .store
        .add_member(
            &Actor::default(),
            &scope,
            w.branch.id,
            &MemberInput {
                profile: ProfileInput {
                    name: "张一".into(),
                    id_number: member_id(1),
                    ethnicity: "汉族".into(),
                    political_status: "共青团员".into(),
                    ..Default::default()
                },
                join_month: "2022-05".into(),
                dev_number: "202244000001".into(),
                ..Default::default()
            },
            tuanjian_store::entry_faults::beijing_today(),
        )
        .await
        .unwrap();
    let mut api = app.api();
    api.login(&adult(1), PASSWORD).await;
    (w, api, added.person_id)
}

async fn issue(api: &crate::support::ApiClient, person_id: i64) -> (StatusCode, Value) {
    api.post(
        &format!("/api/v1/members/{person_id}/reset-code"),
        Value::Null,
    )
    .await
}

async fn redeem(app: &TestApp, id: &str, code: &str, password: &str) -> (StatusCode, Value) {
    app.api()
        .post(
            "/api/v1/reset-password",
            json!({ "id_number": id, "code": code, "new_password": password }),
        )
        .await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

async fn happy_path_and_single_use(app: TestApp) {
    let (_, admin, person) = setup(&app).await;
    // The member is signed in somewhere (still on the initial password).
    let mut old = app.api();
    let initial = IdNumber::parse(&member_id(1))
        .unwrap()
        .initial_password()
        .to_string();
    old.login(&member_id(1), &initial).await;
    assert_eq!(old.get("/api/v1/me").await.0, StatusCode::OK);

    let (s, b) = issue(&admin, person).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let reset = b["code"].as_str().unwrap().to_string();
    assert_eq!(reset.len(), 11);
    assert_eq!(b["name"], "张一");
    assert!(
        !b["id_number"].as_str().unwrap().contains("20080301"),
        "masked"
    );
    let expires = b["expires_at"].as_i64().unwrap();
    assert!((expires - tuanjian_store::now() - 2 * 86_400).abs() < 60);
    // Only a digest is stored.
    let stored: String = sqlx::query_scalar("SELECT code_hash FROM reset_codes")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(!stored.contains(&reset.replace('-', "")));

    // Someone guessed the member's password until the account locked.
    for _ in 0..5 {
        let res = app
            .api()
            .http
            .post(app.url("/api/v1/login"))
            .json(&serde_json::json!({"id_number": member_id(1), "password": "Wrong2026x"}))
            .send()
            .await
            .unwrap();
        assert_ne!(res.status(), StatusCode::OK);
    }
    let res = app
        .api()
        .http
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({"id_number": member_id(1), "password": initial}))
        .send()
        .await
        .unwrap();
    let locked: serde_json::Value = res.json().await.unwrap();
    assert_eq!(locked["error"]["code"], "locked_out", "{locked}");

    // The new password keeps the rules; a refused one leaves the code unused.
    let (s, b) = redeem(&app, &member_id(1), &reset, "short1").await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(b["error"]["field"], "new_password");
    // Lower case and without the dash is the same code.
    let typed = reset.replace('-', "").to_lowercase();
    let (s, b) = redeem(&app, &member_id(1), &typed, NEW_PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Every session ended; the new password works, the lockout lifted by the reset.
    assert_eq!(old.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE person_id = $1")
        .bind(person)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let body = app.api().login(&member_id(1), NEW_PASSWORD).await;
    assert_eq!(body["must_change_password"], false);

    // Single use.
    let (s, b) = redeem(&app, &member_id(1), &reset, "Another2026x").await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "reset_code_used"),
        "{b}"
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("只能使用一次")
    );
    assert_eq!(app.audit_count("reset_code.issue").await, 1);
    assert_eq!(app.audit_count("reset_code.use").await, 1);
    assert_eq!(app.audit_count("account.password_reset").await, 1);
    assert_eq!(app.audit_count("account.password_change").await, 1);
}

async fn expiry_revocation_and_wrong_person(app: TestApp) {
    let (w, admin, person) = setup(&app).await;
    let other = app.add_person(&adult(7), "李七", Some(PASSWORD)).await;
    app.make_cadre(&w.branch, &other, "委员").await;

    // A newer code revokes the older one.
    let first = issue(&admin, person).await.1["code"]
        .as_str()
        .unwrap()
        .to_string();
    let second = issue(&admin, person).await.1["code"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, b) = redeem(&app, &member_id(1), &first, NEW_PASSWORD).await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "reset_code_revoked"),
        "{b}"
    );

    // Someone else's ID with this code, and an ID with no account: the same answer.
    let (s, wrong_person) = redeem(&app, &adult(7), &second, NEW_PASSWORD).await;
    assert_eq!(
        (s, code(&wrong_person)),
        (StatusCode::BAD_REQUEST, "reset_code_wrong")
    );
    let (s, unknown) = redeem(&app, &adult(99), &second, NEW_PASSWORD).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        unknown, wrong_person,
        "never tells whether an ID has an account"
    );
    let (s, b) = redeem(&app, &member_id(1), "ABCDE-FGHJK", NEW_PASSWORD).await;
    assert_eq!((s, code(&b)), (StatusCode::BAD_REQUEST, "reset_code_wrong"));
    let (s, b) = redeem(&app, "440106", &second, NEW_PASSWORD).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["error"]["field"], "id_number");

    // Two days and one second later the code has expired.
    sqlx::query(
        "UPDATE reset_codes SET created_at = created_at - 172801, expires_at = expires_at - 172801",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    let (s, b) = redeem(&app, &member_id(1), &second, NEW_PASSWORD).await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::CONFLICT, "reset_code_expired"),
        "{b}"
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("有效期2天")
    );
    // Nothing changed: the account keeps its initial password.
    assert!(app.store.person(person).await.unwrap().in_initial_state());

    // A cadre of the branch gets a code from the branch's direct superior too.
    let (s, b) = issue(&admin, other.id).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = redeem(&app, &adult(7), b["code"].as_str().unwrap(), NEW_PASSWORD).await;
    assert_eq!(s, StatusCode::OK);
}

async fn throttling(app: TestApp) {
    let (_, admin, person) = setup(&app).await;
    let reset = issue(&admin, person).await.1["code"]
        .as_str()
        .unwrap()
        .to_string();
    // Five wrong codes for one ID number lock it (the login policy: 5 in 15 minutes).
    for i in 0..4 {
        let (s, b) = redeem(&app, &member_id(1), "ABCDE-FGHJK", NEW_PASSWORD).await;
        assert_eq!(
            (s, code(&b)),
            (StatusCode::BAD_REQUEST, "reset_code_wrong"),
            "try {i}"
        );
    }
    let (s, b) = redeem(&app, &member_id(1), "ABCDE-FGHJK", NEW_PASSWORD).await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::TOO_MANY_REQUESTS, "locked_out"),
        "{b}"
    );
    // Locked: even the right code waits.
    let (s, _) = redeem(&app, &member_id(1), &reset, NEW_PASSWORD).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.audit_count("reset_code.lockout").await, 1);
    assert!(app.store.person(person).await.unwrap().in_initial_state());
    // The lock ends; the code still works.
    sqlx::query("UPDATE login_throttle SET locked_until = 0 WHERE key LIKE 'reset:acct:%'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let (s, b) = redeem(&app, &member_id(1), &reset, NEW_PASSWORD).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn who_may_issue(app: TestApp) {
    let (w, school, person) = setup(&app).await;
    let login = async |seq: u32, org: &tuanjian_store::orgs::Org| {
        let p = app.add_person(&adult(seq), "管理员", Some(PASSWORD)).await;
        app.make_admin(org, &p).await;
        let mut api = app.api();
        api.login(&adult(seq), PASSWORD).await;
        (p, api)
    };
    // The branch's own admin may.
    let (_, branch) = login(2, &w.branch).await;
    assert_eq!(issue(&branch, person).await.0, StatusCode::OK);
    // The county is two levels up: it sees the member but may not.
    let (county_admin, county) = login(3, &w.county).await;
    let (s, b) = issue(&county, person).await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::FORBIDDEN, "not_own_or_direct_superior")
    );
    // Outside the scope: not found.
    let (_, sibling) = login(4, &w.sibling).await;
    assert_eq!(issue(&sibling, person).await.0, StatusCode::NOT_FOUND);
    assert_eq!(issue(&school, 999_999).await.0, StatusCode::NOT_FOUND);
    // A member signed in as a member is no admin.
    let mut member = app.api();
    let initial = IdNumber::parse(&member_id(1))
        .unwrap()
        .initial_password()
        .to_string();
    member.login(&member_id(1), &initial).await;
    member
        .post(
            "/api/v1/password",
            json!({ "current": initial, "new_password": NEW_PASSWORD }),
        )
        .await;
    let mut member = app.api();
    member.login(&member_id(1), NEW_PASSWORD).await;
    let (s, b) = issue(&member, person).await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::FORBIDDEN, "admin_required"),
        "{b}"
    );

    // The county's admin is also a member of the branch: the school may not take over an
    // account that administers an organisation above it; the city (the county's direct
    // superior) may.
    sqlx::query(
        "INSERT INTO members (person_id, org_id, org_path, status, created_at) VALUES ($1, $2, $3, 'normal', 0)",
    )
    .bind(county_admin.id)
    .bind(w.branch.id)
    .bind(w.branch.path.as_str())
    .execute(app.store.pool())
    .await
    .unwrap();
    app.store.forget_cached();
    let (s, b) = issue(&school, county_admin.id).await;
    assert_eq!(
        (s, code(&b)),
        (StatusCode::FORBIDDEN, "target_is_admin"),
        "{b}"
    );
    let (_, city) = login(5, &w.city).await;
    assert_eq!(issue(&city, county_admin.id).await.0, StatusCode::OK);
    assert_eq!(app.audit_count("reset_code.issue").await, 2);
}

async fn pages(app: TestApp) {
    let (_, _, person) = setup(&app).await;
    let (c, _) = app.page_login(&adult(1), PASSWORD).await;
    // The member's record links to it.
    let record = c
        .get(app.url(&format!("/members/{person}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        record.contains(&format!("href=\"/members/{person}/reset-code\"")),
        "{record}"
    );
    let url = app.url(&format!("/members/{person}/reset-code"));
    let page = c.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("id=\"no-code\""), "{page}");
    let csrf = crate::support::csrf_of(&page);
    let res = c
        .post(&url)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let shown = res.text().await.unwrap();
    let marker = "id=\"reset-code\"><strong>";
    let at = shown.find(marker).expect("code shown") + marker.len();
    let reset = shown[at..at + 11].to_string();
    // Shown once: the page afterwards tells the state, never the code.
    let later = c.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(later.contains("id=\"latest-code\"") && later.contains("有效"));
    assert!(!later.contains(&reset));

    // 忘记密码, linked from the login page.
    let anon = app.browser();
    let login = anon
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("href=\"/reset-password\""));
    let form = anon
        .get(app.url("/reset-password"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::support::csrf_of(&form);
    let id = member_id(1);
    let post = |code: &str, confirm: &str| {
        anon.post(app.url("/reset-password")).form(&[
            ("csrf", csrf.as_str()),
            ("id_number", id.as_str()),
            ("code", code),
            ("new_password", NEW_PASSWORD),
            ("confirm", confirm),
        ])
    };
    let res = post(&reset, "Mismatch2026").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.text().await.unwrap();
    assert!(body.contains("id=\"reset-error\""), "{body}");
    assert!(!body.contains(&reset), "the code is never echoed");
    let res = post(&reset, NEW_PASSWORD).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("id=\"reset-done\""));
    // Without the form's token nothing happens.
    let res = app
        .browser()
        .post(app.url("/reset-password"))
        .form(&[("id_number", id.as_str()), ("code", reset.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, res) = app.page_login(&member_id(1), NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let (_, doc) = app.api().get("/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/members/{person_id}/reset-code"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/reset-password"]["post"].is_object());
}

/// The code shown large with a 复制 button; replacing a code still valid asks first, on a page
/// of its own, and only the confirmed POST replaces it (issue 13).
async fn regenerating_asks_first(app: TestApp) {
    let (_, _, person) = setup(&app).await;
    let (c, _) = app.page_login(&adult(1), PASSWORD).await;
    let url = app.url(&format!("/members/{person}/reset-code"));
    let page = c.get(&url).send().await.unwrap().text().await.unwrap();
    let csrf = crate::support::csrf_of(&page);
    // The first code needs no confirmation: nothing valid is replaced.
    let shown = c
        .post(&url)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("class=\"code-big\" id=\"reset-code\""),
        "{shown}"
    );
    assert!(shown.contains("id=\"copy-reset-code\" data-copy=\"reset-code\""));
    assert!(shown.contains("/static/copy.js"));
    let marker = "id=\"reset-code\"><strong>";
    let at = shown.find(marker).unwrap() + marker.len();
    let first = shown[at..at + 11].to_string();
    let issued = || async { app.audit_count("reset_code.issue").await };
    let before = issued().await;

    // 重新生成 while it is valid: a confirmation page, nothing replaced.
    let res = c
        .post(&url)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let confirm = res.text().await.unwrap();
    assert!(confirm.contains("id=\"confirm-regenerate\""), "{confirm}");
    assert!(confirm.contains("仍然有效") && confirm.contains("id=\"cancel-generate\""));
    assert!(!confirm.contains("id=\"reset-code\""), "no new code yet");
    assert_eq!(issued().await, before, "nothing issued without confirming");
    // The first code still works.
    let (status, body) = app
        .api()
        .post(
            "/api/v1/reset-password",
            json!({ "id_number": member_id(1), "code": first, "new_password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Now used, so nothing valid is replaced: generated at once. Then confirmed replacing.
    let shown = c
        .post(&url)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("id=\"reset-code\""), "{shown}");
    let at = shown.find(marker).unwrap() + marker.len();
    let second = shown[at..at + 11].to_string();
    let res = c
        .post(&url)
        .form(&[("csrf", csrf.as_str()), ("confirm", "1")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = res.find(marker).expect("confirmed: a new code") + marker.len();
    assert_ne!(res[at..at + 11].to_string(), second);
    let res = c.get(app.url("/static/copy.js")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}
