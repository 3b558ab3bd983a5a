//! 个人中心 in headless Chromium on a 375×812 phone: the member signs in, opens 我的团籍 from the
//! header and sees the 电子团员证 whole, without sideways scrolling
//! (`target/screenshots/me_card_phone.png`); the edit form and the list of requests fit as well.

use thirtyfour::prelude::*;

use super::{dev_number, member};
use crate::support::admin::PW;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, wait_for_path, wait_to_leave,
};
use crate::support::{Db, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_on_a_phone() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let (p, _) = member(&app, &w.branch, 1, "欧阳小团").await;
    let chromedriver = ChromeDriver::start();
    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, p.id_number.as_str(), PW).await;
    assert!(wait_to_leave(&phone, "/login").await.starts_with("/orgs/"));
    find(&phone, By::Id("me-center-link"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&phone, "/me").await;
    let card = find(&phone, By::Id("member-card")).await;
    assert!(card.is_displayed().await.unwrap());
    // The whole card lies inside the phone's width.
    let rect = card.rect().await.unwrap();
    assert!(rect.x >= 0.0 && rect.x + rect.width <= 375.0, "{rect:?}");
    assert_eq!(text_of(&phone, By::Id("card-name")).await, "欧阳小团");
    assert_eq!(
        text_of(&phone, By::Id("card-dev-number")).await,
        dev_number(1)
    );
    assert_eq!(text_of(&phone, By::Id("card-status")).await, "正常");
    assert_eq!(
        text_of(&phone, By::Id("card-id")).await,
        p.id_number.masked()
    );
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(fits, "/me scrolls sideways on a phone: {sizes}");
    snap(&phone, "me_card_phone").await;
    // The other pages of 个人中心 fit the phone as well.
    for (link, path) in [
        ("me-edit-link", "/me/edit"),
        ("me-requests-link", "/me/requests"),
    ] {
        phone.goto(app.url("/me")).await.unwrap();
        find(&phone, By::Id(link)).await.click().await.unwrap();
        wait_for_path(&phone, path).await;
        let (fits, sizes) = fits_viewport(&phone).await;
        assert!(fits, "{path} scrolls sideways on a phone: {sizes}");
    }
    snap(&phone, "me_requests_phone").await;
    phone.quit().await.unwrap();
}
