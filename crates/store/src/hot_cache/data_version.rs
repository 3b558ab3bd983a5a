//! On SQLite: has anything been committed since the cache last looked, by this process or by
//! another one (`tuanjian import`, `tuanjian recheck-members`)? `PRAGMA data_version` changes
//! whenever another connection commits; it reads the shared WAL index, not the database.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags};

/// A connection of its own, used for nothing else: the value only moves for commits made
/// through other connections.
pub(crate) struct DataVersion {
    seen: Mutex<(Connection, Option<i64>)>,
}

/// Held while the cache forgets, so that no lookup between noticing a commit and forgetting
/// can serve what the commit made stale.
pub(crate) struct Checked<'a> {
    _guard: MutexGuard<'a, (Connection, Option<i64>)>,
    pub(crate) changed: bool,
}

impl DataVersion {
    pub(crate) fn open(file: &Path) -> rusqlite::Result<Self> {
        let conn = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Self {
            seen: Mutex::new((conn, None)),
        })
    }

    /// Whether a commit happened since the previous check (always on the first, and when the
    /// question cannot be answered).
    pub(crate) fn check(&self) -> Checked<'_> {
        let mut guard = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        // Prepared once: parsing the pragma on every lookup cost more than running it.
        let now = guard
            .0
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
            .ok();
        let changed = now.is_none() || now != guard.1;
        guard.1 = now;
        Checked {
            _guard: guard,
            changed,
        }
    }
}
