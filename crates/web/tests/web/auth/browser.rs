//! End-to-end journeys in headless Chromium, driven over WebDriver (thirtyfour) through
//! Debian's chromedriver, against the real app on SQLite. Screenshots of the key steps go
//! to `target/screenshots/` for a human to look at.

use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
};
use crate::support::{Db, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp};
use thirtyfour::prelude::*;
use tuanjian_domain::{OrgKind, OrgLevel};

const MEMBER_ID: &str = "440524188001010014";
/// The last 8 characters of `MEMBER_ID`.
const MEMBER_INITIAL_PASSWORD: &str = "01010014";
const MEMBER_NEW_PASSWORD: &str = "Youth2024a";

/// The journey: an imported person signs in with the initial password, is made to
/// change it, picks the admin role and browses into a child organisation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initial_password_to_child_organisation() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let gd = app.province("团广东省委").await;
    let home_branch = app
        .add_org(
            &gd,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "青年团支部",
            "测试县青年团支部",
        )
        .await;
    let school = app
        .add_org(
            &gd,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            "一中团委",
            "共青团测试市第一中学委员会",
        )
        .await;
    let class_branch = app
        .add_org(
            &school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一1班团支部",
            "测试市第一中学高一1班团支部",
        )
        .await;
    let person = app.add_person(MEMBER_ID, "李青", None).await;
    app.make_member(&home_branch, &person).await;
    app.make_admin(&school, &person).await;

    let chromedriver = ChromeDriver::start();
    let driver = chromedriver.browser(1280, 900, false).await;

    driver.goto(app.url("/login")).await.unwrap();
    assert_eq!(driver.title().await.unwrap(), "登录 - 智慧团建");
    snap(&driver, "desktop_01_login").await;

    submit_login(&driver, &app, MEMBER_ID, MEMBER_INITIAL_PASSWORD).await;
    wait_for_path(&driver, "/password").await;
    let notice = text_of(&driver, By::Id("forced-notice")).await;
    assert!(notice.contains("初始密码"), "{notice}");
    snap(&driver, "desktop_02_forced_password").await;

    // Other pages send back to the password form until it is changed.
    driver.goto(app.url("/")).await.unwrap();
    wait_for_path(&driver, "/password").await;

    type_into(&driver, "current", MEMBER_INITIAL_PASSWORD).await;
    type_into(&driver, "new_password", MEMBER_NEW_PASSWORD).await;
    type_into(&driver, "confirm", MEMBER_NEW_PASSWORD).await;
    find(&driver, By::Id("password-submit"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, "/").await;
    let body = text_of(&driver, By::Tag("main")).await;
    assert!(body.contains("我的身份"), "{body}");
    assert!(body.contains("密码已修改"), "{body}");
    for expected in ["管理员", "一中团委", "团员", "青年团支部"] {
        assert!(body.contains(expected), "home lacks {expected}: {body}");
    }
    snap(&driver, "desktop_03_home").await;

    // Two roles and none chosen: pick the school admin role.
    let switch = find(
        &driver,
        By::XPath(
            "//li[contains(@class,'role-item')]\
             [.//span[@class='badge' and normalize-space()='管理员']]\
             [.//strong[normalize-space()='一中团委']]\
             //button[normalize-space()='切换到此身份']",
        ),
    )
    .await;
    switch.click().await.unwrap();
    wait_for_path(&driver, &format!("/orgs/{}", school.id)).await;
    assert_eq!(
        text_of(&driver, By::Id("org-name")).await,
        "共青团测试市第一中学委员会"
    );
    let role = text_of(&driver, By::Css("header .role")).await;
    assert_eq!(role, "一中团委 管理员");
    snap(&driver, "desktop_04_school").await;

    let child = find(
        &driver,
        By::XPath("//ul[@id='children']//a[normalize-space()='高一1班团支部']"),
    )
    .await;
    child.click().await.unwrap();
    wait_for_path(&driver, &format!("/orgs/{}", class_branch.id)).await;
    assert_eq!(
        text_of(&driver, By::Id("org-name")).await,
        "测试市第一中学高一1班团支部"
    );
    let crumbs = text_of(&driver, By::Css("nav.crumbs")).await;
    assert!(crumbs.contains("一中团委"), "{crumbs}");
    snap(&driver, "desktop_05_child_org").await;

    driver.quit().await.unwrap();
}

/// A wrong password shows the Chinese error and changes nothing; the login page fits a
/// 375-px phone, and the right password then works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_on_a_phone() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let chromedriver = ChromeDriver::start();
    let driver = chromedriver.browser(375, 812, true).await;

    driver.goto(app.url("/login")).await.unwrap();
    let width: i64 = driver
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(width <= 400, "phone viewport expected, got {width} px");
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_01_login").await;
    assert!(fits, "login page scrolls sideways on a phone: {sizes}");

    submit_login(&driver, &app, ROOT_ADMIN_ID, "Wrong2024x").await;
    let error = text_of(&driver, By::Id("login-error")).await;
    assert!(error.contains("身份证号码或密码错误"), "{error}");
    wait_for_path(&driver, "/login").await;
    // The ID number is kept for another try; the password is not.
    let id_value = find(&driver, By::Id("id_number")).await.value().await;
    assert_eq!(id_value.unwrap().as_deref(), Some(ROOT_ADMIN_ID));
    let password_value = find(&driver, By::Id("password")).await.value().await;
    assert_eq!(password_value.unwrap().as_deref(), Some(""));
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_02_login_error").await;
    assert!(
        fits,
        "login error page scrolls sideways on a phone: {sizes}"
    );

    // Nothing else changed: no session, nothing audited as a success.
    assert!(
        driver.get_named_cookie("tj_session").await.is_err(),
        "a failed login must not set a session cookie"
    );
    driver.goto(app.url("/")).await.unwrap();
    wait_for_path(&driver, "/login").await;
    assert_eq!(app.audit_count("login.success").await, 0);

    // One failure does not lock the account: the right password still works.
    submit_login(&driver, &app, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    // One role: straight into 管理中心, the menu folded behind 菜单 on the phone.
    wait_for_path(&driver, &format!("/orgs/{}", app.root.id)).await;
    assert!(
        find(&driver, By::Id("menu-phone"))
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    let (fits, sizes) = fits_viewport(&driver).await;
    assert!(
        fits,
        "the landing page scrolls sideways on a phone: {sizes}"
    );
    // 我的身份 stays reachable.
    driver.goto(app.url("/")).await.unwrap();
    let body = text_of(&driver, By::Tag("main")).await;
    assert!(body.contains("我的身份"), "{body}");
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_03_home").await;
    assert!(fits, "home page scrolls sideways on a phone: {sizes}");
    assert_eq!(app.audit_count("login.success").await, 1);

    // An organisation page with a long list of children on the phone.
    driver
        .goto(app.url(&format!("/orgs/{}", app.root.id)))
        .await
        .unwrap();
    let children = driver.find_all(By::Css("ul#children a")).await.unwrap();
    assert!(!children.is_empty(), "the root shows its provinces");
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_04_root_org").await;
    assert!(
        fits,
        "organisation page scrolls sideways on a phone: {sizes}"
    );

    driver.quit().await.unwrap();
}
