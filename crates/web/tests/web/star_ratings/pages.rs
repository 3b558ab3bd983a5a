//! The pages: the branch fills and submits on one form (a fault comes back with what was
//! typed), the school reviews and confirms, progress and the menus link them.

use reqwest::StatusCode;

use super::*;
use crate::support::TestApp;
use crate::support::admin::{get_html, page_as, post_form};
use crate::support::members::World;

both_databases!(the_branch_and_its_superior_work_on_the_pages);

async fn the_branch_and_its_superior_work_on_the_pages(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let s = t.w.school.id;
    let root = root_api(&app).await;
    open_this_year(&root).await;
    old_enough(&app, b).await;
    let page = format!("/orgs/{b}/star-ratings");
    let c = page_as(&app, t.branch_admin.id_number.as_str(), "admin", b).await;
    let (status, html) = get_html(&app, &c, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"scores-form\"") && html.contains("团籍管理与团费收缴"),
        "{html}"
    );
    // The branch's menu links its own rating.
    assert!(
        html.contains(&format!("href=\"/orgs/{b}/star-ratings\"")),
        "{html}"
    );

    let y = year().to_string();
    let scores: Vec<String> = FOUR_STARS.iter().map(|s| s.to_string()).collect();
    let mut form: Vec<(String, String)> = vec![("year".into(), y.clone())];
    for (i, v) in scores.iter().enumerate() {
        form.push((format!("score_{}", i + 1), v.clone()));
        form.push((format!("note_{}", i + 1), format!("依据{}", i + 1)));
    }
    // A score above the item's maximum comes back with what was typed; nothing saved.
    let mut bad = form.clone();
    bad[1].1 = "11".into();
    bad.push(("then".into(), "save".into()));
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = post_form(&app, &c, &page, &format!("{page}/scores"), &fields).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("“组织设置”的得分“11”不对"), "{html}");
    assert!(html.contains("value=\"11\""), "{html}");
    assert_eq!(rows(&app).await.0, 0);

    // Saved and submitted in one press.
    let mut good = form.clone();
    good.push(("then".into(), "submit".into()));
    let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = post_form(&app, &c, &page, &format!("{page}/scores"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &c, &format!("{page}?year={y}&done=submitted")).await;
    assert!(
        html.contains("自评已提交") && html.contains("85 / 100 分"),
        "{html}"
    );
    assert!(html.contains("★★★★ 四星级团支部"), "{html}");
    assert!(!html.contains("id=\"scores-form\""));

    // The school sees it in progress, opens it, lowers one score and confirms.
    let sc = page_as(&app, t.school_admin.id_number.as_str(), "admin", s).await;
    let progress = format!("/orgs/{s}/star-ratings/progress");
    let (status, html) = get_html(&app, &sc, &progress).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("href=\"/orgs/{b}/star-ratings?year={y}\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("href=\"{progress}\"")),
        "the menu links progress: {html}"
    );
    let (_, html) = get_html(&app, &sc, &page).await;
    assert!(
        html.contains("id=\"confirm-form\"") && html.contains("id=\"reviewed-1\" value=\"9\""),
        "{html}"
    );
    // A bad reviewed score first.
    let res = post_form(
        &app,
        &sc,
        &page,
        &format!("{page}/confirm"),
        &[("year", &y), ("reviewed_2", "-1")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("审核“班子建设”的得分“-1”不对")
    );
    // Returned without a comment: said on the page.
    let res = post_form(
        &app,
        &sc,
        &page,
        &format!("{page}/return"),
        &[("year", &y), ("comment", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("请填写退回意见"));
    let res = post_form(
        &app,
        &sc,
        &page,
        &format!("{page}/confirm"),
        &[("year", &y), ("reviewed_2", "3"), ("reviewed_4", "17")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // 85 - 10 = 75: three stars, on the rating and the branch's page.
    let (_, html) = get_html(&app, &sc, &page).await;
    assert!(
        html.contains("★★★ 三星级团支部") && html.contains("审核总分 75 分"),
        "{html}"
    );
    let (_, html) = get_html(&app, &c, &format!("/orgs/{b}")).await;
    assert!(
        html.contains(&format!("{y}年度对标定级：★★★ 三星级团支部")),
        "{html}"
    );
    let (_, html) = get_html(&app, &sc, &progress).await;
    assert!(html.contains("id=\"total-three\">1<"), "{html}");
    // Confirming twice on the page says it is locked.
    let res = post_form(
        &app,
        &sc,
        &format!("/orgs/{s}"),
        &format!("{page}/confirm"),
        &[("year", &y)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("已由上级组织审核确认，不能再修改")
    );
    // A bad year in the URL.
    let (status, html) = get_html(&app, &c, &format!("{page}?year=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("对标定级年度“abc”不对"), "{html}");
}
