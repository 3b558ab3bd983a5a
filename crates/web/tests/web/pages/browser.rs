//! 管理中心 in headless Chromium (issue 13, item 1): a school admin signs in and lands in the
//! school's 管理中心 (the only role, taken at once); from the menu a branch's member list is two
//! clicks away, on a 1366-px desktop (left menu) and a 390-px phone (the folded 菜单), whose
//! header links and breadcrumbs are at least 44 px tall. Screenshots:
//! `target/screenshots/menu_*.png`.

use thirtyfour::prelude::*;

use crate::support::admin::{PW, person};
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, wait_for_path,
};
use crate::support::{Db, TestApp};

async fn click(driver: &WebDriver, by: By) {
    let e = find(driver, by).await;
    e.scroll_into_view().await.unwrap();
    e.click().await.unwrap();
}

/// The smallest height among the elements matching `css`, and how many there are.
async fn smallest_height(driver: &WebDriver, css: &str) -> (f64, usize) {
    let all = driver.find_all(By::Css(css)).await.unwrap();
    let mut least = f64::MAX;
    for e in &all {
        if e.is_displayed().await.unwrap() {
            least = least.min(e.rect().await.unwrap().height);
        }
    }
    (least, all.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn school_admin_reaches_a_branch_in_two_clicks() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let gz = app.guangzhou().await;
    let admin = person(&app, 1, "校管理员").await;
    app.make_admin(&gz.school, &admin).await;
    let member = person(&app, 2, "欧阳小团").await;
    app.make_member(&gz.branch, &member).await;
    let school = format!("/orgs/{}", gz.school.id);
    let branch_members = format!("/orgs/{}/members", gz.branch.id);
    let chromedriver = ChromeDriver::start();

    // Desktop: the menu is a left column.
    let desk = chromedriver.browser(1366, 900, false).await;
    submit_login(&desk, &app, admin.id_number.as_str(), PW).await;
    wait_for_path(&desk, &school).await;
    let side = find(&desk, By::Id("menu-side")).await;
    assert!(side.is_displayed().await.unwrap());
    let (side_box, main_box) = (
        side.rect().await.unwrap(),
        find(&desk, By::Tag("main")).await.rect().await.unwrap(),
    );
    assert!(
        side_box.x + side_box.width <= main_box.x + 1.0,
        "menu left of the page: {side_box:?} {main_box:?}"
    );
    assert!(
        !find(&desk, By::Id("menu-phone"))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    let inbox = text_of(&desk, By::Id("inbox-link")).await;
    assert_eq!(inbox, "待办 (0)");
    let current = text_of(&desk, By::Css("#menu-side a[aria-current='page']")).await;
    assert_eq!(current, "本组织及下级组织");
    snap(&desk, "menu_desktop_01_landing").await;
    // Click 1: the menu's 本组织及下级组织 (from any page); click 2: 团员 beside the branch.
    desk.goto(app.url("/me")).await.unwrap();
    click(&desk, By::Css(format!("#menu-side a[href='{school}']"))).await;
    wait_for_path(&desk, &school).await;
    click(
        &desk,
        By::Css(format!("#children a[href='{branch_members}']")),
    )
    .await;
    wait_for_path(&desk, &branch_members).await;
    let body = text_of(&desk, By::Tag("main")).await;
    assert!(body.contains("欧阳小团"), "{body}");
    let crumbs = text_of(&desk, By::Css("main nav.crumbs")).await;
    assert!(
        crumbs.contains("一中团委") && crumbs.contains("高一1班团支部"),
        "{crumbs}"
    );
    snap(&desk, "menu_desktop_02_branch_members").await;
    desk.quit().await.unwrap();

    // Phone: the menu folds behind 菜单; header links and breadcrumbs are 44 px tap targets.
    let phone = chromedriver.browser(390, 844, true).await;
    submit_login(&phone, &app, admin.id_number.as_str(), PW).await;
    wait_for_path(&phone, &school).await;
    assert!(
        !find(&phone, By::Id("menu-side"))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(fits, "the landing page scrolls sideways: {sizes}");
    let (header, n) = smallest_height(&phone, "header .who a").await;
    assert!(n >= 4 && header >= 44.0, "header links {header} px ({n})");
    snap(&phone, "menu_phone_01_landing").await;
    click(&phone, By::Css("#menu-phone > summary")).await;
    let link = find(&phone, By::Css(format!("#menu-phone a[href='{school}']"))).await;
    assert!(link.is_displayed().await.unwrap(), "the menu opens");
    let (items, _) = smallest_height(&phone, "#menu-phone a").await;
    assert!(items >= 44.0, "menu items {items} px");
    snap(&phone, "menu_phone_02_menu_open").await;
    link.click().await.unwrap();
    wait_for_path(&phone, &school).await;
    click(
        &phone,
        By::Css(format!("#children a[href='{branch_members}']")),
    )
    .await;
    wait_for_path(&phone, &branch_members).await;
    let (crumbs, n) = smallest_height(&phone, "main nav.crumbs a").await;
    assert!(n >= 2 && crumbs >= 44.0, "breadcrumbs {crumbs} px ({n})");
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(fits, "the member list scrolls sideways: {sizes}");
    snap(&phone, "menu_phone_03_branch_members").await;
    phone.quit().await.unwrap();
}
