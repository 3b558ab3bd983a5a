//! 两制 (domain reference §7.3): the yearly 团员教育评议 of a branch and the 团籍注册 that
//! follows from it.
//!
//! - The branch's admin records every member's grade (优秀, 合格, 基本合格, 不合格) and
//!   submits the branch's round; the superior certifies it (审核认证) or returns it with a
//!   comment; a certified round is locked.
//! - 团籍注册 follows from a certified grade: 基本合格 or better is 已注册; 不合格 is
//!   暂缓注册 or 不予注册, by the branch's choice, with a reason (`GradeEntry`).
//! - A round is for a year: this year's or, until it is done, last year's (`ReviewYear`).

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::enums::{Choice, ChoiceError, choices};
use crate::error_code::ErrorCode;
use crate::text::{BoundedText, TextError};

/// A reason for not registering a member is at most this many characters.
pub const UNREGISTERED_REASON_MAX: usize = 200;

choices! {
    /// 评议等次.
    Grade, field: "评议等次", hint: None,
    {
        Excellent => "excellent", "优秀";
        Qualified => "qualified", "合格";
        Basic => "basic", "基本合格";
        Unqualified => "unqualified", "不合格";
    }
}

choices! {
    /// What the branch decides for a member graded 不合格.
    Unregistered, field: "注册意见", hint: None,
    {
        /// 暂缓注册: helped, with a later chance.
        Deferred => "deferred", "暂缓注册", "暂缓";
        /// 不予注册.
        Refused => "refused", "不予注册", "不予";
    }
}

choices! {
    /// A member's 团籍注册 for a year, as certified.
    Registration, field: "注册结果", hint: None,
    {
        Registered => "registered", "已注册";
        Deferred => "deferred", "暂缓注册";
        Refused => "refused", "不予注册";
    }
}

choices! {
    /// Where a branch's round of a year stands. `NotStarted` is never stored: it is a branch
    /// with no round row for the year.
    RoundState, field: "评议进度", hint: None,
    {
        NotStarted => "not_started", "未开始";
        Recording => "recording", "录入中";
        /// Returned by the superior with a comment; recorded again and resubmitted.
        Returned => "returned", "已退回";
        Submitted => "submitted", "已提交";
        Certified => "certified", "已认证";
    }
}

impl RoundState {
    /// The branch may still change grades.
    pub fn editable(self) -> bool {
        matches!(
            self,
            RoundState::NotStarted | RoundState::Recording | RoundState::Returned
        )
    }
}

/// One member's grade as the branch records it: a grade that registers, or 不合格 with the
/// branch's choice and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GradeEntry {
    Registers(Grade),
    Unqualified {
        choice: Unregistered,
        reason: BoundedText<UNREGISTERED_REASON_MAX>,
    },
}

/// Why a member's grade cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GradeError {
    #[error("{0}")]
    Grade(ChoiceError),
    #[error("{0}")]
    Choice(ChoiceError),
    #[error("评议为不合格的团员，请选择“暂缓注册”或“不予注册”")]
    ChoiceMissing,
    #[error("评议为不合格的团员，请填写暂缓注册或不予注册的原因（{max}字以内）")]
    ReasonMissing { max: usize },
    #[error("{0}")]
    Reason(TextError),
}

impl GradeError {
    pub fn code(&self) -> ErrorCode {
        match self {
            GradeError::Grade(_) | GradeError::Choice(_) => ErrorCode::GradeInvalid,
            GradeError::ChoiceMissing | GradeError::ReasonMissing { .. } => {
                ErrorCode::UnregisteredReasonRequired
            }
            GradeError::Reason(e) => e.code(),
        }
    }

    /// The input the fault is about: `grade`, `choice` or `reason`.
    pub fn field(&self) -> &'static str {
        match self {
            GradeError::Grade(_) => "grade",
            GradeError::Choice(_) | GradeError::ChoiceMissing => "choice",
            GradeError::ReasonMissing { .. } | GradeError::Reason(_) => "reason",
        }
    }
}

impl GradeEntry {
    /// The grade with, for 不合格, the choice and reason; both are ignored for other grades
    /// (a form keeps them hidden but may send them).
    pub fn parse(grade: &str, choice: &str, reason: &str) -> Result<Self, GradeError> {
        let grade = <Grade as Choice>::parse(grade).map_err(GradeError::Grade)?;
        if grade != Grade::Unqualified {
            return Ok(GradeEntry::Registers(grade));
        }
        let choice = match choice.trim() {
            "" => return Err(GradeError::ChoiceMissing),
            c => <Unregistered as Choice>::parse(c).map_err(GradeError::Choice)?,
        };
        if reason.trim().is_empty() {
            return Err(GradeError::ReasonMissing {
                max: UNREGISTERED_REASON_MAX,
            });
        }
        let reason = BoundedText::parse(reason, "原因").map_err(GradeError::Reason)?;
        Ok(GradeEntry::Unqualified { choice, reason })
    }

    pub fn grade(&self) -> Grade {
        match self {
            GradeEntry::Registers(g) => *g,
            GradeEntry::Unqualified { .. } => Grade::Unqualified,
        }
    }

