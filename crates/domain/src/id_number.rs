//! Resident ID numbers (GB 11643-1999): the username of every person in the system.

use crate::error_code::ErrorCode;
use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::address_codes;

/// Weights of the ISO 7064 MOD 11-2 check over the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder 0..=10.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// A valid 18-character ID number, upper-case X. Holding one proves the check character,
/// birth date and form are right.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号码不能为空")]
    Empty,
    #[error("身份证号码应为18位（旧的15位号码也可），现在是{0}位")]
    BadLength(usize),
    #[error("身份证号码只能由数字组成，最后一位可以是X")]
    BadCharacter,
    #[error("身份证号码中的出生日期 {0} 不是有效日期")]
    BadBirthDate(String),
    #[error("身份证号码中的出生日期 {0} 晚于今天")]
    FutureBirthDate(String),
    #[error("身份证号码校验位错误：最后一位应为 {expected}，请核对号码是否抄错")]
    BadCheck { expected: char },
}

impl IdNumberError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::IdNumberInvalid
    }
}

pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

impl IdNumber {
    /// Parses an 18-digit number (lower-case x accepted) or converts an old 15-digit one.
    /// Surrounding spaces are ignored; full-width digits are accepted since people type them.
    pub fn parse(input: &str) -> Result<Self, IdNumberError> {
        Self::parse_on(input, chrono::Local::now().date_naive())
    }

