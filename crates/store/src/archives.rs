//! 团员电子档案 (issue 15, part 3): one archive per member, its file among the stored files
//! (`files`), its state (`ArchiveStatus`) changed only by conditional updates from the state
//! read, each change with its audit record in the caller's transaction; the superior's list
//! of what waits, the list of members past the due days without one; and 实名校验 线下通过.

use serde_json::json;
use sqlx::Row;
use tuanjian_domain::archive::{ARCHIVE_FROM_MONTH, ArchiveStatus};
use tuanjian_domain::{ErrorCode, IdNumber, IdentityStatus, OrgPath};

use crate::audit::{self, Actor, AuditEntry};
use crate::files::{self, NewFile, StoredFile, file_columns, file_from_row};
use crate::{Store, StoreError, Tx, now};

/// A member's archive with its file and who did what.
#[derive(Debug, Clone)]
pub struct Archive {
    pub person_id: i64,
    pub status: ArchiveStatus,
    pub reason: Option<String>,
    pub file: StoredFile,
    pub uploaded_by_name: String,
    pub uploaded_at: i64,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
}

fn status_of(code: &str) -> Result<ArchiveStatus, StoreError> {
    ArchiveStatus::from_code(code).ok_or(StoreError::Broken(
        "member_archives.status holds an unknown value",
    ))
}

fn archive_from_row(r: &sqlx::any::AnyRow) -> Result<Archive, StoreError> {
    Ok(Archive {
        person_id: r.try_get("person_id")?,
        status: status_of(&r.try_get::<String, _>("status")?)?,
        reason: r.try_get("reason")?,
        file: file_from_row(r)?,
        uploaded_by_name: r.try_get("uploader_name")?,
        uploaded_at: r.try_get("archive_uploaded_at")?,
        decided_by_name: r.try_get("decider_name")?,
        decided_at: r.try_get("decided_at")?,
    })
}

/// One archive waiting for the superior, as the list shows it.
#[derive(Debug, Clone)]
pub struct PendingArchive {
    pub person_id: i64,
    pub name: String,
    pub id_number: IdNumber,
    pub branch_id: i64,
    pub branch_name: String,
    pub join_month: Option<String>,
    pub uploaded_at: i64,
    pub size: i64,
    pub page_count: Option<i64>,
}

/// A member past the due days without an archive.
#[derive(Debug, Clone)]
pub struct OverdueMember {
    pub person_id: i64,
    pub name: String,
    pub id_number: IdNumber,
    pub branch_id: i64,
    pub branch_name: String,
    pub join_month: String,
    /// When the member was entered (Unix seconds): the due days count from here.
    pub entered_at: i64,
}

fn id_number_of(r: &sqlx::any::AnyRow) -> Result<IdNumber, StoreError> {
    IdNumber::parse(&r.try_get::<String, _>("person_id_number")?)
        .map_err(|_| StoreError::Broken("members.person_id_number is not an ID number"))
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// The member's first archive.
    Uploaded,
    /// A rejected archive's replacement (the rejected file is deleted).
    Replaced,
}

/// The person's identity check as stored.
#[derive(Debug, Clone)]
pub struct IdentityCheck {
    pub status: IdentityStatus,
    /// 线下通过: who marked it and when.
    pub checked_by_name: Option<String>,
    pub checked_at: Option<i64>,
}

