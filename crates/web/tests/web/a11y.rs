//! Accessibility (issue 13): the main pages of every kind of user — anonymous, a member, a
//! branch's admin, a school's 团委 admin —, each at a desktop width (1366×900) and on an
//! emulated phone (390×844), checked by axe-core injected into headless Chromium. No page may
//! have a violation of impact "serious" or "critical"; the failure lists each rule, its impact,
//! the page and the first offending elements. axe-core comes from the npm registry:
//! `scripts/test.sh` installs it into `target/tools` (or set `TUANJIAN_AXE_JS` to its
//! `axe.min.js`).

use std::path::PathBuf;

use serde_json::Value;
use thirtyfour::prelude::*;

use crate::support::admin::{PW, person};
use crate::support::browser::{
    ChromeDriver, find, screenshot_dir, snap, submit_login, wait_to_leave,
};
use crate::support::members::{World, add, member_json};
use crate::support::{Db, TestApp};

/// The axe-core script: `TUANJIAN_AXE_JS`, else where `scripts/test.sh` installs it.
fn axe_source() -> String {
    let path = std::env::var_os("TUANJIAN_AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/tools/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the accessibility test needs axe-core at {} ({e}): run `bash scripts/test.sh`, or \
             `npm install --prefix target/tools axe-core@4.14.1`, or set TUANJIAN_AXE_JS",
            path.display()
        )
    })
}

/// Appends a line to the report of this run.
fn report(line: &str) {
    use std::io::Write;
    let path = screenshot_dir().join("axe_report.tsv");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open the axe report");
    f.write_all(line.as_bytes()).expect("write the axe report");
}

/// One serious or critical violation on one page, as the failure message shows it.
fn describe(page: &str, width: &str, v: &Value) -> String {
    let targets: Vec<String> = v["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .take(3)
        .map(|n| n["target"].to_string())
        .collect();
    format!(
        "{page} ({width}): {} [{}] {} — {}",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("?"),
        v["help"].as_str().unwrap_or(""),
        targets.join(", ")
    )
}

/// Runs axe on the page the driver shows; returns its serious and critical violations, and
/// adds a line to the report (`target/screenshots/axe_report.tsv`): the page, the width and
/// every violated rule with its impact, serious or not.
async fn audit(driver: &WebDriver, axe: &str, page: &str, width: &str) -> Vec<String> {
    driver.execute(axe, vec![]).await.expect("inject axe-core");
    let ret = driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations))
                .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await
        .expect("run axe-core");
    let violations: Vec<Value> = ret.convert().unwrap_or_default();
    let rules: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "{}:{}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?")
            )
        })
        .collect();
    if width != "check" {
        report(&format!(
            "{page}\t{width}\t{}\t{}\n",
            violations.len(),
            rules.join(" ")
        ));
    }
    violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| describe(page, width, v))
        .collect()
}

/// Visits each path and audits it; a page that does not answer is a failure too.
async fn audit_all(
    driver: &WebDriver,
    app: &TestApp,
    axe: &str,
    paths: &[String],
    width: &str,
) -> Vec<String> {
    let mut found = Vec::new();
    for path in paths {
        driver.goto(app.url(path)).await.unwrap();
        find(driver, By::Css("main")).await;
        found.extend(audit(driver, axe, path, width).await);
        let slug: String = path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        snap(driver, &format!("page_{width}{slug}")).await;
    }
    found
}