    /// As `parse`, judging "future birth date" against `today` (for tests).
    pub fn parse_on(input: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let normalized: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                'x' | 'ｘ' | 'Ｘ' => 'X',
                other => other,
            })
            .collect();
        let len = normalized.chars().count();
        match len {
            0 => Err(IdNumberError::Empty),
            15 => {
                if !normalized.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdNumberError::BadCharacter);
                }
                let mut first17 = String::with_capacity(18);
                first17.push_str(&normalized[..6]);
                first17.push_str("19");
                first17.push_str(&normalized[6..]);
                let check = check_char(first17.as_bytes());
                first17.push(check);
                Self::checked(first17, today)
            }
            18 => {
                let bytes = normalized.as_bytes();
                if bytes.len() != 18
                    || !bytes[..17].iter().all(u8::is_ascii_digit)
                    || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
                {
                    return Err(IdNumberError::BadCharacter);
                }
                let expected = check_char(&bytes[..17]);
                if expected as u8 != bytes[17] {
                    return Err(IdNumberError::BadCheck { expected });
                }
                Self::checked(normalized, today)
            }
            n => {
                if normalized
                    .chars()
                    .any(|c| !(c.is_ascii_digit() || c == 'X'))
                {
                    Err(IdNumberError::BadCharacter)
                } else {
                    Err(IdNumberError::BadLength(n))
                }
            }
        }
    }

    fn checked(number: String, today: NaiveDate) -> Result<Self, IdNumberError> {
        let digits = &number[6..14];
        let date = NaiveDate::parse_from_str(digits, "%Y%m%d")
            .map_err(|_| IdNumberError::BadBirthDate(digits.to_string()))?;
        if date > today {
            return Err(IdNumberError::FutureBirthDate(
                date.format("%Y-%m-%d").to_string(),
            ));
        }
        Ok(Self(number))
    }

    /// Builds the number for the given first 17 digits, appending the check character.
    /// Used by the demo generator; panics on malformed input, which is a programming error.
    pub fn from_first17(first17: &str) -> Self {
        assert!(first17.len() == 17 && first17.bytes().all(|b| b.is_ascii_digit()));
        let mut s = first17.to_string();
        s.push(check_char(first17.as_bytes()));
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn address_code(&self) -> &str {
        &self.0[..6]
    }

    /// Two-digit province prefix of the address code (11 北京 … 65 新疆).
    pub fn province_prefix(&self) -> &str {
        &self.0[..2]
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("checked at parse")
    }

    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Full years of age on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        let birth = self.birth_date();
        let mut age = day.year() - birth.year();
        if (day.month(), day.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }

    /// The initial password of an account created for this person: the last 8 characters.
    pub fn initial_password(&self) -> &str {
        &self.0[10..]
    }

    /// For lists: first 6 and last 4 characters shown.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// An address code missing from the GB/T 2260 table is not a rejection: the table may lag
    /// behind new codes. Callers show this as a warning.
    pub fn address_warning(&self) -> Option<String> {
        if address_codes::lookup(self.address_code()).is_some() {
            None
        } else {
            Some(format!(
                "身份证号码前6位地址码 {} 不在行政区划代码表中，请核对号码；确认无误可以继续",
                self.address_code()
            ))
        }
    }

    /// County name of the address code, when known.
    pub fn address_name(&self) -> Option<&'static str> {
        address_codes::lookup(self.address_code())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Never print a full ID number in logs by accident: Debug shows the masked form.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn standard_vectors_parse() {
        let a = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(
            a.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(a.sex(), Sex::Female);
        assert_eq!(a.address_code(), "110105");
        let b = IdNumber::parse("440524188001010014").unwrap();
        assert_eq!(b.birth_date(), NaiveDate::from_ymd_opt(1880, 1, 1).unwrap());
        assert_eq!(b.sex(), Sex::Male);
    }

    #[test]
    fn lower_case_x_and_spaces_and_full_width() {
        let a = IdNumber::parse(" 11010519491231002x ").unwrap();
        assert_eq!(a.as_str(), "11010519491231002X");
        let b = IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ").unwrap();
        assert_eq!(b, a);
    }

    #[test]
    fn fifteen_digits_convert() {
        // 110105491231002 is the 15-digit form of the standard's first vector.
        let a = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(a.as_str(), "11010519491231002X");
    }

    #[test]
    fn faults_are_told_apart() {
        assert_eq!(IdNumber::parse(""), Err(IdNumberError::Empty));
        assert_eq!(IdNumber::parse("1234"), Err(IdNumberError::BadLength(4)));
        assert_eq!(
            IdNumber::parse("11010519491231002A"),
            Err(IdNumberError::BadCharacter)
        );
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::BadCheck { expected: 'X' })
        );
        assert!(matches!(
            IdNumber::parse_on(
                &IdNumber::from_first17("11010519490231002").to_string(),
                today()
            ),
            Err(IdNumberError::BadBirthDate(_))
        ));
        assert!(matches!(
            IdNumber::parse_on(
                &IdNumber::from_first17("11010520300101002").to_string(),
                today()
            ),
            Err(IdNumberError::FutureBirthDate(_))
        ));
    }

    #[test]
    fn age_turns_on_the_birthday() {
        let id = IdNumber::from_first17("11010520100615001");
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2023, 6, 14).unwrap()), 12);
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2023, 6, 15).unwrap()), 13);
    }

    #[test]
    fn masks_and_initial_password() {
        let a = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(a.masked(), "110105********002X");
        assert_eq!(a.initial_password(), "1231002X");
        assert_eq!(format!("{a:?}"), "IdNumber(110105********002X)");
    }

    #[test]
    fn unknown_address_code_is_a_warning() {
        let known = IdNumber::parse("11010519491231002X").unwrap();
        assert!(known.address_warning().is_none());
        let unknown = IdNumber::from_first17("99999919900101001");
        assert!(unknown.address_warning().unwrap().contains("999999"));
    }

    fn valid_first17() -> impl Strategy<Value = String> {
        (
            0usize..address_codes::all().len(),
            1900i32..2020,
            1u32..=12,
            1u32..=28,
            0u32..1000,
        )
            .prop_map(|(i, y, m, d, seq)| {
                format!("{}{y:04}{m:02}{d:02}{seq:03}", address_codes::all()[i].0)
            })
    }

    proptest! {
        #[test]
        fn every_generated_number_parses(first17 in valid_first17()) {
            let id = IdNumber::from_first17(&first17);
            let parsed = IdNumber::parse(id.as_str()).unwrap();
            prop_assert_eq!(&parsed, &id);
            prop_assert!(parsed.address_warning().is_none());
        }

        #[test]
        fn any_single_digit_change_is_caught(first17 in valid_first17(), pos in 0usize..18, delta in 1u8..10) {
            let id = IdNumber::from_first17(&first17);
            let mut bytes = id.as_str().as_bytes().to_vec();
            if pos == 17 {
                // Replace the check character with any other character of its alphabet.
                let alphabet = b"0123456789X";
                let cur = alphabet.iter().position(|&c| c == bytes[17]).unwrap();
                bytes[17] = alphabet[(cur + delta as usize) % 11];
            } else {
                bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            }
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed).is_err());
        }
    }
}
