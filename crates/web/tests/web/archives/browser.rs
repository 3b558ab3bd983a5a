//! The archive's journey in headless Chromium: the branch admin uploads a member's archive on
//! a phone, the school 团委 rejects it from 下级团员电子档案审批 with a reason, the branch
//! replaces it, the school certifies it (`target/screenshots/archive_*.png`).

use thirtyfour::prelude::*;

use super::{member, pdf};
use crate::support::admin::PW;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
    wait_to_leave,
};
use crate::support::members::World;
use crate::support::{Db, TestApp};

async fn upload_file(driver: &WebDriver, path: &std::path::Path) {
    find(driver, By::Id("file"))
        .await
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    find(driver, By::Id("upload-submit"))
        .await
        .click()
        .await
        .unwrap();
}

/// Waits for the page (perhaps still loading after a submit) to show the archive in `label`.
async fn status_is(driver: &WebDriver, label: &str) {
    let started = std::time::Instant::now();
    let mut now = String::new();
    while started.elapsed() < std::time::Duration::from_secs(15) {
        // The element may belong to the page being left: any error means "look again".
        if let Ok(found) = driver.find_all(By::Id("archive-status")).await
            && let Some(el) = found.first()
            && let Ok(text) = el.text().await
        {
            if text == label {
                return;
            }
            now = text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("status {now}, expected {label}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_reject_replace_approve_in_a_browser() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let t = World::new(&app).await;
    let m = member(&app, &t.w.branch, 1, "浏览器团员", "2025-09", 3).await;
    let dir = std::env::temp_dir().join(format!("tj-archive-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let first = dir.join("入团志愿书.pdf");
    std::fs::write(&first, pdf(2, 2000)).unwrap();
    let second = dir.join("入团志愿书-重扫.pdf");
    std::fs::write(&second, pdf(3, 4000)).unwrap();
    let page = format!("/members/{}/archive", m.id);

    let chromedriver = ChromeDriver::start();
    let branch = chromedriver.phone().await;
    submit_login(&branch, &app, t.branch_admin.id_number.as_str(), PW).await;
    assert!(wait_to_leave(&branch, "/login").await.starts_with("/orgs/"));
    // From the member's record to the archive page.
    branch
        .goto(app.url(&format!("/members/{}", m.id)))
        .await
        .unwrap();
    find(&branch, By::Id("archive-link"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&branch, &page).await;
    assert_eq!(text_of(&branch, By::Id("archive-status")).await, "未上传");
    upload_file(&branch, &first).await;
    status_is(&branch, "尚未认证").await;
    assert!(
        text_of(&branch, By::Id("archive-notice"))
            .await
            .contains("等待直属上级")
    );
    snap(&branch, "archive_01_uploaded_phone").await;
    let (fits, sizes) = fits_viewport(&branch).await;
    assert!(
        fits,
        "the archive page scrolls sideways on a phone: {sizes}"
    );

    let school = chromedriver.desktop().await;
    submit_login(&school, &app, t.school_admin.id_number.as_str(), PW).await;
    assert!(wait_to_leave(&school, "/login").await.starts_with("/orgs/"));
    // The menu's entry under 团员电子数据库.
    find(&school, By::Css("a[href='/archives']")).await;
    school.goto(app.url("/archives")).await.unwrap();
    wait_for_path(&school, "/archives").await;
    snap(&school, "archive_02_inbox").await;
    find(&school, By::Css(format!("#to-approve a[href='{page}']")))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&school, &page).await;
    type_into(&school, "reason", "第二页扫描不清，请重新扫描").await;
    find(&school, By::Id("reject")).await.click().await.unwrap();
    status_is(&school, "退回").await;

    branch.goto(app.url(&page)).await.unwrap();
    assert!(
        text_of(&branch, By::Id("archive-reason"))
            .await
            .contains("第二页扫描不清")
    );
    snap(&branch, "archive_03_rejected_phone").await;
    upload_file(&branch, &second).await;
    status_is(&branch, "尚未认证").await;
    assert!(
        text_of(&branch, By::Id("archive-file"))
            .await
            .contains("3 页")
    );

    school.goto(app.url(&page)).await.unwrap();
    find(&school, By::Id("approve"))
        .await
        .click()
        .await
        .unwrap();
    status_is(&school, "已认证").await;
    snap(&school, "archive_04_approved").await;
    assert!(
        school
            .find_all(By::Id("upload-form"))
            .await
            .unwrap()
            .is_empty()
    );

    branch.quit().await.unwrap();
    school.quit().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
