//! Operations: health, metrics and security headers.

use crate::support::{Db, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp};
use reqwest::StatusCode;
use tuanjian_web::Config;

both_databases!(
    metrics_count_routes_and_logins,
    pages_carry_security_headers,
);

async fn metrics_count_routes_and_logins(app: TestApp) {
    let mut api = app.api();
    api.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    api.get(&format!("/api/v1/orgs/{}", app.root.id)).await;
    api.get(&format!("/api/v1/orgs/{}", app.root.id)).await;
    let text = reqwest::get(app.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("tuanjian_http_requests_total{route=\"/api/v1/orgs/{id}\",method=\"GET\",status=\"200\"} 2"), "{text}");
    // The second request's session comes from memory.
    let hits = text
        .lines()
        .find_map(|l| l.strip_prefix("tuanjian_read_cache_lookups_total{result=\"hit\"} "))
        .map(|n| n.parse::<u64>().unwrap());
    assert!(text.contains("tuanjian_read_cache_live 1\n"), "{text}");
    assert!(hits.unwrap() >= 1, "{text}");
    assert!(text.contains("tuanjian_logins_total{result=\"success\"} 1"));
    assert!(text.contains("tuanjian_db_pool_connections{state=\"open\"}"));
    assert!(!text.contains(ROOT_ADMIN_ID), "no ID numbers in metrics");
    assert_eq!(
        reqwest::get(app.url("/healthz"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    assert_eq!(
        reqwest::get(app.url("/readyz")).await.unwrap().status(),
        StatusCode::OK
    );
}

async fn pages_carry_security_headers(app: TestApp) {
    let res = reqwest::get(app.url("/login")).await.unwrap();
    let h = res.headers();
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let html = res.text().await.unwrap();
    assert!(html.contains("name=\"viewport\""), "usable on phones");
    assert!(
        !html.contains("style=\""),
        "no inline styles: the CSP forbids them"
    );
}

#[tokio::test]
async fn metrics_are_refused_to_other_addresses() {
    let config = Config {
        metrics_allow: vec!["10.9.9.9".parse().unwrap()],
        ..Config::default()
    };
    let app = TestApp::spawn_with(Db::Sqlite, config).await;
    assert_eq!(
        reqwest::get(app.url("/metrics")).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
