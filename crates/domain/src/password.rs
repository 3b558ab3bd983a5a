//! Password rules for a password a person chooses.

use crate::error_code::ErrorCode;
use crate::id_number::IdNumber;

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 64;

/// A password that meets the rules for the given person. It never prints itself.
pub struct NewPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要{MIN_LEN}位")]
    TooShort,
    #[error("密码不能超过{MAX_LEN}位")]
    TooLong,
    #[error("密码必须同时包含字母和数字")]
    NeedsLettersAndDigits,
    #[error("新密码不能是初始密码（身份证号码后8位）")]
    IsInitial,
    #[error("密码不能是身份证号码的一部分")]
    PartOfIdNumber,
    #[error("两次输入的新密码不一致")]
    Mismatch,
}

impl PasswordError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PasswordError::Mismatch => ErrorCode::PasswordMismatch,
            _ => ErrorCode::PasswordWeak,
        }
    }
}

impl NewPassword {
    pub fn parse(candidate: &str, owner: &IdNumber) -> Result<Self, PasswordError> {
        let n = candidate.chars().count();
        if n < MIN_LEN {
            return Err(PasswordError::TooShort);
        }
        if n > MAX_LEN {
            return Err(PasswordError::TooLong);
        }
        let letters = candidate.chars().any(|c| c.is_ascii_alphabetic());
        let digits = candidate.chars().any(|c| c.is_ascii_digit());
        if !(letters && digits) {
            return Err(PasswordError::NeedsLettersAndDigits);
        }
        let upper = candidate.to_ascii_uppercase();
        if upper == owner.initial_password() {
            return Err(PasswordError::IsInitial);
        }
        if owner.as_str().contains(&upper) {
            return Err(PasswordError::PartOfIdNumber);
        }
        Ok(Self(candidate.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> IdNumber {
        IdNumber::parse("11010519491231002X").unwrap()
    }

    #[test]
    fn rules() {
        assert_eq!(
            NewPassword::parse("ab1", &id()).unwrap_err(),
            PasswordError::TooShort
        );
        assert_eq!(
            NewPassword::parse("abcdefgh", &id()).unwrap_err(),
            PasswordError::NeedsLettersAndDigits
        );
        assert_eq!(
            NewPassword::parse("12345678", &id()).unwrap_err(),
            PasswordError::NeedsLettersAndDigits
        );
        assert_eq!(
            NewPassword::parse("1231002x", &id()).unwrap_err(),
            PasswordError::IsInitial
        );
        assert_eq!(
            NewPassword::parse("91231002X", &id()).unwrap_err(),
            PasswordError::PartOfIdNumber
        );
        assert!(NewPassword::parse("league2024", &id()).is_ok());
        assert_eq!(
            format!("{:?}", NewPassword::parse("league2024", &id()).unwrap()),
            "NewPassword(***)"
        );
    }

    #[test]
    fn codes() {
        assert_eq!(PasswordError::Mismatch.code(), "password_mismatch");
        assert_eq!(PasswordError::TooShort.code(), "password_weak");
    }
}
