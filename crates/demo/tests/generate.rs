//! Generates small demos into fresh SQLite and PostgreSQL databases and checks them against the
//! league's rules.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use sqlx::Row;
use tuanjian_demo::{DEMO_PASSWORD, DemoOptions, DemoSummary, generate};
use tuanjian_domain::{IdNumber, OrgClass, OrgKind, OrgLevel};
use tuanjian_store::roles::RoleKind;
use tuanjian_store::settings::DemoAccount;
use tuanjian_store::{Store, settings};

const MEMBERS: u64 = 2000;
/// Stored as is; these tests never verify a password.
const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZGVtb3NhbHQ$ZGVtb2hhc2g";

fn unique_suffix() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

struct TempSqlite {
    path: String,
}

impl TempSqlite {
    fn new() -> Self {
        Self {
            path: format!("/tmp/tj_demo_test_{}.db", unique_suffix()),
        }
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.path)
    }
}

impl Drop for TempSqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path));
        }
    }
}

async fn demo(store: &Store, seed: u64) -> DemoSummary {
    generate(
        store,
        DemoOptions {
            members: MEMBERS,
            seed,
            orgs: None,
        },
        HASH,
    )
    .await
    .expect("demo generates")
}

async fn count(store: &Store, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn ordered_id_numbers_hash(store: &Store) -> u64 {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id_number FROM people ORDER BY id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let mut h = DefaultHasher::new();
    ids.hash(&mut h);
    h.finish()
}

struct OrgRow {
    parent_id: Option<i64>,
    path: String,
    depth: i64,
    class: OrgClass,
    province_id: Option<i64>,
    xinjiang: bool,
}

/// Every rule the demo promises, checked on the stored rows.
async fn check(store: &Store, summary: &DemoSummary) {
    check_shape(store, summary, MEMBERS, 20.0..=50.0).await;
}

/// As `check`, for `members` members with `per_branch` of them per branch on average.
async fn check_shape(
    store: &Store,
    summary: &DemoSummary,
    members_wanted: u64,
    per_branch_range: std::ops::RangeInclusive<f64>,
) {
    let today = chrono::Local::now().date_naive();
    assert_eq!(summary.members, members_wanted);
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM members").await,
        members_wanted as i64
    );
    // 团中央 and the 37 provincial-level committees come from init.
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM orgs").await,
        summary.orgs as i64 + 38
    );
    // Every name carries its comparison key (migration 0008), so look-alikes are refused.
    let names: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT full_name, name_key FROM orgs")
            .fetch_all(store.pool())
            .await
            .unwrap();
    for (full, key) in &names {
        assert_eq!(
            key.as_deref(),
            Some(tuanjian_domain::text::comparison_key(full).as_str()),
            "{full}"
        );
    }
    assert_eq!(
        count(store, "SELECT COUNT(DISTINCT person_id) FROM cadre_posts").await,
        summary.cadres as i64
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'demo.generate'"
        )
        .await,
        1
    );

    // The tree: paths, depths, placement rules, province and 新疆 flags.
    let rows = sqlx::query(
        "SELECT id, parent_id, path, depth, level, kind, province_id, xinjiang FROM orgs",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut orgs = HashMap::new();
    for r in rows {
        let level: String = r.get("level");
        let kind: String = r.get("kind");
        orgs.insert(
            r.get::<i64, _>("id"),
            OrgRow {
                parent_id: r.get("parent_id"),
                path: r.get("path"),
                depth: r.get::<i64, _>("depth"),
                class: OrgClass {
                    level: OrgLevel::parse(&level).unwrap(),
                    kind: OrgKind::parse(&kind).unwrap(),
                },
                province_id: r.get("province_id"),
                xinjiang: r.get::<i64, _>("xinjiang") != 0,
            },
        );
    }
    let mut branches = 0;
    for (id, org) in &orgs {
        match org.parent_id {
            None => {
                assert_eq!(org.path, format!("/{id}/"));
                assert_eq!(org.depth, 0);
            }
            Some(pid) => {
                let parent = &orgs[&pid];
                assert_eq!(org.path, format!("{}{id}/", parent.path));
                assert_eq!(org.depth, parent.depth + 1, "{}", org.path);
                parent
                    .class
                    .may_hold(org.class)
                    .unwrap_or_else(|e| panic!("{}: {e}", org.path));
                if org.class.level == OrgLevel::Provincial {
                    assert_eq!(org.province_id, Some(*id));
                } else {
                    assert_eq!(org.province_id, parent.province_id, "{}", org.path);
                    assert_eq!(org.xinjiang, parent.xinjiang, "{}", org.path);
                }
            }
        }
        if org.class.kind.is_branch() {
            branches += 1;
        }
    }
    let per_branch = members_wanted as f64 / f64::from(branches);
    assert!(per_branch_range.contains(&per_branch), "{per_branch}");

    // Members: valid ID numbers, ages, join months, development numbers, only in branches.
    let members = sqlx::query(
        "SELECT p.id_number, m.join_month, m.dev_number, m.status, o.kind, o.xinjiang \
         FROM members m JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(members.len() as u64, members_wanted);
    let mut dev_numbers = std::collections::HashSet::new();
    for r in &members {
        let id = IdNumber::parse(r.get::<String, _>("id_number").as_str()).unwrap();
        assert!(id.address_warning().is_none(), "{id:?}");
        let age = id.age_on(today);
        assert!((14..=28).contains(&age), "{age}");
        let kind: String = r.get("kind");
        assert!(OrgKind::parse(&kind).unwrap().is_branch(), "{kind}");
        let status: String = r.get("status");
        assert_eq!(status, "normal");
        let join_month: String = r.get("join_month");
        let joined = NaiveDate::parse_from_str(&format!("{join_month}-01"), "%Y-%m-%d").unwrap();
        assert!(joined <= today, "{join_month}");
        let xinjiang = r.get::<i64, _>("xinjiang") != 0;
        let numbered_from = if xinjiang { 2016 } else { 2017 };
        let min_age = if xinjiang || join_month.as_str() >= "2017-01" {
            13
        } else {
            12
        };
        let month = tuanjian_domain::JoinMonth::of_date(joined);
        assert!(
            tuanjian_domain::entry_rules::join_age(&id, month) >= min_age,
            "{id:?} {join_month}"
        );
        let dev: Option<String> = r.get("dev_number");
        let year: i32 = join_month[..4].parse().unwrap();
        match dev {
            Some(dev) => {
                assert!(year >= numbered_from);
                assert_eq!(dev.len(), 12);
                assert!(dev.bytes().all(|b| b.is_ascii_digit()));
                assert_eq!(&dev[..4], &join_month[..4]);
                assert!(dev_numbers.insert(dev));
            }
            None => assert!(year < numbered_from, "{join_month}"),
        }
    }
    // Every person's ID number is valid, members and cadres alike.
    let ids: Vec<String> = sqlx::query_scalar("SELECT id_number FROM people")
        .fetch_all(store.pool())
        .await
        .unwrap();
    for id in &ids {
        IdNumber::parse(id).unwrap();
    }

    // Roles: each branch's 书记 is one of its members; each committee has a 书记 and an admin
    // who holds a post there.
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM orgs o WHERE o.kind IN ('01TZB', '06BYBTZB') AND NOT EXISTS \
             (SELECT 1 FROM cadre_posts c JOIN members m ON m.person_id = c.person_id \
             AND m.org_id = c.org_id WHERE c.org_id = o.id AND c.post = '书记')"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM orgs o WHERE o.kind NOT IN ('01TZB', '06BYBTZB') AND NOT EXISTS \
             (SELECT 1 FROM cadre_posts c WHERE c.org_id = o.id AND c.post = '书记')"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM orgs o WHERE o.kind NOT IN ('01TZB', '06BYBTZB') AND NOT EXISTS \
             (SELECT 1 FROM org_admins a JOIN cadre_posts c ON c.person_id = a.person_id \
             AND c.org_id = a.org_id WHERE a.org_id = o.id)"
        )
        .await,
        0
    );

    // 完善组织信息: every body shows its 书记, and the stored completeness agrees with the
    // store's own rule.
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM orgs o WHERE NOT EXISTS (SELECT 1 FROM cadre_posts c \
             WHERE c.org_id = o.id AND c.person_id = o.secretary_person_id AND c.post = '书记')"
        )
        .await,
        0
    );
    let mut complete = 0;
    for id in orgs.keys() {
        let org = store.org(*id).await.unwrap();
        let info = store.org_info(*id).await.unwrap();
        let school = store.is_school_org(&org).await.unwrap();
        let stored: i64 = sqlx::query_scalar("SELECT info_complete FROM orgs WHERE id = $1")
            .bind(*id)
            .fetch_one(store.pool())
            .await
            .unwrap();
        let missing = info.missing(org.class(), school);
        assert_eq!(
            stored == 1,
            missing.is_empty(),
            "{} {missing:?}",
            org.full_name
        );
        complete += stored;
    }
    assert!(complete * 2 > orgs.len() as i64, "{complete}");

    // Demo accounts: all present, listed, with the right password state.
    let accounts = settings::demo_accounts(store).await.unwrap();
    assert_eq!(listed(&accounts), listed(&summary.accounts));
    assert_eq!(accounts.len(), 8, "{accounts:?}");
    let mut initial = 0;
    for account in &accounts {
        let id = IdNumber::parse(&account.id_number).unwrap();
        let person = store
            .person_by_id_number(&id)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{} missing", account.label));
        if account.password == DEMO_PASSWORD {
            assert_eq!(
                person.password_hash.as_deref(),
                Some(HASH),
                "{}",
                account.label
            );
        } else {
            initial += 1;
            assert!(person.in_initial_state(), "{}", account.label);
            assert_eq!(account.password, id.initial_password());
        }
    }
    assert_eq!(initial, 1);
    let several = accounts
        .iter()
        .find(|a| a.label.starts_with("一人多岗"))
        .unwrap();
    let person = store
        .person_by_id_number(&IdNumber::parse(&several.id_number).unwrap())
        .await
        .unwrap()
        .unwrap();
    let roles = store.roles_of(person.id).await.unwrap();
    for kind in [RoleKind::Admin, RoleKind::Cadre, RoleKind::Member] {
        assert!(roles.iter().any(|r| r.kind == kind), "{roles:?}");
    }
}

