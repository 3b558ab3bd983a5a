//! What the test programs put in a fresh database (behind `test-support`, like `test_db`):
//! provinces by name, organisations, people, roles, memberships, and the 广州 tree most tests
//! share. The store's and the web's test supports both call these, so the two never drift.

use tuanjian_domain::{IdNumber, OrgClass, OrgKind, OrgLevel};

use crate::Store;
use crate::audit::Actor;
use crate::orgs::{NewOrg, Org, PageRequest, insert_org};
use crate::people::{Person, insert_person};
use crate::roles::{insert_admin, insert_cadre_post};

/// A database with its root (团中央), to seed.
pub struct Seed<'a> {
    pub store: &'a Store,
    pub root: &'a Org,
}

/// 广东 → 团广州市委 → 团天河区委 (with a sibling county, 团越秀区委) → a school's 团委 →
/// one of its 团支部.
pub struct Guangzhou {
    pub province: Org,
    pub city: Org,
    pub county: Org,
    pub sibling: Org,
    pub school: Org,
    pub branch: Org,
}

impl Seed<'_> {
    /// A provincial committee `init` created, by its short name.
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

    pub async fn make_cadre(&self, org: &Org, person: &Person, post: &str) {
        let mut tx = self.store.begin().await.unwrap();
        insert_cadre_post(&mut tx, &Actor::default(), org.id, person.id, post)
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
            province,
            city,
            county,
            sibling,
            school,
            branch,
        }
    }
}
