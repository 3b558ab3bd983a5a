//! Downloads: an attachment typed application/pdf, sandboxed, never sniffed; only for the
//! member and the admins whose scope holds the member's branch; everybody else 404.

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use super::*;
use crate::support::admin::api_as;
use crate::support::members::World;

both_databases!(who_may_download);

async fn get(app: &TestApp, api: &ApiClient, person_id: i64) -> reqwest::Response {
    let mut req = api.http.get(app.url(&at(person_id, "archive/file")));
    if let Some(t) = &api.token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

async fn who_may_download(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "下载团员", "2022-07", 2).await;
    let other_member = member(&app, &t.w.branch, 2, "同支部团员", "2022-07", 2).await;
    let bytes = pdf(2, 3 * 1024 * 1024);
    let (status, body) = upload(&t.branch, m.id, "入团志愿书.pdf", &bytes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hash = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    assert_eq!(body["file"]["sha256"], hash);
    let me = api_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    for api in [&t.branch, &t.school, &t.county, &t.province, &me] {
        let res = get(&app, api, m.id).await;
        assert_eq!(res.status(), StatusCode::OK);
        let h = res.headers();
        assert_eq!(h["content-type"], "application/pdf");
        let disposition = h["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("sandbox")
        );
        assert_eq!(h["content-length"], bytes.len().to_string().as_str());
        assert!(res.bytes().await.unwrap()[..] == bytes[..]);
    }
    // Outside the scope, another member, an id without an archive: not found alike.
    let peer = api_as(
        &app,
        other_member.id_number.as_str(),
        "member",
        t.w.branch.id,
    )
    .await;
    for api in [&t.sibling, &t.other, &peer] {
        let res = get(&app, api, m.id).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(code(&body), "not_found");
    }
    assert_eq!(
        get(&app, &t.branch, other_member.id).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &t.branch, 999_999).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &app.api(), m.id).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The member reads their own also on the page, with the cookie.
    let c =
        crate::support::admin::page_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let res = c
        .get(app.url(&format!("/members/{}/archive/file", m.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
}
