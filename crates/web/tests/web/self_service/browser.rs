//! 我要入团 in headless Chromium, on SQLite: a 15-year-old opens 我要入团 from the login page on
//! a phone, types a short name, picks the 团支部 among the suggestions and lands on the
//! application; the branch's
//! admin, on a desktop, takes it from the inbox through 入团积极分子 and 发展对象 to 团员 (a
//! wrong development number is refused on the page first); the applicant sees each stage and,
//! signing in again, is a member. Screenshots of every step go to `target/screenshots/join_*.png`.

use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
    wait_to_leave,
};
use crate::support::{Db, TestApp};
use chrono::{Datelike, Duration, NaiveDate};
use thirtyfour::prelude::*;
use tuanjian_domain::IdNumber;

const BRANCH_SHORT: &str = "高一1班团支部";
const BRANCH_FULL: &str = "共青团广州市天河区第一中学高一1班支部";
const ADMIN_PASSWORD: &str = "Admin2024x";
const APPLICANT_PASSWORD: &str = "Rudan2024x";

fn today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

/// Someone `years` old today (and about a month).
fn id_aged(years: i32, seq: u32) -> String {
    let t = today() - Duration::days(40);
    let birth = NaiveDate::from_ymd_opt(t.year() - years, t.month(), t.day().min(28)).unwrap();
    IdNumber::from_first17(&format!("440106{}{seq:03}", birth.format("%Y%m%d"))).to_string()
}

async fn assert_fits(driver: &WebDriver, page: &str) {
    let (fits, sizes) = fits_viewport(driver).await;
    assert!(fits, "{page} scrolls sideways: {sizes}");
}

async fn click(driver: &WebDriver, by: By) {
    let e = find(driver, by).await;
    e.scroll_into_view().await.unwrap();
    e.click().await.unwrap();
}

