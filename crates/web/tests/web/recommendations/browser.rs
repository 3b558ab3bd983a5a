//! The 推优入党 pages in headless Chromium on a phone: the branch admin's member page with the
//! recommendation form, and, after a recommendation, the school 团委's list with what waits —
//! no error page, no sideways scrolling (`target/screenshots/recommendation_*.png`).

use thirtyfour::prelude::*;

use super::{born, member_born, pdf, step, this_month, today};
use crate::support::admin::PW;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, wait_for_path, wait_to_leave,
};
use crate::support::members::World;
use crate::support::{Db, TestApp};

async fn look(phone: &WebDriver, app: &TestApp, path: &str, name: &str) {
    phone.goto(app.url(path)).await.unwrap();
    wait_for_path(phone, path).await;
    let errors = phone.find_all(By::Css(".error-page")).await.unwrap();
    assert!(errors.is_empty(), "{path} shows the error page");
    assert!(
        find(phone, By::Css("h1"))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    snap(phone, &format!("recommendation_{name}")).await;
    let (fits, sizes) = fits_viewport(phone).await;
    assert!(fits, "{path} scrolls sideways on a phone: {sizes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recommendation_pages_on_a_phone() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let m = member_born(&app, &world.w.branch, 1, born(20, 0), "积极分子").await;
    let chromedriver = ChromeDriver::start();

    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, world.branch_admin.id_number.as_str(), PW).await;
    wait_to_leave(&phone, "/login").await;
    look(
        &phone,
        &app,
        &format!("/members/{}/recommendation", m.id),
        "member_phone",
    )
    .await;
    assert!(
        find(&phone, By::Id("recommend-form"))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    phone.quit().await.unwrap();

    let (month, day) = (this_month(), today());
    let (status, body) = step(
        &world.branch,
        m.id,
        "recommend",
        &[("date", day.as_str()), ("applied_month", month.as_str())],
        Some(("推荐表.pdf", &pdf(1, 0))),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");

    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, world.school_admin.id_number.as_str(), PW).await;
    wait_to_leave(&phone, "/login").await;
    look(
        &phone,
        &app,
        &format!("/orgs/{}/recommendations", world.w.school.id),
        "list_phone",
    )
    .await;
    assert!(
        find(&phone, By::Id(format!("approve-{}", m.id)))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    look(
        &phone,
        &app,
        &format!("/members/{}/recommendation", m.id),
        "decide_phone",
    )
    .await;
    assert!(
        find(&phone, By::Id("approve-submit"))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    phone.quit().await.unwrap();
}
