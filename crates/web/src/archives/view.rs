//! An archive as the pages and the API show it: one shape built from the use case's answer.

use serde::Serialize;
use tuanjian_app::archives::view::MemberArchive;
use tuanjian_app::beijing::beijing;
use tuanjian_domain::archive::NO_ARCHIVE_LABEL;
use tuanjian_store::archives::{Archive, IdentityCheck};
use utoipa::ToSchema;

/// The file of an archive.
#[derive(Serialize, ToSchema)]
pub struct FileBody {
    pub file_name: String,
    pub size: i64,
    /// Pages found when it was checked.
    pub page_count: Option<i64>,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Beijing time.
    pub uploaded_at: String,
    pub uploaded_by: String,
}

/// A person's 实名校验.
#[derive(Serialize, ToSchema)]
pub struct IdentityBody {
    /// unverified, verified or failed.
    pub status: &'static str,
    pub label: String,
    /// 线下通过: who checked the person in person, and when (Beijing time).
    pub checked_by: Option<String>,
    pub checked_at: Option<String>,
}

impl From<&IdentityCheck> for IdentityBody {
    fn from(i: &IdentityCheck) -> Self {
        let label = match &i.checked_by_name {
            Some(_) => "线下通过".to_string(),
            None => i.status.label().to_string(),
        };
        Self {
            status: i.status.code(),
            label,
            checked_by: i.checked_by_name.clone(),
            checked_at: i.checked_at.map(beijing),
        }
    }
}

/// A member's 团员电子档案.
#[derive(Serialize, ToSchema)]
pub struct ArchiveBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub branch_id: i64,
    pub branch_name: String,
    pub join_month: Option<String>,
    /// Joined from 2020: an archive is needed.
    pub required: bool,
    /// none, pending (尚未认证), approved (已认证) or rejected (退回).
    pub status: &'static str,
    pub status_label: &'static str,
    /// The superior's reason for a rejection.
    pub reason: Option<String>,
    pub file: Option<FileBody>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// The day the archive is due (30 days after the member's entry; Beijing time).
    pub due_at: String,
    /// Past the due day without an archive.
    pub overdue: bool,
    pub identity: IdentityBody,
    pub may_upload: bool,
    pub may_review: bool,
    pub may_check_identity: bool,
}

pub fn status_of(archive: Option<&Archive>) -> (&'static str, &'static str) {
    match archive {
        Some(a) => (a.status.code(), a.status.label()),
        None => ("none", NO_ARCHIVE_LABEL),
    }
}

pub fn file_of(a: &Archive) -> FileBody {
    FileBody {
        file_name: a.file.file_name.clone(),
        size: a.file.size,
        page_count: a.file.page_count,
        sha256: a.file.sha256.clone(),
        uploaded_at: beijing(a.uploaded_at),
        uploaded_by: a.uploaded_by_name.clone(),
    }
}

impl From<&MemberArchive> for ArchiveBody {
    fn from(m: &MemberArchive) -> Self {
        let (status, status_label) = status_of(m.archive.as_ref());
        Self {
            person_id: m.member.person_id,
            name: m.member.name.clone(),
            id_number: m.member.id_number.masked(),
            branch_id: m.member.branch.id,
            branch_name: m.member.branch.full_name.clone(),
            join_month: m.member.join_month.clone(),
            required: m.required,
            status,
            status_label,
            reason: m.archive.as_ref().and_then(|a| a.reason.clone()),
            file: m.archive.as_ref().map(file_of),
            decided_by: m.archive.as_ref().and_then(|a| a.decided_by_name.clone()),
            decided_at: m.archive.as_ref().and_then(|a| a.decided_at.map(beijing)),
            due_at: beijing(m.due_at),
            overdue: m.overdue(tuanjian_store::now()),
            identity: IdentityBody::from(&m.identity),
            may_upload: m.may_upload,
            may_review: m.may_review,
            may_check_identity: m.may_check_identity,
        }
    }
}

/// A size as people read it.
pub fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}