/// The store's account type has no equality; compare what the login page shows.
fn listed(accounts: &[DemoAccount]) -> Vec<(String, String, String)> {
    accounts
        .iter()
        .map(|a| (a.label.clone(), a.id_number.clone(), a.password.clone()))
        .collect()
}

#[tokio::test]
async fn sqlite_demo_follows_the_rules_and_repeats() {
    let first = TempSqlite::new();
    let store = Store::open(&first.url()).await.unwrap();
    let summary = demo(&store, 42).await;
    check(&store, &summary).await;

    // A second run on the same database is refused in Chinese and changes nothing.
    let err = generate(
        &store,
        DemoOptions {
            members: MEMBERS,
            seed: 42,
            orgs: None,
        },
        HASH,
    )
    .await
    .err()
    .expect("second run refused");
    assert!(err.to_string().contains("已有演示数据"), "{err}");
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM members").await,
        MEMBERS as i64
    );

    // The same seed gives the same people in a fresh database.
    let second = TempSqlite::new();
    let again = Store::open(&second.url()).await.unwrap();
    let summary_again = demo(&again, 42).await;
    assert_eq!(summary_again.orgs, summary.orgs);
    assert_eq!(
        ordered_id_numbers_hash(&store).await,
        ordered_id_numbers_hash(&again).await
    );
    store.close().await;
    again.close().await;
}

