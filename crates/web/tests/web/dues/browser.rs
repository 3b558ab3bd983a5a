//! 团费 in headless Chromium: the branch admin records a month for a branch of 20 on a desktop
//! (every member ticked at once, one paying more, typed), and a member sees the month in 我的团费
//! on a phone (`target/screenshots/dues_*.png`). `record_a_month` is also the first step of the
//! issue's whole journey (`star_ratings::browser`).

use thirtyfour::prelude::*;
use tuanjian_store::people::Person;

use super::{born, current_month, member_born};
use crate::support::admin::PW;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
    wait_to_leave,
};
use crate::support::members::World;
use crate::support::{Db, TestApp};

/// Twenty members of the world's branch.
pub async fn twenty_members(app: &TestApp, world: &World) -> Vec<Person> {
    let mut members = Vec::new();
    for n in 1..=20 {
        members.push(
            member_born(
                app,
                &world.w.branch,
                n,
                born(18, n as i64),
                &format!("团员{n:02}"),
            )
            .await,
        );
    }
    members
}

/// On a desktop signed in as the branch's admin: this month recorded for every member, the
/// first paying 10 元 instead of what is due.
pub async fn record_a_month(
    desktop: &WebDriver,
    app: &TestApp,
    branch_id: i64,
    members: &[Person],
) {
    let page = format!("/orgs/{branch_id}/dues");
    desktop.goto(app.url(&page)).await.unwrap();
    wait_for_path(desktop, &page).await;
    let first = &members[0];
    find(desktop, By::Id(format!("paid-{}", first.id)))
        .await
        .click()
        .await
        .unwrap();
    type_into(desktop, &format!("amount-{}", first.id), "10").await;
    snap(desktop, "dues_branch_before").await;
    // 全部标为已缴: the rest of the branch at what is due.
    find(desktop, By::Id("all-paid"))
        .await
        .click()
        .await
        .unwrap();
    let notice = text_of(desktop, By::Id("dues-notice")).await;
    assert!(notice.contains("已保存"), "{notice}");
    assert_eq!(
        text_of(desktop, By::Id("dues-paid")).await,
        format!("{} 人", members.len())
    );
    assert_eq!(text_of(desktop, By::Id("dues-unpaid")).await, "0 人");
    let status = text_of(desktop, By::Id(format!("status-{}", first.id))).await;
    assert!(status.contains("10.00"), "{status}");
    snap(desktop, "dues_branch_recorded").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_records_a_month_and_a_member_sees_it() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let members = twenty_members(&app, &world).await;
    let chromedriver = ChromeDriver::start();
    let desktop = chromedriver.desktop().await;
    submit_login(&desktop, &app, world.branch_admin.id_number.as_str(), PW).await;
    wait_to_leave(&desktop, "/login").await;
    record_a_month(&desktop, &app, world.w.branch.id, &members).await;
    desktop.quit().await.unwrap();

    let phone = chromedriver.phone().await;
    submit_login(&phone, &app, members[1].id_number.as_str(), PW).await;
    wait_to_leave(&phone, "/login").await;
    phone.goto(app.url("/me")).await.unwrap();
    find(&phone, By::Id("my-dues-link"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&phone, "/my-dues").await;
    let month = current_month().to_string();
    let paid = text_of(&phone, By::Id(format!("paid-{month}"))).await;
    assert_eq!(paid, "3.00");
    let (fits, why) = fits_viewport(&phone).await;
    assert!(fits, "{why}");
    snap(&phone, "dues_mine_phone").await;
    phone.quit().await.unwrap();
}
