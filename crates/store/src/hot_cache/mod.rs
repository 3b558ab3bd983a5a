//! Each server keeps the reads of every signed-in request (its session, the person's roles, an
//! organisation's lineage and page of children) in memory, and forgets them when the tables
//! they come from change (docs/benchmarks.md, issue 2: with PostgreSQL on the same cores, no
//! server that asks it twice per page reaches a quarter of /healthz).
//!
//! Correctness does not rest on expiry:
//! - PostgreSQL: triggers (migration 0007) notify every listening server of each committed
//!   change, by table, and of each ended or switched session by its token's digest
//!   (`listener`); while the listening connection is down, or silent for a heartbeat, nothing
//!   is cached or served;
//! - SQLite: before every lookup, `PRAGMA data_version` tells whether any connection of any
//!   process committed since the last look, and if so everything is forgotten
//!   (`data_version`);
//! - this server's own commits forget everything before the transaction's caller goes on
//!   (`Tx::commit`), so a change is visible to the next request at once;
//! - a read that raced with a change is not kept: every change bumps a generation, and a read
//!   is stored only if the generation it started under still holds.
//!
//! Entries also expire after ten seconds, a bound on what any failure not foreseen here could
//! leave behind.

mod data_version;
mod listener;
#[cfg(test)]
mod tests;

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use data_version::DataVersion;
pub(crate) use listener::start;

use crate::orgs::{ChildOrg, OrgWithIndustry, Page};
use crate::roles::Role;
use crate::sessions::SignedSession;

/// What `Store::lineage_and_children` returns.
pub(crate) type OrgPageRead = (Vec<OrgWithIndustry>, Page<ChildOrg>, i64);

const TTL: Duration = Duration::from_secs(10);

/// The generation a read started under; only a read whose generation still holds is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket(u64);

/// One kind of cached read, bounded: when full it starts again empty (cheaper than tracking
/// use, and a full cache means many more people than one server's memory should hold).
struct Shelf<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> Shelf<K, V> {
    fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, V)>> {
        // A panic while holding the lock cannot leave a half-written entry behind.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let entries = self.lock();
        let (stored, value) = entries.get(key)?;
        (stored.elapsed() < TTL).then(|| value.clone())
    }

    fn clear(&self) {
        self.lock().clear();
    }
}

/// Which cached reads a change makes stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stale {
    /// One session, by the digest of its token (ended, or switched to another role).
    Session(String),
    Sessions,
    Roles,
    Everything,
}

impl Stale {
    /// The reads made stale by a notification (a table's name, or `session:` and a digest).
    pub(crate) fn from_payload(payload: &str) -> Vec<Stale> {
        if let Some(hash) = payload.strip_prefix("session:") {
            return vec![Stale::Session(hash.to_string())];
        }
        match payload {
            "sessions" => vec![Stale::Sessions],
            // A session carries its person and, for an admin, the organisation and its 待办.
            "people" | "org_changes" | "org_moves" | "applications" | "corrections"
            | "transfers" => {
                vec![Stale::Sessions]
            }
            "org_admins" => vec![Stale::Sessions, Stale::Roles],
            "members" | "cadre_posts" => vec![Stale::Roles],
            // `orgs`, and anything unforeseen: forgetting too much is only slower.
            _ => vec![Stale::Everything],
        }
    }
}

/// For /metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub live: bool,
    pub hits: u64,
    pub misses: u64,
}

pub(crate) struct HotCache {
    generation: AtomicU64,
    live: AtomicBool,
    hits: AtomicU64,
    misses: AtomicU64,
    sessions: Shelf<String, SignedSession>,
    roles: Shelf<i64, Vec<Role>>,
    org_pages: Shelf<(i64, i64, i64), OrgPageRead>,
    /// SQLite: asked before every lookup whether anything was committed since.
    data_version: Option<DataVersion>,
    /// Tests: notifications are received but not applied.
    #[cfg(test)]
    deaf: AtomicBool,
}

/// On SQLite a commit by any connection, in any process, is seen by the next lookup, which
/// then forgets everything: no listening connection, nothing to miss.
pub(crate) fn for_sqlite(file: &Path) -> rusqlite::Result<Arc<HotCache>> {
    let mut cache = HotCache::new();
    cache.data_version = Some(DataVersion::open(file)?);
    cache.set_live(true);
    Ok(Arc::new(cache))
}