/// Keeps the file `file_id` (written in this transaction, `files::insert_file_tx`) as the
/// member's archive, waiting for the superior: the first one, or the replacement of a rejected
/// one. A waiting or certified archive is kept as it is (a conflict
/// saying so). `org_id` is the member's branch, for the audit record.
pub async fn put_archive_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    org_id: i64,
    file: &NewFile<'_>,
    file_id: i64,
    size: u64,
) -> Result<Put, StoreError> {
    let current: Option<(i64, String)> =
        sqlx::query("SELECT file_id, status FROM member_archives WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("file_id")?, r.try_get("status")?)))
            .transpose()?;
    let before = match &current {
        Some((_, status)) => {
            let status = status_of(status)?;
            if !status.replaceable() {
                return Err(replacement_refused(status));
            }
            Some(status)
        }
        None => None,
    };
    let at = now();
    let put = match current {
        None => {
            sqlx::query(
                "INSERT INTO member_archives (person_id, file_id, status, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, 'pending', $3, $4)",
            )
            .bind(person_id)
            .bind(file_id)
            .bind(file.uploaded_by)
            .bind(at)
            .execute(&mut **tx)
            .await
            .map_err(StoreError::from)
            .map_err(|e| {
                // Another upload for the member committed first (PostgreSQL: the insert waited
                // for it): theirs waits for the superior now.
                if e.is_unique_violation() {
                    replacement_refused(ArchiveStatus::Pending)
                } else {
                    e
                }
            })?;
            Put::Uploaded
        }
        Some((old_file, _)) => {
            let done = sqlx::query(
                "UPDATE member_archives SET file_id = $1, status = 'pending', reason = NULL, \
                 uploaded_by = $2, uploaded_at = $3, decided_by = NULL, decided_at = NULL \
                 WHERE person_id = $4 AND status = 'rejected'",
            )
            .bind(file_id)
            .bind(file.uploaded_by)
            .bind(at)
            .bind(person_id)
            .execute(&mut **tx)
            .await?;
            if done.rows_affected() != 1 {
                // Another replacement committed first (PostgreSQL: the update waited for it).
                return Err(replacement_refused(ArchiveStatus::Pending));
            }
            files::delete_file_tx(tx, old_file).await?;
            Put::Replaced
        }
    };
    let action = match put {
        Put::Uploaded => "member.archive.upload",
        Put::Replaced => "member.archive.replace",
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new(action)
            .target("person", person_id)
            .org(org_id)
            .before(before.map(|s| json!({ "status": s.code() })))
            .after(json!({
                "status": ArchiveStatus::Pending.code(),
                "file_id": file_id,
                "sha256": file.sha256,
                "size": size,
                "page_count": file.page_count,
                "file_name": file.file_name,
            })),
    )
    .await?;
    Ok(put)
}

/// Why an archive in this state is not replaced (a waiting or a certified one).
pub fn replacement_refused(status: ArchiveStatus) -> StoreError {
    match status {
        ArchiveStatus::Approved => StoreError::Conflict {
            code: ErrorCode::ArchiveLocked,
            message: "该团员的电子档案已认证，不能再替换".into(),
        },
        _ => StoreError::Conflict {
            code: ErrorCode::ArchivePending,
            message: "该团员的电子档案正在等待上级审批，不能替换；如上传有误，请联系直属上级组织退回后再替换"
                .into(),
        },
    }
}

/// Certifies (`approve`) or rejects with `reason` the member's waiting archive.
pub async fn decide_archive_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    org_id: i64,
    approve: bool,
    reason: Option<&str>,
) -> Result<ArchiveStatus, StoreError> {
    let after = if approve {
        ArchiveStatus::Approved
    } else {
        ArchiveStatus::Rejected
    };
    let decider = actor
        .person_id
        .ok_or(StoreError::Broken("a decision without a person"))?;
    let done = sqlx::query(
        "UPDATE member_archives SET status = $1, reason = $2, decided_by = $3, decided_at = $4 \
         WHERE person_id = $5 AND status = 'pending'",
    )
    .bind(after.code())
    .bind(reason)
    .bind(decider)
    .bind(now())
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM member_archives WHERE person_id = $1")
                .bind(person_id)
                .fetch_optional(&mut **tx)
                .await?;
        return Err(match status.as_deref().map(status_of).transpose()? {
            Some(ArchiveStatus::Approved) => StoreError::Conflict {
                code: ErrorCode::ArchiveLocked,
                message: "该团员的电子档案已经认证，无需再审批".into(),
            },
            Some(ArchiveStatus::Rejected) => StoreError::Conflict {
                code: ErrorCode::ArchiveNotPending,
                message: "该团员的电子档案已退回，等待团支部替换后再审批".into(),
            },
            _ => StoreError::Conflict {
                code: ErrorCode::ArchiveNotPending,
                message: "该团员还没有上传团员电子档案，没有可审批的内容".into(),
            },
        });
    }
    let action = if approve {
        "member.archive.approve"
    } else {
        "member.archive.reject"
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new(action)
            .target("person", person_id)
            .org(org_id)
            .before(json!({ "status": ArchiveStatus::Pending.code() }))
            .after(json!({ "status": after.code(), "reason": reason })),
    )
    .await?;
    Ok(after)
}

/// Marks the person's identity checked in person (线下通过): `identity_status` becomes
/// verified, with who and when. Already verified is a conflict.
pub async fn mark_identity_offline_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    org_id: i64,
) -> Result<(), StoreError> {
    let checker = actor
        .person_id
        .ok_or(StoreError::Broken("a check without a person"))?;
    let before: Option<String> =
        sqlx::query_scalar("SELECT identity_status FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?;
    let before = before.ok_or(StoreError::NotFound)?;
    let done = sqlx::query(
        "UPDATE people SET identity_status = 'verified', identity_checked_by = $1, \
         identity_checked_at = $2 WHERE id = $3 AND identity_status <> 'verified'",
    )
    .bind(checker)
    .bind(now())
    .bind(person_id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            code: ErrorCode::IdentityAlreadyVerified,
            message: "此人的实名校验已经通过，无需再标记线下通过".into(),
        });
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("person.identity.offline")
            .target("person", person_id)
            .org(org_id)
            .before(json!({ "identity_status": before }))
            .after(json!({ "identity_status": IdentityStatus::Verified.code(), "offline": true })),
    )
    .await?;
    Ok(())
}

