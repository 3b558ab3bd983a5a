//! The round's page: grades saved by the form (a faulty row shown again with what was typed),
//! 合格 for everyone left, submitted, returned and certified through the superior's forms.

use reqwest::StatusCode;

use super::*;
use crate::support::TestApp;
use crate::support::admin::{get_html, page_as, post_form};
use crate::support::location;
use crate::support::members::World;

both_databases!(the_page_records_submits_and_certifies);

async fn the_page_records_submits_and_certifies(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let c = member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    let web = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b).await;
    let page = format!("/orgs/{b}/reviews");
    let (status, html) = get_html(&app, &web, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("未开始") && html.contains(&format!("grade-{}", a.id)),
        "{html}"
    );
    let y = year().to_string();
    let (aid, cid) = (a.id.to_string(), c.id.to_string());
    let (ga, gc, rc) = (
        format!("grade_{aid}"),
        format!("grade_{cid}"),
        format!("reason_{cid}"),
    );

    // 不合格 without a choice: shown again with what was typed and the member named.
    let res = post_form(
        &app,
        &web,
        &page,
        &format!("/orgs/{b}/reviews/grades"),
        &[
            ("year", &y),
            ("person_id", &aid),
            (&ga, "excellent"),
            ("person_id", &cid),
            (&gc, "unqualified"),
            (&rc, "屡次不交团费"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("乙：评议为不合格的团员，请选择"), "{html}");
    assert!(
        html.contains("value=\"屡次不交团费\""),
        "typed values are kept"
    );
    assert!(html.contains("<option value=\"excellent\" selected>"));

    // Saved with 合格 for the one left without a grade.
    let res = post_form(
        &app,
        &web,
        &page,
        &format!("/orgs/{b}/reviews/grades"),
        &[
            ("year", &y),
            ("person_id", &aid),
            (&ga, "excellent"),
            ("person_id", &cid),
            ("fill", "qualified"),
        ],
    )
    .await;
    assert!(res.status().is_redirection());
    assert!(location(&res).ends_with("done=saved"));
    let (_, html) = get_html(&app, &web, &location(&res)).await;
    assert!(html.contains("评议等次已保存"));
    assert!(html.contains("2 / 2 人"), "{html}");
    let res = post_form(
        &app,
        &web,
        &page,
        &format!("/orgs/{b}/reviews/submit"),
        &[("year", &y)],
    )
    .await;
    assert!(
        location(&res).ends_with("done=submitted"),
        "{}",
        res.status()
    );

    // The superior returns without a comment (shown on the page), then certifies.
    let s = t.w.school.id;
    let sup = page_as(&app, t.school_admin.id_number.as_str(), "admin", s).await;
    let (_, html) = get_html(&app, &sup, &page).await;
    assert!(html.contains("certify-review"), "{html}");
    let res = post_form(
        &app,
        &sup,
        &page,
        &format!("/orgs/{b}/reviews/return"),
        &[("year", &y), ("comment", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("退回时请填写退回意见"));
    let res = post_form(
        &app,
        &sup,
        &page,
        &format!("/orgs/{b}/reviews/certify"),
        &[("year", &y)],
    )
    .await;
    assert!(location(&res).ends_with("done=certified"));
    let (_, html) = get_html(&app, &sup, &location(&res)).await;
    assert!(html.contains("已认证") && html.contains("优秀"), "{html}");
    // The member's 团籍 page shows the registration.
    let (_, html) = get_html(&app, &web, &format!("/members/{cid}/membership")).await;
    assert!(
        html.contains(&format!("registration-{y}")) && html.contains("已注册"),
        "{html}"
    );
    // A year that is not open is refused on the page itself.
    let (status, html) = get_html(&app, &web, &format!("{page}?year=1990")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("评议年度"), "{html}");
}
