//! Changing the password with a wrong current password is throttled like login (issue 10,
//! item 6): per account, the account lockout's policy, 429 with a Chinese message, over the
//! API and the page, on SQLite and PostgreSQL.

use std::time::Duration;

use crate::support::{Db, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp, csrf_of, location};
use reqwest::StatusCode;
use serde_json::json;
use tuanjian_store::throttle::Policy;
use tuanjian_web::Config;

const NEW_PASSWORD: &str = "Renewed2025";

fn short_lockout() -> Config {
    Config {
        account_lockout: Policy {
            max_failures: 3,
            window: 60,
            lock_for: 2,
        },
        ..Config::default()
    }
}

async fn api_wrong_current_password_locks(db: Db) {
    let app = TestApp::spawn_with(db, short_lockout()).await;
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let wrong = json!({"current": "Wrong1234", "new_password": NEW_PASSWORD});
    for _ in 0..2 {
        let (s, b) = api.post("/api/v1/password", wrong.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(b["error"]["code"], "current_password_wrong");
    }
    let (s, b) = api.post("/api/v1/password", wrong.clone()).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    assert_eq!(b["error"]["code"], "locked_out");
    let message = b["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("当前密码输入错误次数过多") && message.contains("分钟后再试"),
        "{message}"
    );
    assert_eq!(app.audit_count("password.lockout").await, 1);

    // Locked: the right current password is refused too, and so is a login with it (one
    // budget of guesses per account, whichever door they come through).
    let right = json!({"current": ROOT_ADMIN_PASSWORD, "new_password": NEW_PASSWORD});
    let (s, _) = api.post("/api/v1/password", right.clone()).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let (s, b) = app
        .api()
        .post(
            "/api/v1/login",
            json!({"id_number": ROOT_ADMIN_ID, "password": ROOT_ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("locked_out"))
    );
    assert_eq!(app.audit_count("account.password_change").await, 0);

    // Temporary only: after the window the right password changes it.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let (s, b) = api.post("/api/v1/password", right).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(app.audit_count("account.password_change").await, 1);
    app.api().login(ROOT_ADMIN_ID, NEW_PASSWORD).await;
    // A success clears the count: two more wrong tries do not lock.
    for _ in 0..2 {
        let (s, _) = api.post("/api/v1/password", wrong.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }
}

async fn page_wrong_current_password_locks(db: Db) {
    let app = TestApp::spawn_with(db, short_lockout()).await;
    let (c, res) = app.page_login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let submit = |current: &'static str| {
        let c = c.clone();
        let app_url = app.url("/password");
        async move {
            let page = c.get(&app_url).send().await.unwrap().text().await.unwrap();
            let csrf = csrf_of(&page);
            c.post(&app_url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("current", current),
                    ("new_password", NEW_PASSWORD),
                    ("confirm", NEW_PASSWORD),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..2 {
        let res = submit("Wrong1234").await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.text().await.unwrap().contains("当前密码不正确"));
    }
    let res = submit("Wrong1234").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("当前密码输入错误次数过多")
    );
    let res = submit(ROOT_ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);

    tokio::time::sleep(Duration::from_millis(3100)).await;
    let res = submit(ROOT_ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/?password_changed=1");
    app.api().login(ROOT_ADMIN_ID, NEW_PASSWORD).await;
}

both_database_kinds!(
    api_wrong_current_password_locks,
    page_wrong_current_password_locks
);
