//! 我的团籍: a member reads their own record and the 电子团员证 (API and page); the header of
//! every page links to 个人中心 and 修改密码; a member who left still reads the record, the
//! card marked as no proof of membership.

use reqwest::StatusCode;

use super::{dev_number, setup, youth};
use crate::support::TestApp;
use crate::support::admin::{PW, get_html};

both_databases!(member_sees_record_and_card, member_who_left_sees_state);

async fn member_sees_record_and_card(app: TestApp) {
    let (w, p, api) = setup(&app).await;
    let (s, body) = api.get("/api/v1/me/record").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let masked = p.id_number.masked();
    let card = &body["card"];
    assert_eq!(card["name"], "张小团");
    assert_eq!(card["id_number"], masked.as_str());
    assert_eq!(card["branch_full_name"], w.branch.full_name.as_str());
    assert_eq!(card["join_month"], "2022-05");
    assert_eq!(card["dev_number"], dev_number(1).as_str());
    assert_eq!(card["status"], "normal");
    assert_eq!(card["status_label"], "正常");
    assert_eq!(card["valid"], true);
    assert_eq!(body["membership"]["org_id"], w.branch.id);
    assert_eq!(body["person"]["id_number"], masked.as_str());
    assert_eq!(body["person"]["identity_status"], "unverified");
    assert_eq!(body["open_transfers"].as_array().unwrap().len(), 0);
    // The full ID number is never sent: the card is shown to others.
    assert!(!body.to_string().contains(&youth(1)), "{body}");

    let (c, _) = app.page_login(p.id_number.as_str(), PW).await;
    let (s, html) = get_html(&app, &c, "/me").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"member-card\""), "{html}");
    assert!(html.contains("电子团员证"));
    assert!(html.contains(&w.branch.full_name));
    assert!(html.contains(&masked));
    assert!(html.contains(&dev_number(1)));
    assert!(!html.contains(&youth(1)));
    assert!(
        html.contains("href=\"/me/transfers/new\""),
        "may start a transfer"
    );
    // The header of every page, not only 个人中心, links to both.
    for path in ["/me", "/", "/me/requests"] {
        let (_, html) = get_html(&app, &c, path).await;
        assert!(html.contains("id=\"me-center-link\""), "{path}");
        assert!(
            html.contains("<a href=\"/password\" id=\"password-link\">修改密码</a>"),
            "{path}"
        );
    }
}

async fn member_who_left_sees_state(app: TestApp) {
    let (_, p, api) = setup(&app).await;
    sqlx::query("UPDATE members SET status = 'withdrawn' WHERE person_id = $1")
        .bind(p.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.store.forget_cached();
    let (s, body) = api.get("/api/v1/me/record").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["card"]["status"], "withdrawn");
    assert_eq!(body["card"]["status_label"], "自愿退团");
    assert_eq!(body["card"]["valid"], false);
    let (c, _) = app.page_login(p.id_number.as_str(), PW).await;
    let (s, html) = get_html(&app, &c, "/me").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"card-void\""), "{html}");
    assert!(html.contains("自愿退团"));
    assert!(
        !html.contains("href=\"/me/transfers/new\""),
        "no transfer after leaving"
    );
}