impl Store {
    /// The member's archive, if one was uploaded. Callers check scope first.
    pub async fn archive(&self, person_id: i64) -> Result<Option<Archive>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT a.person_id, a.status, a.reason, a.uploaded_at AS archive_uploaded_at, \
             a.decided_at, u.name AS uploader_name, d.name AS decider_name, ",
            file_columns!(),
            " FROM member_archives a JOIN stored_files f ON f.id = a.file_id \
             JOIN people u ON u.id = a.uploaded_by LEFT JOIN people d ON d.id = a.decided_by \
             WHERE a.person_id = $1"
        ))
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(archive_from_row).transpose()
    }

    /// The archives waiting for the superior `org_id`: those of members of the branches
    /// directly under it, oldest first.
    pub async fn archives_to_approve(
        &self,
        org_id: i64,
        limit: i64,
    ) -> Result<Vec<PendingArchive>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.person_id, m.person_name, m.person_id_number, m.org_id, o.full_name, \
             m.join_month, a.uploaded_at, f.size, f.page_count FROM member_archives a \
             JOIN members m ON m.person_id = a.person_id JOIN orgs o ON o.id = m.org_id \
             JOIN stored_files f ON f.id = a.file_id \
             WHERE a.status = 'pending' AND o.parent_id = $1 ORDER BY a.uploaded_at, a.person_id \
             LIMIT $2",
        )
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingArchive {
                    person_id: r.try_get("person_id")?,
                    name: r.try_get("person_name")?,
                    id_number: id_number_of(r)?,
                    branch_id: r.try_get("org_id")?,
                    branch_name: r.try_get("full_name")?,
                    join_month: r.try_get("join_month")?,
                    uploaded_at: r.try_get("uploaded_at")?,
                    size: r.try_get("size")?,
                    page_count: r.try_get::<Option<i64>, _>("page_count")?,
                })
            })
            .collect()
    }

    /// Members of the subtree of `path` who joined from 2020, still members, entered before
    /// `entered_before` (Unix seconds) and without an archive; longest waiting first.
    pub async fn archives_overdue(
        &self,
        path: &OrgPath,
        entered_before: i64,
        limit: i64,
    ) -> Result<Vec<OverdueMember>, StoreError> {
        let (low, high) = path.subtree_range();
        let rows = sqlx::query(
            "SELECT m.person_id, m.person_name, m.person_id_number, m.org_id, o.full_name, \
             m.join_month, m.created_at FROM members m JOIN orgs o ON o.id = m.org_id \
             WHERE m.org_path >= $1 AND m.org_path < $2 AND m.join_month >= $3 \
             AND m.created_at < $4 \
             AND m.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending') \
             AND NOT EXISTS (SELECT 1 FROM member_archives a WHERE a.person_id = m.person_id) \
             ORDER BY m.created_at, m.person_id LIMIT $5",
        )
        .bind(low)
        .bind(high)
        .bind(ARCHIVE_FROM_MONTH)
        .bind(entered_before)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OverdueMember {
                    person_id: r.try_get("person_id")?,
                    name: r.try_get("person_name")?,
                    id_number: id_number_of(r)?,
                    branch_id: r.try_get("org_id")?,
                    branch_name: r.try_get("full_name")?,
                    join_month: r.try_get("join_month")?,
                    entered_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// When the member was entered into the system (Unix seconds).
    pub async fn member_entered_at(&self, person_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT created_at FROM members WHERE person_id = $1")
                .bind(person_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// The person's identity check.
    pub async fn identity_check(&self, person_id: i64) -> Result<IdentityCheck, StoreError> {
        let row = sqlx::query(
            "SELECT p.identity_status, p.identity_checked_at, c.name AS checker_name \
             FROM people p LEFT JOIN people c ON c.id = p.identity_checked_by WHERE p.id = $1",
        )
        .bind(person_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        let code: String = row.try_get("identity_status")?;
        Ok(IdentityCheck {
            status: IdentityStatus::from_code(&code).ok_or(StoreError::Broken(
                "people.identity_status holds an unknown value",
            ))?,
            checked_by_name: row.try_get("checker_name")?,
            checked_at: row.try_get("identity_checked_at")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_stored_values() {
        let source = include_str!("archives.rs");
        // The archive's own column, bare or as `a.status` (not `m.status`, `identity_status`).
        let archive = [" status", "a.status"]
            .into_iter()
            .flat_map(|c| crate::test_support::sql_literals(source, c));
        for literal in archive {
            assert!(ArchiveStatus::from_code(literal).is_some(), "{literal}");
        }
        let members = crate::test_support::sql_literals(source, "m.status");
        assert_eq!(members.len(), 5, "the overdue list's states of members");
        for literal in members {
            assert!(
                tuanjian_domain::MembershipStatus::from_code(literal)
                    .is_some_and(|s| s.is_member()),
                "{literal}"
            );
        }
        for literal in crate::test_support::sql_literals(source, "identity_status") {
            assert!(IdentityStatus::from_code(literal).is_some(), "{literal}");
        }
    }
}
