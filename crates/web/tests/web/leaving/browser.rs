//! The 团籍 and 毕业 pages in headless Chromium on a 375×812 phone: the branch admin's 超龄 list
//! and a member's 团籍 page, the school 团委's 毕业班管理 and 团籍变动审批与备案 — each opens without
//! an error page and without sideways scrolling (`target/screenshots/leaving_*.png`).

use thirtyfour::prelude::*;

use super::{born, member_born};
use crate::support::admin::PW;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, wait_for_path, wait_to_leave,
};
use crate::support::members::World;
use crate::support::{Db, TestApp};

async fn look(phone: &WebDriver, app: &TestApp, path: &str, name: &str) {
    phone.goto(app.url(path)).await.unwrap();
    wait_for_path(phone, path.split('?').next().unwrap()).await;
    let errors = phone.find_all(By::Css(".error-page")).await.unwrap();
    assert!(errors.is_empty(), "{path} shows the error page");
    assert!(
        find(phone, By::Css("h1"))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    snap(phone, &format!("leaving_{name}")).await;
    let (fits, sizes) = fits_viewport(phone).await;
    assert!(fits, "{path} scrolls sideways on a phone: {sizes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn membership_and_graduation_pages_on_a_phone() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let old = member_born(&app, &world.w.branch, 1, born(28, 10), "满龄团员").await;
    member_born(&app, &world.w.branch, 2, born(27, -30), "将满龄团员").await;
    let chromedriver = ChromeDriver::start();

    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, world.branch_admin.id_number.as_str(), PW).await;
    assert!(wait_to_leave(&phone, "/login").await.starts_with("/orgs/"));
    let branch = world.w.branch.id;
    look(
        &phone,
        &app,
        &format!("/orgs/{branch}/aged-out"),
        "aged_out_phone",
    )
    .await;
    look(
        &phone,
        &app,
        &format!("/members/{}/membership", old.id),
        "member_phone",
    )
    .await;
    look(
        &phone,
        &app,
        &format!("/orgs/{branch}/graduation"),
        "branch_graduation_phone",
    )
    .await;
    phone.quit().await.unwrap();

    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, world.school_admin.id_number.as_str(), PW).await;
    assert!(wait_to_leave(&phone, "/login").await.starts_with("/orgs/"));
    let school = world.w.school.id;
    look(
        &phone,
        &app,
        &format!("/orgs/{school}/graduation"),
        "school_graduation_phone",
    )
    .await;
    look(&phone, &app, "/leaving", "approvals_phone").await;
    phone.quit().await.unwrap();
}