#[tokio::test]
async fn an_org_target_gives_many_small_branches() {
    let file = TempSqlite::new();
    let store = Store::open(&file.url()).await.unwrap();
    let opts = |members| DemoOptions {
        members,
        seed: 5,
        orgs: Some(2500),
    };
    let summary = generate(&store, opts(3000), HASH).await.unwrap();
    assert!(summary.orgs.abs_diff(2500) <= 25, "{}", summary.orgs);
    check_shape(&store, &summary, 3000, 1.0..=2.0).await;

    // Fewer members than branches: one each, two in the demo branch.
    let other = TempSqlite::new();
    let again = Store::open(&other.url()).await.unwrap();
    let thin = generate(&again, opts(100), HASH).await.unwrap();
    assert_eq!(thin.orgs, summary.orgs);
    let branches = count(
        &again,
        "SELECT COUNT(*) FROM orgs WHERE kind IN ('01TZB', '06BYBTZB')",
    )
    .await;
    check_shape(&again, &thin, branches as u64 + 1, 1.0..=1.01).await;
    let err = generate(
        &store,
        DemoOptions {
            members: 100,
            seed: 1,
            orgs: Some(10),
        },
        HASH,
    )
    .await
    .err()
    .unwrap();
    assert!(err.to_string().contains("演示组织数"), "{err}");
    store.close().await;
    again.close().await;
}

