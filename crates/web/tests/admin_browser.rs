//! Live search in headless Chromium: results appear as the user types on /search, and on the
//! migration page a result's button files the request. SQLite only, like tests/browser.rs.

mod admin_support;
mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use admin_support::*;
use common::{Db, TestApp};
use thirtyfour::prelude::*;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WAIT: Duration = Duration::from_secs(15);

/// Chromedriver on a free port with a scratch directory; both cleaned up on drop.
struct Driver {
    child: Child,
    url: String,
    scratch: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

fn start_driver() -> Driver {
    assert!(
        Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
        "browser tests need {CHROMEDRIVER} and {CHROMIUM} (apt-get install chromium chromium-driver)"
    );
    let scratch = std::env::temp_dir().join(format!("tj_admin_browser_{}", rand::random::<u64>()));
    std::fs::create_dir_all(&scratch).unwrap();
    for _ in 0..3 {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut d = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            scratch: scratch.clone(),
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return d;
            }
            if d.child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = d.child.kill();
    }
    panic!("chromedriver did not start");
}

async fn phone(d: &Driver) -> WebDriver {
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(CHROMIUM).unwrap();
    let profile = d.scratch.join(format!("profile_{}", rand::random::<u32>()));
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--lang=zh-CN",
        &format!("--user-data-dir={}", profile.display()),
        "--window-size=375,740",
    ] {
        caps.add_arg(arg).unwrap();
    }
    caps.add_experimental_option(
        "mobileEmulation",
        serde_json::json!({ "deviceMetrics": { "width": 375, "height": 740, "pixelRatio": 2.0, "mobile": true, "touch": true } }),
    )
    .unwrap();
    // The session may need a moment while chromedriver finishes starting.
    let started = Instant::now();
    loop {
        match WebDriver::new(&d.url, caps.clone()).await {
            Ok(w) => return w,
            Err(e) if started.elapsed() > WAIT => panic!("no browser session: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn find(driver: &WebDriver, by: By) -> WebElement {
    driver
        .query(by)
        .wait(WAIT, Duration::from_millis(100))
        .first()
        .await
        .unwrap()
}

async fn snap(driver: &WebDriver, name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    driver
        .screenshot(&dir.join(format!("{name}.png")))
        .await
        .unwrap();
}

async fn fits(driver: &WebDriver) -> bool {
    let ret = driver
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let [scroll, inner]: [i64; 2] = ret.convert().unwrap();
    scroll <= inner
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_search_and_pick_a_new_parent() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let sz = city(&app, &gd, "深圳市").await;
    let th = county(&app, &gz, "天河区").await;
    let admin = person(&app, 1, "天河管理员").await;
    app.make_admin(&th, &admin).await;
    let d = start_driver();
    let driver = phone(&d).await;

    // Public search: results come while typing, the form is never submitted.
    driver.goto(app.url("/search")).await.unwrap();
    find(
        &driver,
        By::Css(format!("#province_id option[value='{}']", gd.id)),
    )
    .await
    .click()
    .await
    .unwrap();
    find(&driver, By::Id("q"))
        .await
        .send_keys("深圳")
        .await
        .unwrap();
    let hit = find(
        &driver,
        By::Css(format!("#hits li[data-org-id='{}']", sz.id)),
    )
    .await;
    assert!(hit.text().await.unwrap().contains("共青团深圳市委员会"));
    assert_eq!(
        driver.current_url().await.unwrap().query(),
        None,
        "no form submission"
    );
    assert!(fits(&driver).await, "fits a phone screen");
    snap(&driver, "admin_live_search").await;

    // Migration: the live results carry the button that files the request.
    driver.goto(app.url("/login")).await.unwrap();
    find(&driver, By::Id("id_number"))
        .await
        .send_keys(admin.id_number.as_str())
        .await
        .unwrap();
    find(&driver, By::Id("password"))
        .await
        .send_keys(PW)
        .await
        .unwrap();
    find(&driver, By::Id("login-submit"))
        .await
        .click()
        .await
        .unwrap();
    let started = Instant::now();
    while driver.current_url().await.unwrap().path() == "/login" {
        assert!(started.elapsed() < WAIT, "login did not leave /login");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    driver
        .goto(app.url(&format!("/orgs/{}/move", th.id)))
        .await
        .unwrap();
    find(&driver, By::Id("q"))
        .await
        .send_keys("深圳")
        .await
        .unwrap();
    snap(&driver, "admin_move_search").await;
    find(&driver, By::Id(format!("pick-{}", sz.id)))
        .await
        .click()
        .await
        .unwrap();
    let status = find(&driver, By::Id("move-status")).await;
    assert_eq!(
        status.attr("data-status").await.unwrap().as_deref(),
        Some("pending_old")
    );
    assert!(fits(&driver).await);
    snap(&driver, "admin_move_applied").await;
    driver.quit().await.unwrap();
}
