//! Nobody else's record is reachable: the paths hold no id, so each person reads and changes
//! only their own — a second member, the branch's admin and the province's admin each see
//! themselves; ids appended to the paths are unknown addresses; signing in is required.

use reqwest::StatusCode;
use serde_json::json;

use super::{details_row, member, setup};
use crate::support::TestApp;
use crate::support::admin::{PW, admin_of, get_html};

both_databases!(only_ones_own);

async fn only_ones_own(app: TestApp) {
    let (w, a, api_a) = setup(&app).await;
    let (b, api_b) = member(&app, &w.branch, 2, "李小青").await;
    let (s, body) = api_b
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/details",
            json!({ "phone": "13700000002" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(details_row(&app, a.id).await.0, None, "A is untouched");
    assert_eq!(
        details_row(&app, b.id).await.0.as_deref(),
        Some("13700000002")
    );
    let (_, rec_a) = api_a.get("/api/v1/me/record").await;
    assert_eq!(rec_a["person"]["person_id"], a.id);
    assert!(!rec_a.to_string().contains("李小青"));

    // The branch's admin, acting as admin, still reads only their own record here.
    let (admin, admin_api) = admin_of(&app, &w.branch, 50, "支部管理员").await;
    let (s, rec) = admin_api.get("/api/v1/me/record").await;
    assert_eq!(s, StatusCode::OK, "{rec}");
    assert_eq!(rec["person"]["person_id"], admin.id);
    assert!(rec["membership"].is_null());
    let (_, reqs) = admin_api.get("/api/v1/me/requests").await;
    assert_eq!(reqs["corrections"].as_array().unwrap().len(), 0);

    // No path takes an id.
    for path in [
        format!("/api/v1/me/record/{}", b.id),
        format!("/api/v1/me/{}", b.id),
    ] {
        let (s, _) = api_a.get(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (c, _) = app.page_login(a.id_number.as_str(), PW).await;
    let (s, _) = get_html(&app, &c, &format!("/me/{}", b.id)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, html) = get_html(&app, &c, "/me").await;
    assert!(!html.contains("李小青"));

    // Signing in is required.
    let (s, _) = app.api().get("/api/v1/me/record").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let res = app.browser().get(app.url("/me")).send().await.unwrap();
    assert!(res.status().is_redirection());
}
