//! Issue 3's journey in headless Chromium, on SQLite: a county committee's admin creates a
//! 团支部 and copies its registration code from the page; a new admin registers with it,
//! lands on 完善组织信息 and names a new 书记; the county's admin fills in the 行业类别 (only
//! the direct superior may); the 书记 signs in with the initial password and must change it.
//! Screenshots of every step go to `target/screenshots/setup_*.png`.

use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
    wait_to_leave,
};
use crate::support::{Db, TestApp};
use thirtyfour::prelude::*;
use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};

const COUNTY_ADMIN_PASSWORD: &str = "County2024a";
const NEW_ADMIN_PASSWORD: &str = "Branch2024a";
const SECRETARY_NEW_PASSWORD: &str = "Shuji2024a";
const BRANCH_SHORT: &str = "星火社区团支部";
const BRANCH_FULL: &str = "共青团广州市天河区星火社区支部委员会";
/// 国有企业: not a school, so no 学校机构编号 is asked for.
const INDUSTRY: &str = "08GYQY";

/// A valid ID number, different for each `n`.
fn id(n: u32) -> String {
    IdNumber::from_first17(&format!("44010619920315{n:03}"))
        .as_str()
        .to_string()
}

/// The initial password: the last 8 characters of the ID number.
fn initial_password(id: &str) -> String {
    id[id.len() - 8..].to_string()
}

/// Fails with the widths when the page scrolls sideways.
async fn assert_fits(driver: &WebDriver, page: &str) {
    let (fits, sizes) = fits_viewport(driver).await;
    assert!(fits, "{page} scrolls sideways: {sizes}");
}

/// Waits until the address (path and query) contains `part`: the page after a redirect.
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