/// A browser of the given kind signed in as `id_number` (the role taken at login).
async fn signed_in(d: &ChromeDriver, app: &TestApp, phone: bool, id_number: &str) -> WebDriver {
    let driver = if phone {
        d.browser(390, 844, true).await
    } else {
        d.browser(1366, 900, false).await
    };
    submit_login(&driver, app, id_number, PW).await;
    wait_to_leave(&driver, "/login").await;
    driver
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn main_pages_pass_axe() {
    let axe = axe_source();
    let app = TestApp::spawn(Db::Sqlite).await;
    let world = World::new(&app).await;
    let w = &world.w;
    let member_id = add(&world.branch, &w.branch, member_json(31, "李小团")).await;
    // A signed-in member with a password of their own (the initial one must be changed).
    let member = person(&app, 32, "王团员").await;
    app.make_member(&w.branch, &member).await;

    let anonymous: Vec<String> = [
        "/login",
        "/search",
        "/join",
        "/register/member",
        "/report",
        "/register/admin",
        "/reset-password",
        "/no-such-page",
    ]
    .map(String::from)
    .to_vec();
    let member_pages: Vec<String> = [
        "/",
        "/me",
        "/me/edit",
        "/me/requests",
        "/my-membership",
        "/my-dues",
        "/applications/mine",
        "/password",
    ]
    .map(String::from)
    .to_vec();
    let (s, b) = (w.school.id, w.branch.id);
    let school_pages: Vec<String> = vec![
        "/".into(),
        format!("/orgs/{s}"),
        format!("/orgs/{s}/members"),
        format!("/orgs/{s}/cadres"),
        format!("/orgs/{s}/info"),
        format!("/orgs/{s}/history"),
        format!("/orgs/{s}/admins"),
        format!("/orgs/{s}/code"),
        format!("/orgs/{s}/completion"),
        format!("/orgs/{s}/children/new"),
        format!("/orgs/{s}/graduation"),
        format!("/orgs/{s}/aged-out"),
        format!("/orgs/{s}/import/members"),
        format!("/orgs/{s}/applications"),
        format!("/orgs/{b}"),
        format!("/orgs/{b}/members"),
        format!("/orgs/{b}/members/new"),
        format!("/orgs/{b}/transfers/out/new"),
        format!("/members/{member_id}"),
        format!("/members/{member_id}/reset-code"),
        format!("/members/{member_id}/edit"),
        format!("/orgs/{b}/age-cases/new"),
        format!("/orgs/{s}/members?sort=name"),
        format!("/orgs/{s}/statistics"),
        format!("/orgs/{b}/reviews"),
        format!("/orgs/{s}/reviews/progress"),
        format!("/orgs/{b}/star-ratings"),
        format!("/orgs/{s}/star-ratings/progress"),
        format!("/members/{member_id}/recommendation"),
        format!("/orgs/{s}/recommendations"),
        format!("/orgs/{b}/dues"),
        format!("/orgs/{s}/dues/arrears"),
        format!("/orgs/{s}/dues/totals"),
        format!("/members/{member_id}/dues"),
        "/inbox".into(),
        "/leaving".into(),
        "/transfers?side=out".into(),
    ];

    let _ = std::fs::remove_file(screenshot_dir().join("axe_report.tsv"));
    report("page\twidth\tviolations\trules (impact)\n");
    let p = w.province.id;
    let province_pages: Vec<String> = vec![
        format!("/orgs/{p}"),
        format!("/orgs/{p}/members"),
        format!("/orgs/{p}/dev-ranges"),
        format!("/orgs/{p}/statistics"),
        format!("/orgs/{p}/dues/bands"),
        "/age-cases".into(),
    ];
    // 团中央's own pages (对标定级设置), by a second central admin with the tests' password.
    let central = person(&app, 33, "团中央管理员乙").await;
    app.make_admin(&app.root, &central).await;
    let central_pages: Vec<String> = vec!["/star-ratings/config".into()];
    let d = ChromeDriver::start();
    let mut found = Vec::new();
    for (phone, width) in [(false, "1366"), (true, "390")] {
        let driver = if phone {
            d.browser(390, 844, true).await
        } else {
            d.browser(1366, 900, false).await
        };
        found.extend(audit_all(&driver, &app, &axe, &anonymous, width).await);
        driver.quit().await.unwrap();

        let driver = signed_in(&d, &app, phone, member.id_number.as_str()).await;
        found.extend(audit_all(&driver, &app, &axe, &member_pages, width).await);
        driver.quit().await.unwrap();

        let driver = signed_in(&d, &app, phone, world.school_admin.id_number.as_str()).await;
        found.extend(audit_all(&driver, &app, &axe, &school_pages, width).await);
        driver.quit().await.unwrap();

        let driver = signed_in(&d, &app, phone, world.province_admin.id_number.as_str()).await;
        found.extend(audit_all(&driver, &app, &axe, &province_pages, width).await);
        driver.quit().await.unwrap();

        let driver = signed_in(&d, &app, phone, central.id_number.as_str()).await;
        found.extend(audit_all(&driver, &app, &axe, &central_pages, width).await);
        driver.quit().await.unwrap();
    }
    assert!(
        found.is_empty(),
        "{} serious or critical accessibility violations:\n{}",
        found.len(),
        found.join("\n")
    );
}
