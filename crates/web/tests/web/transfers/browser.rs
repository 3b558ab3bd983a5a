//! The transfer journey in headless Chromium on phone-sized windows, on SQLite like the other
//! `browser` modules: the member starts a transfer in 个人中心 (search by part of the
//! receiving 团委's full name, pick it, reason and detail), the sending branch's admin ticks it on
//! 组织关系转接办理 and approves, the receiving 团委's admin opens it from 待办, chooses the branch and
//! approves, and the member sees the new branch. Every transfer page is shot
//! (`target/screenshots/transfer_*.png`) and none may scroll sideways at 375 px.

use thirtyfour::prelude::*;

use super::{member, status_of};
use crate::support::admin::{PW, person};
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
    wait_to_leave,
};
use crate::support::members::World;
use crate::support::{Db, TestApp};

/// Clicks the element after scrolling it into view (a phone shows little at a time).
async fn click(driver: &WebDriver, by: By) {
    let e = find(driver, by).await;
    e.scroll_into_view().await.unwrap();
    e.click().await.unwrap();
}

async fn choose(driver: &WebDriver, select: &str, value: i64) {
    click(
        driver,
        By::Css(format!("#{select} option[value='{value}']")),
    )
    .await;
}

/// Shoots the page as `transfer_{name}` and fails when it scrolls sideways.
async fn shot(driver: &WebDriver, name: &str) {
    snap(driver, &format!("transfer_{name}")).await;
    let (fits, sizes) = fits_viewport(driver).await;
    assert!(fits, "{name} scrolls sideways on a phone: {sizes}");
}

/// A phone signed in as `id_number`, on the home page (a single role is taken at once).
async fn phone_as(d: &ChromeDriver, app: &TestApp, id_number: &str) -> WebDriver {
    let phone = d.phone().await;
    submit_login(&phone, app, id_number, PW).await;
    assert!(wait_to_leave(&phone, "/login").await.starts_with("/orgs/"));
    phone
}

