//! Error pages keep the signed-in header and menu (a refusal, text the input rule refuses, a bad
//! id, an unknown address), say a refusal is a permission matter, and leave the API's JSON as it
//! was; an anonymous visitor's error page has no header of a person.

use reqwest::StatusCode;

use super::menu::menu_links;
use crate::support::TestApp;
use crate::support::admin::{get_html, page_as, person};

both_databases!(
    error_pages_keep_the_signed_in_header,
    anonymous_and_api_errors_unchanged
);

async fn error_pages_keep_the_signed_in_header(app: TestApp) {
    let gz = app.guangzhou().await;
    let admin = person(&app, 1, "支部管理员").await;
    app.make_admin(&gz.branch, &admin).await;
    let b = gz.branch.id;
    let c = page_as(&app, admin.id_number.as_str(), "admin", b).await;
    let (_, home) = get_html(&app, &c, &format!("/orgs/{b}")).await;
    let menu = menu_links(&home);

    // A refusal: a branch's own admin cannot delete it.
    let (status, html) = get_html(&app, &c, &format!("/orgs/{b}/delete")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        html.contains("支部管理员") && html.contains("待办 (0)"),
        "{html}"
    );
    assert_eq!(menu_links(&html), menu);
    assert!(html.contains("<h1>无权操作</h1>"), "{html}");
    assert!(html.contains("这是权限问题，不是填写的内容有误"), "{html}");
    assert!(html.contains("直属上级组织管理员办理"), "who may: {html}");

    // Text the input rule refuses (a control character), before the handler runs.
    let (status, html) = get_html(&app, &c, &format!("/orgs/{b}/members?name=%01")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("data-code=\"invalid_text\""), "{html}");
    assert!(
        html.contains("支部管理员") && html.contains("id=\"menu-side\""),
        "{html}"
    );
    assert!(html.contains("请按上面的提示修改填写的内容"), "{html}");
    assert!(!html.contains("权限问题"), "{html}");

    // A malformed id and an unknown address.
    for path in [format!("/orgs/{b}x"), "/no-such-page".to_string()] {
        let (status, html) = get_html(&app, &c, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains("支部管理员") && html.contains("id=\"menu-side\""),
            "{path}: {html}"
        );
    }
}

async fn anonymous_and_api_errors_unchanged(app: TestApp) {
    let gz = app.guangzhou().await;
    let c = app.browser();
    let res = c.get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("页面不存在") && !html.contains("id=\"menu-side\""),
        "{html}"
    );
    // The API answers JSON, signed in or not.
    let admin = person(&app, 1, "支部管理员").await;
    app.make_admin(&gz.branch, &admin).await;
    let c = page_as(&app, admin.id_number.as_str(), "admin", gz.branch.id).await;
    let res = c.get(app.url("/api/v1/orgs/abc")).send().await.unwrap();
    assert!(res.status().is_client_error());
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["error"]["code"].is_string(), "{body}");
}
