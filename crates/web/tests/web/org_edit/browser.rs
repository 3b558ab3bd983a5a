//! Seed, question 7, in headless Chromium on SQLite: the school committee's own admin asks to
//! change its 组织简称 and 组织全称 on the information page; the change waits; the county's
//! admin (the direct superior) sees before → after and approves it; the names change.
//! Screenshots go to `target/screenshots/org_edit_*.png`.

use crate::support::browser::{
    ChromeDriver, find, snap, submit_login, text_of, type_into, wait_to_leave,
};
use crate::support::{Db, TestApp, idn};
use thirtyfour::prelude::*;

const PW: &str = "Passw0rd2024";
const NEW_SHORT: &str = "天河一中团委";
const NEW_FULL: &str = "共青团广州市天河区第一中学团员委员会";

async fn wait_for_text(driver: &WebDriver, by: By, part: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let t = text_of(driver, by.clone()).await;
        if t.contains(part) {
            return t;
        }
        assert!(
            started.elapsed() < crate::support::browser::WAIT,
            "expected {part} in {t}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_admin_asks_for_new_names_and_the_superior_approves() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let own = app.add_person(&idn(103), "校管理员", Some(PW)).await;
    app.make_admin(&w.school, &own).await;
    let sup = app.add_person(&idn(101), "区管理员", Some(PW)).await;
    app.make_admin(&w.county, &sup).await;
    let info = format!("/orgs/{}/info", w.school.id);

    let chromedriver = ChromeDriver::start();
    let driver = chromedriver.desktop().await;
    submit_login(&driver, &app, &idn(103), PW).await;
    wait_to_leave(&driver, "/login").await;
    driver.goto(app.url(&info)).await.unwrap();
    let hint = text_of(&driver, By::Id("own-edit-hint")).await;
    assert!(hint.contains("组织简称、全称、类别和行业类别"), "{hint}");
    type_into(&driver, "f-short_name", NEW_SHORT).await;
    type_into(&driver, "f-full_name", NEW_FULL).await;
    snap(&driver, "org_edit_01_own_asks").await;
    find(&driver, By::Id("info-submit"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(&driver, By::Id("pending-change"), NEW_FULL).await;
    // Not yet: the facts still show the old name.
    assert_eq!(
        text_of(&driver, By::Id("fact-short-name")).await,
        "一中团委"
    );
    snap(&driver, "org_edit_02_waiting").await;

    // The county's admin, in a browser of their own, approves on the same page.
    let superior = chromedriver.desktop().await;
    submit_login(&superior, &app, &idn(101), PW).await;
    wait_to_leave(&superior, "/login").await;
    superior.goto(app.url(&info)).await.unwrap();
    let pending = text_of(&superior, By::Id("pending-change")).await;
    assert!(
        pending.contains("一中团委") && pending.contains(NEW_SHORT),
        "{pending}"
    );
    snap(&superior, "org_edit_03_superior_sees").await;
    find(&superior, By::Id("approve-submit"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_text(&superior, By::Id("fact-short-name"), NEW_SHORT).await;
    assert_eq!(text_of(&superior, By::Id("fact-full-name")).await, NEW_FULL);
    snap(&superior, "org_edit_04_approved").await;
    let org = app.store.org(w.school.id).await.unwrap();
    assert_eq!(
        (org.short_name.as_str(), org.full_name.as_str()),
        (NEW_SHORT, NEW_FULL)
    );
}