#[tokio::test]
async fn other_seeds_give_other_people() {
    let a = TempSqlite::new();
    let store = Store::open(&a.url()).await.unwrap();
    generate(
        &store,
        DemoOptions {
            members: 100,
            seed: 1,
            orgs: None,
        },
        HASH,
    )
    .await
    .unwrap();
    let b = TempSqlite::new();
    let other = Store::open(&b.url()).await.unwrap();
    generate(
        &other,
        DemoOptions {
            members: 100,
            seed: 2,
            orgs: None,
        },
        HASH,
    )
    .await
    .unwrap();
    assert_ne!(
        ordered_id_numbers_hash(&store).await,
        ordered_id_numbers_hash(&other).await
    );
    let err = generate(
        &store,
        DemoOptions {
            members: 10,
            seed: 1,
            orgs: None,
        },
        HASH,
    )
    .await
    .err()
    .unwrap();
    assert!(err.to_string().contains("演示团员人数"), "{err}");
}

const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

async fn pg_admin() -> sqlx::PgPool {
    let url = std::env::var("TUANJIAN_TEST_PG").unwrap_or_else(|_| PG_ADMIN_URL.to_string());
    if let Ok(pool) = sqlx::PgPool::connect(&url).await {
        return pool;
    }
    // The machine's PostgreSQL 15 may simply not be started yet.
    let _ = std::process::Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", "15", "main", "start"])
        .status();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    sqlx::PgPool::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} is not reachable: {e}"))
}

#[tokio::test]
async fn postgres_demo_follows_the_rules() {
    let admin = pg_admin().await;
    let db = format!("tj_demo_{}", unique_suffix());
    // Safe: the name is made of this test's digits and underscores.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&admin)
        .await
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{db}");
    let outcome = tokio::spawn(async move {
        let store = Store::open(&url).await.unwrap();
        let summary = demo(&store, 7).await;
        check(&store, &summary).await;
        // The sequences moved past the explicit ids: ordinary inserts still work.
        sqlx::query("INSERT INTO people (id_number, name, created_at) VALUES ($1, $2, 0)")
            .bind(IdNumber::from_first17("11010119600101001").as_str())
            .bind("测试")
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    })
    .await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
    )))
    .execute(&admin)
    .await
    .unwrap();
    outcome.unwrap();
}