async fn click(driver: &WebDriver, by: By) {
    find(driver, by).await.click().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn branch_created_registered_completed_and_secretary_signs_in() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let gd = app.province("团广东省委").await;
    let city = app
        .add_org(
            &gd,
            OrgLevel::Municipal,
            OrgKind::Committee,
            "团广州市委",
            "共青团广州市委员会",
        )
        .await;
    let county = app
        .add_org(
            &city,
            OrgLevel::County,
            OrgKind::Committee,
            "团天河区委",
            "共青团广州市天河区委员会",
        )
        .await;
    let county_admin_id = id(1);
    let county_admin = app
        .add_person(&county_admin_id, "区委管理员", Some(COUNTY_ADMIN_PASSWORD))
        .await;
    app.make_admin(&county, &county_admin).await;
    let new_admin_id = id(2);
    let secretary_id = id(3);
    for fresh in [&new_admin_id, &secretary_id] {
        let known = app
            .store
            .person_by_id_number(&IdNumber::parse(fresh).unwrap())
            .await
            .unwrap();
        assert!(known.is_none(), "{fresh} must be new to the system");
    }

    let chromedriver = ChromeDriver::start();
    let superior = chromedriver.desktop().await;

    // 1. The county's admin signs in (one role: acting in it at once) and opens its page.
    submit_login(&superior, &app, &county_admin_id, COUNTY_ADMIN_PASSWORD).await;
    assert!(
        wait_to_leave(&superior, "/login")
            .await
            .starts_with("/orgs/")
    );
    superior
        .goto(app.url(&format!("/orgs/{}", county.id)))
        .await
        .unwrap();
    assert_eq!(
        text_of(&superior, By::Id("org-name")).await,
        "共青团广州市天河区委员会"
    );
    snap(&superior, "setup_01_superior_org").await;

    // 2. 创建下级组织: the action links have no ids; they are picked by their href.
    let create_path = format!("/orgs/{}/children/new", county.id);
    click(
        &superior,
        By::Css(format!("#org-actions a[href='{create_path}']")),
    )
    .await;
    wait_for_path(&superior, &create_path).await;
    // Under a county committee only grassroots organisations stand: no level to choose.
    assert!(superior.find_all(By::Id("level")).await.unwrap().is_empty());
    type_into(&superior, "short_name", BRANCH_SHORT).await;
    type_into(&superior, "full_name", BRANCH_FULL).await;
    click(&superior, By::Css("#kind option[value='01TZB']")).await;
    snap(&superior, "setup_02_create_form").await;
    click(&superior, By::Id("create-submit")).await;

    // 3. The code page of the new branch: copy the code shown.
    let code = text_of(&superior, By::Id("reg-code")).await;
    let url = superior.current_url().await.unwrap();
    let branch_id: i64 = url
        .path()
        .strip_prefix("/orgs/")
        .and_then(|rest| rest.strip_suffix("/code"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("expected the new branch's code page, got {url}"));
    let branch = app.store.org(branch_id).await.unwrap();
    assert_eq!(branch.parent_id, Some(county.id));
    assert_eq!(branch.kind, OrgKind::Branch);
    assert_eq!(branch.full_name, BRANCH_FULL);
    let notice = text_of(&superior, By::Id("code-notice")).await;
    assert!(notice.contains("组织已创建"), "{notice}");
    let state = find(&superior, By::Id("code-state")).await;
    assert_eq!(
        state.attr("data-state").await.unwrap().as_deref(),
        Some("active")
    );
    assert_eq!(code.len(), 14, "ABCD-EFGH-JKMN, got {code:?}");
    snap(&superior, "setup_03_code").await;

    // 4. The new admin, in a browser of their own, registers with the code from the login
    // page's 管理员注册 link.
    let new_admin = chromedriver.desktop().await;
    new_admin.goto(app.url("/login")).await.unwrap();
    click(&new_admin, By::Id("admin-register-link")).await;
    wait_for_path(&new_admin, "/register/admin").await;
    type_into(&new_admin, "code", &code).await;
    type_into(&new_admin, "id_number", &new_admin_id).await;
    type_into(&new_admin, "name", "陈新").await;
    type_into(&new_admin, "mobile", "13912345678").await;
    type_into(&new_admin, "password", NEW_ADMIN_PASSWORD).await;
    type_into(&new_admin, "confirm", NEW_ADMIN_PASSWORD).await;
    snap(&new_admin, "setup_04_register").await;
    click(&new_admin, By::Id("register-submit")).await;

    // 5. Straight to 完善组织信息, as the branch's admin.
    let info_path = format!("/orgs/{branch_id}/info");
    wait_for_path(&new_admin, &info_path).await;
    assert_eq!(
        text_of(&new_admin, By::Id("org-full-name")).await,
        BRANCH_FULL
    );
    let role = text_of(&new_admin, By::Css("header .role")).await;
    assert_eq!(role, format!("{BRANCH_SHORT} 管理员"));
    let complete = find(&new_admin, By::Id("completeness")).await;
    assert_eq!(
        complete.attr("data-complete").await.unwrap().as_deref(),
        Some("0")
    );
    // The own admin fills or asks to change names, kind and 行业类别 too (seed, question 7).
    let hint = text_of(&new_admin, By::Id("own-edit-hint")).await;
    assert!(
        hint.contains("包括组织简称、全称、类别和行业类别"),
        "{hint}"
    );
    assert!(
        !new_admin
            .find_all(By::Id("f-industry"))
            .await
            .unwrap()
            .is_empty(),
        "the own admin has the industry field"
    );
    snap(&new_admin, "setup_05_info_new_admin").await;

    // 6. A new 书记: name, an ID number not in the system, a mobile.
    type_into(&new_admin, "f-secretary_name", "林书记").await;
    type_into(&new_admin, "f-secretary_id_number", &secretary_id).await;
    type_into(&new_admin, "f-secretary_phone", "13700001111").await;
    click(&new_admin, By::Id("info-submit")).await;
    wait_for_url_containing(&new_admin, "applied=").await;
    wait_for_path(&new_admin, &info_path).await;
    let applied = text_of(&new_admin, By::Id("notice-1")).await;
    assert!(applied.contains("已保存并立即生效"), "{applied}");
    assert_eq!(
        text_of(&new_admin, By::Id("secretary-name")).await,
        "林书记"
    );
    assert_eq!(
        text_of(&new_admin, By::Id("secretary-mobile")).await,
        "13700001111"
    );
    let masked = text_of(&new_admin, By::Id("secretary-id")).await;
    assert_ne!(masked, secretary_id, "the ID number is shown masked");
    // Only the industry is left.
    let missing = text_of(&new_admin, By::Id("missing")).await;
    assert!(missing.contains("单位所属行业类别"), "{missing}");
    assert!(!missing.contains("书记"), "{missing}");
    snap(&new_admin, "setup_06_info_secretary_saved").await;

    // 7. The same admin on a phone: the registration form and the information page fit.
    let phone = chromedriver.phone().await;
    phone
        .goto(app.url(&format!("/register/admin?code={code}")))
        .await
        .unwrap();
    let prefilled = find(&phone, By::Id("code")).await.value().await.unwrap();
    assert_eq!(prefilled.as_deref(), Some(code.as_str()));
    snap(&phone, "setup_07_phone_register").await;
    assert_fits(&phone, "/register/admin on a phone").await;
    submit_login(&phone, &app, &new_admin_id, NEW_ADMIN_PASSWORD).await;
    assert!(wait_to_leave(&phone, "/login").await.starts_with("/orgs/"));
    phone.goto(app.url(&info_path)).await.unwrap();
    find(&phone, By::Id("secretary-name")).await;
    snap(&phone, "setup_08_phone_info").await;
    assert_fits(&phone, "the information page on a phone").await;
    find(&phone, By::Id("info-edit"))
        .await
        .scroll_into_view()
        .await
        .unwrap();
    snap(&phone, "setup_09_phone_info_form").await;

    // 8. The county's admin, the direct superior, fills in the 行业类别 on the same page.
    superior.goto(app.url(&info_path)).await.unwrap();
    click(
        &superior,
        By::Css(format!("#f-industry option[value='{INDUSTRY}']")),
    )
    .await;
    snap(&superior, "setup_10_superior_info_form").await;
    click(&superior, By::Id("info-submit")).await;
    wait_for_url_containing(&superior, "applied=").await;
    let applied = text_of(&superior, By::Id("notice-1")).await;
    assert!(applied.contains("单位所属行业类别"), "{applied}");
    assert_eq!(
        text_of(&superior, By::Id("fact-industry")).await,
        "国有企业"
    );
    let complete = find(&superior, By::Id("completeness")).await;
    assert_eq!(
        complete.attr("data-complete").await.unwrap().as_deref(),
        Some("1")
    );
    snap(&superior, "setup_11_superior_info_saved").await;

    // The code is used up.
    superior
        .goto(app.url(&format!("/orgs/{branch_id}/code")))
        .await
        .unwrap();
    let state = find(&superior, By::Id("code-state")).await;
    assert_eq!(
        state.attr("data-state").await.unwrap().as_deref(),
        Some("used")
    );
    snap(&superior, "setup_12_code_used").await;

    // The branch's admin sees it complete.
    phone.refresh().await.unwrap();
    let complete = find(&phone, By::Id("completeness")).await;
    assert_eq!(
        complete.attr("data-complete").await.unwrap().as_deref(),
        Some("1")
    );
    snap(&phone, "setup_13_phone_info_complete").await;
    assert_fits(&phone, "the complete information page on a phone").await;
    phone.quit().await.unwrap();

    // 9. The 书记 signs in on the new admin's computer (cookies gone) with the initial
    // password and must change it first.
    new_admin.delete_all_cookies().await.unwrap();
    new_admin.goto(app.url("/")).await.unwrap();
    wait_for_path(&new_admin, "/login").await;
    let password = initial_password(&secretary_id);
    submit_login(&new_admin, &app, &secretary_id, &password).await;
    wait_for_path(&new_admin, "/password").await;
    let notice = text_of(&new_admin, By::Id("forced-notice")).await;
    assert!(notice.contains("初始密码"), "{notice}");
    snap(&new_admin, "setup_14_secretary_forced_password").await;

    type_into(&new_admin, "current", &password).await;
    type_into(&new_admin, "new_password", SECRETARY_NEW_PASSWORD).await;
    type_into(&new_admin, "confirm", SECRETARY_NEW_PASSWORD).await;
    click(&new_admin, By::Id("password-submit")).await;
    let home = wait_to_leave(&new_admin, "/password").await;
    assert_eq!(home, "/");
    let body = text_of(&new_admin, By::Tag("main")).await;
    assert!(body.contains("密码已修改"), "{body}");
    assert!(body.contains(BRANCH_SHORT), "the 书记's role: {body}");
    let role = text_of(&new_admin, By::Css("header .role")).await;
    assert_eq!(role, format!("{BRANCH_SHORT} 书记"));
    snap(&new_admin, "setup_15_secretary_home").await;

    new_admin.quit().await.unwrap();
    superior.quit().await.unwrap();
}
