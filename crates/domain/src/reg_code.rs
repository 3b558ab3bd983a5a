//! 管理员注册码: the one-time code a superior's admin hands to the first admin of a new
//! organisation. Twelve characters of `one_time_code::ALPHABET` (31^12 ≈ 2^59), valid
//! `REGISTRATION_CODE_VALIDITY`, revocable, used once.

use rand::Rng;
use serde::Serialize;

use crate::one_time_code::{self, ALPHABET_DESCRIPTION, Validity};

/// A registration code is valid for 20 days from its creation.
pub const REGISTRATION_CODE_VALIDITY: Validity = Validity::days(20);

/// A well-formed code, held and compared without separators, in capitals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegCode(String);

impl RegCode {
    pub const LEN: usize = 12;
    /// Characters per group when shown: ABCD-EFGH-JKMN.
    const GROUP: usize = 4;

    pub fn generate(rng: &mut impl Rng) -> Self {
        Self(one_time_code::generate(rng, Self::LEN))
    }

    /// Accepts any case, with or without dashes and spaces (also full-width). `None` when it
    /// cannot be a code.
    pub fn parse(input: &str) -> Option<Self> {
        one_time_code::normalise(input, Self::LEN).map(Self)
    }

    /// Without separators, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped by four for reading aloud and typing: ABCD-EFGH-JKMN.
    pub fn display(&self) -> String {
        one_time_code::grouped(&self.0, Self::GROUP)
    }

    /// What a well-formed code looks like, for the message to someone who typed a wrong one.
    pub fn format_hint() -> String {
        format!(
            "注册码共{}位，由{ALPHABET_DESCRIPTION}组成，例如 {}",
            Self::LEN,
            Self("ABCDEFGHJKMN".into()).display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::one_time_code::tests::rng;

    #[test]
    fn generated_codes_parse_back() {
        let mut rng = rng();
        for _ in 0..200 {
            let c = RegCode::generate(&mut rng);
            assert_eq!(c.as_str().len(), RegCode::LEN);
            let shown = c.display();
            assert_eq!(shown.len(), 14);
            assert_eq!(shown.matches('-').count(), 2);
            assert_eq!(RegCode::parse(&shown), Some(c.clone()));
            assert_eq!(RegCode::parse(&shown.to_lowercase()), Some(c.clone()));
            assert_eq!(RegCode::parse(&shown.replace('-', " ")), Some(c));
        }
    }

    #[test]
    fn malformed_codes_do_not_parse() {
        assert!(RegCode::parse("ABCD-EFGH-JKM").is_none());
        assert!(RegCode::parse("ABCD-EFGH-JKMNP").is_none());
        assert!(RegCode::parse("ABCD-EFGH-JKM0").is_none());
        assert!(RegCode::parse("ABCD-EFGH-JKMI").is_none());
        assert!(RegCode::parse("CODE-FOR-GZ").is_none());
        assert!(RegCode::parse("").is_none());
        assert_eq!(
            RegCode::parse(" abcd efgh jkmn ").map(|c| c.display()),
            Some("ABCD-EFGH-JKMN".into())
        );
        assert_eq!(
            RegCode::parse("ａbcd－efgh　jkmn").map(|c| c.display()),
            None,
            "full-width letters are not read as codes"
        );
        assert_eq!(
            RegCode::parse("abcd－efgh　jkmn").map(|c| c.display()),
            Some("ABCD-EFGH-JKMN".into())
        );
    }

    #[test]
    fn validity_and_hint() {
        assert_eq!(REGISTRATION_CODE_VALIDITY.in_seconds(), 20 * 86_400);
        assert_eq!(REGISTRATION_CODE_VALIDITY.to_string(), "20天");
        assert_eq!(
            RegCode::format_hint(),
            "注册码共12位，由数字2-9和大写字母（不含 I、L、O）组成，例如 ABCD-EFGH-JKMN"
        );
    }
}
