//! Issue 5's journey in headless Chromium, on SQLite: a school committee's admin opens
//! 「导入下级团支部团员团干部」 from the organisation page, uploads a file with a faulty row, sees
//! the counts and the fault (组织不存在 with the closest full name), downloads the error report,
//! corrects the cell in the report and uploads the report itself, commits all rows, and sees the
//! members in the member list. Screenshots go to `target/screenshots/import_*.png`.

use std::time::{Duration, Instant};

use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, wait_for_path, wait_to_leave,
};
use crate::support::import::*;
use crate::support::{Db, TestApp};
use thirtyfour::prelude::*;
use tuanjian_app::member_import::columns::{Kind, index_of};

/// Waits until the import job section shows `state` (the page reloads itself while running).
async fn wait_for_state(driver: &WebDriver, state: &str) {
    let started = Instant::now();
    loop {
        if let Ok(el) = driver.find(By::Id("import-job")).await
            && el.attr("data-state").await.ok().flatten().as_deref() == Some(state)
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the import did not reach {state}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn assert_fits(driver: &WebDriver, page: &str) {
    let (fits, sizes) = fits_viewport(driver).await;
    assert!(fits, "{page} scrolls sideways: {sizes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_see_faults_download_report_fix_commit_see_members() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let s = setup(&app).await;
    let school = s.w.school.id;
    // Twelve members; row 8 names its branch by a wrong name.
    let mut rows: Vec<Vec<String>> = (0..12)
        .map(|i| member_row(500 + i, if i % 2 == 0 { BRANCH1 } else { BRANCH2 }))
        .collect();
    let branch_col = index_of(Kind::Members, tuanjian_domain::MemberField::Branch).unwrap();
    rows[5][branch_col] = "天河一中高一2班团支部".into();
    let dir = std::env::temp_dir().join(format!("tj-import-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let faulty = dir.join("团员名单.xlsx");
    std::fs::write(&faulty, members_file(&rows)).unwrap();

    let chromedriver = ChromeDriver::start();
    let driver = chromedriver.desktop().await;
    submit_login(&driver, &app, &s.admin_id, ADMIN_PASSWORD).await;
    assert!(wait_to_leave(&driver, "/login").await.starts_with("/orgs/"));

    // 1. From the organisation page to the import.
    driver
        .goto(app.url(&format!("/orgs/{school}")))
        .await
        .unwrap();
    let import_path = format!("/orgs/{school}/import/members");
    find(
        &driver,
        By::Css(format!("#org-actions a[href='{import_path}']")),
    )
    .await
    .click()
    .await
    .unwrap();
    wait_for_path(&driver, &import_path).await;
    let link = find(&driver, By::Id("template-link")).await;
    assert!(
        link.text()
            .await
            .unwrap()
            .contains("导入下级团支部团员团干部")
    );
    snap(&driver, "import_01_page").await;

    // 2. Upload the faulty file: the check runs, the page shows counts and the fault.
    find(&driver, By::Id("file"))
        .await
        .send_keys(faulty.to_str().unwrap())
        .await
        .unwrap();
    find(&driver, By::Id("import-submit"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_state(&driver, "validated").await;
    assert_eq!(text_of(&driver, By::Id("count-total")).await, "12");
    assert_eq!(text_of(&driver, By::Id("count-faulty")).await, "1");
    let fault = find(&driver, By::Css("#import-faults tbody tr")).await;
    assert_eq!(
        fault.attr("data-code").await.unwrap().as_deref(),
        Some("org_not_found")
    );
    assert_eq!(fault.attr("data-row").await.unwrap().as_deref(), Some("8"));
    let msg = fault.text().await.unwrap();
    assert!(msg.contains("组织不存在") && msg.contains(BRANCH2), "{msg}");
    // Nothing can be committed whole; the valid-rows-only choice needs its checkbox.
    assert!(
        driver
            .find_all(By::Id("commit-all"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !driver
            .find_all(By::Id("commit-valid"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_fits(&driver, "the preview").await;
    snap(&driver, "import_02_faults").await;
    assert_eq!(count(&app, "members").await, 0);

    // 3. Download the error report with the browser's session.
    let href = find(&driver, By::Id("report-link"))
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let cookies = driver.get_all_cookies().await.unwrap();
    let cookie = cookies
        .iter()
        .map(|c| format!("{}={}", c.name, c.value))
        .collect::<Vec<_>>()
        .join("; ");
    let res = reqwest::Client::new()
        .get(app.url(href.trim_start_matches(&app.base)))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let report = res.bytes().await.unwrap().to_vec();

    // 4. Correct the red cell in the report and upload the report itself.
    let mut fixed = values_of(Kind::Members, &report);
    assert_eq!(fixed[5][branch_col], "天河一中高一2班团支部");
    fixed[5][branch_col] = BRANCH2.into();
    let fixed_path = dir.join("错误报告-已改正.xlsx");
    std::fs::write(&fixed_path, members_file(&fixed)).unwrap();
    find(&driver, By::Id("file"))
        .await
        .send_keys(fixed_path.to_str().unwrap())
        .await
        .unwrap();
    find(&driver, By::Id("import-submit"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_state(&driver, "validated").await;
    assert_eq!(text_of(&driver, By::Id("count-faulty")).await, "0");
    snap(&driver, "import_03_fixed").await;

    // 5. Commit: all twelve rows in one transaction.
    find(&driver, By::Id("commit-all"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_state(&driver, "committed").await;
    let done = text_of(&driver, By::Id("import-done")).await;
    assert!(done.contains("团员 12 名"), "{done}");
    snap(&driver, "import_04_committed").await;
    assert_eq!(count(&app, "members").await, 12);

    // 6. The members are in the list.
    find(&driver, By::Id("members-link"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, &format!("/orgs/{school}/members")).await;
    let page = driver.source().await.unwrap();
    assert!(
        page.contains("团员505") && page.contains("团员500"),
        "the list shows the imported members"
    );
    snap(&driver, "import_05_members").await;

    // On a phone the preview does not scroll sideways either.
    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, &s.admin_id, ADMIN_PASSWORD).await;
    assert!(wait_to_leave(&phone, "/login").await.starts_with("/orgs/"));
    phone.goto(app.url(&import_path)).await.unwrap();
    find(&phone, By::Id("import-job")).await;
    assert_fits(&phone, "the import page on a phone").await;
    snap(&phone, "import_06_phone").await;
    phone.quit().await.unwrap();
    driver.quit().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
