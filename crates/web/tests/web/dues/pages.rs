//! The 团费 pages: the branch records a month with its ticks (an amount typed where it differs,
//! a faulty amount shown again), the member page corrects a record and declares an income, the
//! member sees their own; the arrears, totals and bands pages.

use reqwest::StatusCode;

use super::*;
use crate::support::TestApp;
use crate::support::admin::{get_html, page_as, post_form};
use crate::support::members::World;

both_databases!(the_pages_record_correct_and_report);

async fn the_pages_record_correct_and_report(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let c = member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    let d = member_born(&app, &t.w.branch, 3, born(20, 0), "丙").await;
    let web = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b).await;
    let page = format!("/orgs/{b}/dues");
    let (status, html) = get_html(&app, &web, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("paid-{}", a.id)) && html.contains("全国标准"),
        "{html}"
    );
    let month = current_month().to_string();
    let (aid, cid) = (a.id.to_string(), c.id.to_string());
    let amount_c = format!("amount_{cid}");

    // A faulty amount: shown again with the ticks and what was typed.
    let res = post_form(
        &app,
        &web,
        &page,
        &format!("/orgs/{b}/dues/record"),
        &[
            ("month", &month),
            ("paid", &aid),
            ("paid", &cid),
            (&amount_c, "五元"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("乙：实缴金额“五元”不是金额"), "{html}");
    assert!(html.contains("value=\"五元\""));
    assert_eq!(payment_rows(&app).await, 0);

    // Saved: 甲 pays what is due, 乙 5 元, 丙 (not ticked) is recorded unpaid.
    let res = post_form(
        &app,
        &web,
        &page,
        &format!("/orgs/{b}/dues/record"),
        &[
            ("month", &month),
            ("paid", &aid),
            ("paid", &cid),
            (&amount_c, "5"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &web, &format!("{page}?month={month}&done=recorded")).await;
    assert!(html.contains("本月团费缴纳情况已保存"), "{html}");
    assert!(html.contains("已缴</span> 5.00 元"), "{html}");
    assert!(
        html.contains(&format!("paid-{}", d.id)),
        "丙 can still be ticked"
    );
    // 全部标为已缴: 丙 now paid.
    let res = post_form(
        &app,
        &web,
        &page,
        &format!("/orgs/{b}/dues/record"),
        &[("month", &month), ("all", "1")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &web, &page).await;
    assert!(!html.contains(&format!("id=\"paid-{}\"", d.id)), "{html}");
    assert!(html.contains("id=\"dues-paid\">3 人"), "{html}");

    // The member page: a correction needs its reason; then it shows.
    let mpage = format!("/members/{}/dues", c.id);
    let (status, html) = get_html(&app, &web, &mpage).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("correct-form") && html.contains("income-form"),
        "{html}"
    );
    let res = post_form(
        &app,
        &web,
        &mpage,
        &format!("{mpage}/correct"),
        &[("month", &month), ("paid", "3"), ("reason", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("更正团费记录必须填写原因")
    );
    let res = post_form(
        &app,
        &web,
        &mpage,
        &format!("{mpage}/correct"),
        &[
            ("month", &month),
            ("paid", "3"),
            ("reason", "多收2元已退还"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_form(
        &app,
        &web,
        &mpage,
        &format!("{mpage}/income"),
        &[("income", "6000")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &web, &format!("{mpage}?done=income")).await;
    assert!(
        html.contains("多收2元已退还") && html.contains("6000.00 元"),
        "{html}"
    );
    assert!(html.contains("12.00 元"), "6000 元 × 2‰: {html}");

    // One member's earlier month from the member's page; an empty amount is refused.
    let before = month_back(1).to_string();
    let res = post_form(
        &app,
        &web,
        &mpage,
        &format!("{mpage}/pay"),
        &[("month", &before), ("paid", " ")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("请填写实缴金额"));
    let res = post_form(
        &app,
        &web,
        &mpage,
        &format!("{mpage}/pay"),
        &[("month", &before), ("paid", "12")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &web, &format!("{mpage}?done=recorded")).await;
    assert!(
        html.contains("该月团费缴纳已记录")
            && html.contains(&format!("id=\"paid-{before}\">12.00")),
        "{html}"
    );

    // The member's own page.
    let own = page_as(&app, c.id_number.as_str(), "member", b).await;
    let (status, html) = get_html(&app, &own, "/my-dues").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("我的团费") && html.contains("多收2元已退还"),
        "{html}"
    );
    assert!(!html.contains("correct-form"));
    let (_, html) = get_html(&app, &own, "/me").await;
    assert!(html.contains("/my-dues"), "个人中心 links to it");

    // The superior's pages.
    let school = page_as(
        &app,
        t.school_admin.id_number.as_str(),
        "admin",
        t.w.school.id,
    )
    .await;
    let (status, html) = get_html(
        &app,
        &school,
        &format!("/orgs/{}/dues/totals", t.w.school.id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // 3 + 3 + 5 corrected to 3, and 12 in the month before when it is of this year.
    let year_paid = if month_back(1).year == current_month().year {
        "21.00"
    } else {
        "9.00"
    };
    assert!(
        html.contains(&format!("id=\"year-paid\">{year_paid} 元")),
        "{html}"
    );
    let (status, html) = get_html(
        &app,
        &school,
        &format!("/orgs/{}/dues/arrears", t.w.school.id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("没有连续6个月"), "{html}");
    let (status, html) = get_html(&app, &school, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("save-dues"), "the superior only looks");
    let res = school
        .get(app.url(&format!("/orgs/{}/dues/totals.xlsx", t.w.school.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // The province's bands page: saved, a faulty field marked.
    let prov = page_as(
        &app,
        t.province_admin.id_number.as_str(),
        "admin",
        t.w.province.id,
    )
    .await;
    let bpage = format!("/orgs/{}/dues/bands", t.w.province.id);
    let fields = |cap: &'static str| {
        vec![
            ("threshold", "2000"),
            ("below_threshold", "3"),
            ("rate_permille", "2"),
            ("cap", cap),
            ("student", "0.2"),
            ("farmer", "0.5"),
        ]
    };
    let res = post_form(&app, &prov, &bpage, &bpage, &fields("很多")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("每月最高“很多”不是金额") && html.contains("aria-invalid"),
        "{html}"
    );
    let res = post_form(&app, &prov, &bpage, &bpage, &fields("25")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &prov, &format!("{bpage}?done=saved")).await;
    assert!(
        html.contains("本省标准") && html.contains("最多 25.00 元"),
        "{html}"
    );
}
