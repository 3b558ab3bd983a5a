//! 身份认证状态: whether a person's identity (name with ID number) has been verified. Stored
//! as `people.identity_status`; nothing sets it but its default yet, so every person reads
//! as unverified until verification exists.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityStatus {
    Unverified,
    Verified,
    Failed,
}

impl IdentityStatus {
    pub const ALL: [IdentityStatus; 3] = [
        IdentityStatus::Unverified,
        IdentityStatus::Verified,
        IdentityStatus::Failed,
    ];

    /// As stored and as the API states it.
    pub fn code(self) -> &'static str {
        match self {
            IdentityStatus::Unverified => "unverified",
            IdentityStatus::Verified => "verified",
            IdentityStatus::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IdentityStatus::Unverified => "未认证",
            IdentityStatus::Verified => "认证通过",
            IdentityStatus::Failed => "认证不通过",
        }
    }

    /// Exactly a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_round_trips() {
        for s in IdentityStatus::ALL {
            assert_eq!(IdentityStatus::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.code()))
            );
        }
        assert_eq!(IdentityStatus::from_code("Verified"), None);
        assert_eq!(IdentityStatus::from_code(""), None);
    }
}
