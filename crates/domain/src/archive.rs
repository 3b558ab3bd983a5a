//! 团员电子档案 (issue 15, part 3): the scanned 《入团志愿书》 of a member who joined from 2020,
//! one PDF of at most 20 MB, uploaded within 30 days of the member's entry, certified by the
//! direct superior of the member's branch. The states and the numbers, each named once.

use serde::Serialize;

/// The largest archive accepted, in bytes (20 MB as a browser counts: 20 × 1024 × 1024).
pub const ARCHIVE_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// Members who joined in this month or later need an archive (`YYYY-MM`, compared as text).
pub const ARCHIVE_FROM_MONTH: &str = "2020-01";

/// Days from the member's entry into the system within which the archive is due.
pub const ARCHIVE_DUE_DAYS: i64 = 30;

/// The longest rejection reason, in characters.
pub const REASON_MAX: usize = 500;

/// An archive's state. Without a row the member has none (未上传).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveStatus {
    /// 尚未认证: uploaded, waiting for the superior.
    Pending,
    /// 已认证: approved by the superior; locked.
    Approved,
    /// 退回: rejected with a reason; the branch replaces it.
    Rejected,
}

impl ArchiveStatus {
    pub const ALL: [ArchiveStatus; 3] = [
        ArchiveStatus::Pending,
        ArchiveStatus::Approved,
        ArchiveStatus::Rejected,
    ];

    /// As stored and as the API states it.
    pub fn code(self) -> &'static str {
        match self {
            ArchiveStatus::Pending => "pending",
            ArchiveStatus::Approved => "approved",
            ArchiveStatus::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ArchiveStatus::Pending => "尚未认证",
            ArchiveStatus::Approved => "已认证",
            ArchiveStatus::Rejected => "退回",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether a new file may take this one's place (only after a rejection).
    pub fn replaceable(self) -> bool {
        self == ArchiveStatus::Rejected
    }
}

/// Whether a member who joined in `join_month` (`YYYY-MM`) needs an archive; a member with no
/// recorded month does not (nothing says they joined from 2020).
pub fn archive_required(join_month: Option<&str>) -> bool {
    join_month.is_some_and(|m| m >= ARCHIVE_FROM_MONTH)
}

/// The label of "no archive yet".
pub const NO_ARCHIVE_LABEL: &str = "未上传";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_round_trips() {
        for s in ArchiveStatus::ALL {
            assert_eq!(ArchiveStatus::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.code()))
            );
        }
        assert_eq!(ArchiveStatus::from_code("Pending"), None);
        assert!(ArchiveStatus::Rejected.replaceable());
        assert!(!ArchiveStatus::Pending.replaceable());
        assert!(!ArchiveStatus::Approved.replaceable());
    }

    #[test]
    fn only_members_from_2020_need_one() {
        assert!(archive_required(Some("2020-01")));
        assert!(archive_required(Some("2024-11")));
        assert!(!archive_required(Some("2019-12")));
        assert!(!archive_required(None));
    }
}
