//! Login, lockout, forced password change, sessions, CSRF and role switching, over HTTP, on
//! SQLite and PostgreSQL.

use std::time::Duration;

use crate::support::{Db, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp, csrf_of, location};
use reqwest::StatusCode;
use serde_json::json;
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::throttle::Policy;
use tuanjian_web::Config;

const MEMBER_ID: &str = "440524188001010014";

both_databases!(
    page_login_lands_in_the_only_role,
    page_login_lands_in_the_remembered_role,
    wrong_password_and_unknown_account_read_the_same,
    initial_password_forces_a_change,
    password_rules_are_enforced,
    csrf_is_required_on_forms,
    logout_ends_the_session,
    servers_share_sessions_and_logouts,
    role_switching,
    api_error_shape,
    api_login_and_me,
);

async fn page_login_lands_in_the_only_role(app: TestApp) {
    let (c, res) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // One role, nothing to choose: straight into 管理中心 of 团中央.
    assert_eq!(location(&res), format!("/orgs/{}", app.root.id));
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("tj_session="));
    let cookie = cookie.expect("session cookie set");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let org = c
        .get(app.url(&location(&res)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        org.contains("id=\"menu-side\"") && org.contains("团中央 管理员"),
        "{org}"
    );
    // 我的身份 stays reachable for switching.
    let home = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(
        html.contains("我的身份") && html.contains("团中央"),
        "{html}"
    );
    assert_eq!(app.audit_count("login.success").await, 1);
}

