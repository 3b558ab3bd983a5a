//! 毕业 (`src/graduation/`) on both databases: marking branches (allowed from above, refused to
//! the branch's own admin, bad and past months, not a branch), late graduates, the daily
//! conversion (once, however often it runs), the graduates listed for transfer, the pages, and
//! `tuanjian daily` on the command line.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_app::App;
use tuanjian_app::graduation::daily::run_daily;
use tuanjian_app::graduation::this_month;
use tuanjian_domain::transfer::{TransferInput, TransferRequest, TransferStarter};
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::audit::Actor;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;
use tuanjian_store::transfers::{self, NewTransfer};

use crate::support::admin::{admin_of, get_html, grassroots, page_as, person, post_form};
use crate::support::{ApiClient, TestApp, fast_test_config};

both_databases!(
    marking_branches,
    late_graduates_and_the_daily_run,
    pages,
    command_line
);

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

/// A school 团委 (with a branch of its own) and a college (团总支) holding two class branches
/// and a teachers' branch.
struct School {
    school: Org,
    college: Org,
    class_a: Org,
    class_b: Org,
    teachers: Org,
}

async fn school(app: &TestApp) -> School {
    let w = app.guangzhou().await;
    let college = app
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::GeneralBranch,
            "计算机学院团总支",
            "计算机学院团总支（全称）",
        )
        .await;
    School {
        class_a: grassroots(app, &college, OrgKind::Branch, "计算机2023级1班团支部").await,
        class_b: grassroots(app, &college, OrgKind::Branch, "计算机2023级2班团支部").await,
        teachers: grassroots(app, &college, OrgKind::Branch, "计算机学院教师团支部").await,
        school: w.school,
        college,
    }
}

/// June of next year: always ahead of now.
fn next_june() -> String {
    format!("{}-06", this_month().year() + 1)
}

async fn put(api: &ApiClient, path: &str, body: Value) -> (StatusCode, Value) {
    api.send(reqwest::Method::PUT, path, body).await
}

async fn mark(
    api: &ApiClient,
    org: &Org,
    branches: &[&Org],
    kind: &str,
    month: &str,
) -> (StatusCode, Value) {
    let ids: Vec<i64> = branches.iter().map(|b| b.id).collect();
    put(
        api,
        &format!("/api/v1/orgs/{}/graduation/branches", org.id),
        json!({ "branch_ids": ids, "kind": kind, "month": month }),
    )
    .await
}

async fn kind_of(app: &TestApp, org: &Org) -> OrgKind {
    app.store.org(org.id).await.unwrap().kind
}

