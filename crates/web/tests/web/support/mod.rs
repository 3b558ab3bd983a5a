//! Test harness: the real HTTP app on a fresh database (SQLite file or a new PostgreSQL
//! database) per test, reached over loopback with reqwest; and what the areas' tests share
//! (`admin`, `browser`, `import`, `members`, `setup`).
//!
//! Every test of the program runs in a thread of one process, so nothing here may assume a
//! process of its own: databases, temporary files and browser profiles have names of their own
//! (the pid with a counter, a random number or the test's name); each app, second server and
//! chromedriver listens on a port of its own (port 0); no test sets an environment variable. What the process itself holds is
//! shared by design: the import jobs' owner name, and their turn to read a file
//! (`member_import::jobs::PARSING_AT_ONCE`), which the imports of all tests take in turn, as
//! those of all organisations do on a server. Only the children import gives up waiting (after
//! 20 s, answering `import_busy`); the tests' files are read well within that.

pub mod admin;
pub mod browser;
pub mod import;
pub mod members;
pub mod paging;
pub mod setup;

use std::net::SocketAddr;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::Store;
use tuanjian_store::bootstrap::FirstAdmin;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;
pub use tuanjian_store::test_db::{Db, TestDb};
pub use tuanjian_store::test_seed::Guangzhou;
use tuanjian_store::test_seed::Seed;
use tuanjian_web::auth::password_hash::Hasher;
use tuanjian_web::{AppState, Config};

/// The central admin every test app starts with.
pub const ROOT_ADMIN_ID: &str = "11010519491231002X";
pub const ROOT_ADMIN_PASSWORD: &str = "Central2024";

/// A valid ID number (born 1990-01-01 in 广州), different for each `n` below 1000.
pub fn idn(n: u32) -> String {
    IdNumber::from_first17(&format!("44010619900101{n:03}"))
        .as_str()
        .to_string()
}

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub root: Org,
    pub db: TestDb,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        // After every test, whatever it did to the tree: the children counts the triggers keep
        // (migration 0006) equal the counted ones.
        if !std::thread::panicking() {
            let url = self.db.url.clone();
            let wrong = std::thread::spawn(move || wrong_child_counts(&url))
                .join()
                .unwrap();
            assert!(
                wrong.is_empty(),
                "stored child_count/complete_children differ from the children of orgs {wrong:?}"
            );
            // And the statistics counters (migration 0015) equal the count of the rows.
            let url = self.db.url.clone();
            let report = std::thread::spawn(move || counters_report(&url))
                .join()
                .unwrap();
            assert!(
                report.is_clean(),
                "statistics counters differ from the rows: {report:?}"
            );
        }
    }
}

/// Organisations whose stored children counts differ from their children.
fn wrong_child_counts(url: &str) -> Vec<i64> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
            .await
            .unwrap();
        sqlx::query_scalar(
            "SELECT p.id FROM orgs p \
             WHERE p.child_count <> (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = p.id) \
                OR p.complete_children <> \
                   (SELECT COALESCE(SUM(c.info_complete), 0) FROM orgs c WHERE c.parent_id = p.id) \
             ORDER BY p.id",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap()
    })
}

/// The statistics counters checked against the rows (`tuanjian verify-counters`).
fn counters_report(url: &str) -> tuanjian_store::counters::CounterReport {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = Store::connect(url).await.unwrap();
        // Tests set rows up with direct SQL outside a transaction; what that logged is folded
        // here as the next transaction's commit would.
        store.fold_pending_counters().await.unwrap();
        let report = store.verify_counters(false).await.unwrap();
        store.close().await;
        report
    })
}

/// The app on a free local port, until the task is aborted.
async fn serve(state: AppState) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = tuanjian_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, server)
}

pub struct SecondServer {
    base: String,
    server: tokio::task::JoinHandle<()>,
}

impl SecondServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for SecondServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The app on a database a test filled otherwise (by `tuanjian copy-to`), migrated as `serve`
/// opens it, until the returned server is dropped.
pub async fn serve_existing(url: &str) -> SecondServer {
    let store = Store::open(url)
        .await
        .expect("open the database")
        .with_hot_cache()
        .await
        .unwrap();
    let (addr, server) = serve(AppState::new(store, fast_test_config())).await;
    SecondServer {
        base: format!("http://{addr}"),
        server,
    }
}

impl SecondServer {
    /// The app on `store` as the test made it (a read replica, say), until dropped.
    pub async fn on_store(store: Store) -> Self {
        let (addr, server) = serve(AppState::new(store, fast_test_config())).await;
        SecondServer {
            base: format!("http://{addr}"),
            server,
        }
    }

    /// A JSON API client of this server, not signed in.
    pub fn api(&self) -> ApiClient {
        ApiClient {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            token: None,
        }
    }
}

