//! 号段 in headless Chromium, on SQLite: a province's admin hands a range to a city on a
//! desktop, is refused an overlapping one with the reason on the page, and sees both tables fit
//! a phone. Screenshots go to `target/screenshots/ranges_*.png`.

use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into,
};
use crate::support::{Db, TestApp};
use thirtyfour::prelude::*;
use tuanjian_domain::IdNumber;

const PASSWORD: &str = "Passw0rd!x";

async fn allocate(driver: &WebDriver, to: i64, range: &str) {
    find(driver, By::Css(format!("#org_id option[value='{to}']")))
        .await
        .click()
        .await
        .unwrap();
    type_into(driver, "range", range).await;
    let button = find(driver, By::Id("allocate")).await;
    button.scroll_into_view().await.unwrap();
    button.click().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_province_hands_ranges_down() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let admin_id = IdNumber::from_first17("44010619800101001").to_string();
    let admin = app
        .add_person(&admin_id, "省团委管理员", Some(PASSWORD))
        .await;
    app.make_admin(&w.province, &admin).await;
    let chromedriver = ChromeDriver::start();

    let desktop = chromedriver.desktop().await;
    submit_login(&desktop, &app, &admin_id, PASSWORD).await;
    crate::support::browser::wait_to_leave(&desktop, "/login").await;
    desktop
        .goto(app.url(&format!("/orgs/{}/dev-ranges", w.province.id)))
        .await
        .unwrap();
    snap(&desktop, "ranges_01_empty_desktop").await;
    allocate(&desktop, w.city.id, "202544000001-202544001000").await;
    let notice = text_of(&desktop, By::Id("ranges-notice")).await;
    assert!(notice.contains("202544000001"), "{notice}");
    let handed = text_of(&desktop, By::Id("handed-ranges")).await;
    assert!(
        handed.contains("团广州市委") || handed.contains("共青团广州市委员会"),
        "{handed}"
    );
    snap(&desktop, "ranges_02_allocated_desktop").await;
    // An overlapping range for a sibling is refused, with the reason, and nothing is written.
    allocate(&desktop, w.city.id, "202544000500-202544001500").await;
    let error = text_of(&desktop, By::Id("ranges-error")).await;
    assert!(error.contains("重叠") || error.contains("重复"), "{error}");
    snap(&desktop, "ranges_03_refused_desktop").await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dev_ranges")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);

    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, &admin_id, PASSWORD).await;
    crate::support::browser::wait_to_leave(&phone, "/login").await;
    phone
        .goto(app.url(&format!("/orgs/{}/dev-ranges", w.province.id)))
        .await
        .unwrap();
    snap(&phone, "ranges_04_phone").await;
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(fits, "the 号段 page scrolls sideways on a phone: {sizes}");
}
