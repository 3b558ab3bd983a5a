//! The members journey in headless Chromium, on SQLite. A school committee's admin enters a
//! member into one of its 团支部 (faults shown beside their fields first, the form refilled),
//! a second member and a cadre; finds them in 团员列表 (masked ID numbers, a name filter,
//! sorting, a second page); edits a record and files a name correction that the province's
//! admin approves from 待办; the new member signs in with the initial password and must change
//! it. Every step is shot on a desktop and on a phone (`target/screenshots/members_*.png`),
//! and no phone page may scroll sideways.

use crate::support::browser::{
    ChromeDriver, find, fits_viewport, snap, submit_login, text_of, type_into, wait_for_path,
    wait_to_leave,
};
use crate::support::{Db, TestApp};
use chrono::{Duration, NaiveDate};
use thirtyfour::prelude::*;
use tuanjian_domain::IdNumber;
use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_store::audit::Actor;

pub(super) const ADMIN_PASSWORD: &str = "Admin2024x";
const MEMBER_PASSWORD: &str = "Tuanyuan2024x";
const BRANCH_SHORT: &str = "高一1班团支部";
/// Members entered in setup, so the list has a second page (20 a page).
pub(super) const SEEDED: u32 = 25;
/// Names for the seeded members: none shares a character with 王小明 or 李华.
const SEEDED_NAMES: [&str; 5] = ["陈", "刘", "赵", "黄", "周"];
const GIVEN: [&str; 5] = ["一", "二", "三", "四", "五"];

pub(super) fn today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

/// A pupil born 2008-03-01 (13 before joining in 2022), different for each `n`.
pub(super) fn youth(n: u32) -> String {
    IdNumber::from_first17(&format!("44010620080301{n:03}")).to_string()
}

pub(super) fn adult(n: u32) -> String {
    IdNumber::from_first17(&format!("44010619800101{n:03}")).to_string()
}

pub(super) fn masked(id: &str) -> String {
    IdNumber::parse(id).unwrap().masked()
}

pub(super) async fn assert_fits(driver: &WebDriver, page: &str) {
    let (fits, sizes) = fits_viewport(driver).await;
    assert!(fits, "{page} scrolls sideways on a phone: {sizes}");
}

pub(super) async fn click(driver: &WebDriver, by: By) {
    let e = find(driver, by).await;
    e.scroll_into_view().await.unwrap();
    e.click().await.unwrap();
}

async fn value_of(driver: &WebDriver, id: &str) -> String {
    find(driver, By::Id(id))
        .await
        .value()
        .await
        .unwrap()
        .unwrap_or_default()
}

pub(super) async fn choose(driver: &WebDriver, select: &str, option: &str) {
    click(
        driver,
        By::Css(format!("#{select} option[value='{option}']")),
    )
    .await;
}

/// Waits until the address contains `part`.
pub(super) async fn wait_for_url_containing(driver: &WebDriver, part: &str) {
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

/// Shoots the page, scrolled to `by`, and (on a phone) checks it fits.
async fn shot_at(driver: &WebDriver, by: By, name: &str, phone: bool) {
    find(driver, by).await.scroll_into_view().await.unwrap();
    snap(driver, name).await;
    if phone {
        assert_fits(driver, name).await;
    }
}

/// The visible rows of the member table: (person id, name, masked ID, join month).
pub(super) async fn member_rows(driver: &WebDriver) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for row in driver
        .find_all(By::Css("#members tbody tr[id^='member-']"))
        .await
        .unwrap()
    {
        let id = row.attr("id").await.unwrap().unwrap_or_default();
        // The tick box has a cell of its own; read the data cells.
        let cells = row.find_all(By::Css("td:not(.tick)")).await.unwrap();
        let mut text = Vec::new();
        for c in &cells {
            text.push(c.text().await.unwrap());
        }
        out.push((
            id.trim_start_matches("member-").to_string(),
            text[0].clone(),
            text[1].clone(),
            text[3].clone(),
        ));
    }
    out
}

