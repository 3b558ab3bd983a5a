//! End-to-end journeys in headless Chromium, driven over WebDriver (thirtyfour) through
//! Debian's chromedriver, against the real app on SQLite. Screenshots of the key steps go
//! to `target/screenshots/` for a human to look at.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Db, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp};
use thirtyfour::prelude::*;
use tuanjian_domain::{OrgKind, OrgLevel};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const MEMBER_ID: &str = "440524188001010014";
/// The last 8 characters of `MEMBER_ID`.
const MEMBER_INITIAL_PASSWORD: &str = "01010014";
const MEMBER_NEW_PASSWORD: &str = "Youth2024a";

/// How long to wait for a page or element before failing; generous for a busy 2-core box.
const WAIT: Duration = Duration::from_secs(15);

/// A directory removed on drop: chromedriver's log and the browser profiles.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A chromedriver child process on a free loopback port; killed on drop (the browser session
/// is quit first, being declared later), so a panicking test does not leave it behind.
struct ChromeDriver {
    child: Child,
    url: String,
    scratch: ScratchDir,
}

impl ChromeDriver {
    fn start() -> Self {
        assert!(
            Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists(),
            "browser tests need {CHROMEDRIVER} and {CHROMIUM}: run `bash scripts/test.sh` \
             (it installs chromium, chromium-driver and fonts-wqy-microhei), or \
             `apt-get install -y chromium chromium-driver fonts-wqy-microhei`"
        );
        let scratch = ScratchDir(std::env::temp_dir().join(format!(
            "tj_browser_{}_{}",
            std::process::id(),
            rand::random::<u64>()
        )));
        std::fs::create_dir_all(&scratch.0).expect("create browser scratch directory");
        let log = scratch.0.join("chromedriver.log");
        // Another process may grab the port between release and chromedriver's bind: retry.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver");
            let url = format!("http://127.0.0.1:{port}");
            match wait_ready(&mut child, &url) {
                Ok(()) => {
                    return Self {
                        child,
                        url,
                        scratch,
                    };
                }
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    let log = std::fs::read_to_string(&log).unwrap_or_default();
                    last_error = format!("{e}\n{log}");
                }
            }
        }
        panic!("chromedriver did not start: {last_error}");
    }

    /// A headless browser session with a fresh profile and the given window size.
    async fn browser(&self, width: u32, height: u32, phone: bool) -> WebDriver {
        let profile = self
            .scratch
            .0
            .join(format!("profile_{}", rand::random::<u32>()));
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--lang=zh-CN",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--window-size={width},{height}"),
        ] {
            caps.add_arg(arg).unwrap();
        }
        if phone {
            // Desktop Chromium will not make a window narrower than 500 px; emulating the
            // device gives a true 375-CSS-px viewport with a phone's pixel ratio and touch.
            caps.add_experimental_option(
                "mobileEmulation",
                serde_json::json!({
                    "deviceMetrics": {
                        "width": width, "height": height, "pixelRatio": 2.0,
                        "mobile": true, "touch": true
                    }
                }),
            )
            .unwrap();
        }
        let driver = WebDriver::new(&self.url, caps)
            .await
            .expect("start a headless Chromium session");
        driver
            .set_page_load_timeout(Duration::from_secs(20))
            .await
            .unwrap();
        driver
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls chromedriver's /status until it says it is ready (blocking: runs before any browser).
fn wait_ready(child: &mut Child, url: &str) -> Result<(), String> {
    let status = format!("{url}/status");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Some(exit) = child.try_wait().map_err(|e| e.to_string())? {
            return Err(format!("chromedriver exited early: {exit}"));
        }
        if probe::status_ready(&status) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("chromedriver /status did not answer within 10 s".into())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().unwrap().port()
}

