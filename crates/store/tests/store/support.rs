//! Test harness: the store on a fresh database (SQLite file or a new PostgreSQL database) per
//! test, initialised as `tuanjian init` leaves it, with the organisations and people the tests
//! build on (the database itself is `tuanjian_store::test_db`, shared with the web tests, whose
//! harness in crates/web/tests/web/support does the same behind HTTP).

use tuanjian_domain::{IdNumber, OrgClass, OrgKind, OrgLevel};
use tuanjian_store::Store;
use tuanjian_store::audit::Actor;
use tuanjian_store::bootstrap::FirstAdmin;
use tuanjian_store::orgs::{NewOrg, Org, PageRequest, insert_org};
use tuanjian_store::people::{Person, insert_person};
use tuanjian_store::roles::insert_admin;
pub use tuanjian_store::test_db::{Db, TestDb};

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

    pub async fn province(&self, short_name: &str) -> Org {
        let page = self
            .store
            .children(self.root.id, PageRequest::new(Some(1), Some(200)))
            .await
            .unwrap();
        page.items
            .into_iter()
            .map(|c| c.org)
            .find(|o| o.short_name == short_name)
            .expect("province exists")
    }

    pub async fn add_org(
        &self,
        parent: &Org,
        level: OrgLevel,
        kind: OrgKind,
        short: &str,
        full: &str,
    ) -> Org {
        let mut tx = self.store.begin().await.unwrap();
        let org = insert_org(
            &mut tx,
            &Actor::default(),
            Some(parent),
            &NewOrg {
                class: OrgClass { level, kind },
                short_name: short,
                full_name: full,
                xinjiang: false,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        org
    }

    /// A person; `password_hash` None leaves the account in its initial state.
    pub async fn add_person(&self, id: &str, name: &str, password_hash: Option<&str>) -> Person {
        let mut tx = self.store.begin().await.unwrap();
        let p = insert_person(
            &mut tx,
            &Actor::default(),
            &IdNumber::parse(id).unwrap(),
            name,
            None,
            password_hash,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        p
    }

    pub async fn make_admin(&self, org: &Org, person: &Person) {
        let mut tx = self.store.begin().await.unwrap();
        insert_admin(&mut tx, &Actor::default(), org.id, person.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    pub async fn make_member(&self, org: &Org, person: &Person) {
        sqlx::query("INSERT INTO members (person_id, org_id, org_path, status, created_at) VALUES ($1, $2, $3, 'normal', 0)")
            .bind(person.id)
            .bind(org.id)
            .bind(org.path.as_str())
            .execute(self.store.pool())
            .await
            .unwrap();
        // A statement outside `Tx`: the next read must not see a cached role list.
        self.store.forget_cached();
    }

    /// 广东 → 团广州市委 → 团天河区委 (with a sibling county, 团越秀区委) → a school's 团委 →
    /// one of its 团支部: the tree the web tests share as `Guangzhou`.
    pub async fn guangzhou(&self) -> Guangzhou {
        use OrgKind::{Branch, Committee};
        use OrgLevel::{County, Grassroots, Municipal};
        let province = self.province("团广东省委").await;
        let city = self
            .add_org(
                &province,
                Municipal,
                Committee,
                "团广州市委",
                "共青团广州市委员会",
            )
            .await;
        let county = self
            .add_org(
                &city,
                County,
                Committee,
                "团天河区委",
                "共青团广州市天河区委员会",
            )
            .await;
        let sibling = self
            .add_org(
                &city,
                County,
                Committee,
                "团越秀区委",
                "共青团广州市越秀区委员会",
            )
            .await;
        let school = self
            .add_org(
                &county,
                Grassroots,
                Committee,
                "一中团委",
                "共青团广州市天河区第一中学委员会",
            )
            .await;
        let branch = self
            .add_org(
                &school,
                Grassroots,
                Branch,
                "高一1班团支部",
                "共青团广州市天河区第一中学高一1班支部",
            )
            .await;
        Guangzhou {
            county,
            sibling,
            school,
            branch,
        }
    }
}

pub struct Guangzhou {
    pub county: Org,
    pub sibling: Org,
    pub school: Org,
    pub branch: Org,
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