async fn wait_for_url_containing(driver: &WebDriver, part: &str) {
    let started = std::time::Instant::now();
    loop {
        let url = driver.current_url().await.unwrap();
        if url.as_str().contains(part) {
            return;
        }
        assert!(
            started.elapsed() < crate::support::browser::WAIT,
            "expected an address with {part}, still on {url}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn status_of(driver: &WebDriver) -> String {
    find(driver, By::Id("app-status"))
        .await
        .attr("data-status")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn current_stage(driver: &WebDriver) -> String {
    find(driver, By::Css("#stages li[aria-current='step']"))
        .await
        .attr("data-stage")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_young_person_applies_and_becomes_a_member() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let admin_id = id_aged(35, 1);
    let admin = app
        .add_person(&admin_id, "支部管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.branch, &admin).await;
    let applicant_id = id_aged(15, 2);

    let chromedriver = ChromeDriver::start();
    let phone = chromedriver.phone().await;

    // 1. From the login page to 我要入团, on a phone.
    phone.goto(app.url("/login")).await.unwrap();
    snap(&phone, "join_01_login_links").await;
    click(&phone, By::Id("join-link")).await;
    wait_for_path(&phone, "/join").await;
    assert_eq!(text_of(&phone, By::Tag("h1")).await, "我要入团");
    snap(&phone, "join_02_form").await;
    assert_fits(&phone, "/join on a phone").await;

    // 2. The form: the province, then the branch by full name, and the person.
    click(
        &phone,
        By::Css(format!("#province_id option[value='{}']", w.province.id)),
    )
    .await;
    // A short name first: not found, with the branch offered.
    type_into(&phone, "org_name", "高一1班").await;
    type_into(&phone, "id_number", &applicant_id).await;
    type_into(&phone, "name", "林小青").await;
    type_into(&phone, "password", APPLICANT_PASSWORD).await;
    type_into(&phone, "confirm", APPLICANT_PASSWORD).await;
    click(&phone, By::Css("#ethnicity option[value='汉族']")).await;
    type_into(&phone, "phone", "13812345678").await;
    type_into(&phone, "work_unit", "广州市天河区第一中学高一1班").await;
    find(&phone, By::Id("group-profile"))
        .await
        .scroll_into_view()
        .await
        .unwrap();
    snap(&phone, "join_03_form_filled").await;
    click(&phone, By::Id("apply-submit")).await;
    let err = text_of(&phone, By::Id("err-org_name")).await;
    assert!(err.contains("全称"), "{err}");
    let pick = find(
        &phone,
        By::Css(format!("#suggestions input[value='{BRANCH_FULL}']")),
    )
    .await;
    pick.scroll_into_view().await.unwrap();
    snap(&phone, "join_03b_suggestions").await;
    assert_fits(&phone, "the suggestions on a phone").await;
    pick.click().await.unwrap();
    // Passwords are never sent back: typed again.
    type_into(&phone, "password", APPLICANT_PASSWORD).await;
    type_into(&phone, "confirm", APPLICANT_PASSWORD).await;
    click(&phone, By::Id("apply-submit")).await;

    // 3. Signed in as the applicant, on the application: 待审核, at 申请入团.
    wait_for_url_containing(&phone, "done=submitted").await;
    let url = phone.current_url().await.unwrap();
    let app_path = url.path().to_string();
    assert!(app_path.starts_with("/applications/"), "{url}");
    assert_eq!(status_of(&phone).await, "pending");
    assert_eq!(current_stage(&phone).await, "applied");
    let notice = text_of(&phone, By::Id("app-notice")).await;
    assert!(notice.contains("申请已提交"), "{notice}");
    snap(&phone, "join_04_submitted").await;
    assert_fits(&phone, "the application on a phone").await;

    // 4. The branch admin, on a desktop, finds it in the inbox.
    let desk = chromedriver.desktop().await;
    submit_login(&desk, &app, &admin_id, ADMIN_PASSWORD).await;
    assert!(wait_to_leave(&desk, "/login").await.starts_with("/orgs/"));
    desk.goto(app.url("/inbox")).await.unwrap();
    click(&desk, By::Css(format!("a[href='{app_path}']"))).await;
    wait_for_path(&desk, &app_path).await;
    assert_eq!(
        text_of(&desk, By::Id("value-id_number")).await,
        applicant_id,
        "the deciding admin sees the whole ID number"
    );
    snap(&desk, "join_05_admin_applied").await;

    // 5. 入团积极分子, then 发展对象.
    for (stage, shot) in [
        ("activist", "join_06_admin_activist"),
        ("candidate", "join_07_admin_candidate"),
    ] {
        let to = find(&desk, By::Css("#advance-form input[name='to']"))
            .await
            .value()
            .await
            .unwrap();
        assert_eq!(to.as_deref(), Some(stage));
        click(&desk, By::Id("advance-submit")).await;
        wait_for_url_containing(&desk, "done=advanced").await;
        assert_eq!(current_stage(&desk).await, stage);
        snap(&desk, shot).await;
        desk.goto(app.url(&app_path)).await.unwrap();
    }
    // The applicant sees the stage.
    phone.goto(app.url(&app_path)).await.unwrap();
    assert_eq!(current_stage(&phone).await, "candidate");
    snap(&phone, "join_08_applicant_candidate").await;

    // 6. 发展为团员: a number of last year is refused on the page, with the rule's message.
    let year = today().year();
    let month = today().format("%Y-%m").to_string();
    type_into(&desk, "join_month", &month).await;
    type_into(&desk, "dev_number", &format!("{}44000002", year - 1)).await;
    snap(&desk, "join_09_admin_member_form").await;
    click(&desk, By::Id("advance-submit")).await;
    let err = text_of(&desk, By::Id("app-error")).await;
    assert!(err.contains("前四位"), "{err}");
    assert_eq!(status_of(&desk).await, "pending");
    // What was typed stays, so only the number needs fixing.
    let kept = find(&desk, By::Id("join_month"))
        .await
        .value()
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(month.as_str()));
    snap(&desk, "join_10_admin_dev_number_refused").await;
    type_into(&desk, "dev_number", &format!("{year}44000002")).await;
    click(&desk, By::Id("advance-submit")).await;
    wait_for_url_containing(&desk, "done=member").await;
    assert_eq!(status_of(&desk).await, "approved");
    assert!(
        desk.find_all(By::Id("decide")).await.unwrap().is_empty(),
        "nothing left to decide"
    );
    snap(&desk, "join_11_admin_member").await;

    // The admin's page on a phone fits too.
    let admin_phone = chromedriver.phone().await;
    submit_login(&admin_phone, &app, &admin_id, ADMIN_PASSWORD).await;
    assert!(
        wait_to_leave(&admin_phone, "/login")
            .await
            .starts_with("/orgs/")
    );
    admin_phone
        .goto(app.url(&format!("/orgs/{}/applications", w.branch.id)))
        .await
        .unwrap();
    find(&admin_phone, By::Id("application-list")).await;
    snap(&admin_phone, "join_12_admin_list_phone").await;
    assert_fits(&admin_phone, "the org's applications on a phone").await;
    admin_phone.goto(app.url(&app_path)).await.unwrap();
    snap(&admin_phone, "join_13_admin_application_phone").await;
    assert_fits(&admin_phone, "the decided application on a phone").await;
    admin_phone.quit().await.unwrap();

    // 7. The applicant: 已通过, every stage done; signing in again, a member of the branch.
    phone.goto(app.url(&app_path)).await.unwrap();
    assert_eq!(status_of(&phone).await, "approved");
    assert_eq!(current_stage(&phone).await, "member");
    let done = phone
        .find_all(By::Css("#stages li.done"))
        .await
        .unwrap()
        .len();
    assert_eq!(done, 4);
    snap(&phone, "join_14_applicant_member").await;
    assert_fits(&phone, "the approved application on a phone").await;
    phone.delete_all_cookies().await.unwrap();
    submit_login(&phone, &app, &applicant_id, APPLICANT_PASSWORD).await;
    assert!(wait_to_leave(&phone, "/login").await.starts_with("/orgs/"));
    let role = text_of(&phone, By::Css("header .role")).await;
    assert_eq!(role, format!("{BRANCH_SHORT} 团员"));
    snap(&phone, "join_15_member_home").await;
    assert_fits(&phone, "the member's home on a phone").await;

    desk.quit().await.unwrap();
    phone.quit().await.unwrap();
}

/// Waits until the element `id` (on the page the last click loads) holds `part`.
async fn wait_for_text(driver: &WebDriver, id: &str, part: &str) {
    let started = std::time::Instant::now();
    loop {
        let seen = match driver.find(By::Id(id)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if seen.contains(part) {
            return;
        }
        assert!(
            started.elapsed() < crate::support::browser::WAIT,
            "#{id} should hold {part}, holds {seen:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// 我要入团 on a phone choosing the branch step by step (issue 13): province → city → district
/// → school → branch by the form's own buttons, the name and passwords typed first kept at
/// every step, then submitted. Shots: `join_pick_*.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applicant_picks_the_branch_step_by_step() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let chromedriver = ChromeDriver::start();
    let phone = chromedriver.phone().await;
    phone.goto(app.url("/join")).await.unwrap();
    let id = id_aged(15, 61);
    type_into(&phone, "id_number", &id).await;
    type_into(&phone, "name", "逐级选").await;
    type_into(&phone, "password", APPLICANT_PASSWORD).await;
    type_into(&phone, "confirm", APPLICANT_PASSWORD).await;
    click(
        &phone,
        By::Css(format!("#province_id option[value='{}']", w.province.id)),
    )
    .await;
    click(&phone, By::Id("pick-start")).await;
    for (n, org) in [&w.city, &w.county, &w.school].into_iter().enumerate() {
        click(&phone, By::Id(format!("pick-{}", org.id))).await;
        wait_for_text(&phone, "picker-at", &org.full_name).await;
        if n == 2 {
            find(&phone, By::Id("picker"))
                .await
                .scroll_into_view()
                .await
                .unwrap();
            snap(&phone, "join_pick_school_phone").await;
            assert_fits(&phone, "the picker").await;
        }
    }
    click(&phone, By::Id(format!("pick-{}", w.branch.id))).await;
    wait_for_text(&phone, "picker-chosen", BRANCH_FULL).await;
    let org_name = find(&phone, By::Id("org_name"))
        .await
        .value()
        .await
        .unwrap();
    assert_eq!(org_name.as_deref(), Some(BRANCH_FULL));
    let password = find(&phone, By::Id("password"))
        .await
        .value()
        .await
        .unwrap();
    assert_eq!(
        password.as_deref(),
        Some(APPLICANT_PASSWORD),
        "kept at every step"
    );
    snap(&phone, "join_pick_chosen_phone").await;
    assert_fits(&phone, "the chosen branch").await;
    type_into(&phone, "phone", "13700137000").await;
    click(&phone, By::Css("#ethnicity option[value='汉族']")).await;
    click(&phone, By::Id("apply-submit")).await;
    wait_for_url_containing(&phone, "done=submitted").await;
}