async fn status_shown(driver: &WebDriver) -> String {
    find(driver, By::Id("transfer-status"))
        .await
        .attr("data-status")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// The member's part: from 个人中心 to the submitted request. Returns its id.
async fn member_starts(phone: &WebDriver, world: &World) -> i64 {
    click(phone, By::Id("me-center-link")).await;
    wait_for_path(phone, "/me").await;
    shot(phone, "01_member_me").await;
    click(phone, By::Id("start-transfer")).await;
    wait_for_path(phone, "/me/transfers/new").await;
    shot(phone, "02_member_form").await;

    choose(phone, "province_id", world.w.province.id).await;
    type_into(phone, "q", "越秀区委").await;
    click(phone, By::Id("search-submit")).await;
    let candidate = format!("candidate-{}", world.w.sibling.id);
    let found = text_of(phone, By::Id(&candidate)).await;
    assert!(found.contains("共青团广州市越秀区委员会"), "{found}");
    shot(phone, "03_member_candidates").await;
    click(phone, By::Css(format!("#{candidate} input[type='radio']"))).await;

    click(phone, By::Css("#reason option[value='further_study']")).await;
    type_into(phone, "detail", "广州市越秀区某中学").await;
    shot(phone, "04_member_filled").await;
    click(phone, By::Id("transfer-submit")).await;
    let path = wait_to_leave(phone, "/me/transfers/new").await;
    let id: i64 = path
        .strip_prefix("/transfers/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("expected the new request's page, got {path}"));
    assert_eq!(status_shown(phone).await, "pending_out");
    find(phone, By::Id("transfer-notice")).await;
    find(phone, By::Id("withdraw")).await;
    shot(phone, "05_member_started").await;
    id
}

/// The sending branch's admin: 组织关系转接办理 from the branch's page, 全选, approve.
async fn sender_approves(phone: &WebDriver, app: &TestApp, world: &World, id: i64) {
    phone
        .goto(app.url(&format!("/orgs/{}", world.w.branch.id)))
        .await
        .unwrap();
    click(phone, By::Css("#org-actions a[href='/transfers?side=out']")).await;
    wait_for_path(phone, "/transfers").await;
    let row = text_of(phone, By::Id(format!("transfer-{id}"))).await;
    assert!(row.contains("广州市越秀区某中学"), "{row}");
    shot(phone, "06_sender_list").await;
    // 全选 stands above the list (a phone hides the header row) and ticks the request.
    click(phone, By::Id("tick-all")).await;
    let tick = find(
        phone,
        By::Css(format!("#transfer-{id} input[name='id'][value='{id}']")),
    )
    .await;
    assert!(tick.is_selected().await.unwrap(), "全选 ticks the request");
    click(phone, By::Id("bulk-approve")).await;
    let notice = text_of(phone, By::Id("transfer-notice")).await;
    assert!(notice.contains('1'), "{notice}");
    // It stays in 转出待审批 until the receiving side decides, no longer to be ticked.
    let row = find(
        phone,
        By::Css(format!("#transfer-{id}[data-status='pending_in']")),
    )
    .await;
    assert!(
        row.find_all(By::Css("input[type='checkbox']"))
            .await
            .unwrap()
            .is_empty(),
        "an approved request cannot be ticked again"
    );
    shot(phone, "07_sender_approved").await;
    assert_eq!(status_of(app, id).await, "pending_in");

    // The other forms an admin opens from the list, at phone width too.
    click(phone, By::Id("start-out")).await;
    wait_for_path(
        phone,
        &format!("/orgs/{}/transfers/out/new", world.w.branch.id),
    )
    .await;
    shot(phone, "08_sender_out_form").await;
}

/// The receiving 团委's admin: 待办 → the request → the branch → approve.
async fn receiver_assigns(phone: &WebDriver, app: &TestApp, world: &World, id: i64) {
    let inbox = text_of(phone, By::Id("inbox-link")).await;
    assert!(inbox.contains('1'), "{inbox}");
    click(phone, By::Id("inbox-link")).await;
    wait_for_path(phone, "/inbox").await;
    shot(phone, "09_receiver_inbox").await;
    let page = format!("/transfers/{id}");
    click(phone, By::Css(format!("#inbox-items a[href='{page}']"))).await;
    wait_for_path(phone, &page).await;
    assert_eq!(status_shown(phone).await, "pending_in");
    shot(phone, "10_receiver_request").await;

    // Approving without a branch is refused on the page; nothing changes.
    click(phone, By::Id("approve")).await;
    find(phone, By::Id("transfer-error")).await;
    shot(phone, "11_receiver_no_branch").await;
    assert_eq!(status_of(app, id).await, "pending_in");

    choose(phone, "branch_id", world.sibling_branch.id).await;
    click(phone, By::Id("approve")).await;
    find(phone, By::Css("#transfer-status[data-status='completed']")).await;
    let assigned = text_of(phone, By::Id("transfer-assigned")).await;
    assert!(
        assigned.contains(&world.sibling_branch.full_name),
        "{assigned}"
    );
    shot(phone, "12_receiver_done").await;

    phone
        .goto(app.url("/transfers?side=in&state=done"))
        .await
        .unwrap();
    find(phone, By::Id(format!("transfer-{id}"))).await;
    shot(phone, "13_receiver_done_list").await;
    phone
        .goto(app.url(&format!("/orgs/{}/transfers/in/new", world.w.sibling.id)))
        .await
        .unwrap();
    find(phone, By::Id("branch_id")).await;
    shot(phone, "14_receiver_in_form").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_moves_to_a_branch_of_another_committee_on_phones() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let (me, _) = member(&app, &world.w.branch, 31, "林转接").await;
    let receiver = person(&app, 32, "越秀接收管理员").await;
    app.make_admin(&world.w.sibling, &receiver).await;
    let d = ChromeDriver::start();

    let member_phone = phone_as(&d, &app, me.id_number.as_str()).await;
    let id = member_starts(&member_phone, &world).await;

    let sender = phone_as(&d, &app, world.branch_admin.id_number.as_str()).await;
    sender_approves(&sender, &app, &world, id).await;
    sender.quit().await.unwrap();

    let receiving = phone_as(&d, &app, receiver.id_number.as_str()).await;
    receiver_assigns(&receiving, &app, &world, id).await;
    receiving.quit().await.unwrap();

    // The member sees where their record went.
    member_phone
        .goto(app.url(&format!("/transfers/{id}")))
        .await
        .unwrap();
    assert_eq!(status_shown(&member_phone).await, "completed");
    let assigned = text_of(&member_phone, By::Id("transfer-assigned")).await;
    assert!(
        assigned.contains(&world.sibling_branch.full_name),
        "{assigned}"
    );
    assert!(
        member_phone
            .find_all(By::Id("withdraw"))
            .await
            .unwrap()
            .is_empty(),
        "a completed transfer cannot be withdrawn"
    );
    shot(&member_phone, "15_member_sees_branch").await;
    // 个人中心's 电子团员证 names the new branch, and nothing is in progress any more.
    click(&member_phone, By::Id("me-center-link")).await;
    wait_for_path(&member_phone, "/me").await;
    let card = text_of(&member_phone, By::Id("card-branch")).await;
    assert_eq!(card, world.sibling_branch.full_name);
    find(&member_phone, By::Id("no-open-transfer")).await;
    shot(&member_phone, "16_member_card_after").await;
    // Home lists the member's role in the new branch.
    member_phone.goto(app.url("/")).await.unwrap();
    let roles = text_of(&member_phone, By::Css(".roles")).await;
    assert!(roles.contains(&world.sibling_branch.full_name), "{roles}");
    shot(&member_phone, "17_member_home_after").await;
    member_phone.quit().await.unwrap();
}
