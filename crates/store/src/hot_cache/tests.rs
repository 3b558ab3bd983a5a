//! The cache's rules on their own, then two servers (two stores) on one PostgreSQL database.

use std::time::Duration;

use tuanjian_domain::IdNumber;

use super::{HotCache, Shelf, Stale, listener::APPLICATION_NAME};
use crate::Store;
use crate::audit::Actor;
use crate::bootstrap::FirstAdmin;
use crate::orgs::PageRequest;
use crate::roles::{Role, RoleKind, insert_admin};
use crate::sessions::{SessionKind, create_session, hash_token};
use crate::test_support::{PgDb, eventually, sqlite_store};

fn role(org_id: i64) -> Role {
    Role {
        kind: RoleKind::Member,
        org_id,
        org_short_name: "一支部".into(),
        org_full_name: "共青团某某一支部".into(),
        posts: vec![],
    }
}

fn live_cache() -> HotCache {
    let cache = HotCache::new();
    cache.set_live(true);
    cache
}

#[test]
fn payloads_name_what_goes_stale() {
    assert_eq!(
        Stale::from_payload("session:ab12"),
        vec![Stale::Session("ab12".into())]
    );
    assert_eq!(Stale::from_payload("people"), vec![Stale::Sessions]);
    assert_eq!(Stale::from_payload("applications"), vec![Stale::Sessions]);
    assert_eq!(
        Stale::from_payload("org_admins"),
        vec![Stale::Sessions, Stale::Roles]
    );
    assert_eq!(Stale::from_payload("members"), vec![Stale::Roles]);
    assert_eq!(Stale::from_payload("orgs"), vec![Stale::Everything]);
    assert_eq!(Stale::from_payload("unforeseen"), vec![Stale::Everything]);
}

#[test]
fn nothing_is_kept_or_served_while_not_live() {
    let cache = HotCache::new();
    assert!(cache.ticket().is_none());
    cache.keep_roles(cache.ticket(), 1, &[role(7)]);
    cache.set_live(true);
    assert_eq!(cache.roles(1), None);
    cache.keep_roles(cache.ticket(), 1, &[role(7)]);
    assert_eq!(cache.roles(1), Some(vec![role(7)]));
    // Going down forgets, and nothing is served until the connection is back.
    cache.set_live(false);
    assert_eq!(cache.roles(1), None);
    cache.set_live(true);
    assert_eq!(cache.roles(1), None);
}

#[test]
fn a_read_that_started_before_a_change_is_not_kept() {
    let cache = live_cache();
    let before = cache.ticket();
    cache.forget(&Stale::Sessions);
    cache.keep_roles(before, 1, &[role(7)]);
    assert_eq!(
        cache.roles(1),
        None,
        "a change to any table voids older reads"
    );
    cache.keep_roles(cache.ticket(), 1, &[role(7)]);
    assert_eq!(cache.roles(1), Some(vec![role(7)]));
    // Forgetting one kind leaves the others.
    cache.forget(&Stale::Sessions);
    assert_eq!(cache.roles(1), Some(vec![role(7)]));
    cache.forget(&Stale::Roles);
    assert_eq!(cache.roles(1), None);
}

#[test]
fn a_full_shelf_starts_again() {
    let shelf: Shelf<i64, i64> = Shelf::new(2);
    let cache = live_cache();
    for key in 0..2 {
        cache.keep(&shelf, cache.ticket(), key, || key * 10);
    }
    assert_eq!((shelf.get(&0), shelf.get(&1)), (Some(0), Some(10)));
    cache.keep(&shelf, cache.ticket(), 2, || 20);
    assert_eq!((shelf.get(&0), shelf.get(&2)), (None, Some(20)));
}

/// Two servers on one fresh database, both caching; the national root and its admin, signed
/// in on the first as admin of the root.
struct TwoServers {
    a: Store,
    b: Store,
    db: PgDb,
    token: String,
    person_id: i64,
    root_id: i64,
}

