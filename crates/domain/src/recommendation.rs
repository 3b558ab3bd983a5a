//! 推优入党 (domain reference §7.4): the branch recommends a member to the Party (推荐为入党
//! 积极分子, with the 推荐时间 and the scanned form) and later records the confirmation (确定为
//! 发展对象, with the 确定时间 and its form); the branch's direct superior approves each step or
//! returns it with a comment; once the member joins the Party the branch records the month.
//! The member's 入党申请 fields follow the approved recommendation, the 入党 month the last step.
//!
//! - Only a member in good standing is recommended, at least `MIN_AGE` on the 推荐时间 (the
//!   Party admits from 18), who has applied to the Party no later than that month.
//! - Dates never lie in the future, and each step comes no earlier than the one before.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::enums::{Choice, ChoiceError, choices};
use crate::error_code::ErrorCode;
use crate::id_number::IdNumber;
use crate::join_month::JoinMonth;
use crate::leaving::anniversary;

/// The Party admits from this age: a recommendation needs the member to have reached it.
pub const MIN_AGE: u32 = 18;

/// A recommendation's form is one PDF of at most this many bytes (the archive's limit).
pub const FORM_MAX_BYTES: u64 = 20 * 1024 * 1024;

choices! {
    /// Where a member's 推优入党 stands. One row per member walks through these.
    RecStatus, field: "推优进度", hint: None,
    {
        RecommendPending => "recommend_pending", "推荐待上级审批";
        RecommendReturned => "recommend_returned", "推荐已退回";
        Recommended => "recommended", "已推荐为入党积极分子";
        ConfirmPending => "confirm_pending", "确定发展对象待上级审批";
        ConfirmReturned => "confirm_returned", "确定发展对象已退回";
        Confirmed => "confirmed", "已确定为发展对象";
        Joined => "joined", "已入党";
    }
}

/// The two steps the branch records with a form and the superior approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 推荐为入党积极分子.
    Recommend,
    /// 确定为发展对象.
    Confirm,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Recommend => "recommend",
            Stage::Confirm => "confirm",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Recommend => "推荐为入党积极分子",
            Stage::Confirm => "确定为发展对象",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "recommend" => Some(Stage::Recommend),
            "confirm" => Some(Stage::Confirm),
            _ => None,
        }
    }

    /// The state while the step waits for the superior.
    pub fn pending(self) -> RecStatus {
        match self {
            Stage::Recommend => RecStatus::RecommendPending,
            Stage::Confirm => RecStatus::ConfirmPending,
        }
    }
}

impl RecStatus {
    /// The step waiting for the superior, if any.
    pub fn waiting(self) -> Option<Stage> {
        match self {
            RecStatus::RecommendPending => Some(Stage::Recommend),
            RecStatus::ConfirmPending => Some(Stage::Confirm),
            _ => None,
        }
    }

    /// The state after the superior's approval (`true`) or return of the waiting step.
    pub fn decided(self, approve: bool) -> Option<RecStatus> {
        Some(match (self.waiting()?, approve) {
            (Stage::Recommend, true) => RecStatus::Recommended,
            (Stage::Recommend, false) => RecStatus::RecommendReturned,
            (Stage::Confirm, true) => RecStatus::Confirmed,
            (Stage::Confirm, false) => RecStatus::ConfirmReturned,
        })
    }

    /// Whether the branch may record `stage` now (`None`: nothing recorded yet).
    pub fn allows(state: Option<RecStatus>, stage: Stage) -> bool {
        matches!(
            (state, stage),
            (None | Some(RecStatus::RecommendReturned), Stage::Recommend)
                | (
                    Some(RecStatus::Recommended | RecStatus::ConfirmReturned),
                    Stage::Confirm
                )
        )
    }
}

/// Why a step cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecError {
    #[error("{what}格式不对，请填写如 2026-05-01 的日期")]
    DateFormat { what: &'static str },
    #[error("{what}不能晚于今天")]
    DateInFuture { what: &'static str },
    #[error("{0}")]
    Month(String),
    #[error("推荐时该团员未满{MIN_AGE}周岁（{on}才满{MIN_AGE}周岁），不能推荐入党")]
    TooYoung { on: NaiveDate },
    #[error("推荐时间（{date}）早于入党申请年月（{applied}），请核对")]
    BeforeApplication { date: NaiveDate, applied: JoinMonth },
    #[error("{what}（{date}）早于{before_what}（{before}），请核对")]
    BeforeEarlier {
        what: &'static str,
        date: String,
        before_what: &'static str,
        before: String,
    },
}

impl RecError {
    pub fn code(&self) -> ErrorCode {
        match self {
            RecError::TooYoung { .. } => ErrorCode::RecommendTooYoung,
            _ => ErrorCode::RecommendDateInvalid,
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            RecError::Month(_) | RecError::BeforeApplication { .. } => "applied_month",
            RecError::TooYoung { .. } => "date",
            _ => "date",
        }
    }
}

/// A step's date as typed (`2026-05-01`), not after today.
pub fn parse_date(
    input: &str,
    what: &'static str,
    today: NaiveDate,
) -> Result<NaiveDate, RecError> {
    let t = input.trim().replace('/', "-");
    let day =
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| RecError::DateFormat { what })?;
    if day > today {
        return Err(RecError::DateInFuture { what });
    }
    Ok(day)
}