/// A person with several roles starts where they last chose in the browser; a role taken away
/// since is not applied (back to 我的身份), and an API client's choice is not remembered.
async fn page_login_lands_in_the_remembered_role(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let school = app
        .add_org(
            &gd,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            "一中团委",
            "测试市第一中学团委",
        )
        .await;
    let branch = app
        .add_org(
            &school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "一班团支部",
            "测试市第一中学一班团支部",
        )
        .await;
    let p = app.add_person(MEMBER_ID, "王五", Some("Several2024")).await;
    app.make_member(&branch, &p).await;
    app.make_admin(&school, &p).await;
    // Two roles and nothing remembered: choose on 我的身份.
    let (c, res) = app.page_login(MEMBER_ID, "Several2024").await;
    assert_eq!(location(&res), "/");
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&home);
    c.post(app.url("/role"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "admin"),
            ("org_id", &school.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    // An API client switching to the member role does not change where the browser starts.
    let mut api = app.api();
    api.login(MEMBER_ID, "Several2024").await;
    let (status, _) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/role",
            json!({ "kind": "member", "org_id": branch.id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (c, res) = app.page_login(MEMBER_ID, "Several2024").await;
    assert_eq!(location(&res), format!("/orgs/{}", school.id));
    let page = c
        .get(app.url(&location(&res)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("一中团委 管理员"), "{page}");
    // The API's login starts in no role: it chooses its own.
    let mut api = app.api();
    api.login(MEMBER_ID, "Several2024").await;
    let (_, me) = api.get("/api/v1/me").await;
    assert!(me["active_role"].is_null(), "{me}");
    // The admin role is taken away: the next login does not apply it.
    let (_, gd_api) = crate::support::admin::admin_of(&app, &gd, 7, "省管理员").await;
    let (status, body) = gd_api
        .post(
            &format!("/api/v1/orgs/{}/admins/{}/revoke", school.id, p.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, res) = app.page_login(MEMBER_ID, "Several2024").await;
    // One role left (the membership): start in it.
    assert_eq!(location(&res), format!("/orgs/{}", branch.id));
}

async fn wrong_password_and_unknown_account_read_the_same(app: TestApp) {
    let (_, wrong) = app.page_login(ROOT_ADMIN_ID, "Nope12345").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = wrong.text().await.unwrap();
    let (_, unknown) = app.page_login(MEMBER_ID, "Nope12345").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = unknown.text().await.unwrap();
    let msg = "身份证号码或密码错误";
    assert!(wrong.contains(msg) && unknown.contains(msg));
    // A malformed ID number is told apart: that reveals nothing about accounts.
    let (_, bad) = app.page_login("12345", "Nope12345").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad.text().await.unwrap().contains("身份证号码应为18位"));
}

async fn initial_password_forces_a_change(app: TestApp) {
    let p = app.add_person(MEMBER_ID, "李四", None).await;
    let branch = app
        .add_org(
            &app.province("团广东省委").await,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "一班团支部",
            "测试学校一班团支部",
        )
        .await;
    app.make_member(&branch, &p).await;
    // Initial password: last 8 characters of the ID number.
    let (c, res) = app.page_login(MEMBER_ID, "01010014").await;
    assert_eq!(location(&res), "/password");
    // Everything else sends back to the password page until it is changed.
    let home = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&home), "/password");
    let org = c
        .get(app.url(&format!("/orgs/{}", branch.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&org), "/password");
    let page = c
        .get(app.url("/password"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("初始密码"));
    let csrf = csrf_of(&page);
    let res = c
        .post(app.url("/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", "01010014"),
            ("new_password", "Youth2024a"),
            ("confirm", "Youth2024a"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let home = c.get(app.url(&location(&res))).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("密码已修改"));
    // The initial password no longer works; the new one does.
    let (_, old) = app.page_login(MEMBER_ID, "01010014").await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let (_, new) = app.page_login(MEMBER_ID, "Youth2024a").await;
    // The only role (the membership) is taken at once.
    assert_eq!(location(&new), format!("/orgs/{}", branch.id));
    assert_eq!(app.audit_count("account.password_change").await, 1);
}

async fn password_rules_are_enforced(app: TestApp) {
    app.add_person(MEMBER_ID, "李四", None).await;
    let mut api = app.api();
    let body = api.login(MEMBER_ID, "01010014").await;
    assert_eq!(body["must_change_password"], true);
    // Until changed, the API refuses other calls.
    let (status, err) = api.get("/api/v1/orgs/1").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(err["error"]["code"], "password_change_required");
    for (new, code) in [
        ("short1", "password_weak"),
        ("onlyletters", "password_weak"),
        ("01010014", "password_weak"),
        ("188001010014", "password_weak"),
    ] {
        let (status, err) = api
            .post(
                "/api/v1/password",
                json!({"current": "01010014", "new_password": new}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{new}");
        assert_eq!(err["error"]["code"], code, "{new}");
        assert_eq!(err["error"]["field"], "new_password");
    }
    let (status, err) = api
        .post(
            "/api/v1/password",
            json!({"current": "wrong", "new_password": "Youth2024a"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["error"]["code"], "current_password_wrong");
    // Nothing was changed by the refusals.
    assert_eq!(app.audit_count("account.password_change").await, 0);
    let (status, _) = api
        .post(
            "/api/v1/password",
            json!({"current": "01010014", "new_password": "Youth2024a"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, me) = api.get("/api/v1/me").await;
    assert_eq!(me["must_change_password"], false);
}

async fn csrf_is_required_on_forms(app: TestApp) {
    let (c, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    for token in ["", "0000"] {
        let res = c
            .post(app.url("/role"))
            .form(&[
                ("csrf", token),
                ("kind", "admin"),
                ("org_id", &app.root.id.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.text().await.unwrap().contains("页面已过期"));
    }
    let logout = c
        .post(app.url("/logout"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);
    // Still signed in: the forged logout changed nothing.
    assert_eq!(
        c.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    // The login form needs its own token too.
    let anon = app.browser();
    let res = anon
        .post(app.url("/login"))
        .form(&[
            ("csrf", "x"),
            ("id_number", ROOT_ADMIN_ID),
            ("password", ROOT_ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn logout_ends_the_session(app: TestApp) {
    let (c, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = c
        .post(app.url("/logout"))
        .form(&[("csrf", csrf_of(&home))])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login?bye=1");
    let after = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&after), "/login?expired=1");
}

/// Two servers on one database: a session started on one is valid on the other, and a logout
/// on one ends it on the other too, though the other keeps sessions in memory.
async fn servers_share_sessions_and_logouts(app: TestApp) {
    let other = app.second_server().await;
    let (c, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    for _ in 0..3 {
        let res = c.get(other.url("/")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let home = c.get(app.url("/")).send().await.unwrap().text().await;
    let res = c
        .post(app.url("/logout"))
        .form(&[("csrf", csrf_of(&home.unwrap()))])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/login?bye=1");
    // PostgreSQL tells the other server within milliseconds; SQLite's next lookup sees it.
    let mut ended = false;
    for _ in 0..500 {
        let res = c.get(other.url("/")).send().await.unwrap();
        if res.status() != StatusCode::OK {
            assert_eq!(location(&res), "/login?expired=1");
            ended = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        ended,
        "the other server still accepts the ended session after 5 s"
    );
}

async fn role_switching(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let school = app
        .add_org(
            &gd,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            "一中团委",
            "共青团测试市第一中学委员会",
        )
        .await;
    let branch = app
        .add_org(
            &school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一1班团支部",
            "测试市第一中学高一1班团支部",
        )
        .await;
    let p = app.add_person(MEMBER_ID, "王五", Some("Several2024")).await;
    app.make_member(&branch, &p).await;
    app.make_cadre(&branch, &p, "书记").await;
    app.make_admin(&school, &p).await;
    let (c, _) = app.page_login(MEMBER_ID, "Several2024").await;
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("管理员") && home.contains("团干部") && home.contains("团员"),
        "{home}"
    );
    // No role chosen yet with three roles: organisation pages ask for one.
    let org = c
        .get(app.url(&format!("/orgs/{}", school.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(org.status(), StatusCode::FORBIDDEN);
    let csrf = csrf_of(&home);
    let res = c
        .post(app.url("/role"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "admin"),
            ("org_id", &school.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), format!("/orgs/{}", school.id));
    let page = c
        .get(app.url(&format!("/orgs/{}", school.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("高一1班团支部") && page.contains("一中团委 管理员"),
        "{page}"
    );
    // As a member the same person sees the branch only, not the school.
    c.post(app.url("/role"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "member"),
            ("org_id", &branch.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    let school_page = c
        .get(app.url(&format!("/orgs/{}", school.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(school_page.status(), StatusCode::NOT_FOUND);
    let branch_page = c
        .get(app.url(&format!("/orgs/{}", branch.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(branch_page.status(), StatusCode::OK);
    // A role not held is refused.
    let res = c
        .post(app.url("/role"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "admin"),
            ("org_id", &gd.id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("role.switch").await, 2);
}

async fn api_error_shape(app: TestApp) {
    let api = app.api();
    let (status, body) = api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert!(body["error"]["message"].as_str().unwrap().contains("登录"));
    let (status, body) = api.get("/api/v1/no-such-thing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let raw = reqwest::Client::new()
        .post(app.url("/api/v1/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"]["code"], "json_invalid");
    let raw = reqwest::Client::new()
        .post(app.url("/api/v1/login"))
        .body("id=1")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body) = api
        .post(
            "/api/v1/login",
            json!({"id_number": "1234567890123456789012", "password": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "id_number_invalid");
    assert_eq!(body["error"]["field"], "id_number");
    let wrong_method = reqwest::Client::new()
        .delete(app.url("/api/v1/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: serde_json::Value = wrong_method.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let page = reqwest::Client::new()
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("地址不存在"));
    let (status, doc) = api.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/login"].is_object());
    assert!(doc["paths"]["/api/v1/orgs/{id}/children"].is_object());
}

async fn api_login_and_me(app: TestApp) {
    let mut api = app.api();
    let login = api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    assert_eq!(login["roles"][0]["kind"], "admin");
    let (status, me) = api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id_number"], "110105********002X");
    assert_eq!(me["active_role"]["org_id"], app.root.id);
    let (status, _) = api.post("/api/v1/logout", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

fn short_lockout() -> Config {
    Config {
        account_lockout: Policy {
            max_failures: 3,
            window: 60,
            lock_for: 2,
        },
        address_lockout: Policy {
            max_failures: 5,
            window: 60,
            lock_for: 2,
        },
        ..Config::default()
    }
}

async fn lockout_then_expiry(db: Db) {
    let app = TestApp::spawn_with(db, short_lockout()).await;
    let mut api = app.api();
    for _ in 0..2 {
        let (s, b) = api
            .post(
                "/api/v1/login",
                json!({"id_number": ROOT_ADMIN_ID, "password": "Wrong1234"}),
            )
            .await;
        assert_eq!(
            (s, b["error"]["code"].as_str().unwrap()),
            (StatusCode::UNAUTHORIZED, "login_failed")
        );
    }
    let (s, b) = api
        .post(
            "/api/v1/login",
            json!({"id_number": ROOT_ADMIN_ID, "password": "Wrong1234"}),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(b["error"]["code"], "locked_out");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("分钟后再试")
    );
    // Locked: even the right password is refused, and the lockout is in the audit log.
    let (s, _) = api
        .post(
            "/api/v1/login",
            json!({"id_number": ROOT_ADMIN_ID, "password": ROOT_ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.audit_count("login.lockout").await, 1);
    // Temporary only.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
}

async fn address_lockout(db: Db) {
    let app = TestApp::spawn_with(db, short_lockout()).await;
    let api = app.api();
    // Five different unknown accounts from one address: the address is locked.
    let ids = [
        "110101199001011234",
        "110101199001021230",
        "110101199001031237",
        "110101199001041233",
        "110101199001051238",
    ];
    let mut last = StatusCode::OK;
    for id in ids {
        let valid = tuanjian_domain::IdNumber::from_first17(&id[..17]);
        let (s, _) = api
            .post(
                "/api/v1/login",
                json!({"id_number": valid.as_str(), "password": "Wrong1234"}),
            )
            .await;
        last = s;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let (s, b) = api
        .post(
            "/api/v1/login",
            json!({"id_number": ROOT_ADMIN_ID, "password": ROOT_ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(b["error"]["code"], "locked_out");
}

async fn session_expires_when_idle(db: Db) {
    let app = TestApp::spawn_with(
        db,
        Config {
            idle_timeout: 1,
            ..Config::default()
        },
    )
    .await;
    let (c, _) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    assert_eq!(
        c.get(app.url("/")).send().await.unwrap().status(),
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(2600)).await;
    let res = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&res), "/login?expired=1");
}

both_database_kinds!(
    lockout_then_expiry,
    address_lockout,
    session_expires_when_idle
);
