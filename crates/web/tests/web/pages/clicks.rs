//! Clicks from signing in to the most common tasks (issue 13, "Measured"), counted in headless
//! Chromium at 1366 px by doing each task with clicks only (typing a name is not a click). The
//! person is a school 团委's admin who is also a member of one of its branches (two roles, the
//! usual case for a school's secretary): the first sign-in asks which role to take, every later
//! one lands in the role last used. `docs/experience.md` holds the table (before → after); each
//! task here fails when it needs more clicks than that table says.

use thirtyfour::prelude::*;
use tuanjian_domain::{OrgKind, OrgLevel};

use crate::support::admin::{PW, person};
use crate::support::browser::{ChromeDriver, find, submit_login, type_into, wait_for_path};
use crate::support::members::{World, add, member_json};
use crate::support::{Db, TestApp};

/// One thing the user does on the way to a task.
enum Step {
    Click(String),
    Type(&'static str, &'static str),
}

use Step::{Click, Type};

fn click(css: impl Into<String>) -> Step {
    Click(css.into())
}

/// A task: its name, the steps from the landing page, the page it ends on, and the most
/// clicks it may take (the table's "after").
struct Task<'a> {
    name: &'static str,
    steps: Vec<Step>,
    ends_on: String,
    /// Part of the query string the last page must have (the choice was applied).
    query: &'a str,
    at_most: usize,
}

async fn run(driver: &WebDriver, task: &Task<'_>) -> usize {
    let mut clicks = 0;
    for step in &task.steps {
        match step {
            Click(css) => {
                let e = find(driver, By::Css(css.as_str())).await;
                e.scroll_into_view().await.unwrap();
                e.click().await.unwrap();
                clicks += 1;
            }
            Type(id, text) => type_into(driver, id, text).await,
        }
    }
    wait_for_path(driver, &task.ends_on).await;
    let url = driver.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or("").contains(task.query),
        "{}: ended on {url}, wanted {}",
        task.name,
        task.query
    );
    clicks
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn common_tasks_in_few_clicks() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let w = &world.w;
    let (s, b) = (w.school.id, w.branch.id);
    // A grade's 团总支 with a class below it: a branch two levels under the school.
    let grade = app
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::GeneralBranch,
            "高一年级团总支",
            "共青团广州市天河区第一中学高一年级总支部委员会",
        )
        .await;
    let class = app
        .add_org(
            &grade,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一（2）班团支部",
            "共青团广州市天河区第一中学高一（2）班支部委员会",
        )
        .await;
    let member_id = add(&world.branch, &w.branch, member_json(41, "欧阳小团")).await;
    // The school's admin is also a member of the branch: two roles.
    let admin = &world.school_admin;
    app.make_member(&w.branch, admin).await;
    let landing = format!("/orgs/{s}");

    let d = ChromeDriver::start();
    let desk = d.browser(1366, 900, false).await;
    // First sign-in: two roles and none used yet, so 我的身份 asks once.
    submit_login(&desk, &app, admin.id_number.as_str(), PW).await;
    wait_for_path(&desk, "/").await;
    find(
        &desk,
        By::Css(format!(
            "form[action='/role'] input[name='org_id'][value='{s}'] ~ button"
        )),
    )
    .await
    .click()
    .await
    .unwrap();
    wait_for_path(&desk, &landing).await;
    // Every later sign-in lands in the role last used.
    desk.delete_all_cookies().await.unwrap();
    submit_login(&desk, &app, admin.id_number.as_str(), PW).await;
    wait_for_path(&desk, &landing).await;

    let narrowed = format!("branch={}", class.id);
    let menu = |href: String| click(format!("#menu-side a[href='{href}']"));
    let tasks = vec![
        Task {
            name: "一个团支部的团员列表",
            steps: vec![click(format!("#children a[href='/orgs/{b}/members']"))],
            ends_on: format!("/orgs/{b}/members"),
            query: "",
            at_most: 1,
        },
        Task {
            name: "下两级团支部的团员列表",
            steps: vec![
                menu(format!("/orgs/{s}/members")),
                click(format!("#f-branch option[value='{}']", class.id)),
            ],
            ends_on: format!("/orgs/{s}/members"),
            query: narrowed.as_str(),
            at_most: 2,
        },
        Task {
            name: "录入团员",
            steps: vec![
                click(format!("#children a[href='/orgs/{b}']")),
                click(format!("#org-actions a[href='/orgs/{b}/members/new']")),
            ],
            ends_on: format!("/orgs/{b}/members/new"),
            query: "",
            at_most: 2,
        },
        Task {
            name: "待办审批",
            steps: vec![click("#inbox-link")],
            ends_on: "/inbox".into(),
            query: "",
            at_most: 1,
        },
        Task {
            name: "办理转出",
            steps: vec![menu(format!("/orgs/{s}/transfers/out/new"))],
            ends_on: format!("/orgs/{s}/transfers/out/new"),
            query: "",
            at_most: 1,
        },
        Task {
            name: "导入团员团干部",
            steps: vec![menu(format!("/orgs/{s}/import/members"))],
            ends_on: format!("/orgs/{s}/import/members"),
            query: "",
            at_most: 1,
        },
        Task {
            name: "按姓名查找团员",
            steps: vec![
                menu(format!("/orgs/{s}/members")),
                Type("f-name", "欧阳"),
                click("#f-submit"),
            ],
            ends_on: format!("/orgs/{s}/members"),
            query: "",
            at_most: 2,
        },
        Task {
            name: "修改组织信息",
            steps: vec![menu(format!("/orgs/{s}/info"))],
            ends_on: format!("/orgs/{s}/info"),
            query: "",
            at_most: 1,
        },
        Task {
            name: "为团员生成密码重置码",
            steps: vec![
                menu(format!("/orgs/{s}/members")),
                click(format!(
                    "#member-{member_id} a[href='/members/{member_id}/reset-code']"
                )),
            ],
            ends_on: format!("/members/{member_id}/reset-code"),
            query: "",
            at_most: 2,
        },
        Task {
            name: "下级组织管理员变更",
            steps: vec![
                click(format!("#children a[href='/orgs/{b}']")),
                click(format!("#org-actions a[href='/orgs/{b}/admins']")),
            ],
            ends_on: format!("/orgs/{b}/admins"),
            query: "",
            at_most: 2,
        },
        Task {
            name: "组织关系转接办理",
            steps: vec![menu("/transfers?side=out".into())],
            ends_on: "/transfers".into(),
            query: "",
            at_most: 1,
        },
    ];
    let mut over = Vec::new();
    for task in &tasks {
        desk.goto(app.url(&landing)).await.unwrap();
        let clicks = run(&desk, task).await;
        if clicks > task.at_most {
            over.push(format!("{}: {clicks} > {}", task.name, task.at_most));
        }
    }
    desk.quit().await.unwrap();

    // A member with one role: 个人中心 from wherever the sign-in lands.
    let member = person(&app, 42, "王团员").await;
    app.make_member(&w.branch, &member).await;
    let phone = d.browser(390, 844, true).await;
    submit_login(&phone, &app, member.id_number.as_str(), PW).await;
    let task = Task {
        name: "团员查看电子团员证",
        steps: vec![click("#me-center-link")],
        ends_on: "/me".into(),
        query: "",
        at_most: 1,
    };
    let clicks = run(&phone, &task).await;
    if clicks > task.at_most {
        over.push(format!("{}: {clicks} > {}", task.name, task.at_most));
    }
    phone.quit().await.unwrap();
    assert!(over.is_empty(), "tasks over their clicks: {over:?}");
}