/// The 入党申请 month as typed, in the forms the member record accepts.
pub fn parse_applied_month(input: &str, today: NaiveDate) -> Result<JoinMonth, RecError> {
    JoinMonth::parse_on(input, today)
        .map_err(|e| RecError::Month(e.to_string().replace("入团年月", "入党申请年月")))
}

/// A recommendation as the branch records it: the member is old enough on the day and applied
/// no later than that month.
pub fn check_recommendation(
    id: &IdNumber,
    date: NaiveDate,
    applied: JoinMonth,
) -> Result<(), RecError> {
    let of_age = anniversary(id.birth_date(), MIN_AGE);
    if date < of_age {
        return Err(RecError::TooYoung { on: of_age });
    }
    if (applied.year(), applied.month()) > (date.year(), date.month()) {
        return Err(RecError::BeforeApplication { date, applied });
    }
    Ok(())
}

/// A later step's date is not before the earlier one's.
pub fn check_order(
    what: &'static str,
    date: NaiveDate,
    before_what: &'static str,
    before: NaiveDate,
) -> Result<(), RecError> {
    if date < before {
        return Err(RecError::BeforeEarlier {
            what,
            date: date.to_string(),
            before_what,
            before: before.to_string(),
        });
    }
    Ok(())
}

/// The 入党 month is not before the month the member was confirmed.
pub fn check_joined(joined: JoinMonth, confirmed: NaiveDate) -> Result<(), RecError> {
    if (joined.year(), joined.month()) < (confirmed.year(), confirmed.month()) {
        return Err(RecError::BeforeEarlier {
            what: "入党年月",
            date: joined.to_string(),
            before_what: "确定为发展对象的时间",
            before: confirmed.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_steps_go_in_order() {
        assert!(RecStatus::allows(None, Stage::Recommend));
        assert!(!RecStatus::allows(None, Stage::Confirm));
        assert!(RecStatus::allows(
            Some(RecStatus::RecommendReturned),
            Stage::Recommend
        ));
        assert!(!RecStatus::allows(
            Some(RecStatus::RecommendPending),
            Stage::Recommend
        ));
        assert!(RecStatus::allows(
            Some(RecStatus::Recommended),
            Stage::Confirm
        ));
        assert!(RecStatus::allows(
            Some(RecStatus::ConfirmReturned),
            Stage::Confirm
        ));
        assert!(!RecStatus::allows(
            Some(RecStatus::Confirmed),
            Stage::Recommend
        ));
        assert_eq!(
            RecStatus::RecommendPending.decided(true),
            Some(RecStatus::Recommended)
        );
        assert_eq!(
            RecStatus::ConfirmPending.decided(false),
            Some(RecStatus::ConfirmReturned)
        );
        assert_eq!(RecStatus::Recommended.decided(true), None);
        for s in RecStatus::ALL {
            assert_eq!(RecStatus::from_code(s.code()), Some(*s));
        }
    }

    #[test]
    fn a_recommendation_needs_18_and_an_application() {
        let id = IdNumber::from_first17("44010620080515123");
        let applied = JoinMonth::parse_on("2026-05", d(2026, 12, 4)).unwrap();
        // 18 on 2026-05-15.
        let e = check_recommendation(&id, d(2026, 5, 14), applied).unwrap_err();
        assert_eq!(e.code(), ErrorCode::RecommendTooYoung);
        assert!(e.to_string().contains("2026-05-15"), "{e}");
        assert!(check_recommendation(&id, d(2026, 5, 15), applied).is_ok());
        let late = JoinMonth::parse_on("2026-06", d(2026, 12, 4)).unwrap();
        let e = check_recommendation(&id, d(2026, 5, 20), late).unwrap_err();
        assert_eq!(e.field(), "applied_month");
        assert!(check_order("确定时间", d(2026, 5, 1), "推荐时间", d(2026, 5, 2)).is_err());
        assert!(check_order("确定时间", d(2026, 5, 2), "推荐时间", d(2026, 5, 2)).is_ok());
        let e = parse_applied_month("2026-13", d(2026, 12, 4)).unwrap_err();
        assert!(e.to_string().contains("入党申请年月"), "{e}");
        assert!(parse_date("2026-12-05", "推荐时间", d(2026, 12, 4)).is_err());
        let joined = JoinMonth::parse_on("2026-04", d(2026, 12, 4)).unwrap();
        assert!(check_joined(joined, d(2026, 5, 2)).is_err());
    }
}
