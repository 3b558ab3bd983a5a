//! What registration codes (`reg_code`) and password reset codes (`reset_code`) share: the
//! alphabet, how a code is generated and how what a person types is read back, how long a code
//! stays valid, and the states a code passes through.

use std::fmt;

use rand::Rng;
use serde::Serialize;

/// Digits and capitals without 0/O, 1/I/L: nothing an admin can misread when passing it on.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// `ALPHABET` as messages describe it to the person typing a code.
pub const ALPHABET_DESCRIPTION: &str = "数字2-9和大写字母（不含 I、L、O）";

const SECONDS_PER_DAY: i64 = 86_400;

/// How long a code is valid from its creation, in whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    days: i64,
}

impl Validity {
    pub const fn days(days: i64) -> Self {
        Self { days }
    }

    pub const fn in_days(self) -> i64 {
        self.days
    }

    pub const fn in_seconds(self) -> i64 {
        self.days * SECONDS_PER_DAY
    }

    /// The last second (Unix time) a code created at `created_at` is valid.
    pub const fn expires_at(self, created_at: i64) -> i64 {
        created_at + self.in_seconds()
    }
}

/// As messages state it: 「20天」.
impl fmt::Display for Validity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}天", self.days)
    }
}

/// `len` characters of `ALPHABET`, uniformly at random.
pub(crate) fn generate(rng: &mut impl Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A typed code in capitals without separators, if it has `len` characters of `ALPHABET`:
/// people type codes in any case, with dashes or spaces (also full-width).
pub(crate) fn normalise(input: &str, len: usize) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | '－' | '—'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == len && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

/// `code` in groups of `size` joined by dashes, for reading aloud and typing.
pub(crate) fn grouped(code: &str, size: usize) -> String {
    code.as_bytes()
        .chunks(size)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Where a code stands. Stored as facts (used, revoked or superseded, the expiry time), so the
/// state is decided here, at the time asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeState {
    Active,
    Expired,
    /// Revoked by an admin, or (reset codes) replaced by a newer code for the same person.
    Revoked,
    Used,
}

impl CodeState {
    pub const ALL: [CodeState; 4] = [
        CodeState::Active,
        CodeState::Expired,
        CodeState::Revoked,
        CodeState::Used,
    ];

    /// The state at Unix time `t`. Used and revoked outrank expiry: they say what happened,
    /// expiry only that time passed. The second `expires_at` itself is still valid.
    pub fn at(t: i64, expires_at: i64, used: bool, revoked: bool) -> Self {
        if used {
            CodeState::Used
        } else if revoked {
            CodeState::Revoked
        } else if t > expires_at {
            CodeState::Expired
        } else {
            CodeState::Active
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CodeState::Active => "active",
            CodeState::Expired => "expired",
            CodeState::Revoked => "revoked",
            CodeState::Used => "used",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CodeState::Active => "有效",
            CodeState::Expired => "已过期",
            CodeState::Revoked => "已作废",
            CodeState::Used => "已使用",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::SeedableRng;

    /// A seeded generator: tests of generation repeat exactly.
    pub(crate) fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(11)
    }

    #[test]
    fn alphabet_has_no_look_alikes() {
        for b in b"01OIL" {
            assert!(!ALPHABET.contains(b));
        }
        assert_eq!(ALPHABET.len(), 31);
        for c in ["I", "L", "O", "2-9"] {
            assert!(ALPHABET_DESCRIPTION.contains(c));
        }
    }

    #[test]
    fn generated_codes_use_the_whole_alphabet_and_nothing_else() {
        let mut rng = rng();
        let all: String = (0..200).map(|_| generate(&mut rng, 10)).collect();
        assert_eq!(all.len(), 2000);
        assert!(all.bytes().all(|b| ALPHABET.contains(&b)));
        assert!(ALPHABET.iter().all(|b| all.as_bytes().contains(b)));
    }

    #[test]
    fn typing_is_forgiving_about_case_and_separators_only() {
        assert_eq!(
            normalise(" ab-cd　ef－gh—jk ", 10).as_deref(),
            Some("ABCDEFGHJK")
        );
        assert_eq!(normalise("ABCDEFGHJK", 9), None);
        assert_eq!(normalise("ABCDEFGHJ0", 10), None);
        assert_eq!(normalise("ABCDEFGHJ_", 10), None);
        assert_eq!(normalise("", 10), None);
    }

    #[test]
    fn grouping() {
        assert_eq!(grouped("ABCDEFGHJKMN", 4), "ABCD-EFGH-JKMN");
        assert_eq!(grouped("ABCDEFGHJK", 5), "ABCDE-FGHJK");
    }

    #[test]
    fn validity() {
        let v = Validity::days(3);
        assert_eq!(v.in_days(), 3);
        assert_eq!(v.in_seconds(), 3 * 86_400);
        assert_eq!(v.expires_at(100), 100 + 3 * 86_400);
        assert_eq!(v.to_string(), "3天");
    }

    #[test]
    fn states() {
        assert_eq!(CodeState::at(10, 10, false, false), CodeState::Active);
        assert_eq!(CodeState::at(11, 10, false, false), CodeState::Expired);
        assert_eq!(CodeState::at(11, 10, false, true), CodeState::Revoked);
        assert_eq!(CodeState::at(0, 10, false, true), CodeState::Revoked);
        assert_eq!(CodeState::at(11, 10, true, true), CodeState::Used);
        let codes: std::collections::HashSet<_> = CodeState::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes.len(), 4);
        for s in CodeState::ALL {
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.code()))
            );
        }
    }
}
