//! Test harness: the store on a fresh database (SQLite file or a new PostgreSQL database) per
//! test, initialised as `tuanjian init` leaves it, with the organisations and people the tests
//! build on (the database itself is `tuanjian_store::test_db`, shared with the web tests, whose
//! harness in crates/web/tests/web/support does the same behind HTTP).

use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
use tuanjian_store::Store;
use tuanjian_store::bootstrap::FirstAdmin;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;
pub use tuanjian_store::test_db::{Db, TestDb};
pub use tuanjian_store::test_seed::Guangzhou;
use tuanjian_store::test_seed::Seed;

/// The central admin every test database starts with.
pub const ROOT_ADMIN_ID: &str = "11010519491231002X";

/// A real Argon2id hash (of another password than the web tests use): the store keeps a
/// person's hash and never checks it, so one stands for "the account has a password".
pub const PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4XcOqvTeCPEVLBW3dRBX0hLYhmHnhx07B1XIJPdBZ8c";

/// The store on a fresh database, initialised, with its hot cache as `serve` runs it.
pub struct TestStore {
    pub store: Store,
    pub root: Org,
    /// Dropped with the test: the database goes.
    _db: TestDb,
}

impl TestStore {
    pub async fn new(kind: Db) -> Self {
        let db = TestDb::new(kind).await;
        let store = Store::open(&db.url).await.expect("open test database");
        store
            .init(FirstAdmin {
                id_number: &IdNumber::parse(ROOT_ADMIN_ID).unwrap(),
                name: "团中央管理员",
                password_hash: PASSWORD_HASH,
            })
            .await
            .unwrap();
        let root = store.root_org().await.unwrap().unwrap();
        // Every test also checks that no cached read hides a change.
        let store = store
            .with_hot_cache()
            .await
            .expect("listen for cache invalidation");
        Self {
            store,
            root,
            _db: db,
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

    /// A person; `password_hash` None leaves the account in its initial state.
    pub async fn add_person(&self, id: &str, name: &str, password_hash: Option<&str>) -> Person {
        self.seed().add_person(id, name, password_hash).await
    }

    pub async fn make_admin(&self, org: &Org, person: &Person) {
        self.seed().make_admin(org, person).await
    }

    pub async fn make_member(&self, org: &Org, person: &Person) {
        self.seed().make_member(org, person).await
    }

    /// The tree the web tests share too (`tuanjian_store::test_seed::Guangzhou`).
    pub async fn guangzhou(&self) -> Guangzhou {
        self.seed().guangzhou().await
    }
}

/// Runs an async test function against SQLite and against PostgreSQL.
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::support::TestStore::new($crate::support::Db::Sqlite).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::support::TestStore::new($crate::support::Db::Postgres).await).await;
            }
        }
    )*};
}
