//! The 对标定级 journey in headless Chromium: a branch of 20 members records a month of 团费
//! (`dues::browser::record_a_month`); its admin fills the self-assessment on a desktop and submits; the school 团委 (its direct superior) reviews and
//! confirms on a phone; the branch's page shows its stars (`target/screenshots/star_rating_*.png`).
//! The rating's steps are one helper (`rate_the_branch`), so a longer journey (a month of dues
//! first) can run them too.

use thirtyfour::prelude::*;

use super::{FOUR_STARS, old_enough, open_this_year, root_api, year};
use crate::dues::browser::{record_a_month, twenty_members};
use crate::support::admin::PW;
use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
    wait_to_leave,
};
use crate::support::members::World;
use crate::support::{Db, TestApp};

async fn click(driver: &WebDriver, by: By) {
    find(driver, by).await.click().await.unwrap();
}

/// The rating's steps in the browser, for a branch whose round is open: the branch admin scores
/// every item (85 points) on a desktop and submits; the school admin confirms on a phone,
/// lowering one item by 5 (80: still four stars); the branch's page shows ★★★★.
pub async fn rate_the_branch(app: &TestApp, world: &World, chromedriver: &ChromeDriver) {
    let b = world.w.branch.id;
    let page = format!("/orgs/{b}/star-ratings");

    let desktop = chromedriver.desktop().await;
    submit_login(&desktop, app, world.branch_admin.id_number.as_str(), PW).await;
    wait_to_leave(&desktop, "/login").await;
    // From the branch's menu.
    desktop.goto(app.url(&format!("/orgs/{b}"))).await.unwrap();
    wait_for_path(&desktop, &format!("/orgs/{b}")).await;
    click(
        &desktop,
        By::Css(format!("nav#org-actions a[href='{page}']")),
    )
    .await;
    wait_for_path(&desktop, &page).await;
    for (i, score) in FOUR_STARS.iter().enumerate() {
        let n = i + 1;
        type_into(&desktop, &format!("score-{n}"), &score.to_string()).await;
        type_into(
            &desktop,
            &format!("note-{n}"),
            &format!("第{n}项对照标准逐条落实"),
        )
        .await;
    }
    click(&desktop, By::Id("save-scores")).await;
    let notice = text_of(&desktop, By::Id("rating-notice")).await;
    assert!(notice.contains("草稿"), "{notice}");
    assert!(
        text_of(&desktop, By::Id("self-total"))
            .await
            .starts_with("85 / 100 分"),
        "the total is shown"
    );
    assert_eq!(
        text_of(&desktop, By::Id("self-stars")).await,
        "★★★★ 四星级团支部"
    );
    snap(&desktop, "star_rating_branch_desktop").await;
    click(&desktop, By::Id("submit-rating")).await;
    let notice = text_of(&desktop, By::Id("rating-notice")).await;
    assert!(notice.contains("已提交"), "{notice}");
    desktop.quit().await.unwrap();

    let phone = chromedriver.phone().await;
    submit_login(&phone, app, world.school_admin.id_number.as_str(), PW).await;
    wait_to_leave(&phone, "/login").await;
    let progress = format!("/orgs/{}/star-ratings/progress", world.w.school.id);
    phone.goto(app.url(&progress)).await.unwrap();
    wait_for_path(&phone, &progress).await;
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(
        fits,
        "the progress page scrolls sideways on a phone: {sizes}"
    );
    click(&phone, By::Css(format!("#child-{b} a"))).await;
    wait_for_path(&phone, &page).await;
    let last = FOUR_STARS.len();
    let lowered = (FOUR_STARS[last - 1] - 5).to_string();
    let field = find(&phone, By::Id(format!("reviewed-{last}"))).await;
    field.clear().await.unwrap();
    field.send_keys(&lowered).await.unwrap();
    snap(&phone, "star_rating_review_phone").await;
    let (fits, sizes) = fits_viewport(&phone).await;
    assert!(fits, "the review scrolls sideways on a phone: {sizes}");
    click(&phone, By::Id("confirm-rating")).await;
    let notice = text_of(&phone, By::Id("rating-notice")).await;
    assert!(notice.contains("已审核确认"), "{notice}");
    let stars = text_of(&phone, By::Id("confirmed-stars")).await;
    assert!(
        stars.contains("★★★★ 四星级团支部") && stars.contains("80"),
        "{stars}"
    );
    // The branch's own page.
    phone.goto(app.url(&format!("/orgs/{b}"))).await.unwrap();
    wait_for_path(&phone, &format!("/orgs/{b}")).await;
    assert_eq!(
        text_of(&phone, By::Id("org-stars")).await,
        format!("{}年度对标定级：★★★★ 四星级团支部", year())
    );
    snap(&phone, "star_rating_branch_page_phone").await;
    phone.quit().await.unwrap();
}

/// Issue 16's journey: a branch of 20 records a month of dues on a desktop, then fills its
/// self-assessment; its superior confirms it on a phone; the branch's page shows its stars.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_records_its_dues_and_is_rated_four_stars() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let members = twenty_members(&app, &world).await;
    let root = root_api(&app).await;
    open_this_year(&root).await;
    old_enough(&app, world.w.branch.id).await;
    let chromedriver = ChromeDriver::start();
    let desktop = chromedriver.desktop().await;
    submit_login(&desktop, &app, world.branch_admin.id_number.as_str(), PW).await;
    wait_to_leave(&desktop, "/login").await;
    record_a_month(&desktop, &app, world.w.branch.id, &members).await;
    desktop.quit().await.unwrap();
    rate_the_branch(&app, &world, &chromedriver).await;
}