/// The national root and its admin, signed in as admin of the root: (token, person, root).
async fn signed_in_admin(store: &Store) -> (String, i64, i64) {
    let id = IdNumber::parse("11010519491231002X").unwrap();
    store
        .init(FirstAdmin {
            id_number: &id,
            name: "团中央管理员",
            password_hash: "not-a-real-hash",
        })
        .await
        .unwrap();
    let person_id = store.person_by_id_number(&id).await.unwrap().unwrap().id;
    let root_id = store.root_org().await.unwrap().unwrap().id;
    let mut tx = store.begin().await.unwrap();
    let token = create_session(
        &mut tx,
        &actor(),
        person_id,
        SessionKind::Web,
        Some((RoleKind::Admin, root_id)),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (token, person_id, root_id)
}

impl TwoServers {
    async fn new() -> Self {
        let (a, db) = PgDb::new().await;
        let (token, person_id, root_id) = signed_in_admin(&a).await;
        let a = a.with_hot_cache().await.unwrap();
        let b = Store::connect(&db.url)
            .await
            .unwrap()
            .with_hot_cache()
            .await
            .unwrap();
        Self {
            a,
            b,
            db,
            token,
            person_id,
            root_id,
        }
    }

    async fn end(self) {
        self.b.close().await;
        self.db.drop_db(self.a).await;
    }
}

fn actor() -> Actor {
    Actor {
        person_id: None,
        role: None,
        client_addr: None,
    }
}

fn hot(store: &Store) -> &HotCache {
    store.cache().expect("a PostgreSQL store with the cache")
}

async fn province(store: &Store, root_id: i64) -> i64 {
    let (_, children, _) = store
        .lineage_and_children(root_id, PageRequest::new(Some(1), Some(1)))
        .await
        .unwrap();
    children.items[0].org.id
}

#[tokio::test]
async fn a_logout_on_another_server_ends_the_cached_session() {
    let t = TwoServers::new().await;
    let hash = hash_token(&t.token);
    let signed = t.b.session(&t.token, 1800).await.unwrap().unwrap();
    assert!(hot(&t.b).session(&hash).is_some(), "kept after the read");
    // Served from memory: the same session again.
    let again = t.b.session(&t.token, 1800).await.unwrap().unwrap();
    assert_eq!(again.session.csrf_token, signed.session.csrf_token);

    t.a.end_session(&actor(), &signed.session).await.unwrap();
    eventually("the other server forgets the ended session", async || {
        hot(&t.b).session(&hash).is_none()
    })
    .await;
    assert!(t.b.session(&t.token, 1800).await.unwrap().is_none());
    t.end().await;
}

#[tokio::test]
async fn changes_on_another_server_reach_cached_pages_and_roles() {
    let t = TwoServers::new().await;
    let province = province(&t.a, t.root_id).await;
    let req = PageRequest::new(Some(1), Some(20));
    let (lineage, _, _) = t.b.lineage_and_children(province, req).await.unwrap();
    assert_ne!(lineage.last().unwrap().org.short_name, "改过的名称");
    let roles = t.b.roles_of(t.person_id).await.unwrap();
    assert_eq!(roles.len(), 1);

    // A single statement on the first server's pool, outside any `Tx`.
    sqlx::query("UPDATE orgs SET short_name = '改过的名称' WHERE id = $1")
        .bind(province)
        .execute(t.a.pool())
        .await
        .unwrap();
    eventually("the other server reads the new name", async || {
        let (lineage, _, _) = t.b.lineage_and_children(province, req).await.unwrap();
        lineage.last().unwrap().org.short_name == "改过的名称"
    })
    .await;

    let mut tx = t.a.begin().await.unwrap();
    insert_admin(&mut tx, &actor(), province, t.person_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    eventually("the other server sees the new admin role", async || {
        t.b.roles_of(t.person_id).await.unwrap().len() == 2
    })
    .await;
    t.end().await;
}

#[tokio::test]
async fn this_servers_own_commit_is_seen_by_its_next_read() {
    let t = TwoServers::new().await;
    let province = province(&t.a, t.root_id).await;
    assert_eq!(t.a.roles_of(t.person_id).await.unwrap().len(), 1);
    // Without notifications, only the commit itself can make the cache forget.
    hot(&t.a).deafen();
    let mut tx = t.a.begin().await.unwrap();
    insert_admin(&mut tx, &actor(), province, t.person_id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(t.a.roles_of(t.person_id).await.unwrap().len(), 2);
    // And a statement outside `Tx`, once the store is told.
    sqlx::query("DELETE FROM org_admins WHERE org_id = $1")
        .bind(province)
        .execute(t.a.pool())
        .await
        .unwrap();
    t.a.forget_cached();
    assert_eq!(t.a.roles_of(t.person_id).await.unwrap().len(), 1);
    t.end().await;
}

#[tokio::test]
async fn a_broken_listening_connection_is_replaced_and_forgets_what_it_missed() {
    let t = TwoServers::new().await;
    let hash = hash_token(&t.token);
    let signed = t.b.session(&t.token, 1800).await.unwrap().unwrap();
    assert!(hot(&t.b).session(&hash).is_some());
    let ended: i64 = sqlx::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(APPLICATION_NAME)
    .fetch_one(t.a.pool())
    .await
    .unwrap();
    assert_eq!(ended, 2, "one listening connection per server");
    eventually("the lost connection forgets every entry", async || {
        hot(&t.b).session(&hash).is_none()
    })
    .await;
    eventually("both servers listen again", async || {
        hot(&t.a).is_live() && hot(&t.b).is_live()
    })
    .await;

    // While the database refuses new connections, a lost listener cannot come back, and the
    // cache neither serves nor keeps anything.
    t.db.allow_connections(false).await;
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
    )
    .bind(APPLICATION_NAME)
    .execute(t.a.pool())
    .await
    .unwrap();
    eventually("the cache stops serving", async || !hot(&t.b).is_live()).await;
    t.b.session(&t.token, 1800).await.unwrap().unwrap();
    assert!(
        hot(&t.b).session(&hash).is_none(),
        "nothing kept while deaf"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!hot(&t.b).is_live());
    t.db.allow_connections(true).await;
    eventually("both servers listen again", async || {
        hot(&t.a).is_live() && hot(&t.b).is_live()
    })
    .await;
    // Notifications arrive on the new connection.
    t.b.session(&t.token, 1800).await.unwrap().unwrap();
    assert!(hot(&t.b).session(&hash).is_some());
    t.a.end_session(&actor(), &signed.session).await.unwrap();
    eventually("the new connection hears the logout", async || {
        hot(&t.b).session(&hash).is_none()
    })
    .await;
    t.end().await;
}

#[tokio::test]
async fn sqlite_forgets_at_the_next_lookup_after_a_commit_by_any_process() {
    let (store, file) = sqlite_store().await;
    let (token, person_id, root_id) = signed_in_admin(&store).await;
    let store = store.with_hot_cache().await.unwrap();
    let province = province(&store, root_id).await;
    let signed = store.session(&token, 1800).await.unwrap().unwrap();
    assert_eq!(store.roles_of(person_id).await.unwrap().len(), 1);
    assert!(
        hot(&store).roles(person_id).is_some(),
        "kept after the read"
    );

    // Another process: a connection of its own to the same file.
    let other = rusqlite::Connection::open(file.sqlite_path().unwrap()).unwrap();
    other
        .execute(
            "INSERT INTO org_admins (org_id, person_id, created_at) VALUES (?1, ?2, 0)",
            [province, person_id],
        )
        .unwrap();
    // Not only after a session lookup: login reads the roles first.
    assert_eq!(store.roles_of(person_id).await.unwrap().len(), 2);
    other
        .execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            [&signed.session.token_hash],
        )
        .unwrap();
    assert!(store.session(&token, 1800).await.unwrap().is_none());

    // An in-memory database: only the pool's connections could see a commit.
    let memory = Store::open("sqlite::memory:")
        .await
        .unwrap()
        .with_hot_cache()
        .await
        .unwrap();
    assert!(memory.cache().is_none());
}

/// The tables a statement reads: the names after FROM and JOIN, less its own `WITH` names.
fn tables_read(sql: &str) -> std::collections::BTreeSet<String> {
    // Each word cut to its leading name: `orgs)` is `orgs`, `anc(id` is `anc`, `(SELECT` is ``.
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| {
            w.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap()
        })
        .collect();
    let after = |keywords: &[&str]| -> Vec<&str> {
        words
            .windows(2)
            .filter(|w| keywords.contains(&w[0]) && !w[1].is_empty())
            .map(|w| w[1])
            .collect()
    };
    let ctes = after(&["WITH", "RECURSIVE"]);
    after(&["FROM", "JOIN"])
        .into_iter()
        .filter(|t| *t != "RECURSIVE" && !ctes.contains(t))
        .map(str::to_string)
        .collect()
}

