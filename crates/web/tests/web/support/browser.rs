//! Shared by the areas' `browser` modules: Debian's chromedriver on a free loopback port, headless
//! Chromium sessions at desktop or emulated phone size, screenshots into
//! `target/screenshots/`, and small wait-and-find helpers over thirtyfour.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use super::TestApp;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long to wait for a page or element before failing; generous for a busy 2-core box.
pub const WAIT: Duration = Duration::from_secs(15);

/// A directory removed on drop: chromedriver's log and the browser profiles.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A chromedriver child process on a free loopback port; killed on drop. Declare it before
/// the browser sessions so they are quit first, and a panicking test leaves nothing behind.
pub struct ChromeDriver {
    child: Child,
    url: String,
    scratch: ScratchDir,
}

impl ChromeDriver {
    /// Starts chromedriver; panics with how to install it when it or Chromium is missing.
    pub fn start() -> Self {
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

    /// A headless browser session with a fresh profile (no cookies) and the given window
    /// size; `phone` emulates a touch device of exactly that size.
    pub async fn browser(&self, width: u32, height: u32, phone: bool) -> WebDriver {
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
        // chromedriver answered /status, but a loaded box may still refuse the first session.
        let started = Instant::now();
        let driver = loop {
            match WebDriver::new(&self.url, caps.clone()).await {
                Ok(driver) => break driver,
                Err(e) if started.elapsed() > WAIT => {
                    panic!("could not start a headless Chromium session: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        driver
            .set_page_load_timeout(Duration::from_secs(20))
            .await
            .unwrap();
        driver
    }

    /// A 1280×900 desktop window.
    pub async fn desktop(&self) -> WebDriver {
        self.browser(1280, 900, false).await
    }

    /// A 375×812 phone (emulated).
    pub async fn phone(&self) -> WebDriver {
        self.browser(375, 812, true).await
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

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// Saves a screenshot of the viewport as `target/screenshots/{name}.png`.
pub async fn snap(driver: &WebDriver, name: &str) {
    let path = screenshot_dir().join(format!("{name}.png"));
    driver.screenshot(&path).await.expect("take a screenshot");
}

/// Waits until the browser is on `path` (query string ignored).
pub async fn wait_for_path(driver: &WebDriver, path: &str) {
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

/// Waits until the browser has left `path` (query string ignored); returns the new path.
pub async fn wait_to_leave(driver: &WebDriver, path: &str) -> String {
    let started = Instant::now();
    loop {
        let url = driver.current_url().await.unwrap();
        if url.path() != path {
            return url.path().to_string();
        }
        assert!(started.elapsed() < WAIT, "did not leave {path}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first element matching `by`, waiting for it to appear.
pub async fn find(driver: &WebDriver, by: By) -> WebElement {
    driver
        .query(by)
        .wait(WAIT, Duration::from_millis(100))
        .first()
        .await
        .unwrap()
}

/// Clears the input with this id and types `text` into it.
pub async fn type_into(driver: &WebDriver, id: &str, text: &str) {
    let input = find(driver, By::Id(id)).await;
    // Chromium under load sometimes drops keys it was sent (seen with Chinese text on the
    // phone-sized window): typed again, then it is a failure.
    for _ in 0..3 {
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
        if input.value().await.unwrap().unwrap_or_default() == text {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let kept = input.value().await.unwrap().unwrap_or_default();
    panic!("typing “{text}” into #{id} left “{kept}”");
}

/// The text of the first element matching `by`. A page that replaces itself (an import's
/// progress reloading) may swap the element between finding and reading it: find it again.
pub async fn text_of(driver: &WebDriver, by: By) -> String {
    let started = Instant::now();
    loop {
        match find(driver, by.clone()).await.text().await {
            Ok(text) => return text,
            Err(e)
                if format!("{e:?}").contains("StaleElementReference")
                    && started.elapsed() < WAIT =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("reading {by:?}: {e}"),
        }
    }
}

/// Opens /login and submits it; the caller waits for where it should land.
/// The text of `by` once it contains `part` (a page answering a click replaces what it showed
/// before), or what it holds after `WAIT`.
pub async fn text_containing(driver: &WebDriver, by: By, part: &str) -> String {
    let started = Instant::now();
    loop {
        let text = text_of(driver, by.clone()).await;
        if text.contains(part) || started.elapsed() >= WAIT {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn submit_login(driver: &WebDriver, app: &TestApp, id: &str, password: &str) {
    driver.goto(app.url("/login")).await.unwrap();
    type_into(driver, "id_number", id).await;
    type_into(driver, "password", password).await;
    find(driver, By::Id("login-submit"))
        .await
        .click()
        .await
        .unwrap();
}

/// True when the page is no wider than the viewport (no horizontal scrollbar), with the
/// two widths for the failure message.
pub async fn fits_viewport(driver: &WebDriver) -> (bool, String) {
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
