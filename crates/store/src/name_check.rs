//! The data step of migration 0008: organisation names stored before names were checked for
//! invisible characters and compared on their NFKC form. Run once by `Store::migrate` after the
//! SQL migrations (SQLite cannot compute NFKC in SQL), recorded in `settings`, in one
//! transaction with its audit records.
//!
//! For every organisation: invisible characters (zero width spaces, direction overrides,
//! controls …) are removed from its names, and its comparison key is stored. Nothing is merged
//! or renamed into a duplicate: when two organisations' names are the same once compared (an
//! old look-alike), the first one keeps the key — one whose name needed no cleaning before
//! one that did, then the lower id — and every other keeps its name as stored, gets no key,
//! and is listed in the report for an admin to rename. A name of invisible characters only is
//! also kept and listed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tuanjian_domain::text::{comparison_key, first_invisible, without_invisible};

use crate::audit::{self, Actor, AuditEntry};
use crate::{Store, StoreError, Tx};

/// The `settings` key under which the step's report is kept once it has run.
pub const NAME_CHECK_KEY: &str = "org_name_check_0008";

/// What the step did, kept in `settings` and in the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameCheckReport {
    pub checked: u64,
    /// Organisations whose names had invisible characters removed.
    pub cleaned: Vec<i64>,
    /// Organisations left as they were, for an admin to rename.
    pub flagged: Vec<FlaggedName>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlaggedName {
    pub org_id: i64,
    pub full_name: String,
    /// In Chinese, for the operator.
    pub reason: String,
}

struct Row {
    id: i64,
    short_name: String,
    full_name: String,
    new_short: String,
    new_full: String,
    cleaned: bool,
}

/// Runs the step unless it has run; answers the report when it ran now.
pub(crate) async fn run_once(store: &Store) -> Result<Option<NameCheckReport>, StoreError> {
    let Some(mut tx) = claim(store).await? else {
        return Ok(None);
    };
    let stored: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, short_name, full_name FROM orgs ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
    let mut report = NameCheckReport {
        checked: stored.len() as u64,
        ..NameCheckReport::default()
    };
    let rows = cleaned_rows(stored, &mut report);
    let key_of = assign_keys(&rows, &mut report);
    let actor = Actor {
        person_id: None,
        role: Some("migrate".into()),
        client_addr: None,
    };
    write_names(&mut tx, &actor, &rows, &key_of, &mut report).await?;
    report.flagged.sort_by_key(|f| f.org_id);
    report.flagged.dedup_by_key(|f| f.org_id);
    audit::record(
        &mut tx,
        &actor,
        AuditEntry::new("org.name_check").after(&report),
    )
    .await?;
    let json = serde_json::to_string(&report).map_err(|e| StoreError::Migration(e.to_string()))?;
    crate::settings::put(&mut tx, NAME_CHECK_KEY, &json).await?;
    tx.commit().await?;
    for f in &report.flagged {
        tracing::warn!(org_id = f.org_id, full_name = %f.full_name, reason = %f.reason, "organisation name needs renaming");
    }
    Ok(Some(report))
}

/// The transaction the step runs in, when this server is the one to run it: None when it has
/// run or another server is running it.
async fn claim(store: &Store) -> Result<Option<Tx>, StoreError> {
    let done: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(NAME_CHECK_KEY)
        .fetch_optional(store.pool())
        .await?;
    if done.is_some() {
        return Ok(None);
    }
    let mut tx = store.begin().await?;
    // Claim the step first: a second server migrating at the same time waits here (or finds
    // the row) and leaves the work to the first.
    let claimed = sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, 'running') ON CONFLICT (key) DO NOTHING",
    )
    .bind(NAME_CHECK_KEY)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    Ok(Some(tx))
}

/// Every stored organisation with its names cleaned; a full name of invisible characters only
/// is kept as stored and flagged.
fn cleaned_rows(stored: Vec<(i64, String, String)>, report: &mut NameCheckReport) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::with_capacity(stored.len());
    for (id, short_name, full_name) in stored {
        let new_full = clean(&full_name);
        if new_full.is_empty() {
            report.flagged.push(FlaggedName {
                org_id: id,
                full_name: full_name.clone(),
                reason: "组织全称只由不可见字符组成，已原样保留，请上级管理员为其改名".into(),
            });
        }
        let new_short = match clean(&short_name) {
            s if s.is_empty() => short_name.clone(),
            s => s,
        };
        let new_full = if new_full.is_empty() {
            full_name.clone()
        } else {
            new_full
        };
        rows.push(Row {
            cleaned: new_full != full_name || new_short != short_name,
            id,
            short_name,
            full_name,
            new_short,
            new_full,
        });
    }
    rows
}

