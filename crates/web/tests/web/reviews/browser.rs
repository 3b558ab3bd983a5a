//! The 团员教育评议 journey in headless Chromium: the branch admin grades a branch of 30 on a
//! desktop (two by hand, the rest 合格 at once), submits; the school 团委 certifies on a phone;
//! a member sees 已注册 in 我的团籍 (`target/screenshots/reviews_*.png`).

use thirtyfour::prelude::*;

use super::{born, member_born};
use crate::support::admin::PW;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_containing, text_of, type_into,
    wait_for_path, wait_to_leave,
};
use crate::support::members::World;
use crate::support::{Db, TestApp};

async fn click(driver: &WebDriver, by: By) {
    find(driver, by).await.click().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_of_30_is_graded_submitted_certified_and_registered() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let mut members = Vec::new();
    for n in 1..=30 {
        members.push(
            member_born(
                &app,
                &world.w.branch,
                n,
                born(18, n as i64),
                &format!("团员{n:02}"),
            )
            .await,
        );
    }
    let (best, weak) = (&members[0], &members[1]);
    let b = world.w.branch.id;
    let page = format!("/orgs/{b}/reviews");
    let chromedriver = ChromeDriver::start();

    let desktop = chromedriver.desktop().await;
    submit_login(&desktop, &app, world.branch_admin.id_number.as_str(), PW).await;
    wait_to_leave(&desktop, "/login").await;
    desktop.goto(app.url(&page)).await.unwrap();
    wait_for_path(&desktop, &page).await;
    click(
        &desktop,
        By::Css(format!("#grade-{} option[value='excellent']", best.id)),
    )
    .await;
    click(
        &desktop,
        By::Css(format!("#grade-{} option[value='unqualified']", weak.id)),
    )
    .await;
    click(
        &desktop,
        By::Css(format!("#choice-{} option[value='deferred']", weak.id)),
    )
    .await;
    type_into(
        &desktop,
        &format!("reason-{}", weak.id),
        "长期不参加组织生活，帮助教育后再注册",
    )
    .await;
    click(&desktop, By::Id("fill-qualified")).await;
    let notice = text_of(&desktop, By::Id("review-notice")).await;
    assert!(notice.contains("已保存"), "{notice}");
    assert_eq!(
        text_of(&desktop, By::Id("round-graded")).await,
        "30 / 30 人"
    );
    snap(&desktop, "reviews_branch_desktop").await;
    click(&desktop, By::Id("submit-review")).await;
    let notice = text_containing(&desktop, By::Id("review-notice"), "已提交").await;
    assert!(notice.contains("已提交"), "{notice}");
    assert_eq!(
        text_of(&desktop, By::Css("#round-state .badge")).await,
        "已提交"
    );
    desktop.quit().await.unwrap();

    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, world.school_admin.id_number.as_str(), PW).await;
    wait_to_leave(&phone, "/login").await;
    let progress = format!("/orgs/{}/reviews/progress", world.w.school.id);
    phone.goto(app.url(&progress)).await.unwrap();
    wait_for_path(&phone, &progress).await;
    snap(&phone, "reviews_progress_phone").await;
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(
        fits,
        "the progress page scrolls sideways on a phone: {sizes}"
    );
    click(&phone, By::Css(format!("#child-{b} a"))).await;
    wait_for_path(&phone, &page).await;
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(fits, "the round scrolls sideways on a phone: {sizes}");
    click(&phone, By::Id("certify-review")).await;
    let notice = text_of(&phone, By::Id("review-notice")).await;
    assert!(notice.contains("已审核认证"), "{notice}");
    snap(&phone, "reviews_certified_phone").await;
    phone.quit().await.unwrap();

    for (m, want) in [(best, "已注册"), (weak, "暂缓注册")] {
        let phone = chromedriver.phone().await;
        submit_login(&phone, &app, m.id_number.as_str(), PW).await;
        wait_to_leave(&phone, "/login").await;
        // 个人中心 → 团籍注册.
        phone.goto(app.url("/me")).await.unwrap();
        wait_for_path(&phone, "/me").await;
        click(&phone, By::Id("my-membership-link")).await;
        wait_for_path(&phone, "/my-membership").await;
        let row = text_of(&phone, By::Css("#my-registrations table tbody tr")).await;
        assert!(row.contains(want), "{row}");
        if m.id == best.id {
            snap(&phone, "reviews_member_phone").await;
        }
        phone.quit().await.unwrap();
    }
}
