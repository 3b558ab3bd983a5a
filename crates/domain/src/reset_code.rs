//! Password reset codes (issue 4, part 6): an admin issues one for one person, who types it
//! with their ID number under 忘记密码. Ten characters of `one_time_code::ALPHABET` (31^10 ≈
//! 2^49), valid `RESET_CODE_VALIDITY`, single use; a newer code for the person revokes the
//! older. What is stored (a digest bound to the person) is the store's business.

use rand::Rng;

use crate::one_time_code::{self, ALPHABET_DESCRIPTION, Validity};

/// A reset code is valid for 2 days from its creation.
pub const RESET_CODE_VALIDITY: Validity = Validity::days(2);

/// A well-formed reset code, in capitals without separators.
#[derive(Clone, PartialEq, Eq)]
pub struct ResetCode(String);

/// Never printed by accident (logs, debug output): it opens an account.
impl std::fmt::Debug for ResetCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetCode(…)")
    }
}

impl ResetCode {
    pub const LEN: usize = 10;
    /// Characters per group when shown: ABCDE-FGHJK.
    const GROUP: usize = 5;

    pub fn generate(rng: &mut impl Rng) -> Self {
        Self(one_time_code::generate(rng, Self::LEN))
    }

    /// Any case, with or without dashes and spaces (also full-width). `None` when it cannot
    /// be a code.
    pub fn parse(input: &str) -> Option<Self> {
        one_time_code::normalise(input, Self::LEN).map(Self)
    }

    /// Without separators: what the store's digest is made from.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped by five for reading aloud: ABCDE-FGHJK.
    pub fn display(&self) -> String {
        one_time_code::grouped(&self.0, Self::GROUP)
    }

    /// What a well-formed code looks like, for the message to someone who typed a wrong one.
    pub fn format_hint() -> String {
        format!(
            "重置码共{}位，由{ALPHABET_DESCRIPTION}组成，例如 {}",
            Self::LEN,
            Self("ABCDEFGHJK".into()).display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::one_time_code::tests::rng;

    #[test]
    fn codes_parse_back() {
        let mut rng = rng();
        for _ in 0..100 {
            let c = ResetCode::generate(&mut rng);
            assert_eq!(c.as_str().len(), ResetCode::LEN);
            let shown = c.display();
            assert_eq!(shown.len(), 11);
            assert_eq!(ResetCode::parse(&shown), Some(c.clone()));
            assert_eq!(ResetCode::parse(&shown.to_lowercase()), Some(c.clone()));
            assert_eq!(ResetCode::parse(&shown.replace('-', "　")), Some(c));
        }
        assert!(ResetCode::parse("ABCDE-FGHJ").is_none());
        assert!(ResetCode::parse("ABCDE-FGHJ0").is_none());
        assert!(
            ResetCode::parse("ABCD-EFGH-JKMN").is_none(),
            "a registration code"
        );
        assert!(ResetCode::parse("").is_none());
    }

    #[test]
    fn never_printed_by_debug() {
        let c = ResetCode::generate(&mut rng());
        assert_eq!(format!("{c:?}"), "ResetCode(…)");
    }

    #[test]
    fn validity_and_hint() {
        assert_eq!(RESET_CODE_VALIDITY.in_seconds(), 2 * 86_400);
        assert_eq!(RESET_CODE_VALIDITY.to_string(), "2天");
        assert_eq!(
            ResetCode::format_hint(),
            "重置码共10位，由数字2-9和大写字母（不含 I、L、O）组成，例如 ABCDE-FGHJK"
        );
    }
}