/// The comparison key each row keeps: one row per key (one that needed no cleaning first, then
/// the lower id); every other row of the key gets none and is flagged.
fn assign_keys(rows: &[Row], report: &mut NameCheckReport) -> Vec<Option<String>> {
    // Group by comparison key; rows come in id order, so each group does too.
    let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        groups
            .entry(comparison_key(&r.new_full))
            .or_default()
            .push(i);
    }
    let mut key_of: Vec<Option<String>> = vec![None; rows.len()];
    for (key, members) in groups {
        let keeper = members
            .iter()
            .copied()
            .find(|&i| !rows[i].cleaned)
            .unwrap_or(members[0]);
        for &i in &members {
            if i == keeper {
                key_of[i] = Some(key.clone());
            } else {
                let k = &rows[keeper];
                report.flagged.push(FlaggedName {
                    org_id: rows[i].id,
                    full_name: rows[i].full_name.clone(),
                    reason: format!(
                        "与组织“{}”（编号{}）的全称只是写法不同（不可见字符或全角半角），已原样保留，请上级管理员为其改名",
                        k.new_full, k.id
                    ),
                });
            }
        }
    }
    key_of
}

/// Stores the keys and the cleaned names, auditing each rename.
async fn write_names(
    tx: &mut Tx,
    actor: &Actor,
    rows: &[Row],
    key_of: &[Option<String>],
    report: &mut NameCheckReport,
) -> Result<(), StoreError> {
    // Keys go in three steps so the unique index never sees two rows with one key: every row
    // first takes its (unique) full name, the rows left without a key let go of theirs, then
    // the rows whose key or names differ take their final values.
    sqlx::query("UPDATE orgs SET name_key = full_name")
        .execute(&mut **tx)
        .await?;
    for (r, key) in rows.iter().zip(key_of) {
        if key.is_none() {
            sqlx::query("UPDATE orgs SET name_key = NULL WHERE id = $1")
                .bind(r.id)
                .execute(&mut **tx)
                .await?;
        }
    }
    for (r, key) in rows.iter().zip(key_of) {
        let Some(key) = key else { continue };
        if !r.cleaned && *key == r.full_name {
            continue;
        }
        sqlx::query("UPDATE orgs SET short_name = $1, full_name = $2, name_key = $3 WHERE id = $4")
            .bind(&r.new_short)
            .bind(&r.new_full)
            .bind(key)
            .bind(r.id)
            .execute(&mut **tx)
            .await?;
        if r.cleaned {
            report.cleaned.push(r.id);
            audit::record(
                tx,
                actor,
                AuditEntry::new("org.rename")
                    .target("org", r.id)
                    .org(r.id)
                    .before(serde_json::json!({"short_name": r.short_name, "full_name": r.full_name}))
                    .after(serde_json::json!({"short_name": r.new_short, "full_name": r.new_full, "reason": "删除名称中的不可见字符"})),
            )
            .await?;
        }
    }
    Ok(())
}

/// A stored name without invisible characters; unchanged when it has none.
fn clean(name: &str) -> String {
    if first_invisible(name).is_some() {
        without_invisible(name)
    } else {
        name.to_string()
    }
}

/// The report of the step, once it has run.
pub async fn report(store: &Store) -> Result<Option<NameCheckReport>, StoreError> {
    Ok(crate::settings::get(store, NAME_CHECK_KEY)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok()))
}

#[cfg(test)]
mod tests {
    use tuanjian_domain::{OrgClass, OrgKind, OrgLevel};

    use super::*;
    use crate::orgs::{NewOrg, insert_org};
    use crate::test_support::{PgDb, sqlite_store};

    #[tokio::test]
    async fn stored_names_sqlite() {
        let (store, _file) = sqlite_store().await;
        stored_names_are_cleaned_or_reported(&store).await;
    }

    #[tokio::test]
    async fn stored_names_postgres() {
        let (store, db) = PgDb::new().await;
        stored_names_are_cleaned_or_reported(&store).await;
        db.drop_db(store).await;
    }

    fn actor() -> Actor {
        Actor {
            person_id: None,
            role: Some("test".into()),
            client_addr: None,
        }
    }

    fn class(level: OrgLevel) -> OrgClass {
        OrgClass {
            level,
            kind: OrgKind::Committee,
        }
    }

    /// Orgs named as a database from before migration 0008 may hold them: stored past every
    /// check, without comparison keys, the step not yet run.
    async fn seed_old_names(store: &Store, names: &[(&str, &str)]) -> Vec<i64> {
        let mut tx = store.begin().await.unwrap();
        let root = insert_org(
            &mut tx,
            &actor(),
            None,
            &NewOrg {
                class: class(OrgLevel::Central),
                short_name: "团中央",
                full_name: "共青团中央",
                xinjiang: false,
            },
        )
        .await
        .unwrap();
        let mut ids = Vec::new();
        for (i, (short, full)) in names.iter().enumerate() {
            let placeholder = format!("临时名称{i}");
            let org = insert_org(
                &mut tx,
                &actor(),
                Some(&root),
                &NewOrg {
                    class: class(OrgLevel::Provincial),
                    short_name: &placeholder,
                    full_name: &placeholder,
                    xinjiang: false,
                },
            )
            .await
            .unwrap();
            sqlx::query("UPDATE orgs SET short_name = $1, full_name = $2 WHERE id = $3")
                .bind(*short)
                .bind(*full)
                .bind(org.id)
                .execute(&mut *tx)
                .await
                .unwrap();
            ids.push(org.id);
        }
        sqlx::query("UPDATE orgs SET name_key = NULL")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(NAME_CHECK_KEY)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        ids
    }

