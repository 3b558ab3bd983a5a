//! The member table in headless Chromium (issue 13), on SQLite: a school committee's admin
//! narrows 团员列表 to one 团支部 (the 所在团支部 column goes), ticks 3 rows and exports them,
//! then issues their reset codes in one go (a printable list), clears the filter with 重置 and
//! jumps to page 2 with 跳至. Shot on a desktop and a phone (`members_tables_*.png`); no phone
//! page may scroll sideways.

use super::browser::{
    ADMIN_PASSWORD, SEEDED, adult, assert_fits, choose, click, member_rows, seed_members, today,
    wait_for_url_containing, youth,
};
use crate::support::browser::{
    ChromeDriver, find, snap, submit_login, text_of, wait_for_path, wait_to_leave,
};
use crate::support::{Db, TestApp};
use thirtyfour::prelude::*;
use tuanjian_domain::member_record::{MemberInput, ProfileInput};
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::audit::Actor;

/// Members of the second branch: 王一, 王二, 王三, 王四.
async fn second_branch(app: &TestApp, admin_id: i64, w: &crate::support::Guangzhou) -> i64 {
    let branch = app
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一2班团支部",
            "共青团某中学高一2班支部",
        )
        .await;
    let scope = app
        .store
        .admin_scope(admin_id, w.school.id)
        .await
        .unwrap()
        .unwrap();
    for (n, given) in ["一", "二", "三", "四"].into_iter().enumerate() {
        let input = MemberInput {
            profile: ProfileInput {
                name: format!("王{given}"),
                id_number: youth(200 + n as u32),
                ethnicity: "汉族".into(),
                political_status: "共青团员".into(),
                ..Default::default()
            },
            join_month: "2022-05".into(),
            dev_number: format!("2022440002{n:02}"),
            ..Default::default()
        };
        app.store
            .add_member(&Actor::default(), &scope, branch.id, &input, today())
            .await
            .unwrap();
    }
    branch.id
}

async fn ticked(driver: &WebDriver) -> usize {
    let mut n = 0;
    for b in driver
        .find_all(By::Css("#members tbody input[type=checkbox]"))
        .await
        .unwrap()
    {
        if b.is_selected().await.unwrap() {
            n += 1;
        }
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_tick_export_reset_and_jump() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let w = app.guangzhou().await;
    let school_id = adult(1);
    let admin = app
        .add_person(&school_id, "校团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &admin).await;
    seed_members(&app, admin.id, &w).await;
    let second = second_branch(&app, admin.id, &w).await;

    let chromedriver = ChromeDriver::start();
    let desk = chromedriver.desktop().await;
    let phone = chromedriver.phone().await;
    for d in [&desk, &phone] {
        submit_login(d, &app, &school_id, ADMIN_PASSWORD).await;
        wait_to_leave(d, "/login").await;
    }
    let list = format!("/orgs/{}/members", w.school.id);

    // 1. 所在团支部: the second branch; its list names no branch.
    for d in [&desk, &phone] {
        d.goto(app.url(&list)).await.unwrap();
        // The choice applies at once (list-filter.js), without 查询.
        choose(d, "f-branch", &second.to_string()).await;
        wait_for_url_containing(d, &format!("branch={second}")).await;
        let started = std::time::Instant::now();
        let mut rows = member_rows(d).await.len();
        while rows != 4 && started.elapsed() < std::time::Duration::from_secs(15) {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            rows = member_rows(d).await.len();
        }
        assert_eq!(rows, 4);
    }
    let head = desk.find_all(By::Css("#members thead th")).await.unwrap();
    let mut heads = Vec::new();
    for h in head {
        heads.push(h.text().await.unwrap());
    }
    assert!(!heads.iter().any(|h| h == "所在团支部"), "{heads:?}");
    assert!(heads.iter().any(|h| h == "操作"), "{heads:?}");
    snap(&desk, "members_tables_01_branch_desktop").await;
    snap(&phone, "members_tables_01_branch_phone").await;
    assert_fits(&phone, "the narrowed list").await;

    // 2. 全选 ticks every row, a second click clears them; then 3 rows by hand.
    click(&desk, By::Id("tick-all")).await;
    assert_eq!(ticked(&desk).await, 4);
    click(&desk, By::Id("tick-all")).await;
    assert_eq!(ticked(&desk).await, 0);
    let rows = member_rows(&desk).await;
    let three: Vec<String> = rows[..3].iter().map(|r| r.0.clone()).collect();
    for d in [&desk, &phone] {
        for id in &three {
            click(d, By::Id(format!("tick-{id}"))).await;
        }
        assert_eq!(ticked(d).await, 3);
    }
    snap(&phone, "members_tables_02_ticked_phone").await;
    assert_fits(&phone, "the ticked list").await;

    // 3. 导出所选: the browser downloads the file; the export is in the audit log.
    let exports = app.audit_count("member.export").await;
    click(&desk, By::Id("bulk-export")).await;
    let started = std::time::Instant::now();
    while app.audit_count("member.export").await == exports {
        assert!(started.elapsed().as_secs() < 20, "the export did not run");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    snap(&desk, "members_tables_03_ticked_desktop").await;

    // 4. 重置密码 for the three (on the phone): a printable list of names, masked IDs and codes.
    click(&phone, By::Id("bulk-reset")).await;
    wait_for_path(&phone, &format!("/orgs/{second}/members/bulk")).await;
    let notice = text_of(&phone, By::Id("codes-notice")).await;
    assert!(notice.contains("已为所选 3 人"), "{notice}");
    for (id, (_, name, id_masked, _)) in three.iter().zip(&rows[..3]) {
        let line = text_of(&phone, By::Id(format!("code-row-{id}"))).await;
        assert!(
            line.contains(name.as_str()) && line.contains(id_masked.as_str()),
            "{line}"
        );
        let code = text_of(&phone, By::Id(format!("code-{id}"))).await;
        assert_eq!(code.replace('-', "").len(), 10, "{code}");
    }
    assert!(rows[..3].iter().all(|r| r.2.contains("****")));
    assert_eq!(app.audit_count("reset_code.issue").await, 3);
    snap(&phone, "members_tables_04_codes_phone").await;
    assert_fits(&phone, "the codes").await;

    // 5. 重置 clears the filter; 跳至 2 jumps to the second page of every member.
    click(&desk, By::Id("f-reset")).await;
    wait_for_url_containing(&desk, &list).await;
    assert!(
        !desk
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("branch=")
    );
    let total = text_of(&desk, By::Id("member-total")).await;
    assert!(total.contains(&(SEEDED + 4).to_string()), "{total}");
    let jump = find(&desk, By::Id("jump-page")).await;
    jump.scroll_into_view().await.unwrap();
    jump.clear().await.unwrap();
    jump.send_keys("2").await.unwrap();
    click(&desk, By::Id("jump-go")).await;
    wait_for_url_containing(&desk, "page=2").await;
    assert_eq!(text_of(&desk, By::Id("page-current")).await, "2");
    assert_eq!(member_rows(&desk).await.len(), (SEEDED + 4 - 20) as usize);
    snap(&desk, "members_tables_05_page2_desktop").await;
    find(&desk, By::Id("page-jump"))
        .await
        .scroll_into_view()
        .await
        .unwrap();
    snap(&desk, "members_tables_05b_pager_desktop").await;
    phone
        .goto(app.url(&format!("{list}?page=2")))
        .await
        .unwrap();
    find(&phone, By::Id("page-jump"))
        .await
        .scroll_into_view()
        .await
        .unwrap();
    snap(&phone, "members_tables_05_page2_phone").await;
    assert_fits(&phone, "the second page").await;
}
