//! A branch's rating of a year: where it stands (`RatingState`), the year asked (`RatingYear`),
//! a score as typed (`parse_score`) and how stars read (`stars_text`).

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::standard::StarItem;
use crate::enums::{Choice, ChoiceError, choices};
use crate::error_code::ErrorCode;

/// A note on an item is at most this many characters.
pub const NOTE_MAX: usize = 200;

choices! {
    /// Where a branch's rating of a year stands. `NotStarted` is never stored: it is a branch
    /// with no rating row for the year.
    RatingState, field: "定级进度", hint: None,
    {
        NotStarted => "not_started", "未开始";
        Assessing => "assessing", "自评中";
        Submitted => "submitted", "已提交";
        /// Returned by the superior with a comment; corrected and resubmitted.
        Returned => "returned", "已退回";
        Confirmed => "confirmed", "已确认";
    }
}

impl RatingState {
    /// The branch may still change its self-assessment.
    pub fn editable(self) -> bool {
        matches!(
            self,
            RatingState::NotStarted | RatingState::Assessing | RatingState::Returned
        )
    }
}

/// The year of a round: last year, this year or next year (next year's only to configure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RatingYear(i32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("对标定级年度“{given}”不对：只能办理{first}年度至{last}年度的对标定级")]
pub struct RatingYearError {
    pub given: String,
    pub first: i32,
    pub last: i32,
}

impl RatingYearError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::StarYearInvalid
    }
}

impl RatingYear {
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, RatingYearError> {
        let this = today.year();
        let err = || RatingYearError {
            given: input.chars().take(20).collect(),
            first: this - 1,
            last: this + 1,
        };
        let year: i32 = input
            .trim()
            .trim_end_matches('年')
            .parse()
            .map_err(|_| err())?;
        if (this - 1..=this + 1).contains(&year) {
            Ok(Self(year))
        } else {
            Err(err())
        }
    }

    /// The year shown when none is asked: this year.
    pub fn current(today: NaiveDate) -> Self {
        Self(today.year())
    }

    /// The years the pages offer, newest first.
    pub fn choices(today: NaiveDate) -> [Self; 2] {
        [Self(today.year()), Self(today.year() - 1)]
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for RatingYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A score for an item as typed: a whole number from 0 to the item's maximum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{item}”的得分“{given}”不对：请填写0到{max}之间的整数")]
pub struct ScoreError {
    pub item: String,
    pub given: String,
    pub max: u32,
}

impl ScoreError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::StarScoreInvalid
    }
}

pub fn parse_score(input: &str, item: &StarItem) -> Result<u32, ScoreError> {
    let err = || ScoreError {
        item: item.name.clone(),
        given: input.chars().take(20).collect(),
        max: item.max_points,
    };
    let t = input.trim();
    // Digits only: no sign, no fraction, no exponent.
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    match t.parse::<u32>() {
        Ok(n) if n <= item.max_points => Ok(n),
        _ => Err(err()),
    }
}

/// "★★★★ 四星级团支部", or "未定级" below the lowest band.
pub fn stars_text(stars: Option<u8>) -> String {
    match stars {
        Some(n @ 1..=5) => {
            let word = ["", "一", "二", "三", "四", "五"][usize::from(n)];
            format!("{} {word}星级团支部", "★".repeat(usize::from(n)))
        }
        _ => "未定级".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_whole_numbers_up_to_the_item() {
        let item = StarItem {
            name: "组织生活".into(),
            max_points: 20,
        };
        assert_eq!(parse_score("20", &item), Ok(20));
        assert_eq!(parse_score(" 0 ", &item), Ok(0));
        for bad in ["21", "-1", "8.5", "abc", "", "+3", "1e1", "99999999999"] {
            let e = parse_score(bad, &item).unwrap_err();
            assert_eq!(e.code(), ErrorCode::StarScoreInvalid);
            assert!(e.to_string().contains("0到20之间的整数"), "{e}");
        }
    }

    #[test]
    fn years_and_states() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(RatingYear::parse("2027", today).unwrap().get(), 2027);
        assert_eq!(RatingYear::parse("2025年", today).unwrap().get(), 2025);
        for bad in ["2024", "2028", "x", ""] {
            let e = RatingYear::parse(bad, today).unwrap_err();
            assert!(e.to_string().contains("2025年度至2027年度"), "{e}");
        }
        for s in RatingState::ALL {
            assert_eq!(RatingState::from_code(s.code()), Some(*s));
        }
        assert!(RatingState::Returned.editable() && !RatingState::Submitted.editable());
        assert_eq!(stars_text(Some(4)), "★★★★ 四星级团支部");
        assert_eq!(stars_text(None), "未定级");
    }
}
