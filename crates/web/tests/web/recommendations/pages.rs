//! The member's 推优入党 page: the branch uploads the recommendation form, the superior approves
//! it on the same page, and the subtree's list shows it.

use reqwest::StatusCode;

use super::*;
use crate::support::admin::{get_html, page_as};
use crate::support::members::World;
use crate::support::{TestApp, csrf_of, location};

both_databases!(the_pages_recommend_and_approve);

async fn the_pages_recommend_and_approve(app: TestApp) {
    let t = World::new(&app).await;
    let m = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let b = t.w.branch.id;
    let web = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b).await;
    let page = format!("/members/{}/recommendation", m.id);
    let (status, html) = get_html(&app, &web, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("recommend-form") && html.contains("未推荐"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let month = this_month();
    let day = today();
    // Not a PDF: shown on the page with what to do.
    let (ct, body) = form(
        &[("csrf", &csrf), ("date", &day), ("applied_month", &month)],
        Some(("推荐表.pdf", b"GIF89a")),
    );
    let res = web
        .post(app.url(&format!("{page}/recommend")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("不是有效的 PDF"));
    // A forged request (no token) is refused before the file is read.
    let (ct, body) = form(
        &[("date", &day), ("applied_month", &month)],
        Some(("a.pdf", &pdf(1, 0))),
    );
    let res = web
        .post(app.url(&format!("{page}/recommend")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (ct, body) = form(
        &[("csrf", &csrf), ("date", &day), ("applied_month", &month)],
        Some(("推荐表.pdf", &pdf(1, 0))),
    );
    let res = web
        .post(app.url(&format!("{page}/recommend")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(location(&res).ends_with("done=recommend"));

    let sup = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;
    let (_, html) = get_html(
        &app,
        &sup,
        &format!("/orgs/{}/recommendations", t.w.school.id),
    )
    .await;
    assert!(html.contains(&format!("approve-{}", m.id)), "{html}");
    let res = crate::support::admin::post_form(
        &app,
        &sup,
        &page,
        &format!("{page}/approve"),
        &[("comment", "")],
    )
    .await;
    assert!(
        location(&res).ends_with("done=approved"),
        "{}",
        res.status()
    );
    let (_, html) = get_html(&app, &web, &page).await;
    assert!(
        html.contains("已推荐为入党积极分子") && html.contains("confirm-form"),
        "{html}"
    );
}