#[tokio::test]
async fn an_initialised_database_gets_the_demo_admin_too() {
    let file = TempSqlite::new();
    let store = Store::open(&file.url()).await.unwrap();
    let own_admin = IdNumber::from_first17("44030519850101002");
    store
        .init(tuanjian_store::bootstrap::FirstAdmin {
            id_number: &own_admin,
            name: "李管理",
            password_hash: HASH,
        })
        .await
        .unwrap();
    let summary = generate(
        &store,
        DemoOptions {
            members: 100,
            seed: 3,
            orgs: None,
        },
        HASH,
    )
    .await
    .unwrap();
    let central = IdNumber::parse(&summary.accounts[0].id_number).unwrap();
    let person = store.person_by_id_number(&central).await.unwrap().unwrap();
    let roles = store.roles_of(person.id).await.unwrap();
    assert!(roles.iter().any(|r| r.kind == RoleKind::Admin), "{roles:?}");
    // The installation's own admin keeps the root.
    let own = store
        .person_by_id_number(&own_admin)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .roles_of(own.id)
            .await
            .unwrap()
            .iter()
            .any(|r| r.kind == RoleKind::Admin)
    );
}

/// A demo large enough for every branch size class, on one database: its counters match a
/// recount from the rows (on PostgreSQL they were rebuilt after the COPY load with the row
/// triggers off; on SQLite the triggers kept them), and the statistics show branches of
/// fewer than 3, 3 to 50 and more than 50 members.
async fn counters_and_branch_sizes(store: &Store) {
    let summary = generate(
        store,
        DemoOptions {
            members: 20_000,
            seed: 11,
            orgs: None,
        },
        HASH,
    )
    .await
    .expect("demo generates");
    let report = store.verify_counters(false).await.unwrap();
    assert!(report.is_clean(), "{report:?}");
    let root = store.root_org().await.unwrap().expect("root").id;
    let counts = store.subtree_counts(root).await.unwrap();
    use tuanjian_store::counters::Dim;
    for bucket in ["lt3", "mid", "gt50"] {
        assert!(
            counts.get(Dim::BranchSize, bucket) > 0,
            "no branch in {bucket}: {:?}",
            counts.values(Dim::BranchSize).collect::<Vec<_>>()
        );
    }
    assert_eq!(counts.total(Dim::Members), 20_000);
    // The 书记 of every planned body is set, as the counts of its children and admins.
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM orgs WHERE parent_id IS NOT NULL AND secretary_person_id IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            store,
            "SELECT COUNT(*) FROM orgs p WHERE child_count <> \
             (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = p.id) \
             OR complete_children <> (SELECT COUNT(*) FROM orgs c WHERE c.parent_id = p.id \
             AND c.info_complete = 1)"
        )
        .await,
        0
    );
    assert_eq!(summary.members, 20_000);
}

#[tokio::test]
async fn sqlite_demo_counters_match_the_rows_with_every_branch_size() {
    let file = TempSqlite::new();
    let store = Store::open(&file.url()).await.unwrap();
    counters_and_branch_sizes(&store).await;
    store.close().await;
}

#[tokio::test]
async fn postgres_demo_counters_match_the_rows_with_every_branch_size() {
    let admin = pg_admin().await;
    let db = format!("tj_demo_{}", unique_suffix());
    // Safe: the name is made of this test's digits and underscores.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&admin)
        .await
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{db}");
    let outcome = tokio::spawn(async move {
        let store = Store::open(&url).await.unwrap();
        counters_and_branch_sizes(&store).await;
        // The staging tables of the load are gone.
        assert_eq!(
            count(
                &store,
                "SELECT COUNT(*) FROM pg_tables WHERE tablename LIKE 'demo_load%'"
            )
            .await,
            0
        );
        store.close().await;
    })
    .await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
    )))
    .execute(&admin)
    .await
    .unwrap();
    outcome.unwrap();
}