    async fn stored(store: &Store, id: i64) -> (String, String, Option<String>) {
        sqlx::query_as("SELECT short_name, full_name, name_key FROM orgs WHERE id = $1")
            .bind(id)
            .fetch_one(store.pool())
            .await
            .unwrap()
    }

    async fn audits(store: &Store, action: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor_role = 'migrate'",
        )
        .bind(action)
        .fetch_one(store.pool())
        .await
        .unwrap()
    }

    async fn stored_names_are_cleaned_or_reported(store: &Store) {
        // The step ran when the store opened: on an empty database it found nothing.
        assert_eq!(
            report(store).await.unwrap(),
            Some(NameCheckReport::default())
        );
        let ids = seed_old_names(
            store,
            &[
                ("团某市委", "共青团某市委员会"),
                ("团某市委", "共青团某市委员会\u{200b}"),
                ("团某县委", "\u{202e}共青团某县委员会"),
                ("ＡＢＣ团委", "ＡＢＣ团委"),
                ("ABC团委", "ABC团委"),
                ("初三（1）班", "初三（1）班团支部"),
                ("团\u{200b}某区委", "共青团某区委员会"),
                ("团某镇委", "\u{200b}"),
            ],
        )
        .await;
        let [plain, zwsp, rlo, wide, narrow, brackets, short, empty] = ids[..] else {
            unreachable!()
        };

        store.migrate().await.unwrap();
        let report = report(store).await.unwrap().unwrap();
        assert_eq!(report.checked, 9);
        assert_eq!(report.cleaned, vec![rlo, short]);
        let flagged: Vec<i64> = report.flagged.iter().map(|f| f.org_id).collect();
        assert_eq!(flagged, vec![zwsp, narrow, empty]);
        assert!(report.flagged[0].reason.contains("共青团某市委员会"));
        assert!(report.flagged[1].reason.contains("ＡＢＣ团委"));
        assert!(report.flagged[2].reason.contains("不可见字符"));

        let s = |short: &str, full: &str, key: Option<&str>| {
            (short.to_string(), full.to_string(), key.map(str::to_string))
        };
        assert_eq!(
            stored(store, plain).await,
            s("团某市委", "共青团某市委员会", Some("共青团某市委员会"))
        );
        // A look-alike of another is kept as it was, without a key, for an admin to rename.
        assert_eq!(
            stored(store, zwsp).await,
            s("团某市委", "共青团某市委员会\u{200b}", None)
        );
        assert_eq!(
            stored(store, rlo).await,
            s("团某县委", "共青团某县委员会", Some("共青团某县委员会"))
        );
        assert_eq!(
            stored(store, wide).await,
            s("ＡＢＣ团委", "ＡＢＣ团委", Some("ABC团委"))
        );
        assert_eq!(stored(store, narrow).await, s("ABC团委", "ABC团委", None));
        // Names keep their full-width brackets; only the key folds them.
        assert_eq!(
            stored(store, brackets).await,
            s("初三（1）班", "初三（1）班团支部", Some("初三(1)班团支部"))
        );
        assert_eq!(
            stored(store, short).await,
            s("团某区委", "共青团某区委员会", Some("共青团某区委员会"))
        );
        assert_eq!(
            stored(store, empty).await,
            s("团某镇委", "\u{200b}", Some("\u{200b}"))
        );
        assert_eq!(audits(store, "org.rename").await, 2);
        // One report when the store opened on the empty database, one now.
        assert_eq!(audits(store, "org.name_check").await, 2);

        // Recorded once: migrating again changes nothing.
        store.migrate().await.unwrap();
        assert_eq!(audits(store, "org.name_check").await, 2);

        new_names_meet_the_old_keys(store, plain).await;
    }

    /// New names are compared on the key, also against the names stored before.
    async fn new_names_meet_the_old_keys(store: &Store, parent_id: i64) {
        let parent = store.org(parent_id).await.unwrap();
        for (full, says) in [
            ("初三(1)班团支部", "与已有组织“初三（1）班团支部”实质相同"),
            ("ABC团委", "“ABC团委”已被其他组织使用"),
            ("ＡＢＣ团委", "“ＡＢＣ团委”已被其他组织使用"),
            ("共青团某县委员会", "“共青团某县委员会”已被其他组织使用"),
        ] {
            let mut tx = store.begin().await.unwrap();
            let err = insert_org(
                &mut tx,
                &actor(),
                Some(&parent),
                &NewOrg {
                    class: class(OrgLevel::Municipal),
                    short_name: "新",
                    full_name: full,
                    xinjiang: false,
                },
            )
            .await
            .unwrap_err();
            tx.rollback().await.unwrap();
            match err {
                StoreError::Conflict { code, message } => {
                    assert_eq!(code, "org_name_taken");
                    assert!(message.contains(says), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
