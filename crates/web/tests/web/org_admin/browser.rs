//! Live search in headless Chromium: results appear as the user types on /search, and on the
//! migration page a result's button files the request. SQLite only, like the other `browser`
//! modules.

use crate::support::admin::*;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, wait_for_path, wait_to_leave,
};
use crate::support::{Db, TestApp};
use thirtyfour::prelude::*;

async fn fits(driver: &WebDriver) -> bool {
    fits_viewport(driver).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_search_and_pick_a_new_parent() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let sz = city(&app, &gd, "深圳市").await;
    let th = county(&app, &gz, "天河区").await;
    let admin = person(&app, 1, "天河管理员").await;
    app.make_admin(&th, &admin).await;
    let d = ChromeDriver::start();
    let driver = d.browser(375, 740, true).await;

    // Public search: results come while typing, the form is never submitted.
    driver.goto(app.url("/search")).await.unwrap();
    find(
        &driver,
        By::Css(format!("#province_id option[value='{}']", gd.id)),
    )
    .await
    .click()
    .await
    .unwrap();
    find(&driver, By::Id("q"))
        .await
        .send_keys("深圳")
        .await
        .unwrap();
    let hit = find(
        &driver,
        By::Css(format!("#hits li[data-org-id='{}']", sz.id)),
    )
    .await;
    assert!(hit.text().await.unwrap().contains("共青团深圳市委员会"));
    // The live results are the page's own: not signed in, the name is plain and says why.
    assert!(
        find(&driver, By::Id(format!("hit-{}-closed", sz.id)))
            .await
            .text()
            .await
            .unwrap()
            .contains("登录")
    );
    assert_eq!(
        driver.current_url().await.unwrap().query(),
        None,
        "no form submission"
    );
    assert!(fits(&driver).await, "fits a phone screen");
    snap(&driver, "admin_live_search").await;

    // Migration: the live results carry the button that files the request.
    submit_login(&driver, &app, admin.id_number.as_str(), PW).await;
    wait_to_leave(&driver, "/login").await;
    driver
        .goto(app.url(&format!("/orgs/{}/move", th.id)))
        .await
        .unwrap();
    find(&driver, By::Id("q"))
        .await
        .send_keys("深圳")
        .await
        .unwrap();
    snap(&driver, "admin_move_search").await;
    find(&driver, By::Id(format!("pick-{}", sz.id)))
        .await
        .click()
        .await
        .unwrap();
    let status = find(&driver, By::Id("move-status")).await;
    assert_eq!(
        status.attr("data-status").await.unwrap().as_deref(),
        Some("pending_old")
    );
    assert!(fits(&driver).await);
    snap(&driver, "admin_move_applied").await;

    // Signed in as 天河's admin, a live result within the scope is a link to its page.
    driver.goto(app.url("/search")).await.unwrap();
    find(
        &driver,
        By::Css(format!("#province_id option[value='{}']", gd.id)),
    )
    .await
    .click()
    .await
    .unwrap();
    find(&driver, By::Id("q"))
        .await
        .send_keys("天河")
        .await
        .unwrap();
    find(&driver, By::Css(format!("a#hit-{}", th.id)))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, &format!("/orgs/{}", th.id)).await;
    driver.quit().await.unwrap();
}
