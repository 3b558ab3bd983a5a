//! The pages: the member's archive page with upload, refusals shown beside the field, the
//! superior's decision, the lists and 我的团员电子档案, and their menu entries.

use reqwest::StatusCode;

use super::*;
use crate::support::admin::{get_html, page_as, post_form};
use crate::support::members::World;
use crate::support::{csrf_of, location};

both_databases!(upload_and_decide_on_the_pages);

async fn post_file(
    app: &TestApp,
    c: &reqwest::Client,
    person_id: i64,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let page = format!("/members/{person_id}/archive");
    let (_, html) = get_html(app, c, &page).await;
    let (ct, body) = multipart(name, bytes, Some(&csrf_of(&html)));
    c.post(app.url(&page))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn upload_and_decide_on_the_pages(app: TestApp) {
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "页面团员", "2025-02", 35).await;
    let branch = page_as(
        &app,
        t.branch_admin.id_number.as_str(),
        "admin",
        t.w.branch.id,
    )
    .await;
    let school = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;
    let page = format!("/members/{}/archive", m.id);
    let (status, html) = get_html(&app, &branch, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("未上传") && html.contains("已逾期"), "{html}");
    assert!(html.contains("id=\"upload-form\""));
    // The record page links to it.
    let (_, record) = get_html(&app, &branch, &format!("/members/{}", m.id)).await;
    assert!(record.contains(&format!("href=\"/members/{}/archive\"", m.id)));
    // A renamed page is refused beside the field, nothing kept.
    let res = post_file(&app, &branch, m.id, "假的.pdf", b"<html>not a pdf</html>").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("class=\"alert\"") && html.contains("id=\"fault-file\""),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    // Without the CSRF field: refused.
    let (ct, body) = multipart("a.pdf", &pdf(1, 0), None);
    let res = branch
        .post(app.url(&page))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(stored(&app).await, (0, 0));
    let res = post_file(&app, &branch, m.id, "志愿书.pdf", &pdf(2, 0)).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        res.text().await
    );
    assert_eq!(location(&res), format!("{page}?done=uploaded"));
    let (_, html) = get_html(&app, &branch, &format!("{page}?done=uploaded")).await;
    assert!(html.contains("notice success") && html.contains("尚未认证"));
    // The school's menu leads to the list, which leads to the page.
    let (_, list) = get_html(&app, &school, "/archives").await;
    assert!(list.contains("下级团员电子档案审批"));
    assert!(list.contains(&format!("href=\"{page}\"")), "{list}");
    let (_, html) = get_html(&app, &school, &page).await;
    assert!(html.contains("id=\"approve-form\""));
    // A rejection without a reason is shown on the page.
    let res = post_form(
        &app,
        &school,
        &page,
        &format!("{page}/reject"),
        &[("reason", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("退回时请填写退回原因"));
    let res = post_form(
        &app,
        &school,
        &page,
        &format!("{page}/reject"),
        &[("reason", "缺少签名页")],
    )
    .await;
    assert_eq!(location(&res), format!("{page}?done=rejected"));
    let (_, html) = get_html(&app, &branch, &page).await;
    assert!(html.contains("退回原因：缺少签名页") && html.contains("替换档案"));
    let res = post_file(&app, &branch, m.id, "补扫.pdf", &pdf(3, 0)).await;
    assert_eq!(location(&res), format!("{page}?done=replaced"));
    let res = post_form(&app, &school, &page, &format!("{page}/approve"), &[]).await;
    assert_eq!(location(&res), format!("{page}?done=approved"));
    let (_, html) = get_html(&app, &branch, &page).await;
    assert!(html.contains("已认证") && !html.contains("id=\"upload-form\""));
    // 线下通过 on the page.
    let res = post_form(
        &app,
        &branch,
        &page,
        &format!("/members/{}/identity/offline", m.id),
        &[],
    )
    .await;
    assert_eq!(location(&res), format!("{page}?done=identity"));
    // The member's own page and menu.
    let me = page_as(&app, m.id_number.as_str(), "member", t.w.branch.id).await;
    let (status, html) = get_html(&app, &me, "/my-archive").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("已认证") && html.contains("线下通过"),
        "{html}"
    );
    assert!(html.contains("href=\"/my-archive\""), "the menu's entry");
    assert!(html.contains(&format!("/members/{}/archive/file", m.id)));
    // The school's menu entry, under 团员电子数据库.
    let (_, home) = get_html(&app, &school, &format!("/orgs/{}", t.w.school.id)).await;
    assert!(home.contains("团员电子数据库") && home.contains("href=\"/archives\""));
}