    pub fn choice(&self) -> Option<Unregistered> {
        match self {
            GradeEntry::Registers(_) => None,
            GradeEntry::Unqualified { choice, .. } => Some(*choice),
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            GradeEntry::Registers(_) => None,
            GradeEntry::Unqualified { reason, .. } => Some(reason.as_str()),
        }
    }

    /// The 团籍注册 the grade gives once certified.
    pub fn registration(&self) -> Registration {
        registration(self.grade(), self.choice())
    }
}

/// The 团籍注册 of a certified grade: 基本合格 or better registers; 不合格 follows the
/// branch's choice (暂缓 when none was stored, the milder one).
pub fn registration(grade: Grade, choice: Option<Unregistered>) -> Registration {
    match (grade, choice) {
        (Grade::Unqualified, Some(Unregistered::Refused)) => Registration::Refused,
        (Grade::Unqualified, _) => Registration::Deferred,
        _ => Registration::Registered,
    }
}

/// The year a round is for: this year's, or last year's (评议 of a year is often done in the
/// first months of the next).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReviewYear(i32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("评议年度“{given}”不对：只能办理{last}年度或{this}年度的团员教育评议")]
pub struct ReviewYearError {
    pub given: String,
    pub last: i32,
    pub this: i32,
}

impl ReviewYear {
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, ReviewYearError> {
        let this = today.year();
        let err = || ReviewYearError {
            given: input.chars().take(20).collect(),
            last: this - 1,
            this,
        };
        let year: i32 = input
            .trim()
            .trim_end_matches('年')
            .parse()
            .map_err(|_| err())?;
        if year == this || year == this - 1 {
            Ok(Self(year))
        } else {
            Err(err())
        }
    }

    /// The year rounds are opened for when none is asked: this year.
    pub fn current(today: NaiveDate) -> Self {
        Self(today.year())
    }

    /// The years a round may be for, newest first.
    pub fn choices(today: NaiveDate) -> [Self; 2] {
        [Self(today.year()), Self(today.year() - 1)]
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for ReviewYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl ReviewYearError {
    pub fn code(&self) -> ErrorCode {
        ErrorCode::ReviewYearInvalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn grades_register_down_to_basic() {
        for (g, want) in [
            ("优秀", Registration::Registered),
            ("合格", Registration::Registered),
            ("基本合格", Registration::Registered),
        ] {
            assert_eq!(GradeEntry::parse(g, "", "").unwrap().registration(), want);
        }
        let e = GradeEntry::parse("不合格", "不予注册", "长期不参加组织生活").unwrap();
        assert_eq!(e.registration(), Registration::Refused);
        assert_eq!(e.reason(), Some("长期不参加组织生活"));
        let e = GradeEntry::parse("unqualified", "deferred", "帮助教育").unwrap();
        assert_eq!(e.registration(), Registration::Deferred);
    }

    #[test]
    fn unqualified_needs_a_choice_and_a_reason() {
        assert_eq!(
            GradeEntry::parse("不合格", "", "原因").unwrap_err(),
            GradeError::ChoiceMissing
        );
        let e = GradeEntry::parse("不合格", "暂缓注册", "  ").unwrap_err();
        assert_eq!(e.code(), ErrorCode::UnregisteredReasonRequired);
        assert_eq!(e.field(), "reason");
        let e = GradeEntry::parse("良好", "", "").unwrap_err();
        assert_eq!(e.code(), ErrorCode::GradeInvalid);
        assert!(
            e.to_string().contains("优秀、合格、基本合格、不合格"),
            "{e}"
        );
        let e = GradeEntry::parse("不合格", "开除", "x").unwrap_err();
        assert_eq!(e.field(), "choice");
        let long = "字".repeat(UNREGISTERED_REASON_MAX + 1);
        assert_eq!(
            GradeEntry::parse("不合格", "暂缓注册", &long)
                .unwrap_err()
                .field(),
            "reason"
        );
        // A choice sent with a registering grade is ignored, not an error.
        assert_eq!(
            GradeEntry::parse("合格", "不予注册", "x").unwrap(),
            GradeEntry::Registers(Grade::Qualified)
        );
    }

    #[test]
    fn a_round_is_for_this_year_or_last() {
        let today = day(2026, 12, 4);
        assert_eq!(ReviewYear::parse("2026", today).unwrap().get(), 2026);
        assert_eq!(ReviewYear::parse("2025年", today).unwrap().get(), 2025);
        for bad in ["2024", "2027", "x", ""] {
            let e = ReviewYear::parse(bad, today).unwrap_err();
            assert!(e.to_string().contains("2025年度或2026年度"), "{e}");
        }
        assert_eq!(
            ReviewYear::choices(day(2027, 1, 1)).map(ReviewYear::get),
            [2027, 2026]
        );
    }

    #[test]
    fn codes_round_trip() {
        for g in Grade::ALL {
            assert_eq!(Grade::from_code(g.code()), Some(*g));
        }
        for s in RoundState::ALL {
            assert_eq!(RoundState::from_code(s.code()), Some(*s));
        }
        assert!(RoundState::Returned.editable());
        assert!(!RoundState::Submitted.editable() && !RoundState::Certified.editable());
    }
}