/// The defaults, except that an organisation import waits for its turn as long as a loaded
/// test machine may need (tests run imports side by side; 20 s was seen to run out).
pub fn fast_test_config() -> Config {
    Config {
        import_turn_wait: std::time::Duration::from_secs(600),
        ..Config::default()
    }
}

impl TestApp {
    pub async fn spawn(kind: Db) -> Self {
        Self::spawn_with(kind, fast_test_config()).await
    }

    pub async fn spawn_with(kind: Db, config: Config) -> Self {
        let db = TestDb::new(kind).await;
        let store = Store::open(&db.url).await.expect("open test database");
        let hash = Hasher::new(1)
            .hash(ROOT_ADMIN_PASSWORD.into())
            .await
            .unwrap();
        let admin = IdNumber::parse(ROOT_ADMIN_ID).unwrap();
        store
            .init(FirstAdmin {
                id_number: &admin,
                name: "团中央管理员",
                password_hash: &hash,
            })
            .await
            .unwrap();
        let root = store.root_org().await.unwrap().unwrap();
        // As `serve` runs it: every test also checks that no cached read hides a change.
        let store = store
            .with_hot_cache()
            .await
            .expect("listen for cache invalidation");
        let (addr, server) = serve(AppState::new(store.clone(), config)).await;
        Self {
            base: format!("http://{addr}"),
            store,
            root,
            db,
            server,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Another server on the same database, with a cache of its own, as several run behind
    /// a load balancer. Cookies belong to the host, so one browser client reaches both.
    pub async fn second_server(&self) -> SecondServer {
        let store = Store::connect(&self.db.url)
            .await
            .unwrap()
            .with_hot_cache()
            .await
            .unwrap();
        let (addr, server) = serve(AppState::new(store, fast_test_config())).await;
        SecondServer {
            base: format!("http://{addr}"),
            server,
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub fn api(&self) -> ApiClient {
        ApiClient {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            token: None,
        }
    }

    fn seed(&self) -> Seed<'_> {
        Seed {
            store: &self.store,
            root: &self.root,
        }
    }

    pub async fn province(&self, short_name: &str) -> Org {
        self.seed().province(short_name).await
    }

    pub async fn add_org(
        &self,
        parent: &Org,
        level: OrgLevel,
        kind: OrgKind,
        short: &str,
        full: &str,
    ) -> Org {
        self.seed().add_org(parent, level, kind, short, full).await
    }

    /// A person; `password` None leaves the account in its initial state.
    pub async fn add_person(&self, id: &str, name: &str, password: Option<&str>) -> Person {
        let hash = match password {
            Some(p) => Some(Hasher::new(1).hash(p.into()).await.unwrap()),
            None => None,
        };
        self.seed().add_person(id, name, hash.as_deref()).await
    }

    pub async fn make_admin(&self, org: &Org, person: &Person) {
        self.seed().make_admin(org, person).await
    }

    pub async fn make_cadre(&self, org: &Org, person: &Person, post: &str) {
        self.seed().make_cadre(org, person, post).await
    }

    pub async fn make_member(&self, org: &Org, person: &Person) {
        self.seed().make_member(org, person).await
    }

    /// Signs in through the login page like a browser; returns the client holding the cookie.
    pub async fn page_login(
        &self,
        id: &str,
        password: &str,
    ) -> (reqwest::Client, reqwest::Response) {
        let c = self.browser();
        let page = c
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&page);
        let res = c
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("id_number", id),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        (c, res)
    }

    pub async fn audit_count(&self, action: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }
}

/// A small tree in 广东 that many tests share: the province → 团广州市委 → 团天河区委 (with a
/// sibling county, 团越秀区委) → a school's 团委 → one of its 团支部.
impl TestApp {
    pub async fn guangzhou(&self) -> Guangzhou {
        self.seed().guangzhou().await
    }
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// A JSON API client with an optional bearer token.
pub struct ApiClient {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
}

impl ApiClient {
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self.req(reqwest::Method::GET, path).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let res = self.req(method, path).json(&body).send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    /// Logs in and keeps the token; panics unless it succeeds.
    pub async fn login(&mut self, id: &str, password: &str) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/login",
                json!({ "id_number": id, "password": password }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        self.token = Some(body["token"].as_str().unwrap().to_string());
        body
    }
}

/// Runs an async test function against SQLite and against PostgreSQL.
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::TestApp::spawn($crate::support::Db::Sqlite).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::TestApp::spawn($crate::support::Db::Postgres).await).await;
            }
        }
    )*};
}

/// As `both_databases!`, for test functions that set up their own app: each takes the `Db`.
macro_rules! both_database_kinds {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::Db::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::Db::Postgres).await;
            }
        }
    )*};
}
