//! The member entry form's help in headless Chromium, on SQLite (issue 13): a wrong ID number
//! is said under its field as soon as the admin leaves it, the 入团年月 typed as 2025年6月
//! brings the branch's next free 发展团员编号, 填入 fills it in, and the member is saved with
//! it; on a desktop and on a phone (`members_form_*.png`), no phone page scrolling sideways.

use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_to_leave,
};
use crate::support::{Db, TestApp};
use chrono::{Datelike, Duration};
use thirtyfour::prelude::*;
use tuanjian_domain::IdNumber;
use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_store::audit::Actor;

const ADMIN_PASSWORD: &str = "Admin2024x";

fn youth(n: u32) -> String {
    IdNumber::from_first17(&format!("44010620080301{n:03}")).to_string()
}

fn adult(n: u32) -> String {
    IdNumber::from_first17(&format!("44010619800101{n:03}")).to_string()
}

/// The ID number with a wrong check character.
fn wrong_check(id: &str) -> String {
    let mut id = id.to_string();
    let last = id.pop().unwrap();
    id.push(if last == '0' { '1' } else { '0' });
    id
}

async fn click(driver: &WebDriver, by: By) {
    let e = find(driver, by).await;
    e.scroll_into_view().await.unwrap();
    e.click().await.unwrap();
}

/// Waits until `check` holds, with what was seen last for the failure.
async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = (bool, String)>,
{
    let started = std::time::Instant::now();
    loop {
        let (ok, seen) = check().await;
        if ok {
            return;
        }
        assert!(
            started.elapsed() < crate::support::browser::WAIT,
            "{what}: still {seen}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn attr(driver: &WebDriver, css: &str, name: &str) -> Option<String> {
    match driver.find(By::Css(css)).await {
        Ok(e) => e.attr(name).await.ok().flatten(),
        Err(_) => None,
    }
}

async fn value(driver: &WebDriver, id: &str) -> String {
    find(driver, By::Id(id))
        .await
        .value()
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn assert_fits(driver: &WebDriver, page: &str) {
    let (fits, sizes) = fits_viewport(driver).await;
    assert!(fits, "{page} scrolls sideways on a phone: {sizes}");
}

/// One member entered with the form's help; `proposed` is the number the form should offer.
async fn enter_with_help(driver: &WebDriver, n: u32, year: i32, proposed: &str, shots: &str) {
    type_into(driver, "name", &format!("帮填{n}")).await;
    // A wrong check character: said under the field on leaving it, before saving.
    type_into(driver, "id_number", &wrong_check(&youth(n))).await;
    click(driver, By::Id("name")).await;
    let fault = text_of(driver, By::Id("fault-id_number")).await;
    assert!(fault.contains("身份证号码"), "{fault}");
    assert_eq!(
        attr(driver, "#id_number", "aria-invalid").await.as_deref(),
        Some("true")
    );
    snap(driver, &format!("members_form_{shots}_id_fault")).await;
    // Corrected: the fault goes.
    type_into(driver, "id_number", &youth(n)).await;
    click(driver, By::Id("name")).await;
    wait_until("the ID fault to go", || async {
        let gone = driver.find(By::Id("fault-id_number")).await.is_err();
        (gone, "the fault shown".into())
    })
    .await;
    // The month as people type it; leaving it asks for that year's next free number.
    type_into(driver, "join_month", &format!("{year}年6月")).await;
    click(driver, By::Id("phone")).await;
    wait_until("the proposal for the month's year", || async {
        let v = attr(driver, "#fill-dev_number", "data-value").await;
        (v.as_deref() == Some(proposed), format!("{v:?}"))
    })
    .await;
    let said = text_of(driver, By::Id("suggest-dev_number")).await;
    assert!(said.contains(proposed), "{said}");
    find(driver, By::Id("join_month"))
        .await
        .scroll_into_view()
        .await
        .unwrap();
    snap(driver, &format!("members_form_{shots}_proposal")).await;
    click(driver, By::Id("fill-dev_number")).await;
    assert_eq!(value(driver, "dev_number").await, proposed);
    type_into(driver, "phone", "13812345678").await;
    // Leave the phone field first: its check (on blur) then runs before the click, not during
    // it (under load the page shifted between the button's press and release, and the click
    // was lost).
    click(driver, By::Id("name")).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    click(driver, By::Id("entry-submit")).await;
    wait_until("the record", || async {
        let url = driver.current_url().await.unwrap();
        let faults = match driver.find_all(By::Css(".has-fault")).await {
            Ok(found) => found.len(),
            Err(_) => 0,
        };
        (
            url.as_str().contains("created=member"),
            format!("{url} with {faults} fields marked wrong"),
        )
    })
    .await;
    let page = find(driver, By::Tag("main")).await.text().await.unwrap();
    assert!(
        page.contains(proposed),
        "the record holds the number: {page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entering_a_member_with_the_forms_help() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let year = (chrono::Utc::now() + Duration::hours(8)).year() - 1;
    let admin_id = adult(1);
    let admin = app
        .add_person(&admin_id, "校团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &admin).await;
    let province_id = adult(2);
    let province_admin = app
        .add_person(&province_id, "省团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.province, &province_admin).await;
    let mut api = app.api();
    api.login(&province_id, ADMIN_PASSWORD).await;
    let (status, body) = api
        .post(
            &format!("/api/v1/orgs/{}/dev-ranges", w.province.id),
            serde_json::json!({
                "org_id": w.city.id,
                "range": format!("{year}44000001-{year}44000050"),
            }),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    // The first number is taken already.
    let scope = app
        .store
        .admin_scope(admin.id, w.school.id)
        .await
        .unwrap()
        .unwrap();
    app.store
        .add_member(
            &Actor::default(),
            &scope,
            w.branch.id,
            &MemberInput {
                profile: ProfileInput {
                    name: "先来".into(),
                    id_number: youth(90),
                    ethnicity: "汉族".into(),
                    political_status: "共青团员".into(),
                    ..Default::default()
                },
                join_month: format!("{year}-03"),
                dev_number: format!("{year}44000001"),
                ..Default::default()
            },
            tuanjian_store::entry_faults::beijing_today(),
        )
        .await
        .unwrap();

    let chromedriver = ChromeDriver::start();
    let desk = chromedriver.desktop().await;
    let phone = chromedriver.phone().await;
    let new_member = format!("/orgs/{}/members/new", w.branch.id);
    for d in [&desk, &phone] {
        submit_login(d, &app, &admin_id, ADMIN_PASSWORD).await;
        wait_to_leave(d, "/login").await;
        d.goto(app.url(&new_member)).await.unwrap();
        find(d, By::Id("entry-form")).await;
    }
    snap(&desk, "members_form_desktop").await;
    snap(&phone, "members_form_phone").await;
    assert_fits(&phone, "the entry form").await;

    enter_with_help(&desk, 1, year, &format!("{year}44000002"), "desktop").await;
    enter_with_help(&phone, 2, year, &format!("{year}44000003"), "phone").await;
    assert_fits(&phone, "the new record").await;
    snap(&phone, "members_form_phone_saved").await;
}