/// Types each (field id, text) into the form; fields not named keep what they hold.
async fn fill_member(driver: &WebDriver, fields: &[(&str, &str)]) {
    for (key, value) in fields {
        type_into(driver, key, value).await;
    }
}

/// 25 members of the branch entered through the store, joining in 2022.
pub(super) async fn seed_members(app: &TestApp, admin_id: i64, w: &crate::support::Guangzhou) {
    let scope = app
        .store
        .admin_scope(admin_id, w.school.id)
        .await
        .unwrap()
        .unwrap();
    for n in 0..SEEDED {
        let name = format!(
            "{}{}{}",
            SEEDED_NAMES[(n / 5) as usize],
            GIVEN[(n % 5) as usize],
            if n % 2 == 0 { "明" } else { "红" }
        );
        let input = MemberInput {
            profile: ProfileInput {
                name,
                id_number: youth(100 + n),
                ethnicity: "汉族".into(),
                political_status: "共青团员".into(),
                ..Default::default()
            },
            join_month: "2022-05".into(),
            dev_number: format!("2022440001{n:02}"),
            ..Default::default()
        };
        app.store
            .add_member(&Actor::default(), &scope, w.branch.id, &input, today())
            .await
            .unwrap_or_else(|e| panic!("seed member {n}: {e:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn school_admin_enters_lists_edits_and_corrects_members() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let school_id = adult(1);
    let school_admin = app
        .add_person(&school_id, "校团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &school_admin).await;
    let province_id = adult(2);
    let province_admin = app
        .add_person(&province_id, "省团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.province, &province_admin).await;
    seed_members(&app, school_admin.id, &w).await;

    let chromedriver = ChromeDriver::start();
    let desk = chromedriver.desktop().await;
    let phone = chromedriver.phone().await;
    for d in [&desk, &phone] {
        submit_login(d, &app, &school_id, ADMIN_PASSWORD).await;
        assert!(wait_to_leave(d, "/login").await.starts_with("/orgs/"));
    }

    // 1. From the school's page to the branch's, then 录入团员.
    let branch_page = format!("/orgs/{}", w.branch.id);
    let new_member = format!("/orgs/{}/members/new", w.branch.id);
    desk.goto(app.url(&format!("/orgs/{}", w.school.id)))
        .await
        .unwrap();
    click(&desk, By::Css(format!("#children a[href='{branch_page}']"))).await;
    wait_for_path(&desk, &branch_page).await;
    snap(&desk, "members_01_branch_desktop").await;
    phone.goto(app.url(&branch_page)).await.unwrap();
    snap(&phone, "members_01_branch_phone").await;
    assert_fits(&phone, "the branch page").await;
    click(
        &desk,
        By::Css(format!("#org-actions a[href='{new_member}']")),
    )
    .await;
    wait_for_path(&desk, &new_member).await;
    assert_eq!(text_of(&desk, By::Tag("h1")).await, "录入团员");
    let intro = text_of(&desk, By::Id("entry-intro")).await;
    assert!(intro.contains("初始密码为身份证号码后8位"), "{intro}");
    snap(&desk, "members_02_form_desktop").await;

    // Faults: no name, a number of 2022 for a member joining in 2023, a short phone number.
    let first_id = youth(1);
    fill_member(
        &desk,
        &[
            ("id_number", &first_id),
            ("join_month", "2023-09"),
            ("dev_number", "202244000201"),
            ("phone", "1381234"),
            ("work_unit", "广州市天河区第一中学"),
        ],
    )
    .await;
    choose(&desk, "full_time_education", "初中").await;
    snap(&desk, "members_03_form_filled_desktop").await;
    click(&desk, By::Id("entry-submit")).await;
    let summary = text_of(&desk, By::Id("entry-faults")).await;
    assert!(summary.contains("有 3 处需要修改"), "{summary}");
    for (field, says) in [
        ("name", "姓名"),
        ("dev_number", "前四位"),
        ("phone", "手机号码"),
    ] {
        let msg = text_of(&desk, By::Id(format!("fault-{field}"))).await;
        assert!(msg.contains(says), "{field}: {msg}");
    }
    // What was typed stays, selects included.
    assert_eq!(value_of(&desk, "id_number").await, first_id);
    assert_eq!(value_of(&desk, "join_month").await, "2023-09");
    assert_eq!(value_of(&desk, "full_time_education").await, "初中");
    snap(&desk, "members_04_faults_desktop").await;
    shot_at(
        &desk,
        By::Id("fault-dev_number"),
        "members_04b_faults_desktop",
        false,
    )
    .await;

    // The same faults on the phone.
    phone.goto(app.url(&new_member)).await.unwrap();
    snap(&phone, "members_02_form_phone").await;
    assert_fits(&phone, "the entry form").await;
    fill_member(
        &phone,
        &[
            ("id_number", &youth(2)),
            ("join_month", "2023-09"),
            ("dev_number", "202244000202"),
            ("phone", "1381234"),
        ],
    )
    .await;
    click(&phone, By::Id("entry-submit")).await;
    find(&phone, By::Id("entry-faults")).await;
    snap(&phone, "members_04_faults_phone").await;
    assert_fits(&phone, "the entry form with faults").await;
    shot_at(
        &phone,
        By::Id("fault-name"),
        "members_04b_faults_phone",
        true,
    )
    .await;
    shot_at(
        &phone,
        By::Id("fault-dev_number"),
        "members_04c_faults_phone",
        true,
    )
    .await;

    // Fixed on the desktop: the record, with the account and its initial password.
    fill_member(
        &desk,
        &[
            ("name", "王小明"),
            ("dev_number", "202344000201"),
            ("phone", "13812345678"),
        ],
    )
    .await;
    click(&desk, By::Id("entry-submit")).await;
    wait_for_url_containing(&desk, "created=member").await;
    let first_record = desk.current_url().await.unwrap().path().to_string();
    assert!(first_record.starts_with("/members/"), "{first_record}");
    let first_person = first_record.trim_start_matches("/members/").to_string();
    let notice = text_of(&desk, By::Id("record-notice")).await;
    assert!(
        notice.contains("账号已开通")
            && notice.contains("初始密码为身份证号码后8位")
            && notice.contains(&format!("初始密码是 {}", &first_id[10..])),
        "{notice}"
    );
    assert_eq!(text_of(&desk, By::Id("record-name")).await, "王小明");
    assert_eq!(text_of(&desk, By::Id("record-id-number")).await, first_id);
    let membership = text_of(&desk, By::Id("membership")).await;
    assert!(
        membership.contains("202344000201") && membership.contains("2023-09"),
        "{membership}"
    );
    snap(&desk, "members_05_record_desktop").await;

    // 2. The second member: the phone's refilled form, fixed; then a cadre of the branch.
    let second_id = youth(2);
    assert_eq!(value_of(&phone, "id_number").await, second_id);
    fill_member(
        &phone,
        &[
            ("name", "李华"),
            ("dev_number", "202344000202"),
            ("phone", "13912345678"),
        ],
    )
    .await;
    click(&phone, By::Id("entry-submit")).await;
    wait_for_url_containing(&phone, "created=member").await;
    assert_eq!(text_of(&phone, By::Id("record-name")).await, "李华");
    snap(&phone, "members_06_second_record_phone").await;
    assert_fits(&phone, "the second record").await;
    phone.goto(app.url(&first_record)).await.unwrap();
    snap(&phone, "members_05_record_phone").await;
    assert_fits(&phone, "the record").await;
    shot_at(
        &phone,
        By::Id("membership"),
        "members_05b_record_phone",
        true,
    )
    .await;

    let new_cadre = format!("/orgs/{}/cadres/new", w.branch.id);
    desk.goto(app.url(&branch_page)).await.unwrap();
    click(
        &desk,
        By::Css(format!("#org-actions a[href='{new_cadre}']")),
    )
    .await;
    wait_for_path(&desk, &new_cadre).await;
    assert_eq!(text_of(&desk, By::Tag("h1")).await, "录入团干部");
    let cadre_id = adult(3);
    fill_member(
        &desk,
        &[
            ("name", "陈老师"),
            ("id_number", &cadre_id),
            ("post_since", "2023-09"),
            ("phone", "13712345678"),
        ],
    )
    .await;
    choose(&desk, "post", "书记").await;
    choose(&desk, "cadre_nature", "兼职").await;
    choose(&desk, "political_status", "中共党员").await;
    snap(&desk, "members_07_cadre_form_desktop").await;
    click(&desk, By::Id("entry-submit")).await;
    wait_for_url_containing(&desk, "created=cadre").await;
    let posts = text_of(&desk, By::Id("posts")).await;
    assert!(posts.contains("书记"), "{posts}");
    snap(&desk, "members_08_cadre_record_desktop").await;
    phone.goto(app.url(&new_cadre)).await.unwrap();
    snap(&phone, "members_07_cadre_form_phone").await;
    assert_fits(&phone, "the cadre form").await;
    phone
        .goto(app.url(desk.current_url().await.unwrap().path()))
        .await
        .unwrap();
    snap(&phone, "members_08_cadre_record_phone").await;
    assert_fits(&phone, "the cadre's record").await;
    let cadres = format!("/orgs/{}/cadres", w.school.id);
    phone.goto(app.url(&cadres)).await.unwrap();
    let row = text_of(&phone, By::Css("#cadres tbody tr")).await;
    assert!(
        row.contains("陈老师") && row.contains(&masked(&cadre_id)),
        "{row}"
    );
    snap(&phone, "members_09_cadres_phone").await;
    assert_fits(&phone, "the cadre list").await;

    // 3. 团员列表 from the school's page: every member, ID numbers masked.
    let list = format!("/orgs/{}/members", w.school.id);
    desk.goto(app.url(&format!("/orgs/{}", w.school.id)))
        .await
        .unwrap();
    click(&desk, By::Css(format!("#org-actions a[href='{list}']"))).await;
    wait_for_path(&desk, &list).await;
    let total = text_of(&desk, By::Id("member-total")).await;
    assert!(total.contains(&(SEEDED + 2).to_string()), "{total}");
    assert_eq!(member_rows(&desk).await.len(), 20, "20 a page");
    snap(&desk, "members_10_list_desktop").await;
    // By name.
    type_into(&desk, "f-name", "王小明").await;
    click(&desk, By::Id("f-submit")).await;
    wait_for_url_containing(&desk, "name=").await;
    let rows = member_rows(&desk).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, first_person);
    assert_eq!(rows[0].2, masked(&first_id));
    assert!(!rows[0].2.contains(&first_id[6..14]), "birth date hidden");
    snap(&desk, "members_11_filtered_desktop").await;
    // Newest first: the two entered today lead.
    type_into(&desk, "f-name", "").await;
    choose(&desk, "f-sort", "join_desc").await;
    click(&desk, By::Id("f-submit")).await;
    wait_for_url_containing(&desk, "sort=join_desc").await;
    let rows = member_rows(&desk).await;
    let top: Vec<(&str, &str)> = rows[..2]
        .iter()
        .map(|r| (r.2.as_str(), r.3.as_str()))
        .collect();
    assert!(
        top.contains(&(masked(&first_id).as_str(), "2023-09")),
        "{rows:?}"
    );
    assert!(
        top.contains(&(masked(&second_id).as_str(), "2023-09")),
        "{rows:?}"
    );
    assert!(rows[2..].iter().all(|r| r.3 == "2022-05"), "{rows:?}");
    // Oldest first: they fall to the second page.
    choose(&desk, "f-sort", "join_asc").await;
    click(&desk, By::Id("f-submit")).await;
    wait_for_url_containing(&desk, "sort=join_asc").await;
    let rows = member_rows(&desk).await;
    assert!(rows.iter().all(|r| r.3 == "2022-05"), "{rows:?}");
    assert_eq!(text_of(&desk, By::Id("page-of")).await, "第 1 / 2 页");
    click(&desk, By::Id("next-page")).await;
    wait_for_url_containing(&desk, "page=2").await;
    assert_eq!(text_of(&desk, By::Id("page-of")).await, "第 2 / 2 页");
    let rows = member_rows(&desk).await;
    assert_eq!(rows.len(), (SEEDED + 2 - 20) as usize);
    assert_eq!(
        rows.last().unwrap().3,
        "2023-09",
        "the sort holds across pages"
    );
    assert_eq!(value_of(&desk, "f-sort").await, "join_asc");
    snap(&desk, "members_12_page2_desktop").await;
    shot_at(&desk, By::Id("page-of"), "members_12b_page2_desktop", false).await;

    phone.goto(app.url(&list)).await.unwrap();
    snap(&phone, "members_10_list_phone").await;
    assert_fits(&phone, "the member list").await;
    shot_at(&phone, By::Id("members"), "members_10b_list_phone", true).await;
    shot_at(
        &phone,
        By::Id("page-of"),
        "members_10c_list_pager_phone",
        true,
    )
    .await;

    // 4. The record's edit: the phone number changes; name and ID number are read-only.
    desk.goto(app.url(&format!("{list}?name=王小明")))
        .await
        .unwrap();
    click(&desk, By::Css(format!("#member-{first_person} a"))).await;
    wait_for_path(&desk, &first_record).await;
    click(&desk, By::Id("edit-link")).await;
    wait_for_path(&desk, &format!("{first_record}/edit")).await;
    for id in ["name", "id_number"] {
        let e = find(&desk, By::Id(id)).await;
        assert!(
            e.attr("readonly").await.unwrap().is_some(),
            "{id} is read-only"
        );
    }
    assert_eq!(value_of(&desk, "name").await, "王小明");
    snap(&desk, "members_13_edit_desktop").await;
    phone
        .goto(app.url(&format!("{first_record}/edit")))
        .await
        .unwrap();
    snap(&phone, "members_13_edit_phone").await;
    assert_fits(&phone, "the edit form").await;
    type_into(&desk, "phone", "13800001111").await;
    click(&desk, By::Id("entry-submit")).await;
    wait_for_url_containing(&desk, "saved=1").await;
    assert_eq!(text_of(&desk, By::Id("record-notice")).await, "已保存。");
    let facts = text_of(&desk, By::Css(".card .facts")).await;
    assert!(facts.contains("13800001111"), "{facts}");
    snap(&desk, "members_14_saved_desktop").await;

    // 申请更正 from the edit page: the name was typed wrong.
    desk.goto(app.url(&format!("{first_record}/edit")))
        .await
        .unwrap();
    click(&desk, By::Id("correction-link")).await;
    wait_for_path(&desk, &format!("{first_record}/corrections/new")).await;
    assert_eq!(text_of(&desk, By::Id("current-name")).await, "王小明");
    snap(&desk, "members_15_correction_form_desktop").await;
    phone
        .goto(app.url(&format!("{first_record}/corrections/new")))
        .await
        .unwrap();
    snap(&phone, "members_15_correction_form_phone").await;
    assert_fits(&phone, "the correction form").await;
    type_into(&desk, "new_name", "王晓明").await;
    type_into(&desk, "reason", "录入时姓名错字，以户口簿为准").await;
    click(&desk, By::Id("correction-submit")).await;
    wait_for_url_containing(&desk, "corrected=1").await;
    let notice = text_of(&desk, By::Id("record-notice")).await;
    assert!(notice.contains("省级团委审核"), "{notice}");
    let filed = text_of(&desk, By::Id("corrections")).await;
    assert!(filed.contains("王小明 → 王晓明"), "{filed}");
    snap(&desk, "members_16_correction_filed_desktop").await;

    // The province's admin, on a phone, approves it from 待办.
    let prov = chromedriver.phone().await;
    submit_login(&prov, &app, &province_id, ADMIN_PASSWORD).await;
    assert!(wait_to_leave(&prov, "/login").await.starts_with("/orgs/"));
    let inbox = text_of(&prov, By::Id("inbox-link")).await;
    assert_eq!(inbox, "待办 (1)");
    click(&prov, By::Id("inbox-link")).await;
    wait_for_path(&prov, "/inbox").await;
    let item = text_of(&prov, By::Css("#inbox-items li")).await;
    assert!(item.contains("更正"), "{item}");
    snap(&prov, "members_17_inbox_phone").await;
    assert_fits(&prov, "the province's inbox").await;
    click(&prov, By::Css("#inbox-items a[href^='/corrections/']")).await;
    wait_for_url_containing(&prov, "/corrections/").await;
    let correction = prov.current_url().await.unwrap().path().to_string();
    let changes = text_of(&prov, By::Id("correction-changes")).await;
    assert!(
        changes.contains("王小明") && changes.contains("王晓明"),
        "{changes}"
    );
    snap(&prov, "members_18_correction_phone").await;
    assert_fits(&prov, "the correction").await;
    shot_at(&prov, By::Id("decide"), "members_18b_decide_phone", true).await;
    desk.goto(app.url(&correction)).await.unwrap();
    snap(&desk, "members_18_correction_desktop").await;
    click(&prov, By::Id("approve")).await;
    wait_for_url_containing(&prov, "done=").await;
    let status = text_of(&prov, By::Id("correction-status")).await;
    assert!(status.contains("已更正"), "{status}");
    // Only the name changed: nothing is said about the username.
    let notice = text_of(&prov, By::Id("correction-notice")).await;
    assert_eq!(notice, "已审核通过，姓名已更正。");
    snap(&prov, "members_19_approved_phone").await;
    assert_fits(&prov, "the approved correction").await;
    prov.quit().await.unwrap();

    // The new name in the list.
    desk.goto(app.url(&format!("{list}?name=王晓明")))
        .await
        .unwrap();
    let rows = member_rows(&desk).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        (first_person.as_str(), "王晓明")
    );
    snap(&desk, "members_20_corrected_list_desktop").await;
    phone.goto(app.url(&first_record)).await.unwrap();
    assert_eq!(text_of(&phone, By::Id("record-name")).await, "王晓明");
    snap(&phone, "members_20_corrected_record_phone").await;
    assert_fits(&phone, "the corrected record").await;

    // 5. The member signs in with the initial password and must change it.
    let member = chromedriver.phone().await;
    let initial = IdNumber::parse(&first_id)
        .unwrap()
        .initial_password()
        .to_string();
    assert_eq!(initial, &first_id[10..]);
    submit_login(&member, &app, &first_id, &initial).await;
    wait_for_path(&member, "/password").await;
    let forced = text_of(&member, By::Id("forced-notice")).await;
    assert!(forced.contains("初始密码"), "{forced}");
    snap(&member, "members_21_forced_password_phone").await;
    assert_fits(&member, "the forced password change").await;
    // Other pages wait until it is changed.
    member.goto(app.url("/")).await.unwrap();
    wait_for_path(&member, "/password").await;
    type_into(&member, "current", &initial).await;
    type_into(&member, "new_password", MEMBER_PASSWORD).await;
    type_into(&member, "confirm", MEMBER_PASSWORD).await;
    click(&member, By::Id("password-submit")).await;
    wait_for_url_containing(&member, "password_changed=1").await;
    let role = text_of(&member, By::Css("header .role")).await;
    assert_eq!(role, format!("{BRANCH_SHORT} 团员"));
    // The phone's header leaves the name out for room (the role says who is acting); the
    // page still carries it.
    let name = find(&member, By::Css("header .name"))
        .await
        .prop("textContent")
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("王晓明"));
    snap(&member, "members_22_member_home_phone").await;
    assert_fits(&member, "the member's home").await;
    member.quit().await.unwrap();

    // The record now says the password was changed.
    desk.goto(app.url(&first_record)).await.unwrap();
    let facts = text_of(&desk, By::Css(".card .facts")).await;
    assert!(!facts.contains("尚未修改初始密码"), "{facts}");
    snap(&desk, "members_23_record_after_login_desktop").await;

    desk.quit().await.unwrap();
    phone.quit().await.unwrap();
}