/// Chromedriver's /status over plain TCP: a blocking probe needs no runtime or extra features.
mod probe {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    pub fn status_ready(url: &str) -> bool {
        let Some(rest) = url.strip_prefix("http://") else {
            return false;
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let Ok(mut stream) = TcpStream::connect(host) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut body = String::new();
        let _ = stream.read_to_string(&mut body);
        body.starts_with("HTTP/1.1 200") && body.contains("\"ready\":true")
    }
}

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

async fn snap(driver: &WebDriver, name: &str) {
    let path = screenshot_dir().join(format!("{name}.png"));
    driver.screenshot(&path).await.expect("take a screenshot");
}

/// Waits until the browser is on `path` (query string ignored).
async fn wait_for_path(driver: &WebDriver, path: &str) {
    let started = Instant::now();
    loop {
        let url = driver.current_url().await.unwrap();
        if url.path() == path {
            return;
        }
        assert!(
            started.elapsed() < WAIT,
            "expected to reach {path}, still on {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
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

async fn type_into(driver: &WebDriver, id: &str, text: &str) {
    let input = find(driver, By::Id(id)).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn submit_login(driver: &WebDriver, app: &TestApp, id: &str, password: &str) {
    driver.goto(app.url("/login")).await.unwrap();
    type_into(driver, "id_number", id).await;
    type_into(driver, "password", password).await;
    find(driver, By::Id("login-submit"))
        .await
        .click()
        .await
        .unwrap();
}

/// True when the page is no wider than the viewport (no horizontal scrollbar).
async fn fits_viewport(driver: &WebDriver) -> (bool, String) {
    let ret = driver
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let [scroll, inner]: [i64; 2] = ret.convert().unwrap();
    (
        scroll <= inner,
        format!("scrollWidth {scroll}, innerWidth {inner}"),
    )
}

async fn text_of(driver: &WebDriver, by: By) -> String {
    find(driver, by).await.text().await.unwrap()
}

/// The journey: an imported person signs in with the initial password, is made to
/// change it, picks the admin role and browses into a child organisation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initial_password_to_child_organisation() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let gd = app.province("团广东省委").await;
    let home_branch = app
        .add_org(
            &gd,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "青年团支部",
            "测试县青年团支部",
        )
        .await;
    let school = app
        .add_org(
            &gd,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            "一中团委",
            "共青团测试市第一中学委员会",
        )
        .await;
    let class_branch = app
        .add_org(
            &school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一1班团支部",
            "测试市第一中学高一1班团支部",
        )
        .await;
    let person = app.add_person(MEMBER_ID, "李青", None).await;
    app.make_member(&home_branch, &person).await;
    app.make_admin(&school, &person).await;

    let chromedriver = ChromeDriver::start();
    let driver = chromedriver.browser(1280, 900, false).await;

    driver.goto(app.url("/login")).await.unwrap();
    assert_eq!(driver.title().await.unwrap(), "登录 - 智慧团建");
    snap(&driver, "desktop_01_login").await;

    submit_login(&driver, &app, MEMBER_ID, MEMBER_INITIAL_PASSWORD).await;
    wait_for_path(&driver, "/password").await;
    let notice = text_of(&driver, By::Id("forced-notice")).await;
    assert!(notice.contains("初始密码"), "{notice}");
    snap(&driver, "desktop_02_forced_password").await;

    // Other pages send back to the password form until it is changed.
    driver.goto(app.url("/")).await.unwrap();
    wait_for_path(&driver, "/password").await;

    type_into(&driver, "current", MEMBER_INITIAL_PASSWORD).await;
    type_into(&driver, "new_password", MEMBER_NEW_PASSWORD).await;
    type_into(&driver, "confirm", MEMBER_NEW_PASSWORD).await;
    find(&driver, By::Id("password-submit"))
        .await
        .click()
        .await
        .unwrap();
    wait_for_path(&driver, "/").await;
    let body = text_of(&driver, By::Tag("main")).await;
    assert!(body.contains("我的身份"), "{body}");
    assert!(body.contains("密码已修改"), "{body}");
    for expected in ["管理员", "一中团委", "团员", "青年团支部"] {
        assert!(body.contains(expected), "home lacks {expected}: {body}");
    }
    snap(&driver, "desktop_03_home").await;

    // Two roles and none chosen: pick the school admin role.
    let switch = find(
        &driver,
        By::XPath(
            "//li[contains(@class,'role-item')]\
             [.//span[@class='badge' and normalize-space()='管理员']]\
             [.//strong[normalize-space()='一中团委']]\
             //button[normalize-space()='切换到此身份']",
        ),
    )
    .await;
    switch.click().await.unwrap();
    wait_for_path(&driver, &format!("/orgs/{}", school.id)).await;
    assert_eq!(
        text_of(&driver, By::Id("org-name")).await,
        "共青团测试市第一中学委员会"
    );
    let role = text_of(&driver, By::Css("header .role")).await;
    assert_eq!(role, "一中团委 管理员");
    snap(&driver, "desktop_04_school").await;

    let child = find(
        &driver,
        By::XPath("//ul[@id='children']//a[normalize-space()='高一1班团支部']"),
    )
    .await;
    child.click().await.unwrap();
    wait_for_path(&driver, &format!("/orgs/{}", class_branch.id)).await;
    assert_eq!(
        text_of(&driver, By::Id("org-name")).await,
        "测试市第一中学高一1班团支部"
    );
    let crumbs = text_of(&driver, By::Css("nav.crumbs")).await;
    assert!(crumbs.contains("一中团委"), "{crumbs}");
    snap(&driver, "desktop_05_child_org").await;

    driver.quit().await.unwrap();
}

/// A wrong password shows the Chinese error and changes nothing; the login page fits a
/// 375-px phone, and the right password then works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_on_a_phone() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let chromedriver = ChromeDriver::start();
    let driver = chromedriver.browser(375, 812, true).await;

    driver.goto(app.url("/login")).await.unwrap();
    let width: i64 = driver
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(width <= 400, "phone viewport expected, got {width} px");
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_01_login").await;
    assert!(fits, "login page scrolls sideways on a phone: {sizes}");

    submit_login(&driver, &app, ROOT_ADMIN_ID, "Wrong2024x").await;
    let error = text_of(&driver, By::Id("login-error")).await;
    assert!(error.contains("身份证号码或密码错误"), "{error}");
    wait_for_path(&driver, "/login").await;
    // The ID number is kept for another try; the password is not.
    let id_value = find(&driver, By::Id("id_number")).await.value().await;
    assert_eq!(id_value.unwrap().as_deref(), Some(ROOT_ADMIN_ID));
    let password_value = find(&driver, By::Id("password")).await.value().await;
    assert_eq!(password_value.unwrap().as_deref(), Some(""));
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_02_login_error").await;
    assert!(
        fits,
        "login error page scrolls sideways on a phone: {sizes}"
    );

    // Nothing else changed: no session, nothing audited as a success.
    assert!(
        driver.get_named_cookie("tj_session").await.is_err(),
        "a failed login must not set a session cookie"
    );
    driver.goto(app.url("/")).await.unwrap();
    wait_for_path(&driver, "/login").await;
    assert_eq!(app.audit_count("login.success").await, 0);

    // One failure does not lock the account: the right password still works.
    submit_login(&driver, &app, ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    wait_for_path(&driver, "/").await;
    let body = text_of(&driver, By::Tag("main")).await;
    assert!(body.contains("我的身份"), "{body}");
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_03_home").await;
    assert!(fits, "home page scrolls sideways on a phone: {sizes}");
    assert_eq!(app.audit_count("login.success").await, 1);

    // An organisation page with a long list of children on the phone.
    driver
        .goto(app.url(&format!("/orgs/{}", app.root.id)))
        .await
        .unwrap();
    let children = driver.find_all(By::Css("ul#children a")).await.unwrap();
    assert!(!children.is_empty(), "the root shows its provinces");
    let (fits, sizes) = fits_viewport(&driver).await;
    snap(&driver, "phone_04_root_org").await;
    assert!(
        fits,
        "organisation page scrolls sideways on a phone: {sizes}"
    );

    driver.quit().await.unwrap();
}