#[test]
fn tables_read_are_found() {
    let tables = tables_read(
        "WITH RECURSIVE anc(id) AS (SELECT id FROM orgs) SELECT 1 FROM anc JOIN people p, (SELECT 1 FROM x_y) q",
    );
    assert_eq!(
        tables.into_iter().collect::<Vec<_>>(),
        ["orgs", "people", "x_y"]
    );
}

/// A cached read is only as fresh as the notifications of the tables it reads: a new join in
/// one of them needs a trigger (migration 0007's pattern) and a line in `Stale::from_payload`.
#[tokio::test]
async fn every_table_a_cached_read_reads_notifies_its_changes() {
    let (store, db) = PgDb::new().await;
    let notifying: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT CAST(c.relname AS TEXT) FROM pg_trigger t \
         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid \
         WHERE p.proname IN ('tj_notify_table', 'tj_notify_session')",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let cached = [
        crate::sessions::SESSION_SQL,
        crate::roles::ROLES_SQL,
        crate::orgs::ORG_PAGE_SQL,
    ];
    let all: std::collections::BTreeSet<String> =
        cached.iter().flat_map(|s| tables_read(s)).collect();
    // The parser reads the real statements (a change here is a change to what must notify).
    assert_eq!(
        all.iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "applications",
            "cadre_posts",
            "corrections",
            "members",
            "org_admins",
            "org_changes",
            "org_moves",
            "orgs",
            "people",
            "sessions",
            "transfers"
        ]
    );
    for sql in cached {
        for table in tables_read(sql) {
            assert!(
                notifying.contains(&table),
                "{table} is read by a cached statement but notifies no change"
            );
            if table != "orgs" {
                assert_ne!(
                    Stale::from_payload(&table),
                    vec![Stale::Everything],
                    "{table}: say in Stale::from_payload what its changes make stale"
                );
            }
        }
    }
    db.drop_db(store).await;
}