impl HotCache {
    pub(crate) fn new() -> Self {
        Self {
            generation: AtomicU64::new(0),
            live: AtomicBool::new(false),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            sessions: Shelf::new(20_000),
            roles: Shelf::new(20_000),
            org_pages: Shelf::new(2_000),
            data_version: None,
            #[cfg(test)]
            deaf: AtomicBool::new(false),
        }
    }

    /// Taken before a read that may be kept; `None` while changes could go unnoticed.
    pub(crate) fn ticket(&self) -> Option<Ticket> {
        // Generation first: a change after this load makes the ticket stale, whatever `live`
        // says by then.
        let generation = self.generation.load(Ordering::SeqCst);
        self.live
            .load(Ordering::SeqCst)
            .then_some(Ticket(generation))
    }

    /// Whether lookups are answered; on SQLite, first forgets everything if any connection of
    /// any process committed since the last look, so every lookup sees every earlier commit.
    fn serving(&self) -> bool {
        if !self.live.load(Ordering::SeqCst) {
            return false;
        }
        if let Some(version) = &self.data_version {
            // Held while forgetting: no other lookup can serve what the commit made stale.
            let checked = version.check();
            if checked.changed {
                self.forget_all();
            }
        }
        true
    }

    pub(crate) fn session(&self, token_hash: &str) -> Option<SignedSession> {
        self.count(
            self.serving()
                .then(|| self.sessions.get(token_hash))
                .flatten(),
        )
    }

    pub(crate) fn roles(&self, person_id: i64) -> Option<Vec<Role>> {
        self.count(self.serving().then(|| self.roles.get(&person_id)).flatten())
    }

    pub(crate) fn org_page(&self, key: (i64, i64, i64)) -> Option<OrgPageRead> {
        self.count(self.serving().then(|| self.org_pages.get(&key)).flatten())
    }

    fn count<V>(&self, found: Option<V>) -> Option<V> {
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            live: self.live.load(Ordering::SeqCst),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn keep_session(&self, ticket: Option<Ticket>, value: &SignedSession) {
        let key = value.session.token_hash.clone();
        self.keep(&self.sessions, ticket, key, || value.clone());
    }

    pub(crate) fn keep_roles(&self, ticket: Option<Ticket>, person_id: i64, value: &[Role]) {
        self.keep(&self.roles, ticket, person_id, || value.to_vec());
    }

    pub(crate) fn keep_org_page(
        &self,
        ticket: Option<Ticket>,
        key: (i64, i64, i64),
        value: &OrgPageRead,
    ) {
        self.keep(&self.org_pages, ticket, key, || value.clone());
    }

    fn keep<K: Eq + Hash, V: Clone>(
        &self,
        shelf: &Shelf<K, V>,
        ticket: Option<Ticket>,
        key: K,
        value: impl FnOnce() -> V,
    ) {
        let Some(Ticket(generation)) = ticket else {
            return;
        };
        let mut entries = shelf.lock();
        // Checked under the shelf's lock: a change bumps the generation before it clears, so
        // either this sees the bump, or the clear comes after this insert and removes it.
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        if entries.len() >= shelf.capacity {
            entries.clear();
        }
        entries.insert(key, (Instant::now(), value()));
    }

    pub(crate) fn forget(&self, stale: &Stale) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        match stale {
            Stale::Session(hash) => {
                self.sessions.lock().remove(hash.as_str());
            }
            Stale::Sessions => self.sessions.clear(),
            Stale::Roles => self.roles.clear(),
            Stale::Everything => {
                self.sessions.clear();
                self.roles.clear();
                self.org_pages.clear();
            }
        }
    }

    pub(crate) fn forget_all(&self) {
        self.forget(&Stale::Everything);
    }

    /// The listening connection came up (after forgetting what may have been missed) or went
    /// down.
    fn set_live(&self, live: bool) {
        if !live {
            self.live.store(false, Ordering::SeqCst);
        }
        self.forget_all();
        if live {
            self.live.store(true, Ordering::SeqCst);
        }
    }

    #[cfg(test)]
    pub(crate) fn is_live(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }

    #[cfg(test)]
    pub(crate) fn deafen(&self) {
        self.deaf.store(true, Ordering::SeqCst);
    }
}