async fn marking_branches(app: TestApp) {
    let s = school(&app).await;
    let (_, school_admin) = admin_of(&app, &s.school, 1, "校团委管理员").await;
    let (_, college_admin) = admin_of(&app, &s.college, 2, "学院管理员").await;
    let (_, class_admin) = admin_of(&app, &s.class_a, 3, "班级管理员").await;

    // The school (two levels up) marks both classes at once; the college marks its teachers.
    let (st, b) = mark(
        &school_admin,
        &s.school,
        &[&s.class_a, &s.class_b],
        "students",
        &next_june(),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["marked"], 2);
    let (st, b) = mark(&college_admin, &s.college, &[&s.teachers], "teachers", "").await;
    assert_eq!(st, StatusCode::OK, "{b}");

    let (st, b) = school_admin
        .get(&format!("/api/v1/orgs/{}/graduation/branches", s.school.id))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    // The school's own branch from the common set-up, and the college's three.
    assert_eq!(b["total"], 4);
    assert_eq!(b["may_mark"], true);
    let by_id = |id: i64| {
        b["branches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_id(s.class_a.id)["mark"], "students");
    assert_eq!(by_id(s.class_a.id)["month"], next_june());
    assert_eq!(by_id(s.teachers.id)["mark"], "teachers");
    assert_eq!(by_id(s.teachers.id)["month"], Value::Null);

    // The branch's own admin may not mark it.
    let (st, b) = mark(
        &class_admin,
        &s.class_a,
        &[&s.class_a],
        "students",
        &next_june(),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{b}");
    assert_eq!(code(&b), "superior_admin_only");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("团支部管理员不能标注")
    );

    // Months that cannot be read, past months, and a kind that does not exist.
    for month in ["2027-13", "明年六月", "", "2001-06"] {
        let (st, b) = mark(&school_admin, &s.school, &[&s.class_b], "students", month).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{month}: {b}");
        assert_eq!(code(&b), "graduation_month_invalid", "{month}");
        assert_eq!(b["error"]["field"], "month");
    }
    let (st, b) = mark(&school_admin, &s.school, &[&s.class_b], "pupils", "").await;
    assert_eq!(
        (st, code(&b)),
        (StatusCode::BAD_REQUEST, "invalid_choice"),
        "{b}"
    );
    let (st, b) = mark(&school_admin, &s.school, &[], "teachers", "").await;
    assert_eq!(
        (st, code(&b)),
        (StatusCode::BAD_REQUEST, "required_missing"),
        "{b}"
    );

    // Only branches are marked; all or none: the branch before it is left as it was.
    let (st, b) = mark(
        &school_admin,
        &s.school,
        &[&s.class_b, &s.college],
        "mixed",
        "",
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT, "{b}");
    assert_eq!(code(&b), "graduation_not_allowed");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("计算机学院团总支"),
        "{b}"
    );
    let (_, b) = school_admin
        .get(&format!("/api/v1/orgs/{}/graduation/branches", s.school.id))
        .await;
    let class_b = b["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == s.class_b.id)
        .unwrap()
        .clone();
    assert_eq!(class_b["mark"], "students");

    // A branch outside the page's organisation is not found.
    let other = grassroots(&app, &s.school, OrgKind::Branch, "校团委直属团支部").await;
    let (st, _) = mark(&college_admin, &s.college, &[&other], "mixed", "").await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Clearing a mark.
    let (st, _) = mark(&college_admin, &s.college, &[&s.teachers], "clear", "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        app.store
            .graduation_mark(s.teachers.id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(app.audit_count("org.graduation.mark").await, 4);
}

async fn member(app: &TestApp, n: u32, name: &str, branch: &Org) -> Person {
    let p = person(app, n, name).await;
    app.make_member(branch, &p).await;
    p
}

fn app_context(app: &TestApp) -> App {
    App::new(app.store.clone(), fast_test_config())
}

async fn late_graduates_and_the_daily_run(app: TestApp) {
    let s = school(&app).await;
    let (admin, school_admin) = admin_of(&app, &s.school, 1, "校团委管理员").await;
    let (_, class_admin) = admin_of(&app, &s.class_a, 2, "班级管理员").await;
    let m1 = member(&app, 11, "甲", &s.class_a).await;
    let m2 = member(&app, 12, "乙", &s.class_a).await;
    let m3 = member(&app, 13, "丙", &s.class_a).await;
    let m4 = member(&app, 14, "丁", &s.class_a).await;
    let other = member(&app, 15, "戊", &s.class_b).await;

    // Class A graduates this month; class B is not marked; teachers' branches never convert.
    let now = this_month().to_string();
    let (st, b) = mark(&school_admin, &s.school, &[&s.class_a], "students", &now).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    mark(&school_admin, &s.school, &[&s.teachers], "teachers", "").await;

    // 丙 graduates next June, 丁 not this year; 戊's branch is no student branch.
    let late = |p: &Person| format!("/api/v1/members/{}/graduation", p.id);
    let (st, b) = put(
        &school_admin,
        &late(&m3),
        json!({ "kind": "month", "month": next_june() }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(
        (b["late"].as_str(), b["month"].as_str()),
        (Some("month"), Some(next_june().as_str()))
    );
    let (st, b) = put(
        &school_admin,
        &late(&m4),
        json!({ "kind": "not_this_year" }),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["month"], format!("{}-01", this_month().year() + 1));
    let (st, b) = put(
        &school_admin,
        &late(&other),
        json!({ "kind": "not_this_year" }),
    )
    .await;
    assert_eq!(
        (st, code(&b)),
        (StatusCode::CONFLICT, "graduation_not_allowed"),
        "{b}"
    );
    let (st, b) = put(&class_admin, &late(&m1), json!({ "kind": "not_this_year" })).await;
    assert_eq!(
        (st, code(&b)),
        (StatusCode::FORBIDDEN, "superior_admin_only"),
        "{b}"
    );
    let (st, b) = put(
        &school_admin,
        &late(&m1),
        json!({ "kind": "month", "month": "2000-01" }),
    )
    .await;
    assert_eq!(
        (st, code(&b)),
        (StatusCode::BAD_REQUEST, "graduation_month_invalid"),
        "{b}"
    );
    let (st, b) = class_admin.get(&late(&m1)).await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["may_mark"], false);
    assert_eq!(app.audit_count("member.graduation.late").await, 2);

    // 甲's transfer is already under way.
    let mut tx = app.store.begin().await.unwrap();
    let request = TransferRequest::parse(&TransferInput {
        reason: "further_study",
        detail: "考入研究生",
        to_org_id: Some(s.class_b.id),
        ..Default::default()
    })
    .unwrap();
    transfers::start(
        &mut tx,
        &Actor::default(),
        &NewTransfer {
            person_id: m1.id,
            request: &request,
            to: Some(&s.class_b),
            starter: TransferStarter::Sender,
            started_by: admin.id,
            approved_in_to: None,
            lapse_days: 30,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // The daily run converts class A once, however often it runs.
    let ctx = app_context(&app);
    let first = run_daily(&ctx).await.unwrap();
    assert_eq!(first.month, now);
    assert_eq!(first.converted.len(), 1, "{first:?}");
    assert_eq!(first.converted[0].branch.org_id, s.class_a.id);
    assert_eq!(
        (first.converted[0].to_transfer, first.converted[0].late),
        (1, 2)
    );
    assert_eq!(kind_of(&app, &s.class_a).await, OrgKind::GraduatingBranch);
    assert_eq!(kind_of(&app, &s.class_b).await, OrgKind::Branch);
    assert_eq!(kind_of(&app, &s.teachers).await, OrgKind::Branch);
    let second = run_daily(&ctx).await.unwrap();
    assert!(second.converted.is_empty(), "{second:?}");
    assert_eq!(app.audit_count("org.graduation.convert").await, 1);

    // Two servers at once: each branch converts once.
    mark(&school_admin, &s.school, &[&s.class_b], "students", &now).await;
    let (a, b) = tokio::join!(run_daily(&ctx), run_daily(&ctx));
    assert_eq!(a.unwrap().converted.len() + b.unwrap().converted.len(), 1);
    assert_eq!(app.audit_count("org.graduation.convert").await, 2);

    // The graduates: 乙 to transfer; 丙 and 丁 held back; 甲 in transfer.
    let (st, b) = school_admin
        .get(&format!("/api/v1/orgs/{}/graduates", s.class_a.id))
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["kind"], "06BYBTZB");
    let ids = |k: &str| -> Vec<i64> {
        b[k].as_array()
            .unwrap()
            .iter()
            .map(|g| g["person_id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids("ready"), vec![m2.id]);
    let mut held = ids("late");
    held.sort();
    assert_eq!(held, vec![m3.id, m4.id]);
    assert_eq!(ids("in_transfer"), vec![m1.id]);
    assert_eq!(
        b["transfer_url"],
        format!(
            "/orgs/{}/transfers/out/new?person_ids={}",
            s.class_a.id, m2.id
        )
    );
    assert!(
        !b["ready"][0]["id_number"]
            .as_str()
            .unwrap()
            .contains(&m2.id_number.as_str()[6..14])
    );

    // Members are listed per branch, never above.
    let (st, b) = school_admin
        .get(&format!("/api/v1/orgs/{}/graduates", s.college.id))
        .await;
    assert_eq!(
        (st, code(&b)),
        (StatusCode::CONFLICT, "graduation_not_allowed"),
        "{b}"
    );

    // 丙 no longer late: listed with 乙.
    let (st, _) = put(&school_admin, &late(&m3), json!({ "kind": "clear" })).await;
    assert_eq!(st, StatusCode::OK);
    let (_, b) = school_admin
        .get(&format!("/api/v1/orgs/{}/graduates", s.class_a.id))
        .await;
    assert_eq!(b["ready"].as_array().unwrap().len(), 2, "{b}");

    // A graduating branch keeps its state: no more marks.
    let (st, b) = mark(&school_admin, &s.school, &[&s.class_a], "teachers", "").await;
    assert_eq!(
        (st, code(&b)),
        (StatusCode::CONFLICT, "graduation_not_allowed"),
        "{b}"
    );
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已转为毕业生团组织")
    );
}

async fn pages(app: TestApp) {
    let s = school(&app).await;
    let (admin, _) = admin_of(&app, &s.school, 1, "校团委管理员").await;
    let m = member(&app, 11, "甲", &s.class_a).await;
    let c = page_as(&app, admin.id_number.as_str(), "admin", s.school.id).await;

    // The school's page links to 毕业班管理, which lists the branches with checkboxes.
    let (_, home) = get_html(&app, &c, &format!("/orgs/{}", s.school.id)).await;
    assert!(
        home.contains(&format!("/orgs/{}/graduation", s.school.id)),
        "link on the org page"
    );
    let page = format!("/orgs/{}/graduation", s.school.id);
    let (st, html) = get_html(&app, &c, &page).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("计算机2023级1班团支部") && html.contains("未标注"),
        "{html}"
    );

    // Marking two branches through the form.
    let a = s.class_a.id.to_string();
    let b = s.class_b.id.to_string();
    let now = this_month().to_string();
    let res = post_form(
        &app,
        &c,
        &page,
        &page,
        &[
            ("branch", &a),
            ("branch", &b),
            ("kind", "students"),
            ("month", &now),
        ],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let (_, html) = get_html(&app, &c, res.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("已为 2 个团支部保存毕业标注"), "{html}");
    assert!(
        html.contains(&format!("{}毕业", this_month().label())),
        "{html}"
    );

    // A bad month shows the form again with the message, nothing saved.
    let res = post_form(
        &app,
        &c,
        &page,
        &page,
        &[
            ("branch", &s.teachers.id.to_string()),
            ("kind", "students"),
            ("month", "2027-13"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("月份 13 不对"), "{html}");

    // After the daily run the branch lists its graduates with the bulk transfer link.
    run_daily(&app_context(&app)).await.unwrap();
    let (_, html) = get_html(&app, &c, &format!("/orgs/{}/graduation", s.class_a.id)).await;
    assert!(html.contains("待转出的毕业生团员（1人）"), "{html}");
    assert!(
        html.contains(&format!(
            "/orgs/{}/transfers/out/new?person_ids={}",
            s.class_a.id, m.id
        )),
        "{html}"
    );

    // The member's 延期毕业 page.
    let late = format!("/members/{}/graduation", m.id);
    let (st, html) = get_html(&app, &c, &late).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("未标注延期毕业"), "{html}");
    let res = post_form(
        &app,
        &c,
        &late,
        &late,
        &[("kind", "not_this_year"), ("month", "")],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let (_, html) = get_html(&app, &c, &late).await;
    assert!(html.contains("今年不毕业"), "{html}");
    let (_, html) = get_html(&app, &c, &format!("/orgs/{}/graduation", s.class_a.id)).await;
    assert!(html.contains("延期毕业（1人）"), "{html}");
}

fn tuanjian_daily(url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tuanjian"))
        .args(["daily", "--database-url", url])
        .env_remove("TUANJIAN_DATABASE_URL")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

async fn command_line(app: TestApp) {
    let s = school(&app).await;
    let (_, school_admin) = admin_of(&app, &s.school, 1, "校团委管理员").await;
    member(&app, 11, "甲", &s.class_a).await;
    mark(
        &school_admin,
        &s.school,
        &[&s.class_a],
        "students",
        &this_month().to_string(),
    )
    .await;
    let url = app.db.url.clone();
    let (code, out) = tokio::task::spawn_blocking(move || tuanjian_daily(&url))
        .await
        .unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 个学生团支部转为毕业生团组织"), "{out}");
    assert!(
        out.contains("计算机2023级1班团支部（全称）") && out.contains("待转出团员 1 名"),
        "{out}"
    );
    assert!(out.contains("作废的组织关系转接：0 个"), "{out}");
    let url = app.db.url.clone();
    let (code, out) = tokio::task::spawn_blocking(move || tuanjian_daily(&url))
        .await
        .unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("没有到毕业年月的学生团支部"), "{out}");
    assert_eq!(kind_of(&app, &s.class_a).await, OrgKind::GraduatingBranch);
}
